"""Figures of the achievement and demand libraries for the bureau's dashboard."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from techmarket.listings.models import Achievement, Demand
from techmarket.listings.workflow import ListingStatus
from techmarket.stats.figures import Figure

GROUP = "成果与需求"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end, dt.time.min, tzinfo=zone),
    )


def dashboard_figures(*, start: dt.date, end: dt.date) -> list[Figure]:
    since, until = _bounds(start, end)
    published = {"published_at__gte": since, "published_at__lt": until}
    return [
        Figure(
            "listings.achievements_published",
            "新发布科技成果",
            Achievement.objects.filter(**published).count(),
            "项",
            GROUP,
        ),
        Figure(
            "listings.demands_published",
            "新发布技术需求",
            Demand.objects.filter(**published).count(),
            "项",
            GROUP,
        ),
        Figure(
            "listings.achievements_online",
            "在库科技成果（已发布）",
            Achievement.objects.filter(status=ListingStatus.PUBLISHED).count(),
            "项",
            GROUP,
        ),
        Figure(
            "listings.deals_closed",
            "已成交的成果与需求",
            Achievement.objects.filter(
                status=ListingStatus.CLOSED, updated_at__gte=since, updated_at__lt=until
            ).count()
            + Demand.objects.filter(
                status=ListingStatus.CLOSED, updated_at__gte=since, updated_at__lt=until
            ).count(),
            "项",
            GROUP,
        ),
    ]
