from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from techmarket.vouchers.services import vouchers_expire


class Command(BaseCommand):
    help = "使超过有效期的创新券过期，未使用余额退回专项预算（每晚运行一次）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按指定日期（YYYY-MM-DD）判断，默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        day = date.fromisoformat(options["date"]) if options["date"] else None
        expired = vouchers_expire(day=day)
        numbers = "、".join(v.number for v in expired[:20])
        more = " 等" if len(expired) > 20 else ""
        self.stdout.write(
            f"已过期创新券 {len(expired)} 张{('：' + numbers + more) if expired else ''}。"
        )
