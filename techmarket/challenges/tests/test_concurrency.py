"""The money invariant under concurrent requests (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from conftest import is_postgres
from techmarket.challenges import services
from techmarket.challenges.models import Award, Milestone, Tranche
from techmarket.challenges.tests import factories as f
from techmarket.challenges.workflow import MilestoneStatus
from techmarket.core.errors import ApplicationError

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _only_postgres() -> None:
    if not is_postgres():
        pytest.skip("row-lock concurrency needs PostgreSQL")


def _race(n: int, target: Any) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results.append(target(i))
        except ApplicationError as error:
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def award(bureau_staff: Any) -> Award:
    uni = f.org("滨海理工大学", "university")
    admin = f.user("uni_admin", uni)
    challenge = f.challenge(bureau_staff)
    application = f.application(challenge, admin, uni)
    return Award.objects.create(challenge=challenge, application=application, amount=100)


def _submitted(award: Award, amount: int, name: str) -> Milestone:
    return Milestone.objects.create(
        award=award, name=name, due_date=timezone.now().date(), share=60, amount=amount,
        status=MilestoneStatus.SUBMITTED,
    )  # fmt: skip


def test_racing_releases_of_one_milestone_pay_once(bureau_staff: Any, award: Award) -> None:
    milestone = _submitted(award, 60, "一")
    results = _race(
        6, lambda _i: services.milestone_accept(actor=bureau_staff, milestone=milestone)
    )
    assert len({r.pk for r in results if isinstance(r, Tranche)}) == 1
    award.refresh_from_db()
    assert award.disbursed == Decimal(60)
    assert Tranche.objects.count() == 1


def test_racing_releases_never_exceed_the_award(bureau_staff: Any, award: Award) -> None:
    milestones = [_submitted(award, 60, f"m{i}") for i in range(4)]
    results = _race(
        4, lambda i: services.milestone_accept(actor=bureau_staff, milestone=milestones[i])
    )
    paid = [r for r in results if isinstance(r, Tranche)]
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(paid) == 1
    assert len(refused) == 3
    assert all("将超过资助金额" in r.message for r in refused)
    award.refresh_from_db()
    assert award.disbursed == Decimal(60)
