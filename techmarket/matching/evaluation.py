"""Evaluation helpers shared by `techmarket match-eval` and the benchmarks.

Metrics come from ../shared/tools/rank_eval.py (loaded from MATCHING_RANK_EVAL, or the
shared tools folder), so the figures are computed exactly as the judges compute them.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from techmarket.matching.engine import CorpusIndex, RankWeights, bm25_ranking, rank_achievements
from techmarket.matching.records import (
    AchievementRecord,
    DemandRecord,
    achievement_from_json,
    demand_from_json,
)
from techmarket.matching.vectorstore import VectorStore, embed_cached, sparse_cached

RUN_HEADER = "demand_id\tachievement_id\trank\tscore"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def load_achievements(path: Path) -> list[AchievementRecord]:
    return [achievement_from_json(o) for o in read_jsonl(path)]


def load_demands(path: Path) -> list[DemandRecord]:
    return [demand_from_json(o) for o in read_jsonl(path)]


def rank_eval_module() -> ModuleType:
    candidates = [
        os.environ.get("MATCHING_RANK_EVAL", ""),
        str(Path(__file__).resolve().parents[3] / "shared" / "tools" / "rank_eval.py"),
        "/work/shared/tools/rank_eval.py",
    ]
    for c in candidates:
        if c and Path(c).exists():
            spec = importlib.util.spec_from_file_location("rank_eval", c)
            if spec is None or spec.loader is None:
                continue
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError("找不到 rank_eval.py（可用环境变量 MATCHING_RANK_EVAL 指定）")


def write_run(path: Path, runs: dict[str, list[tuple[str, float]]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(RUN_HEADER + "\n")
        for demand_id, ranked in runs.items():
            for rank, (achievement_id, score) in enumerate(ranked, start=1):
                fh.write(f"{demand_id}\t{achievement_id}\t{rank}\t{score:.6f}\n")


def score_runs(qrels_path: Path, runs: dict[str, list[str]]) -> dict[str, float]:
    module = rank_eval_module()
    return module.score(module.read_qrels(str(qrels_path)), runs, 10)


def evaluate_records(
    achievements: list[AchievementRecord],
    demands: list[DemandRecord],
    *,
    embedder: Any | None,
    store: VectorStore | None,
    top_n: int = 100,
    weights: RankWeights | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[str]]]:
    """Full-matcher runs and plain-BM25 runs for every demand."""
    vectors = tokens = qvecs = None
    qtoks: list[np.ndarray | None] = [None] * len(demands)
    sparse_a: list[Any] | None = None
    sparse_q: list[Any] | None = None
    if embedder is not None and store is not None:
        vectors, tokens = embed_cached(
            store,
            embedder,
            [a.passage_text() for a in achievements],
            is_query=False,
            progress=(lambda a, b: progress("embed", a, b)) if progress else None,
        )
        qvecs, qtoks = embed_cached(
            store, embedder, [d.query_text() for d in demands], is_query=True
        )
        name = getattr(embedder, "name", "")
        sparse_a = sparse_cached(
            store, name, [a.passage_text() for a in achievements], tokens, is_query=False
        )
        sparse_q = sparse_cached(
            store, name, [d.query_text() for d in demands], qtoks, is_query=True
        )
    if tokens:  # float32 once, instead of converting candidates for every demand
        tokens = [None if t is None else t.astype(np.float32) for t in tokens]
    index = CorpusIndex.build(achievements, vectors, tokens, sparse_a)
    runs: dict[str, list[tuple[str, float]]] = {}
    bm25: dict[str, list[str]] = {}
    for i, d in enumerate(demands):
        qt = qtoks[i]
        matches = rank_achievements(
            index,
            d,
            query_vector=None if qvecs is None else qvecs[i],
            query_tokens=None if qt is None else qt.astype(np.float32),
            query_sparse=None if sparse_q is None else sparse_q[i],
            top_n=top_n,
            weights=weights,
            explain=False,
        )
        runs[d.id] = [(m.achievement_id, m.score) for m in matches]
        bm25[d.id] = bm25_ranking(index, d, top_n)
        if progress:
            progress("match", i + 1, len(demands))
    return runs, bm25
