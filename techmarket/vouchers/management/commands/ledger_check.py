from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from techmarket.vouchers.models import LedgerEntry
from techmarket.vouchers.services import ledger_differences


class Command(BaseCommand):
    help = "核对创新券账本：由账本分录重新计算专项预算、创新券余额和应付款，与账面余额逐一比对；有差异时以非零状态退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_differences()
        total = LedgerEntry.objects.count()
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(f"账本一致：共 {total} 条分录，所有余额与账本相符。")
            )
            return
        for problem in problems:
            self.stderr.write(str(problem))
        raise CommandError(f"账本不一致：发现 {len(problems)} 处差异。")
