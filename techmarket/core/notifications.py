"""Notify users in the platform and, when they have an address, by email."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from techmarket.core.models import Notification


def notify(
    users: Iterable[Any], *, title: str, body: str = "", url: str = "", kind: str = ""
) -> list[Notification]:
    """Create one notification per user now; send the emails after the commit.

    A title longer than its column (it often quotes a listing's title) is shortened with
    "…" rather than refused: a failed notification must not fail the action it reports."""
    limit = Notification._meta.get_field("title").max_length or len(title)
    if len(title) > limit:
        title = title[: limit - 1] + "…"
    created = [
        Notification.objects.create(user=user, title=title, body=body, url=url, kind=kind)
        for user in users
    ]
    recipients = [n.user.email for n in created if getattr(n.user, "email", "")]
    if recipients:

        def _send() -> None:
            send_mail(
                subject=f"【网上技术市场】{title}",
                message=f"{body}\n\n{url}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
                fail_silently=True,
            )

        transaction.on_commit(_send)
    return created


def mark_read(user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (all, or those ids); returns how many.
    Only the user's own: another user's id is ignored, not an error that confirms it."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())
