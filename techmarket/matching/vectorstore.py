"""Where computed embeddings are kept, keyed by (model name, text hash).

Two stores share one interface: `DatabaseVectorStore` (the product: table
`matching_embedding`) and `SqliteFileVectorStore` (a plain file for the evaluation harness
and benchmarks, so a rerun of the same texts costs nothing). Token vectors (for late
interaction) are stored as float16.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

DIM = 384


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def pack(vec: np.ndarray, tokens: np.ndarray | None) -> tuple[bytes, bytes]:
    tok = b"" if tokens is None else np.asarray(tokens, dtype=np.float16).tobytes()
    return np.asarray(vec, dtype=np.float32).tobytes(), tok


def unpack(vec: bytes, tokens: bytes, dim: int = DIM) -> tuple[np.ndarray, np.ndarray | None]:
    v = np.frombuffer(vec, dtype=np.float32)
    t = np.frombuffer(tokens, dtype=np.float16).reshape(-1, len(v)) if tokens else None
    return v, t


class VectorStore(Protocol):
    def get_many(
        self, model: str, hashes: list[str]
    ) -> dict[str, tuple[np.ndarray, np.ndarray | None]]: ...

    def put_many(
        self, model: str, rows: Iterable[tuple[str, np.ndarray, np.ndarray | None]]
    ) -> None: ...


class SqliteFileVectorStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(path))
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS vec (model TEXT, hash TEXT, vec BLOB, tokens BLOB,"
            " PRIMARY KEY (model, hash))"
        )
        # latent terms derived from the token vectors (matching.sparse), kept apart so that
        # files written before they existed stay readable
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS sparse (model TEXT, hash TEXT, sp BLOB,"
            " PRIMARY KEY (model, hash))"
        )

    def get_many(
        self, model: str, hashes: list[str]
    ) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
        out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for h, v, t in self.conn.execute(
                f"SELECT hash, vec, tokens FROM vec WHERE model=? AND hash IN ({marks})",  # noqa: S608
                [model, *chunk],
            ):
                out[h] = unpack(v, t)
        return out

    def put_many(
        self, model: str, rows: Iterable[tuple[str, np.ndarray, np.ndarray | None]]
    ) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO vec VALUES (?, ?, ?, ?)",
            [(model, h, *pack(v, t)) for h, v, t in rows],
        )
        self.conn.commit()

    def get_sparse(self, model: str, hashes: list[str]) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.conn.execute(
                    f"SELECT hash, sp FROM sparse WHERE model=? AND hash IN ({marks})",  # noqa: S608
                    [model, *chunk],
                ).fetchall()
            )
        return out

    def put_sparse(self, model: str, rows: Iterable[tuple[str, bytes]]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO sparse VALUES (?, ?, ?)", [(model, h, b) for h, b in rows]
        )
        self.conn.commit()


def sparse_cached(
    store: object,
    embedder_name: str,
    texts: list[str],
    tokens: list[np.ndarray | None],
    *,
    is_query: bool,
) -> list[tuple[np.ndarray, np.ndarray] | None] | None:
    """Latent terms (matching.sparse) for texts from their token vectors, cached when the
    store keeps them. None when the embedding model has no sparse head."""
    from techmarket.matching import sparse

    head = sparse.head_for(embedder_name)
    if head is None:
        return None
    model = embedder_name + (":q" if is_query else ":p")
    hashes = [text_hash(t) for t in texts]
    get = getattr(store, "get_sparse", None)
    have: dict[str, bytes] = get(model, sorted(set(hashes))) if get else {}
    new: dict[str, bytes] = {}
    for h, tok in zip(hashes, tokens, strict=True):
        if h not in have and h not in new and tok is not None:
            new[h] = sparse.pack(head.encode(tok, is_query=is_query))
    put = getattr(store, "put_sparse", None)
    if new and put:
        put(model, new.items())
    have.update(new)
    return [sparse.unpack(have.get(h)) for h in hashes]


def embed_cached(
    store: VectorStore,
    embedder: object,
    texts: list[str],
    *,
    is_query: bool,
    batch: int = 32,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, list[np.ndarray | None]]:
    """Vectors for texts, computing (in batches, stored as they finish) only the missing ones.

    A crash loses at most one batch: everything stored before it is reused on restart."""
    model = getattr(embedder, "name", "embedder") + (":q" if is_query else ":p")
    hashes = [text_hash(t) for t in texts]
    have = store.get_many(model, sorted(set(hashes)))
    missing: dict[str, str] = {}
    for h, t in zip(hashes, texts, strict=True):
        if h not in have and h not in missing:
            missing[h] = t
    todo = list(missing.items())
    done = 0
    for i in range(0, len(todo), batch):
        chunk = todo[i : i + batch]
        vecs, toks = embedder.embed_with_tokens([t for _, t in chunk], is_query=is_query)  # type: ignore[attr-defined]
        rows = []
        for j, (h, _) in enumerate(chunk):
            tok = toks[j] if toks else None
            rows.append((h, vecs[j], tok))
            have[h] = (vecs[j], None if tok is None else tok.astype(np.float16))
        store.put_many(model, rows)
        done += len(chunk)
        if progress:
            progress(done, len(todo))
    mat = np.stack([have[h][0] for h in hashes]) if hashes else np.zeros((0, DIM), np.float32)
    return mat.astype(np.float32), [have[h][1] for h in hashes]


class SignBits:
    """Binary-quantised copy of a vector matrix for a fast first pass over many rows.

    Each row keeps one bit per dimension: the sign of its difference from the corpus mean
    (sentence vectors share a large common component, so raw signs would be biased). The
    Hamming distance between bit rows orders rows roughly like cosine similarity; the top
    `rerank` rows of that order are then scored exactly with the float vectors. 384
    dimensions take 48 bytes a row (32× smaller than float32)."""

    def __init__(self, vectors: np.ndarray, *, chunk: int = 65536):
        self.n, self.dim = vectors.shape
        self.mean = vectors.mean(axis=0, dtype=np.float64).astype(np.float32)
        width = -(-self.dim // 64) * 8  # bytes per row, padded to whole 64-bit words
        bits = np.zeros((self.n, width), dtype=np.uint8)
        for a in range(0, self.n, chunk):
            bits[a : a + chunk, : -(-self.dim // 8)] = np.packbits(
                vectors[a : a + chunk] > self.mean, axis=1
            )
        self.words = bits.view(np.uint64)  # (n, width / 8)

    def _query_words(self, query: np.ndarray) -> np.ndarray:
        width = self.words.shape[1] * 8
        bits = np.zeros(width, dtype=np.uint8)
        bits[: -(-self.dim // 8)] = np.packbits(query > self.mean)
        return bits.view(np.uint64)

    def hamming(self, query: np.ndarray, *, chunk: int = 262144) -> np.ndarray:
        q = self._query_words(query)
        out = np.empty(self.n, dtype=np.uint16)
        for a in range(0, self.n, chunk):
            counts = np.bitwise_count(np.bitwise_xor(self.words[a : a + chunk], q))
            part = out[a : a + chunk]
            part[:] = counts[:, 0]
            for j in range(1, counts.shape[1]):  # column adds: far faster than sum(axis=1)
                part += counts[:, j]
        return out

    def top(
        self,
        vectors: np.ndarray,
        query: np.ndarray,
        k: int,
        *,
        rerank: int,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """About the k rows most similar to `query` (indices, exact float scores), best first.

        Rows where `mask` is False are never returned."""
        dist = self.hamming(query)
        if mask is not None:
            dist[~mask] = self.dim + 1  # farther than any real row
            available = int(mask.sum())
        else:
            available = self.n
        r = min(max(rerank, k), available)
        if r <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        pool = self._nearest(dist, r)
        scores = vectors[pool] @ query
        best = np.argsort(-scores, kind="stable")[:k]
        return pool[best], scores[best].astype(np.float32)

    def _nearest(self, dist: np.ndarray, r: int) -> np.ndarray:
        """The r rows of smallest distance (ties broken by row order), ascending rows.

        Distances are small integers, so a histogram finds the cut-off in one pass: cheaper
        than a partition of all N rows."""
        cum = np.cumsum(np.bincount(dist, minlength=self.dim + 2)[: self.dim + 1])
        cut = int(np.searchsorted(cum, r))  # smallest distance with ≥ r rows at or below it
        below = np.flatnonzero(dist < cut)
        at = np.flatnonzero(dist == cut)[: r - len(below)]
        return np.sort(np.concatenate([below, at]))
