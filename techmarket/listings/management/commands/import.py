"""``techmarket import achievements FILE --org USCC [--publish] [--submit]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

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
        with Progress(
            TextColumn("导入中"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.completed}/{task.total} 行"),
            TimeElapsedColumn(),
            disable=options["no_progress"],
            transient=False,
        ) as bar:
            task = bar.add_task("import", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or None)

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
                for error in rejected.errors[:50]:
                    self.stderr.write(
                        f"第{error.row}行 [{error.column}] {error.value!r}：{error.message}"
                    )
                raise CommandError(rejected.message) from rejected
        self.stdout.write(
            self.style.SUCCESS(
                f"导入完成：新增 {result.created}，更新 {result.updated}，未变化 {result.unchanged}。"
            )
        )
