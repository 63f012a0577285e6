"""``techmarket import achievements FILE --org USCC [--publish] [--submit]``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techmarket.accounts.models import Organisation
from techmarket.listings.importing import ImportRejected, import_file


class Command(BaseCommand):
    help = "从 xlsx / csv / jsonl 文件批量导入科技成果或技术需求（全部成功或全部不导入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["achievements", "demands"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="所属机构的统一社会信用代码")
        parser.add_argument("--publish", action="store_true", help="系统导入：直接发布")
        parser.add_argument("--submit", action="store_true", help="导入后提交科技局审核")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(uscc=options["org"].strip().upper()).first()
        if organisation is None:
            raise CommandError(f"找不到统一社会信用代码为 {options['org']} 的机构。")
        started = time.monotonic()
        show = not options["no_progress"]

        def progress(done: int, total: int) -> None:
            if not show:
                return
            elapsed = time.monotonic() - started
            if total:
                filled = int(30 * done / total)
                bar = "█" * filled + "░" * (30 - filled)
                line = f"\r导入中 {bar} {done * 100 // total:3d}% {done}/{total} 行 {elapsed:.0f}s"
            else:
                line = f"\r检查中 {done} 行 {elapsed:.0f}s"
            self.stderr.write(line, ending="")
            self.stderr.flush()

        try:
            result = import_file(
                options["kind"],
                options["file"],
                organisation=organisation,
                publish=options["publish"],
                submit=options["submit"],
                progress=progress,
            )
        except ImportRejected as rejected:
            if show:
                self.stderr.write("")
            for error in rejected.errors[:50]:
                self.stderr.write(
                    f"第{error.row}行 [{error.column}] {error.value!r}：{error.message}"
                )
            raise CommandError(rejected.message) from rejected
        if show:
            self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {result.created}，更新 {result.updated}，未变化 {result.unchanged}。"
            )
        )
