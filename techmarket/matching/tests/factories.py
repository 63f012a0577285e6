from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from techmarket.listings.models import Achievement, Demand, TechnicalIndicator
from techmarket.listings.workflow import ListingStatus


def achievement(owner: Any, title: str, abstract: str, **kw: Any) -> Achievement:
    defaults: dict[str, Any] = {
        "field": "07",
        "status": ListingStatus.PUBLISHED,
        "published_at": timezone.now(),
    }
    defaults.update(kw)
    return Achievement.objects.create(owner=owner, title=title, abstract=abstract, **defaults)


def demand(owner: Any, title: str, description: str, **kw: Any) -> Demand:
    defaults: dict[str, Any] = {"status": ListingStatus.PUBLISHED, "published_at": timezone.now()}
    defaults.update(kw)
    return Demand.objects.create(owner=owner, title=title, description=description, **defaults)


def indicator(listing: Achievement | Demand, name: str, comparator: str, value: str, unit: str):
    key = "achievement" if isinstance(listing, Achievement) else "demand"
    return TechnicalIndicator.objects.create(
        **{key: listing}, name=name, comparator=comparator, value=Decimal(value), unit=unit
    )
