"""Races on PostgreSQL: 1,000 concurrent claims against one voucher and 1,000 concurrent
approvals against one programme's budget. The negative control runs the same claim race
with the harness swapping the row lock for a plain read, and must overspend — proof that
the race really races and that the test can fail."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.models import Sum

from techmarket.core.errors import ApplicationError
from techmarket.vouchers import services
from techmarket.vouchers.models import Order, Programme, Redemption, Voucher, VoucherApplication
from techmarket.vouchers.services import orders as orders_module
from techmarket.vouchers.services import programmes as programmes_module
from techmarket.vouchers.tests.factories import World, issue_voucher, make_world
from techmarket.vouchers.workflow import OrderStatus

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

RACES = 1000
WORKERS = 8  # bounded: the machine has 2 cores and a connection per thread


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL row locks (set DATABASE_URL)")


@pytest.fixture
def race_world(bureau_staff: Any, org_admin: Any, enterprise: Any) -> World:
    return make_world(
        bureau_staff, org_admin, enterprise, total_budget="2000000", per_enterprise_cap="2000000"
    )


def _race(calls: list[Callable[[], Any]]) -> tuple[int, int]:
    """Run every call on a bounded pool; count successes and refusals."""

    def run(call: Callable[[], Any]) -> bool:
        try:
            call()
            return True
        except ApplicationError:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(run, calls))
    return results.count(True), results.count(False)


def _orders(world: World, voucher: Voucher, count: int) -> list[Order]:
    """Confirmed orders with distinct invoices (bulk set-up; the story itself is tested
    through the services in test_services.py)."""
    product = world.product
    product.price = Decimal("2000")
    product.save()
    Order.objects.bulk_create(
        Order(
            voucher=voucher, product=product, provider=world.provider,
            enterprise=world.enterprise, ordered_by=world.enterprise_admin, fee=Decimal("2000"),
            status=OrderStatus.CONFIRMED, contract_party_a=world.enterprise.name,
            contract_party_b=world.provider_org.name, invoice_number=f"RACE-{i:05d}", rating=5,
        )
        for i in range(count)
    )  # fmt: skip
    return list(Order.objects.filter(voucher=voucher).order_by("id"))


def _claim_calls(world: World, orders: list[Order]) -> list[Callable[[], Any]]:
    return [
        lambda order=order: services.redemption_claim(
            actor=world.provider_admin, order=order, idempotency_key=f"race-{order.pk}"
        )
        for order in orders
    ]


def test_1000_concurrent_claims_never_overspend_a_voucher(race_world: World) -> None:
    voucher = issue_voucher(race_world, "50000")  # each claim is 50 % of 2,000 = 1,000
    orders = _orders(race_world, voucher, RACES)
    successes, refusals = _race(_claim_calls(race_world, orders))
    voucher.refresh_from_db()
    claimed = Redemption.objects.filter(voucher=voucher).aggregate(s=Sum("amount"))["s"]
    assert successes == 50  # the theoretical maximum: 50,000 / 1,000
    assert refusals == RACES - 50
    assert claimed == Decimal("50000.00")  # 0 overspends
    assert voucher.balance == 0
    assert services.ledger_differences() == []


def test_1000_concurrent_approvals_never_overspend_the_budget(race_world: World) -> None:
    programme = race_world.programme
    issue_voucher(race_world, "1950000")  # leaves exactly 50,000 of the 2,000,000 budget
    Programme.objects.filter(pk=programme.pk).update(per_enterprise_cap=Decimal("100000000"))
    VoucherApplication.objects.bulk_create(
        VoucherApplication(
            programme=programme, enterprise=race_world.enterprise,
            applicant=race_world.enterprise_admin, requested_amount=Decimal("1000"), purpose="竞争",
        )
        for _ in range(RACES)
    )  # fmt: skip
    applications = list(VoucherApplication.objects.filter(programme=programme, status="submitted"))
    calls = [
        lambda a=a: services.application_transition(
            actor=race_world.staff, application=a, to_status="approved"
        )
        for a in applications
    ]
    successes, refusals = _race(calls)
    programme.refresh_from_db()
    assert successes == 50
    assert refusals == RACES - 50
    assert programme.budget_remaining == 0
    issued = Voucher.objects.filter(programme=programme).aggregate(s=Sum("face_value"))["s"]
    assert issued == programme.total_budget
    assert services.ledger_differences() == []


@pytest.fixture
def without_the_row_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Test harness only: read the voucher without FOR UPDATE, and hold the stale value a
    moment so that concurrent transactions interleave the way a missing lock allows."""

    def unlocked(pk: int) -> Voucher:
        voucher = Voucher.objects.select_related("holder", "programme").get(pk=pk)
        time.sleep(0.005)
        return voucher

    monkeypatch.setattr(orders_module, "locked_voucher", unlocked)


@pytest.mark.usefixtures("without_the_row_lock")
def test_negative_control_without_the_lock_the_same_race_overspends(race_world: World) -> None:
    voucher = issue_voucher(race_world, "50000")
    orders = _orders(race_world, voucher, RACES)
    successes, _ = _race(_claim_calls(race_world, orders))
    claimed = Redemption.objects.filter(voucher=voucher).aggregate(s=Sum("amount"))["s"]
    assert successes > 50
    assert claimed > voucher.face_value  # overspent: the race is real, the test can fail
    assert services.ledger_differences() != []


def test_one_invoice_claimed_concurrently_on_20_vouchers_is_paid_once(race_world: World) -> None:
    orders = []
    for _ in range(20):
        voucher = issue_voucher(race_world, "10000")
        orders.extend(_orders(race_world, voucher, 1))
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(invoice_number="SAME-INVOICE")
    orders = list(Order.objects.filter(pk__in=[o.pk for o in orders]))
    successes, refusals = _race(_claim_calls(race_world, orders))
    assert successes == 1
    assert refusals == 19
    assert Redemption.objects.count() == 1
    assert services.ledger_differences() == []


def test_negative_control_without_the_programme_lock_approvals_overspend(
    race_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Test harness only: approvals read the programme without FOR UPDATE."""

    def unlocked(pk: int) -> Programme:
        programme = Programme.objects.get(pk=pk)
        time.sleep(0.005)
        return programme

    monkeypatch.setattr(programmes_module, "locked_programme", unlocked)
    programme = race_world.programme
    issue_voucher(race_world, "1950000")
    Programme.objects.filter(pk=programme.pk).update(per_enterprise_cap=Decimal("100000000"))
    VoucherApplication.objects.bulk_create(
        VoucherApplication(
            programme=programme, enterprise=race_world.enterprise,
            applicant=race_world.enterprise_admin, requested_amount=Decimal("1000"), purpose="竞争",
        )
        for _ in range(200)
    )  # fmt: skip
    applications = list(VoucherApplication.objects.filter(programme=programme, status="submitted"))

    def approve(application: VoucherApplication) -> None:
        try:
            services.application_transition(
                actor=race_world.staff, application=application, to_status="approved"
            )
        except IntegrityError:  # duplicate voucher numbers: another symptom of no lock
            raise ApplicationError("duplicate") from None

    _race([lambda a=a: approve(a) for a in applications])
    issued = Voucher.objects.filter(programme=programme).aggregate(s=Sum("face_value"))["s"]
    assert issued > programme.total_budget  # overspent: the budget race is real
    assert services.ledger_differences() != []
