"""Figures for the bureau's dashboard (contract: techmarket/stats/figures.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from techmarket.challenges.models import Award, Challenge, Tranche
from techmarket.stats.figures import Figure

GROUP = "揭榜挂帅"


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end, time.min, tzinfo=tz),
    )


def dashboard_figures(*, start: date, end: date) -> list[Figure]:
    since, until = _bounds(start, end)
    published = Challenge.objects.filter(published_at__gte=since, published_at__lt=until).count()
    awarded = Award.objects.filter(
        challenge__awarded_at__gte=since, challenge__awarded_at__lt=until
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    disbursed = Tranche.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    return [
        Figure("challenges.published", "发布榜单", published, "项", GROUP),
        Figure("challenges.awarded_amount", "立项资助金额", awarded, "元", GROUP),
        Figure("challenges.disbursed_amount", "已拨付资金", disbursed, "元", GROUP),
    ]
