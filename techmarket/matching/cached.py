"""Match lists for pages (推荐成果, 潜在需求方, the broker workspace), cached.

Ranking a listing's matches costs tens of milliseconds (more with late interaction);
a page view needs it once, and the result only changes when the listing or the index
changes. So the ranked ids and explanations are kept in Django's cache under
(kind, listing, its last change, the index fingerprint) — the fingerprint changes with
every publication, withdrawal, edit of a published listing and stored vector. The rows
are loaded again on every view and filtered to what is published right now, so a cached
list never shows a withdrawn record (the database is the truth).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from techmarket.listings.models import Achievement, Demand
from techmarket.matching import selectors, services
from techmarket.matching.models import ListingKind

# (listing id, score, reasons, concepts, indicators met, indicators failed)
_Row = tuple[int, float, list[str], list[str], list[str], list[str]]


@dataclass
class PageMatches:
    results: list[services.MatchResult]
    semantic_ready: bool
    embedded: int
    total: int


def _key(*parts: Any) -> str:
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"matching:page:{digest}"


def _status(fingerprint: tuple[Any, ...]) -> tuple[int, int]:
    """(published listings with a current vector, published listings), per fingerprint."""
    key = _key("status", fingerprint)
    got = cache.get(key)
    if got is None:
        status = services.embedding_status()
        got = (
            status["achievement_embedded"] + status["demand_embedded"],
            status["achievement_total"] + status["demand_total"],
        )
        cache.set(key, got, settings.MATCHING_PAGE_CACHE_SECONDS)
    return got


def _rank(listing: Achievement | Demand, top_n: int) -> list[_Row]:
    results = (
        services.match_demand(demand=listing, top_n=top_n, embed_missing=False)
        if isinstance(listing, Demand)
        else services.match_achievement(achievement=listing, top_n=top_n)
    )
    return [
        (
            r.listing.pk,
            r.score,
            r.reasons,
            r.concepts,
            r.indicators_met,
            r.indicators_failed,
        )
        for r in results
    ]


def page_matches(*, listing: Achievement | Demand, top_n: int | None = None) -> PageMatches:
    """The listing's matches (achievements for a demand, demands for an achievement),
    computed at most once per listing and index state, each re-checked as published."""
    top_n = top_n or settings.MATCHING_PAGE_TOP_N
    fingerprint = services.index_fingerprint()
    kind = ListingKind.DEMAND if isinstance(listing, Demand) else ListingKind.ACHIEVEMENT
    key = _key(kind, listing.pk, listing.updated_at, top_n, fingerprint)
    rows: list[_Row] | None = cache.get(key)
    if rows is None:
        rows = _rank(listing, top_n)
        cache.set(key, rows, settings.MATCHING_PAGE_CACHE_SECONDS)
    live_qs = (
        selectors.published_achievements()
        if kind == ListingKind.DEMAND
        else selectors.published_demands()
    )
    live = {o.pk: o for o in live_qs.filter(pk__in=[r[0] for r in rows]).select_related("owner")}
    results: list[services.MatchResult] = []
    for pk, score, reasons, concepts, met, failed in rows:
        obj = live.get(pk)
        if obj is not None:
            results.append(
                services.MatchResult(obj, len(results) + 1, score, reasons, concepts, met, failed)
            )
    embedded, total = _status(fingerprint)
    return PageMatches(results, embedded >= total, embedded, total)
