"""Demo: this year's targets, set a little above the current pace so progress is visible."""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils import timezone

from techmarket.core.demo import DemoContext
from techmarket.stats.models import Target
from techmarket.stats.selectors import indicators


def load(context: DemoContext) -> None:
    year = timezone.localdate().year
    staff = context.users.get("bureau", (None,))[0]
    for item in indicators(year):
        if item.key not in (
            "contracts.contract_amount",
            "contracts.tech_amount",
            "contracts.count",
        ):
            continue
        if not item.forecast:
            continue
        if item.unit == "元":  # round up to whole 亿元, as bureaus announce targets
            value = Decimal(math.ceil(item.forecast * Decimal("1.08") / 100_000_000) * 100_000_000)
        else:
            value = Decimal(math.ceil(item.forecast * Decimal("1.08") / 100) * 100)
        Target.objects.create(
            indicator=item.key,
            year=year,
            value=value,
            unit=item.unit,
            label=item.label,
            set_by=staff,
        )
    context.notes.append(f"统计看板：{year} 年目标已设定，bureau 用户在“统计看板”查看进度。")
