"""On PostgreSQL: many users race for the same slot; exactly one booking holds it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection

from techmarket.core.errors import ApplicationError
from techmarket.instruments import services
from techmarket.instruments.models import Booking
from techmarket.instruments.tests.conftest import Lab, slot

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_200_concurrent_bookings_of_one_slot_leave_exactly_one(lab: Lab) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL row locks (set DATABASE_URL)")
    start, end = slot(3, 9, 2)

    def book(offset: int) -> bool:
        try:
            services.booking_create(
                actor=lab.user_admin,
                instrument=lab.instrument,
                user_org=lab.user_org,
                start_at=start,
                end_at=end,
                purpose=f"竞争 {offset}",
            )
            return True
        except ApplicationError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results: list[Any] = list(pool.map(book, range(200)))
    assert results.count(True) == 1
    assert Booking.objects.filter(instrument=lab.instrument).count() == 1
