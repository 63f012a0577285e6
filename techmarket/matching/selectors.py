"""Reads: published listings as the engine's plain records, stored vectors."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from techmarket.accounts import access as accounts_access
from techmarket.core.taxonomy import field_name
from techmarket.listings.models import Achievement, Demand, Maturity, TransferMode
from techmarket.listings.workflow import ListingStatus
from techmarket.matching.models import Embedding, ListingKind, MatchContact
from techmarket.matching.records import AchievementRecord, DemandRecord, Indicator

_WAN = 10000


def published_achievements() -> QuerySet[Achievement]:
    return Achievement.objects.filter(status=ListingStatus.PUBLISHED)


def published_demands() -> QuerySet[Demand]:
    return Demand.objects.filter(status=ListingStatus.PUBLISHED)


def _indicators(rows: Iterable) -> list[Indicator]:
    return [
        Indicator(
            r.name,
            r.comparator,
            float(r.value),
            r.unit.lower(),
            None if r.value_max is None else float(r.value_max),
        )
        for r in rows
    ]


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def achievement_record(a: Achievement) -> AchievementRecord:
    return AchievementRecord(
        id=str(a.pk),
        title=a.title,
        abstract=a.abstract,
        keywords=[str(k) for k in (a.keywords or [])],
        field=field_name(a.field),
        subfield=a.subfield,
        maturity=_label(Maturity, a.maturity) if a.maturity else "",
        ip_type=a.ip_type,
        transfer_modes=[_label(TransferMode, m) for m in (a.transfer_modes or [])],
        price_wan=None if a.price is None else float(a.price) / _WAN,
        region=a.region_name,
        indicators=_indicators(a.indicators.all()),
    )


def _months_until(deadline: date | None) -> float | None:
    if deadline is None:
        return None
    days = (deadline - timezone.localdate()).days
    return max(days, 0) / 30.0


def demand_record(d: Demand) -> DemandRecord:
    return DemandRecord(
        id=str(d.pk),
        title=d.title,
        description=d.description,
        industry=d.industry,
        field=field_name(d.field) if d.field else "",
        region=d.region_name,
        budget_wan=None if d.budget is None else float(d.budget) / _WAN,
        deadline_months=_months_until(d.deadline),
        cooperation_modes=[_label(TransferMode, m) for m in (d.cooperation_modes or [])],
        indicators=_indicators(d.indicators.all()),
    )


def achievement_records(qs: QuerySet[Achievement] | None = None) -> list[AchievementRecord]:
    qs = published_achievements() if qs is None else qs
    # streamed in chunks (indicators prefetched per chunk): a million model instances are
    # never held at once
    rows = qs.prefetch_related("indicators").order_by("pk").iterator(chunk_size=2000)
    return [achievement_record(a) for a in rows]


def demand_records(qs: QuerySet[Demand] | None = None) -> list[DemandRecord]:
    qs = published_demands() if qs is None else qs
    rows = qs.prefetch_related("indicators").order_by("pk").iterator(chunk_size=2000)
    return [demand_record(d) for d in rows]


def stored_embeddings(kind: str, model_name: str) -> QuerySet[Embedding]:
    return Embedding.objects.filter(kind=kind, model_name=model_name)


def stored_latent_terms(kind: str, listing_id: int, model_name: str) -> bytes | None:
    """One listing's stored latent terms (packed, see matching.sparse), if any."""
    raw = (
        Embedding.objects.filter(kind=kind, listing_id=listing_id, model_name=model_name)
        .values_list("sparse", flat=True)
        .first()
    )
    return bytes(raw) if raw else None


def published_ids(kind: str, ids: Iterable[int]) -> set[int]:
    """Which of these ids are published right now (the database is the truth)."""
    model = Achievement if kind == ListingKind.ACHIEVEMENT else Demand
    return set(
        model.objects.filter(pk__in=list(ids), status=ListingStatus.PUBLISHED).values_list(
            "pk", flat=True
        )
    )


def contacts_for_user(user: Any) -> QuerySet[MatchContact]:
    """The contacts a user may see: their organisations' (either side), the ones they
    started; bureau staff see all."""
    qs = MatchContact.objects.select_related(
        "demand__owner", "achievement__owner", "broker", "contact_request"
    )
    if accounts_access.is_bureau_staff(user):
        return qs
    org_ids = [o.pk for o in accounts_access.organisations_of(user)]
    return qs.filter(
        Q(demand__owner_id__in=org_ids) | Q(achievement__owner_id__in=org_ids) | Q(broker=user)
    )


def contact_counts(demand_ids: Iterable[int]) -> dict[int, int]:
    """How many 撮合对接 were started for each of these demands (absent: none)."""
    rows = (
        MatchContact.objects.filter(demand__in=list(demand_ids))
        .values_list("demand")
        .annotate(n=Count("pk"))
    )
    return dict(rows)
