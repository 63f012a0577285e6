"""Keyword search for the listings app's list pages (found through core.discovery): the
ranking of the matching index instead of a substring filter."""

from __future__ import annotations

from techmarket.listings.models import Achievement, Demand
from techmarket.matching import services
from techmarket.matching.models import ListingKind


def ranked_ids(
    model: type[Achievement] | type[Demand], q: str, limit: int
) -> tuple[list[int], int] | None:
    """(ids best first, number of matches) or None: see services.keyword_ranking."""
    kind = ListingKind.DEMAND if model is Demand else ListingKind.ACHIEVEMENT
    return services.keyword_ranking(kind, q, limit)


def snippet(listing: Achievement | Demand, q: str) -> str:
    return services.keyword_snippet(listing, q)
