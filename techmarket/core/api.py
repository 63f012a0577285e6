from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from techmarket.accounts import access
from techmarket.core.api_auth import ErrorOut
from techmarket.core.selectors import filter_audit_events

router = Router(tags=["审计"])


class AuditFilter(Schema):
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    success: bool | None = None
    since: date | None = None
    until: date | None = None
    q: str | None = None
    limit: int = 100
    offset: int = 0


class AuditEventOut(Schema):
    seq: int
    created_at: datetime
    actor_id: int | None
    actor_name: str
    organisation_id: int | None
    ip: str | None
    action: str
    object_type: str
    object_id: str
    success: bool
    summary: str
    changes: dict[str, Any]
    hash: str


class AuditPage(Schema):
    count: int
    items: list[AuditEventOut]


@router.get(
    "/audit-events",
    response={200: AuditPage, 401: ErrorOut, 403: ErrorOut},
    summary="审计日志（仅审计员）",
)
def list_audit_events(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, Any]:
    access.ensure_can_read_audit(request.user)
    queryset = filter_audit_events(
        **filters.dict(exclude={"limit", "offset"}),
    )
    limit = max(1, min(filters.limit, 500))
    offset = max(0, filters.offset)
    return {"count": queryset.count(), "items": list(queryset[offset : offset + limit])}
