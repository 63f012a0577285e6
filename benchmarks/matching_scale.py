"""Scale benchmark of the matching engine on a synthetic corpus.

    .venv/bin/python benchmarks/matching_scale.py --n 1000000 [--queries 50] [--workers 2] [--float16]
        [--no-gc-freeze]

Generates N synthetic achievements from a general technical vocabulary (mixed from the
dev set's wording when ../shared/data is present), then prints: text analysis and lexical
indexing rate (records analysed and indexed per wall-clock second, in `--workers`
processes), keyword-search latency (3-term and long-demand queries), matching latency (top
20 with explanations; clustered unit vectors standing in for precomputed e5 vectors; no
token vectors, so late interaction falls back to dense), the recall of the quantised dense
candidates against an exact scan, and peak memory.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import time
from pathlib import Path

import numpy as np

from techmarket.matching.analysis import analyse
from techmarket.matching.engine import CorpusIndex, LexicalIndex, rank_achievements
from techmarket.matching.records import AchievementRecord, DemandRecord

DEV = Path("/work/shared/data/matching-dev")
BASE_WORDS = (  # noqa: SIM905
    "机器视觉 缺陷 检测 印制电路板 焊点 注塑 干燥 水分 在线 监测 废水 脱色 臭氧 催化 氧化 污泥 厌氧 "
    "储能 锂电池 热管理 余热 回收 热泵 光伏 逆变器 电机 减速器 伺服 机器人 折弯 焊接 激光 涂层 "
    "复合材料 石墨烯 陶瓷 合金 热处理 压铸 模具 寿命 密封 耐高温 传感器 物联网 边缘计算 深度学习 "
    "故障诊断 预测性维护 育苗 病虫害 水肥一体化 疫苗 噬菌体 发酵 提取 浓缩 膜分离 中药 检测试剂"
).split()


def vocabulary() -> list[str]:
    words = list(BASE_WORDS)
    if DEV.exists():
        for line in (DEV / "achievements.jsonl").read_text("utf-8").splitlines():
            words += [w for w in analyse(json.loads(line)["abstract"]) if len(w) > 1]
    return sorted(set(words))


def synthetic(n: int, vocab: list[str], rng: random.Random) -> list[AchievementRecord]:
    out = []
    for i in range(n):
        words = rng.choices(vocab, k=rng.randint(25, 45))
        out.append(
            AchievementRecord(f"S{i}", "".join(words[:4]), "，".join(words[4:]), field="新材料")
        )
    return out


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values) * 1000, p))


def clustered_vectors(n: int, dim: int, dtype: type, seed: int = 0) -> np.ndarray:
    """Unit vectors shaped like sentence embeddings: a shared component (e5's vectors all
    lie in a narrow cone), topic centres, and per-record noise. Built in chunks."""
    rng = np.random.default_rng(seed)
    common = rng.standard_normal(dim).astype(np.float32) * 1.5
    centres = rng.standard_normal((max(n // 200, 1), dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=dtype)
    for a in range(0, n, 65536):
        m = min(65536, n - a)
        x = centres[rng.integers(0, len(centres), m)] + common
        x += 0.8 * rng.standard_normal((m, dim), dtype=np.float32)
        x /= np.linalg.norm(x, axis=1, keepdims=True)
        out[a : a + m] = x
    return out


def rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="analysis processes")
    parser.add_argument("--float16", action="store_true", help="keep vectors as float16")
    parser.add_argument(
        "--no-gc-freeze",
        action="store_true",
        help="leave the index in the garbage collector's walks (services.current_index freezes it)",
    )
    args = parser.parse_args()
    rng = random.Random(1)
    vocab = vocabulary()
    records = synthetic(args.n, vocab, rng)
    print(f"{args.n} synthetic achievements, vocabulary {len(vocab)} words; load {os.getloadavg()}")

    texts = [r.index_text() for r in records]
    t0 = time.perf_counter()
    lexical = LexicalIndex.from_texts(texts, workers=args.workers)
    t_ix = time.perf_counter() - t0
    del texts
    postings = len(lexical.doc)
    print(
        f"analysis + postings build ({args.workers} processes): {t_ix:.1f} s,"
        f" {args.n / t_ix:,.0f} records/s; {postings:,} postings, {len(lexical.vocab):,} terms;"
        f" load {os.getloadavg()}"
    )

    short, long_ = [], []
    for _ in range(args.queries):
        q = analyse(" ".join(rng.choices(vocab, k=3)))
        t0 = time.perf_counter()
        s = lexical.scores(q)
        np.argpartition(-s, 20)[:20]
        short.append(time.perf_counter() - t0)
        q = analyse("，".join(rng.choices(vocab, k=30)))
        t0 = time.perf_counter()
        s = lexical.scores(q)
        np.argpartition(-s, 20)[:20]
        long_.append(time.perf_counter() - t0)
    print(f"keyword search 3 terms: p50 {pct(short, 50):.1f} ms, p95 {pct(short, 95):.1f} ms")
    print(
        f"keyword search long demand (~30 terms): p50 {pct(long_, 50):.1f} ms,"
        f" p95 {pct(long_, 95):.1f} ms"
    )

    dtype = np.float16 if args.float16 else np.float32
    vecs = clustered_vectors(args.n, 384, dtype)
    index = CorpusIndex(
        records=records,
        lexical=lexical,
        vectors=vecs,
        tokens=None,
        positions={r.id: i for i, r in enumerate(records)},
    )
    t0 = time.perf_counter()
    if index.quantised:
        index.sign_bits()
    if not args.no_gc_freeze:
        gc.freeze()  # as services.current_index() does after a build
    print(
        f"vectors {vecs.dtype} {vecs.nbytes / 2**30:.2f} GiB; quantised first pass:"
        f" {index.quantised} (built in {time.perf_counter() - t0:.1f} s)"
    )
    times, recall10, recall300 = [], [], []
    nrng = np.random.default_rng(1)
    for _ in range(args.queries):
        words = rng.choices(vocab, k=25)
        demand = DemandRecord("D", "".join(words[:3]), "，".join(words[3:]) + "，耐温不低于200℃")
        qv = vecs[rng.randrange(args.n)].astype(np.float32)
        qv += 0.02 * nrng.standard_normal(384).astype(np.float32)
        qv /= np.linalg.norm(qv)
        t0 = time.perf_counter()
        rank_achievements(index, demand, query_vector=qv, top_n=20)
        times.append(time.perf_counter() - t0)
        # dense candidates of the quantised pass against an exact scan (outside the timing)
        pool, _ = index.dense_pool(qv, 300, None)
        exact = np.argpartition(-(vecs @ qv), 299)[:300]
        exact10 = exact[np.argsort(-(vecs[exact] @ qv))[:10]]
        recall10.append(len(set(exact10) & set(pool.tolist())) / 10)
        recall300.append(len(set(exact) & set(pool.tolist())) / 300)
    print(
        f"match a demand (top 20, explanations, dense + BM25): p50 {pct(times, 50):.0f} ms,"
        f" p95 {pct(times, 95):.0f} ms; dense candidates vs exact scan: recall@10"
        f" {np.mean(recall10):.3f}, recall@300 {np.mean(recall300):.3f}"
    )
    # (RUSAGE_CHILDREN is no measure of the analysis workers: it counts the parent's pages
    # a spawned child shares between fork and exec; a worker's own peak is ~0.12 GiB)
    print(f"peak memory {rss_gib():.2f} GiB (this process); load {os.getloadavg()}")


if __name__ == "__main__":
    main()
