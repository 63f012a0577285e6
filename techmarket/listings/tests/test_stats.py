from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from techmarket.listings.stats import dashboard_figures
from techmarket.listings.tests import factories
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db


def test_dashboard_counts_what_was_published_in_the_period(university: Any) -> None:
    now = timezone.now()
    factories.achievement(university, status=ListingStatus.PUBLISHED, published_at=now)
    factories.achievement(
        university, status=ListingStatus.PUBLISHED, published_at=now - dt.timedelta(days=400)
    )
    today = timezone.localdate()
    figures = {
        f.key: f.value
        for f in dashboard_figures(
            start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=1)
        )
    }
    assert figures["listings.achievements_published"] == 1
    assert figures["listings.achievements_online"] == 2
