from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema

from techmarket.core.money import yuan_to_wan


class IndicatorIO(Schema):
    name: str
    comparator: str
    value: Decimal
    value_max: Decimal | None = None
    unit: str = ""


class ListingFilterIn(Schema):
    q: str | None = None
    field: str | None = None
    region: str | None = None
    maturity: str | None = None
    ip_type: str | None = None
    owner_type: str | None = None
    mode: str | None = None
    min_wan: Decimal | None = None
    max_wan: Decimal | None = None
    sort: str | None = None
    limit: int = 20
    offset: int = 0


class AchievementIn(Schema):
    title: str
    abstract: str
    field: str
    keywords: list[str] = []
    subfield: str = ""
    industry_code: str = ""
    maturity: str = ""
    ip_type: str = ""
    patent_numbers: list[str] = []
    transfer_modes: list[str] = []
    price_wan: Decimal | None = None
    owner_display: str = ""
    owner_type: str = ""
    region_code: str = ""
    region_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    indicators: list[IndicatorIO] = []


class DemandIn(Schema):
    title: str
    description: str
    industry: str = ""
    industry_code: str = ""
    field: str = ""
    budget_wan: Decimal | None = None
    deadline: dt.date | None = None
    cooperation_modes: list[str] = []
    confidential: bool = False
    region_code: str = ""
    region_name: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    indicators: list[IndicatorIO] = []


class TransitionIn(Schema):
    to_status: str
    reason: str = ""


def _wan(value: Decimal | None) -> Decimal | None:
    return None if value is None else yuan_to_wan(value)


class AchievementOut(Schema):
    id: int
    external_id: str
    status: str
    title: str
    abstract: str
    keywords: list[str]
    field: str
    field_name: str
    subfield: str
    industry_code: str
    maturity: str
    ip_type: str
    patent_numbers: list[str]
    transfer_modes: list[str]
    price_wan: Decimal | None
    owner_id: int
    owner_name: str
    owner_display: str
    owner_type: str
    region_code: str
    region_name: str
    published_at: dt.datetime | None
    indicators: list[IndicatorIO]

    @staticmethod
    def resolve_price_wan(obj: Any) -> Decimal | None:
        return _wan(obj.price)

    @staticmethod
    def resolve_field_name(obj: Any) -> str:
        return str(obj.get_field_display())

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        return str(obj.owner.name)

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class DemandOut(Schema):
    id: int
    external_id: str
    status: str
    title: str
    description: str
    industry: str
    industry_code: str
    field: str
    budget_wan: Decimal | None
    deadline: dt.date | None
    cooperation_modes: list[str]
    confidential: bool
    owner_id: int | None
    owner_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    region_code: str
    region_name: str
    published_at: dt.datetime | None
    indicators: list[IndicatorIO]

    @staticmethod
    def resolve_budget_wan(obj: Any) -> Decimal | None:
        return _wan(obj.budget)

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())


class FacetOptionOut(Schema):
    value: str
    label: str
    count: int


class FacetOut(Schema):
    name: str
    label: str
    options: list[FacetOptionOut]


class AchievementPage(Schema):
    count: int
    items: list[AchievementOut]
    facets: list[FacetOut]


class DemandPage(Schema):
    count: int
    items: list[DemandOut]
    facets: list[FacetOut]


class ImportJobOut(Schema):
    id: int
    kind: str
    state: str
    percent: int
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    message: str
    errors: list[dict[str, Any]]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        kind = "achievements" if obj.achievement_id else "demands"
        listing_id = obj.achievement_id or obj.demand_id
        return f"/api/v1/{kind}/{listing_id}/attachments/{obj.id}"
