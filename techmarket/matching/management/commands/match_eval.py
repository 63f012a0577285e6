"""techmarket match-eval --achievements A.jsonl --demands D.jsonl [--qrels Q.tsv] --run OUT.tsv"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

CHILD_FLAG = "TECHMARKET_MATCH_EVAL_CHILD"


class Command(BaseCommand):
    help = (
        "在一个全新的临时数据库中导入成果与需求、建立索引（含语义向量），"
        "为每条需求输出前 100 个匹配成果（TSV），给出 --qrels 时打印评测指标。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--achievements", required=True, type=Path)
        parser.add_argument("--demands", required=True, type=Path)
        parser.add_argument("--qrels", type=Path)
        parser.add_argument("--run", required=True, type=Path)
        parser.add_argument("--top", type=int, default=100)
        parser.add_argument(
            "--vector-cache",
            type=Path,
            help="可选：向量缓存文件（同一文本不重复计算向量），默认不使用",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        for key in ("achievements", "demands"):
            if not opts[key].exists():
                raise CommandError(f"文件不存在：{opts[key]}")
        if os.environ.get(CHILD_FLAG) != "1":
            self._run_in_fresh_database(opts)
            return
        self._evaluate(opts)

    def _run_in_fresh_database(self, opts: dict[str, Any]) -> None:
        with tempfile.TemporaryDirectory(prefix="match-eval-") as tmp:
            env = dict(os.environ)
            env[CHILD_FLAG] = "1"
            env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'eval.sqlite3'}"
            if opts.get("vector_cache"):
                env["MATCHING_VECTOR_CACHE"] = str(opts["vector_cache"].resolve())
            argv = [
                sys.executable,
                "-m",
                "techmarket.cli",
                "match_eval",
                "--achievements",
                str(opts["achievements"].resolve()),
                "--demands",
                str(opts["demands"].resolve()),
                "--run",
                str(opts["run"].resolve()),
                "--top",
                str(opts["top"]),
            ]
            if opts.get("qrels"):
                argv += ["--qrels", str(opts["qrels"].resolve())]
            code = subprocess.call(argv, env=env)  # noqa: S603
            if code:
                raise CommandError(f"评测失败（退出码 {code}）")

    def _evaluate(self, opts: dict[str, Any]) -> None:
        from techmarket.listings.models import Achievement, Demand
        from techmarket.matching import selectors, services
        from techmarket.matching.engine import bm25_ranking
        from techmarket.matching.evaluation import score_runs, write_run
        from techmarket.matching.loading import load_files

        started = time.monotonic()
        call_command("migrate", verbosity=0, interactive=False)
        a_ids, d_ids = load_files(opts["achievements"], opts["demands"])
        self.stdout.write(f"已导入 {len(a_ids)} 项成果、{len(d_ids)} 条需求")

        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / max(total, 1))
            self.stdout.write(
                f"\r语义向量 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}",
                ending="",
            )
            self.stdout.flush()

        services.embed_pending(progress=progress)
        self.stdout.write("")
        built = services.current_index()
        ext_a = dict(Achievement.objects.values_list("pk", "external_id"))
        runs: dict[str, list[tuple[str, float]]] = {}
        bm25: dict[str, list[str]] = {}
        demands = selectors.demand_records(Demand.objects.filter(pk__in=d_ids))
        ext_d = dict(Demand.objects.values_list("pk", "external_id"))
        for n, record in enumerate(demands, start=1):
            matches = services.rank_demand_record(record, top_n=opts["top"], explain=False)
            did = ext_d[int(record.id)]
            runs[did] = [(ext_a[int(m.achievement_id)], m.score) for m in matches]
            bm25[did] = [
                ext_a[int(i)] for i in bm25_ranking(built.achievements, record, opts["top"])
            ]
            if n % 20 == 0 or n == len(demands):
                self.stdout.write(f"\r匹配 {n}/{len(demands)}", ending="")
                self.stdout.flush()
        self.stdout.write("")
        write_run(opts["run"], runs)
        self.stdout.write(f"已写入 {opts['run']}，用时 {time.monotonic() - started:.0f} 秒")
        if opts.get("qrels"):
            full = score_runs(opts["qrels"], {k: [a for a, _ in v] for k, v in runs.items()})
            plain = score_runs(opts["qrels"], bm25)
            self.stdout.write(f"{'指标':<28}{'完整匹配':>10}{'BM25':>10}")
            for key in ("ndcg@10", "mrr@10", "recall@10", "recall@50", "success@1"):
                self.stdout.write(f"{key:<30}{full.get(key, 0):>10.4f}{plain.get(key, 0):>10.4f}")
