"""techmarket contracts_rebuild_summary: recompute the monthly turnover summary from the
registered contracts (after a bulk load outside the services, or after changing
CONTRACTS_REGISTRY_REGION_CODE, which decides what counts as local in the flow figures)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from techmarket.contracts.summary import rebuild


class Command(BaseCommand):
    help = "从已登记合同重建技术合同成交额月度汇总"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        cells = rebuild()
        self.stdout.write(
            f"已重建 {cells} 个汇总单元，用时 {time.perf_counter() - started:.1f} 秒。"
        )
