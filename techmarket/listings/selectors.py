"""Reads: what the public may see, the filtered lists with per-option counts, my
listings and the review queue."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from dataclasses import field as dc_field  # ListingFilters has a field named "field"
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from techmarket.core.discovery import app_modules
from techmarket.core.money import WAN
from techmarket.core.regions import PROVINCES
from techmarket.core.taxonomy import FIELD_CHOICES
from techmarket.listings.models import (
    Achievement,
    Demand,
    IpType,
    Maturity,
    OwnerType,
    TransferMode,
)
from techmarket.listings.workflow import ListingStatus


def published_achievements() -> QuerySet[Achievement]:
    """Achievements the public may see (published only)."""
    return Achievement.objects.filter(status=ListingStatus.PUBLISHED)


def published_demands() -> QuerySet[Demand]:
    """Demands the public may see (published only). Confidential ones are included:
    pages and the API hide their enterprise name and contact."""
    return Demand.objects.filter(status=ListingStatus.PUBLISHED)


SORTS: dict[str, tuple[str, str]] = {
    # with a keyword, the default: best keyword match first (see keyword_ranking)
    "relevance": ("相关度", ""),
    "newest": ("最新发布", "-published_at"),
    "oldest": ("最早发布", "published_at"),
    "price_asc": ("价格从低到高", "amount"),
    "price_desc": ("价格从高到低", "-amount"),
    "title": ("标题", "title"),
}


@dataclass
class ListingFilters:
    """Parsed filter parameters (from a query string or the API)."""

    q: str = ""
    field: str = ""
    region: str = ""  # 2-digit province code
    maturity: str = ""
    ip_type: str = ""
    owner_type: str = ""
    mode: str = ""  # a TransferMode value
    min_wan: Decimal | None = None
    max_wan: Decimal | None = None
    sort: str = "newest"
    # the keyword's ranking per model, looked up once (keyword_ranking); not a parameter
    _ranked: dict[str, tuple[list[int], int] | None] = dc_field(
        default_factory=dict, repr=False, compare=False
    )

    PARAMS: ClassVar[tuple[str, ...]] = (
        *("q", "field", "region", "maturity", "ip_type", "owner_type", "mode"),
        *("min_wan", "max_wan", "sort"),
    )

    @property
    def default_sort(self) -> str:
        return "relevance" if self.q else "newest"

    @classmethod
    def from_params(cls, params: Any) -> ListingFilters:
        def decimal(name: str) -> Decimal | None:
            raw = (params.get(name) or "").strip() if hasattr(params, "get") else ""
            try:
                value = Decimal(str(raw)) if raw not in ("", None) else None
            except InvalidOperation:
                return None
            return value if value is not None and value >= 0 else None

        def text(name: str) -> str:
            value = params.get(name) if hasattr(params, "get") else None
            return str(value or "").strip()[:100]

        sort = text("sort")
        q = text("q")
        if sort not in SORTS or (sort == "relevance" and not q):
            sort = "relevance" if q else "newest"
        return cls(
            q=q,
            field=text("field"),
            region=text("region"),
            maturity=text("maturity"),
            ip_type=text("ip_type"),
            owner_type=text("owner_type"),
            mode=text("mode"),
            min_wan=decimal("min_wan"),
            max_wan=decimal("max_wan"),
            sort=sort,
        )

    def as_dict(self) -> dict[str, str]:
        values = {k: getattr(self, k) for k in self.PARAMS}
        data = {k: str(v) for k, v in values.items() if v not in ("", None)}
        if data.get("sort") == self.default_sort:
            del data["sort"]
        return data


FACETS_ACHIEVEMENT = ("field", "region", "maturity", "ip_type", "owner_type", "mode")
FACETS_DEMAND = ("field", "region", "mode")


def _amount_field(model: type) -> str:
    return "price" if model is Achievement else "budget"


def keyword_ranking(model: Any, filters: ListingFilters) -> tuple[list[int], int] | None:
    """The keyword's best matches (ids, best first) and how many match at all, from an
    app's ``listing_search.py`` (matching: BM25 over analysed text, so 废水脱色 also finds
    废水的深度脱色); None without such an app, or while its index is being built — the
    substring filter then stands in. Looked up once per filters and model."""
    if not filters.q:
        return None
    label = model._meta.label
    if label not in filters._ranked:
        found = None
        limit = int(getattr(settings, "LISTINGS_SEARCH_MAX_HITS", 2000))
        for _config, module in app_modules("listing_search"):
            found = module.ranked_ids(model, filters.q, limit)
            if found is not None:
                break
        filters._ranked[label] = found
    return filters._ranked[label]


class RankedRows:
    """A keyword's filtered listings, best match first, sliced as Paginator and the API
    slice a queryset: only the rows of a slice are read. (Ordering in SQL by a CASE of
    2,000 ids cost ~150 ms in Django's compiler alone.)"""

    def __init__(self, queryset: QuerySet[Any], ids: list[int]) -> None:
        self.queryset = queryset.order_by()
        self.ids = ids

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, index: slice) -> list[Any]:
        page = self.ids[index]
        rows = self.queryset.in_bulk(page)
        return [rows[pk] for pk in page if pk in rows]  # withdrawn since: skipped


def ordered_listings(queryset: QuerySet[Any], filters: ListingFilters) -> Any:
    """The filtered queryset (``filter_listings``) in the order pages show: with a keyword
    in the relevance order, the ranked ids that pass the filters (at most
    LISTINGS_SEARCH_MAX_HITS); otherwise the queryset itself."""
    ranked = keyword_ranking(queryset.model, filters) if filters.sort == "relevance" else None
    if ranked is None:
        return queryset
    allowed = set(queryset.order_by().values_list("pk", flat=True))
    return RankedRows(queryset, [pk for pk in ranked[0] if pk in allowed])


def keyword_snippets(items: Any, filters: ListingFilters) -> dict[int, str]:
    """Per listing id, its text around the keyword in ``<mark>`` (HTML-escaped), when an
    app provides keyword search; empty otherwise."""
    providers = [module for _config, module in app_modules("listing_search")]
    if not filters.q or not providers:
        return {}
    return {item.pk: providers[0].snippet(item, filters.q) for item in items}


def _conditions(model: type, filters: ListingFilters, skip: str = "") -> Q:
    cond = Q()
    text_fields = ("title", "abstract") if model is Achievement else ("title", "description")
    ranked = keyword_ranking(model, filters)
    if ranked is not None:
        cond &= Q(pk__in=ranked[0])
    elif filters.q:
        for word in filters.q.split()[:5]:
            part = Q()
            for name in text_fields:
                part |= Q(**{f"{name}__icontains": word})
            if model is Achievement:
                part |= Q(keywords__icontains=word)
            else:
                part |= Q(industry__icontains=word)
            cond &= part
    if filters.field and skip != "field":
        cond &= Q(field=filters.field)
    if filters.region and skip != "region":
        cond &= Q(region_code__startswith=filters.region[:2])
    if model is Achievement:
        if filters.maturity and skip != "maturity":
            cond &= Q(maturity=filters.maturity)
        if filters.ip_type and skip != "ip_type":
            cond &= Q(ip_type=filters.ip_type)
        if filters.owner_type and skip != "owner_type":
            cond &= Q(owner_type=filters.owner_type)
    if filters.mode and skip != "mode":
        # The mode_<value> flag columns mirror the JSON list (a partial index per mode).
        if filters.mode in TransferMode.values:
            cond &= Q(**{f"mode_{filters.mode}": True})
        else:
            cond &= Q(pk__in=[])
    amount = _amount_field(model)
    if filters.min_wan is not None:
        cond &= Q(**{f"{amount}__gte": filters.min_wan * WAN})
    if filters.max_wan is not None:
        cond &= Q(**{f"{amount}__lte": filters.max_wan * WAN})
    return cond


def filter_listings(
    queryset: QuerySet[Any], filters: ListingFilters, *, skip: str = ""
) -> QuerySet[Any]:
    model = queryset.model
    result = queryset.filter(_conditions(model, filters, skip))
    if skip:
        return result
    if filters.sort == "relevance":  # exports; pages use ordered_listings
        ranked = keyword_ranking(model, filters)
        if ranked is not None and ranked[0]:
            position = Case(
                *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked[0])),
                output_field=IntegerField(),
            )
            return result.order_by(position, "-id")
        return result.order_by("-published_at", "-id")
    order = SORTS[filters.sort][1]
    amount = _amount_field(model)
    if "amount" in order:
        # The exact order of the <model>_amount_asc/desc indexes (models.NullsLastIndex).
        expression = F(amount)
        ordering = (
            expression.desc(nulls_last=True)
            if order.startswith("-")
            else expression.asc(nulls_last=True)
        )
        return result.order_by(ordering, "-id")
    return result.order_by(order, "-id")


@dataclass
class Facet:
    name: str
    label: str
    options: list[tuple[str, str, int]] = field(default_factory=list)  # value, label, count


def _grouped(queryset: QuerySet[Any], column: str) -> dict[str, int]:
    return {
        row[column]: row["n"]
        for row in queryset.order_by().values(column).annotate(n=Count("id"))
        if row[column]
    }


def facet_counts(queryset: QuerySet[Any], filters: ListingFilters) -> list[Facet]:
    """Per-option counts: each facet counted under every other active filter.

    Counting every option of every facet costs several grouped scans of the published
    set (~0.7 s at 100k rows), so the counts of one filter combination are cached for
    LISTINGS_FACET_CACHE_SECONDS; the list itself is always read fresh."""
    seconds = int(getattr(settings, "LISTINGS_FACET_CACHE_SECONDS", 60))
    if seconds <= 0:
        return _facet_counts(queryset, filters)
    params = {k: v for k, v in filters.as_dict().items() if k != "sort"}
    label = queryset.model._meta.label
    generation = cache.get_or_set(f"listings:facet-generation:{label}", 0)
    digest = hashlib.sha256(f"{label}|{generation}|{sorted(params.items())}".encode())
    key = "listings:facets:" + digest.hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = _facet_counts(queryset, filters)
        cache.set(key, cached, seconds)
    return list(cached)


def forget_facet_counts(model: type[Any]) -> None:
    """Make every cached facet count of ``model`` stale (after a listing changed)."""
    key = f"listings:facet-generation:{model._meta.label}"
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1)


def _facet_counts(queryset: QuerySet[Any], filters: ListingFilters) -> list[Facet]:
    model = queryset.model
    names = FACETS_ACHIEVEMENT if model is Achievement else FACETS_DEMAND
    facets = []
    for name in names:
        base = filter_listings(queryset, filters, skip=name)
        if name == "field":
            counts = _grouped(base, "field")
            options = [(code, label, counts.get(code, 0)) for code, label in FIELD_CHOICES]
            facets.append(Facet("field", "技术领域", options))
        elif name == "region":
            raw: dict[str, int] = {}
            for row in base.order_by().values("region_code").annotate(n=Count("id")):
                province = (row["region_code"] or "")[:2]
                if province in PROVINCES:
                    raw[province] = raw.get(province, 0) + row["n"]
            options = [(code, PROVINCES[code], n) for code, n in sorted(raw.items())]
            facets.append(Facet("region", "地区", options))
        elif name == "maturity":
            counts = _grouped(base, "maturity")
            facets.append(
                Facet(
                    "maturity",
                    "成熟度",
                    [(v, str(lbl), counts.get(v, 0)) for v, lbl in Maturity.choices],
                )
            )
        elif name == "ip_type":
            counts = _grouped(base, "ip_type")
            facets.append(
                Facet(
                    "ip_type",
                    "知识产权",
                    [(v, str(lbl), counts.get(v, 0)) for v, lbl in IpType.choices],
                )
            )
        elif name == "owner_type":
            counts = _grouped(base, "owner_type")
            facets.append(
                Facet(
                    "owner_type",
                    "持有人类型",
                    [(v, str(lbl), counts.get(v, 0)) for v, lbl in OwnerType.choices],
                )
            )
        elif name == "mode":
            # One count per mode: each reads only that mode's partial index (and the
            # rows it points to), not the whole filtered set.
            counts = {
                value: base.filter(**{f"mode_{value}": True}).order_by().count()
                for value in TransferMode.values
            }
            label = "转化方式" if model is Achievement else "合作方式"
            facets.append(
                Facet(
                    "mode",
                    label,
                    [(v, str(lbl), counts[v] or 0) for v, lbl in TransferMode.choices],
                )
            )
    return facets


def listings_of_organisations(model: type[Any], organisation_ids: list[int]) -> QuerySet[Any]:
    return model.objects.filter(owner_id__in=organisation_ids).order_by("-updated_at", "-id")


def review_queue(model: type[Any]) -> QuerySet[Any]:
    return (
        model.objects.filter(status=ListingStatus.SUBMITTED)
        .select_related("owner")
        .order_by("updated_at", "id")
    )
