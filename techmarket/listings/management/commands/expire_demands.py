"""``techmarket expire_demands``: expire published demands past their deadline (daily cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from techmarket.listings.services import expire_demands


class Command(BaseCommand):
    help = "将已过截止日期的已发布技术需求标记为“已过期”（建议每天运行一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_demands()
        self.stdout.write(f"已过期的技术需求：{count} 条。")
