"""Scale benchmark of the matching engine on a synthetic corpus.

    .venv/bin/python benchmarks/matching_scale.py --n 100000 [--queries 50]

Generates N synthetic achievements from a general technical vocabulary (mixed from the
dev set's wording when ../shared/data is present), then prints: text analysis and lexical
indexing rate (records/s), keyword-search latency (3-term and long-demand queries),
matching latency (top 20 with explanations, random unit vectors standing in for
precomputed e5 vectors; no token vectors, so late interaction falls back to dense), and
peak memory.
"""

from __future__ import annotations

import argparse
import json
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(1)
    vocab = vocabulary()
    records = synthetic(args.n, vocab, rng)
    print(f"{args.n} synthetic achievements, vocabulary {len(vocab)} words")

    t0 = time.perf_counter()
    tokens = [analyse(r.index_text()) for r in records]
    t_an = time.perf_counter() - t0
    t0 = time.perf_counter()
    lexical = LexicalIndex(tokens)
    t_ix = time.perf_counter() - t0
    print(
        f"analysis {args.n / t_an:,.0f} records/s; postings build {args.n / t_ix:,.0f} records/s;"
        f" together {args.n / (t_an + t_ix):,.0f} records/s"
    )
    del tokens

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
        f"keyword search long demand (~30 terms): p50 {pct(long_, 50):.1f} ms, p95 {pct(long_, 95):.1f} ms"
    )

    vecs = np.random.default_rng(0).standard_normal((args.n, 384), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = CorpusIndex(
        records=records,
        lexical=lexical,
        vectors=vecs,
        tokens=None,
        positions={r.id: i for i, r in enumerate(records)},
    )
    times = []
    for _ in range(args.queries):
        words = rng.choices(vocab, k=25)
        demand = DemandRecord("D", "".join(words[:3]), "，".join(words[3:]) + "，耐温不低于200℃")
        qv = vecs[rng.randrange(args.n)] + 0.05
        qv /= np.linalg.norm(qv)
        t0 = time.perf_counter()
        rank_achievements(index, demand, query_vector=qv, top_n=20)
        times.append(time.perf_counter() - t0)
    print(
        f"match a demand (top 20, explanations, dense + BM25): p50 {pct(times, 50):.0f} ms,"
        f" p95 {pct(times, 95):.0f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"peak memory {peak:.2f} GiB")


if __name__ == "__main__":
    main()
