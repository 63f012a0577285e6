"""techmarket stats_monthly_report [--month YYYY-MM] --output report.pdf (cron: monthly)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from techmarket.stats.reports import monthly_report_pdf


class Command(BaseCommand):
    help = "生成技术合同登记月报 PDF（默认上个月）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", help="YYYY-MM，默认上个月")
        parser.add_argument("--output", required=True, help="输出 PDF 文件路径")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                year, month = (int(p) for p in options["month"].split("-"))
                date(year, month, 1)
            except ValueError as exc:
                raise CommandError("--month 应为 YYYY-MM") from exc
        else:
            last = timezone.localdate().replace(day=1) - timedelta(days=1)
            year, month = last.year, last.month
        path = Path(options["output"])
        path.write_bytes(monthly_report_pdf(year, month))
        self.stdout.write(f"已生成 {year}年{month}月 月报：{path}")
