from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.taxonomy import field_name
from techmarket.matching import services
from techmarket.matching.models import ListingKind

router = Router(tags=["供需匹配"])


class MatchOut(Schema):
    id: int
    title: str
    rank: int
    score: float
    field: str
    reasons: list[str]
    concepts: list[str]
    indicators_met: list[str]
    indicators_failed: list[str]


class MatchList(Schema):
    semantic_ready: bool
    items: list[MatchOut]


class SearchFilter(Schema):
    q: str
    kind: ListingKind = ListingKind.ACHIEVEMENT
    field: str = ""
    limit: int = 20


class SearchHitOut(Schema):
    id: int
    kind: str
    title: str
    score: float
    snippet: str


class SearchOut(Schema):
    total: int
    facets: dict[str, dict[str, int]]
    items: list[SearchHitOut]


def _matches(results: list[services.MatchResult]) -> dict[str, Any]:
    status = services.embedding_status()
    return {
        "semantic_ready": status["achievement_embedded"] >= status["achievement_total"],
        "items": [
            {
                "id": r.listing.pk,
                "title": r.listing.title,
                "rank": r.rank,
                "score": round(r.score, 4),
                "field": field_name(r.listing.field),
                "reasons": r.reasons,
                "concepts": r.concepts,
                "indicators_met": r.indicators_met,
                "indicators_failed": r.indicators_failed,
            }
            for r in results
        ],
    }


@router.get(
    "/demands/{demand_id}/matches",
    response={200: MatchList, 404: ErrorOut},
    auth=PUBLIC,
    summary="需求的推荐成果（含推荐理由）",
)
def demand_matches(request: HttpRequest, demand_id: int, top: int = 20) -> dict[str, Any]:
    demand = services.get_demand(demand_id)
    return _matches(services.match_demand(demand=demand, top_n=max(1, min(top, 100))))


@router.get(
    "/achievements/{achievement_id}/matches",
    response={200: MatchList, 404: ErrorOut},
    auth=PUBLIC,
    summary="成果的潜在需求方",
)
def achievement_matches(request: HttpRequest, achievement_id: int, top: int = 20) -> dict[str, Any]:
    achievement = services.get_achievement(achievement_id)
    return _matches(
        services.match_achievement(achievement=achievement, top_n=max(1, min(top, 100)))
    )


@router.get(
    "/search",
    response={200: SearchOut},
    auth=PUBLIC,
    summary="全文检索成果或需求（BM25，带摘要高亮）",
)
def search(request: HttpRequest, filters: Query[SearchFilter]) -> dict[str, Any]:
    result = services.search(
        q=filters.q,
        kind=filters.kind,
        field=filters.field,
        limit=max(1, min(filters.limit, 100)),
    )
    return {
        "total": result.total,
        "facets": result.facets,
        "items": [
            {
                "id": h.listing.pk,
                "kind": h.kind,
                "title": h.listing.title,
                "score": round(h.score, 4),
                "snippet": h.snippet,
            }
            for h in result.hits
        ],
    }
