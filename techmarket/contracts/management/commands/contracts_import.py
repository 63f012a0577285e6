"""techmarket contracts_import FILE.xlsx --actor USERNAME: historical import, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from techmarket.accounts.models import User
from techmarket.contracts.imports import contracts_import
from techmarket.core.errors import ApplicationError


class Command(BaseCommand):
    help = "导入历史技术合同（xlsx，全部通过才导入）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--actor", required=True, help="办理导入的科技局工作人员用户名")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"用户“{options['actor']}”不存在。")
        try:
            with options["file"].open("rb") as handle:
                report = contracts_import(actor=actor, file=handle)
        except (ApplicationError, OSError) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        if report.errors:
            for row, column, message in report.errors:
                self.stderr.write(f"第 {row} 行 {column}：{message}")
            raise CommandError(f"发现 {len(report.errors)} 处错误，未导入任何数据。")
        self.stdout.write(f"已导入 {report.created} 份历史技术合同。")
