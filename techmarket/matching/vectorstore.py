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
