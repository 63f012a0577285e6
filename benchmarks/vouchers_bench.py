"""Voucher money paths: claim latency, claim throughput under contention, ledger_check time.

Run on PostgreSQL (it creates and drops its own ``test_<db>`` database):

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tm_vouchers \
        .venv/bin/python benchmarks/vouchers_bench.py

Prints figures; asserts nothing about speed.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

settings.AUDIT_DB_GUARD = False


def main() -> None:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run() -> None:
    from conftest import _org, _user
    from techmarket.core.errors import ApplicationError
    from techmarket.vouchers import services
    from techmarket.vouchers.models import LedgerEntry, Order, Programme, Voucher
    from techmarket.vouchers.tests.factories import make_world
    from techmarket.vouchers.workflow import OrderStatus

    staff = _user("bench_staff", _org("滨海市科学技术局", "government", 5), "bureau_staff")
    enterprise = _org("甲企业有限公司", "enterprise", 1)
    admin = _user("bench_admin", enterprise, "org_admin")
    world = make_world(
        staff, admin, enterprise, total_budget="100000000", per_enterprise_cap="100000000"
    )
    Programme.objects.filter(pk=world.programme.pk).update(per_enterprise_cap=Decimal("1e8"))
    world.programme.refresh_from_db()
    world.product.price = Decimal("2000")
    world.product.save()

    def voucher(amount: str) -> Voucher:
        application = services.application_submit(
            actor=admin, programme=world.programme, enterprise=enterprise,
            requested_amount=amount, purpose="bench",
        )  # fmt: skip
        services.application_transition(actor=staff, application=application, to_status="approved")
        return Voucher.objects.get(application=application)

    def orders(v: Voucher, n: int, tag: str) -> list[Order]:
        Order.objects.bulk_create(
            Order(
                voucher=v, product=world.product, provider=world.provider, enterprise=enterprise,
                ordered_by=admin, fee=Decimal("2000"), status=OrderStatus.CONFIRMED,
                contract_party_a=enterprise.name, contract_party_b=world.provider_org.name,
                invoice_number=f"{tag}-{i}", rating=5,
            )
            for i in range(n)
        )  # fmt: skip
        return list(Order.objects.filter(voucher=v).order_by("id"))

    def claim(order: Order) -> bool:
        try:
            services.redemption_claim(
                actor=world.provider_admin, order=order, idempotency_key=f"b-{order.pk}"
            )
            return True
        except ApplicationError:
            return False

    # 1. Sequential claim latency.
    sequential = orders(voucher("1000000"), 300, "S")
    timings = []
    for order in sequential:
        t0 = time.perf_counter()
        claim(order)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    print(
        f"claim latency, sequential, n=300: median {statistics.median(timings):.1f} ms, "
        f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms"
    )

    # 2. Throughput under contention: 8 threads, 1,000 claims on one voucher (500 fit).
    def threaded(calls: list[Order]) -> tuple[float, int]:
        def run_one(order: Order) -> bool:
            try:
                return claim(order)
            finally:
                connection.close()

        t0 = time.perf_counter()
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(run_one, calls))
        return time.perf_counter() - t0, results.count(True)

    elapsed, ok = threaded(orders(voucher("500000"), 1000, "C"))
    print(
        f"1,000 claims on one voucher, 8 threads: {elapsed:.1f} s ({1000 / elapsed:.0f}/s), {ok} succeeded"
    )
    many = [o for i in range(8) for o in orders(voucher("1000000"), 125, f"M{i}")]
    elapsed, ok = threaded(many)
    print(
        f"1,000 claims on 8 vouchers, 8 threads: {elapsed:.1f} s ({1000 / elapsed:.0f}/s), {ok} succeeded"
    )

    # 3. ledger_check over the ledger built above.
    entries = LedgerEntry.objects.count()
    t0 = time.perf_counter()
    problems = services.ledger_differences()
    print(f"ledger_check: {entries} entries, {Voucher.objects.count()} vouchers, "
          f"{(time.perf_counter() - t0) * 1000:.0f} ms, {len(problems)} differences")  # fmt: skip


if __name__ == "__main__":
    main()
