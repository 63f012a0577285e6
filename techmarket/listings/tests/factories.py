from __future__ import annotations

from typing import Any

from techmarket.listings.models import Achievement, Demand
from techmarket.listings.workflow import ListingStatus


def achievement(owner: Any, **kwargs: Any) -> Achievement:
    values: dict[str, Any] = {
        "title": "高效节能换热器",
        "abstract": "一种板式换热器，换热效率提高20%。",
        "field": "06",
        "maturity": "pilot",
        "transfer_modes": ["transfer"],
        "region_code": "120116",
        "region_name": "天津市",
        "status": ListingStatus.DRAFT,
    }
    values.update(kwargs)
    return Achievement.objects.create(owner=owner, **values)


def demand(owner: Any, **kwargs: Any) -> Demand:
    values: dict[str, Any] = {
        "title": "印染废水脱色",
        "description": "出水色度80倍，要求降到30倍以下。",
        "industry": "印染",
        "region_code": "330600",
        "region_name": "浙江省绍兴市",
        "status": ListingStatus.DRAFT,
        "contact_name": "张经理",
        "contact_phone": "0575-88888888",
    }
    values.update(kwargs)
    return Demand.objects.create(owner=owner, **values)
