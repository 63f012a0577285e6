"""Build a known-item check set from the CSL paper records, with the recipe that
../shared/data/patent-known-item describes for patents: the problem/benefit sentences of an
abstract (cue words such as 针对/解决/问题/不足/提高) become the query and are removed from
that record's abstract. Ours to develop against (the patent set is evaluation only).

    .venv/bin/python benchmarks/make_known_item_set.py ../../shared/data/csl/csl.jsonl OUT_DIR [--n 300]
        [--one-sentence]

Writes OUT_DIR/achievements.jsonl, demands.jsonl and qrels.tsv in the FORMAT.md layout, for
`techmarket match-eval` or benchmarks/matching_eval_cached.py.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

CUES = ("解决", "克服", "针对", "缺点", "效率低", "问题", "不足", "难以", "提高", "降低")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--one-sentence",
        action="store_true",
        help="a harder variant: only the shortest cue sentence of at least 20 characters is the"
        " query (and only it leaves the abstract), so less of the wording is shared",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    achievements, demands, qrels = [], [], []
    for line in args.source.read_text("utf-8").splitlines():
        r = json.loads(line)
        abstract = r["abstract"] if "。" in r["abstract"] else r["abstract"].replace(".", "。")
        sentences = [s for s in re.split(r"(?<=[。；;！？])", abstract) if s.strip()]
        cue = [s for s in sentences if any(c in s for c in CUES)]
        if args.one_sentence:
            cue = sorted((s for s in cue if len(s) >= 20), key=len)[:1]
        rest = [s for s in sentences if s not in cue]
        record = {
            "id": r["id"],
            "title": r["title"],
            "abstract": r["abstract"],
            "keywords": r.get("keywords") or [],
            # FORMAT.md requires one of nine fields; papers have none, and the queries carry
            # no field, so one constant value neither helps nor hurts any record
            "field": "资源与环境",
        }
        query = "".join(cue)
        if (
            rest
            and len(query) >= (20 if args.one_sentence else 30)
            and len(demands) < args.n
            and rng.random() < 0.5
        ):
            record["abstract"] = "".join(rest)
            demands.append(
                {"id": "Q" + r["id"], "title": query[:30], "description": query, "industry": None}
            )
            qrels.append(("Q" + r["id"], r["id"]))
        achievements.append(record)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("achievements", achievements), ("demands", demands)):
        with (args.out / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (args.out / "qrels.tsv").write_text(
        "demand_id\tachievement_id\tgrade\n" + "".join(f"{q}\t{a}\t3\n" for q, a in qrels),
        encoding="utf-8",
    )
    print(f"{len(achievements)} records, {len(demands)} queries → {args.out}")


if __name__ == "__main__":
    main()
