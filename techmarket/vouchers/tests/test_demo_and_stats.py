from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from techmarket.instruments.models import Booking, SubsidyClaim
from techmarket.stats.figures import collect_figures
from techmarket.vouchers.models import Order, Redemption, Voucher
from techmarket.vouchers.workflow import OrderStatus, RedemptionStatus, VoucherStatus

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_state_with_a_balanced_ledger_and_dashboard_figures() -> None:
    call_command("demo")
    assert set(Voucher.objects.values_list("status", flat=True)) == set(VoucherStatus.values)
    assert set(Redemption.objects.values_list("status", flat=True)) == set(RedemptionStatus.values)
    assert {OrderStatus.ORDERED, OrderStatus.DELIVERED, OrderStatus.CONFIRMED} <= set(
        Order.objects.values_list("status", flat=True)
    )
    call_command("ledger_check")
    claim = SubsidyClaim.objects.get()
    assert claim.amount == (claim.eligible_fees * Decimal("0.4")).quantize(Decimal("0.01"))
    assert claim.excluded_fees == Decimal("2000.00")  # the unit's own use is not subsidised
    assert Booking.objects.filter(start_at__gt=timezone.now()).count() == 2

    today = timezone.localdate()
    figures = {
        f.key: f.value
        for f in collect_figures(
            start=date(today.year, 1, 1) - timedelta(days=31), end=today + timedelta(days=2)
        )
    }
    assert figures["vouchers.issued_count"] == 4
    assert figures["vouchers.expired_count"] == 1
    assert figures["vouchers.redeemed_amount"] == Decimal("55000.00")
    assert figures["vouchers.leverage"] == Decimal("2.00")  # 110,000 of services ÷ 55,000
    assert figures["instruments.machine_hours"] == Decimal("16.00")
    assert figures["instruments.external_share"] == Decimal("68.8")  # 11 of 16 hours
