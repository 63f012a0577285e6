from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest

from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.stats import access
from techmarket.stats.models import Target
from techmarket.stats.selectors import indicator_catalogue


@transaction.atomic
def target_set(
    *,
    actor: Any,
    indicator: str,
    year: int,
    value: Decimal,
    request: HttpRequest | None = None,
) -> Target:
    """Set (or change) the annual target of one indicator."""
    access.ensure_can_set_targets(actor)
    catalogue = indicator_catalogue()
    if indicator not in catalogue:
        raise ApplicationError(
            f"指标“{indicator}”不在看板指标中。",
            code="unknown_indicator",
            fields={"indicator": "无效指标"},
        )
    if value <= 0:
        raise ApplicationError(
            "目标值应大于零。", code="target_invalid", fields={"value": "应大于零"}
        )
    if not 2000 <= year <= 2100:
        raise ApplicationError("年度无效。", code="target_invalid", fields={"year": "年度无效"})
    label, unit = catalogue[indicator]
    target = Target.objects.select_for_update().filter(indicator=indicator, year=year).first()
    old = target.value if target else None
    if target is None:
        target = Target(indicator=indicator, year=year)
    target.value, target.unit, target.label, target.set_by = value, unit, label, actor
    target.save()
    audit.record(
        "stats.target_set",
        actor=actor,
        obj=target,
        summary=f"设定 {year} 年目标：{label} {value}{unit}",
        changes={"value": [old, value]},
        request=request,
    )
    return target
