from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from techmarket.core.models import AuditEvent, Notification


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_audit_events(
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    success: bool | None = None,
    since: date | None = None,
    until: date | None = None,
    q: str | None = None,
) -> QuerySet[AuditEvent]:
    queryset = AuditEvent.objects.all()
    if actor:
        queryset = queryset.filter(actor_name__icontains=actor.strip())
    if action:
        queryset = queryset.filter(action__startswith=action.strip())
    if object_type:
        queryset = queryset.filter(object_type=object_type.strip())
    if success is not None:
        queryset = queryset.filter(success=success)
    if since:
        queryset = queryset.filter(created_at__gte=_day_start(since))
    if until:
        queryset = queryset.filter(created_at__lt=_day_start(until) + timedelta(days=1))
    if q:
        queryset = queryset.filter(Q(summary__icontains=q) | Q(object_id=q.strip()))
    return queryset.order_by("-seq")


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """A user's own notifications, newest first (nobody reads another's)."""
    queryset = Notification.objects.filter(user=user)
    return queryset.filter(read_at__isnull=True) if unread_only else queryset


def unread_notification_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
