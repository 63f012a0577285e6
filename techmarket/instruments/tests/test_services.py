from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from conftest import _org, _user
from techmarket.core.errors import ApplicationError
from techmarket.instruments import services
from techmarket.instruments.models import Booking, ServiceRecord
from techmarket.instruments.tests.conftest import Lab, slot
from techmarket.instruments.workflow import BookingStatus, RecordStatus

pytestmark = pytest.mark.django_db


def _book(
    lab: Lab, days: int = 1, hour: int = 9, hours: int = 2, org: Any = None, user: Any = None
) -> Booking:
    start, end = slot(days, hour, hours)
    return services.booking_create(
        actor=user or lab.user_admin, instrument=lab.instrument, user_org=org or lab.user_org,
        start_at=start, end_at=end, purpose="材料形貌表征", samples=3,
    )  # fmt: skip


def _served(
    lab: Lab, fee: str, invoice: str, org: Any = None, user: Any = None, hour: int = 9
) -> ServiceRecord:
    booking = _book(lab, hour=hour, org=org, user=user)
    services.booking_transition(actor=lab.owner_admin, booking=booking, to_status="confirmed")
    record = services.service_record_create(
        actor=lab.owner_admin, booking=booking, machine_hours="2", fee=fee, invoice_number=invoice
    )
    return services.service_record_transition(
        actor=user or lab.user_admin, record=record, to_status=RecordStatus.ACCEPTED, rating=5
    )


def test_an_instrument_below_the_threshold_is_refused(lab: Lab, settings: Any) -> None:
    with pytest.raises(ApplicationError, match=r"原值应不低于 500,000\.00元"):
        services.instrument_create(
            actor=lab.owner_admin, owner=lab.owner, name="天平", model_number="X", maker="Y",
            original_value="499999.99", location="", fee_standard="", hourly_fee="10",
        )  # fmt: skip
    settings.INSTRUMENTS_MIN_ORIGINAL_VALUE = "300000"  # Liaoning's threshold
    assert services.instrument_create(
        actor=lab.owner_admin, owner=lab.owner, name="天平", model_number="X", maker="Y",
        original_value="400000", location="", fee_standard="", hourly_fee="10",
    )  # fmt: skip


def test_overlapping_bookings_are_refused(lab: Lab) -> None:
    _book(lab, hour=9, hours=2)
    with pytest.raises(ApplicationError, match="该时段已被预约") as info:
        _book(lab, hour=10, hours=2)
    assert info.value.status == 409
    assert _book(lab, hour=11, hours=1).status == BookingStatus.REQUESTED  # touching is fine


def test_a_cancelled_booking_frees_its_slot(lab: Lab) -> None:
    booking = _book(lab)
    services.booking_transition(actor=lab.user_admin, booking=booking, to_status="cancelled")
    assert _book(lab).status == BookingStatus.REQUESTED


def test_postgres_itself_refuses_an_overlap(lab: Lab) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("exclusion constraints exist on PostgreSQL only")
    booking = _book(lab)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            instrument=lab.instrument, user_org=lab.user_org, booked_by=lab.user_admin,
            start_at=booking.start_at + timedelta(minutes=30), end_at=booking.end_at,
            purpose="绕过服务",
        )  # fmt: skip


def test_the_subsidy_is_40_percent_of_external_unrelated_fees_capped(lab: Lab) -> None:
    _served(lab, "100000", "F-1", hour=9)
    # A related user (same legal representative) does not count.
    related = _org("关联企业有限公司", "enterprise", 81)
    related.legal_representative = lab.owner.legal_representative
    related.save()
    related_admin = _user("related_admin", related, "org_admin")
    record = _served(lab, "50000", "F-2", org=related, user=related_admin, hour=12)
    assert record.related_party
    assert "法定代表人相同" in record.related_reason
    result = services.subsidy_compute(unit=lab.owner, year=record.served_on.year)
    assert result.eligible_fees == Decimal("100000.00")
    assert result.excluded_fees == Decimal("50000.00")
    assert result.amount == Decimal("40000.00")

    claim = services.subsidy_claim_submit(
        actor=lab.owner_admin, unit=lab.owner, year=record.served_on.year
    )
    assert claim.amount == Decimal("40000.00")
    with pytest.raises(ApplicationError, match="每年只能申报一次"):
        services.subsidy_claim_submit(
            actor=lab.owner_admin, unit=lab.owner, year=record.served_on.year
        )
    services.subsidy_claim_transition(actor=lab.staff, claim=claim, to_status="approved")


def test_the_yearly_cap_limits_the_subsidy(lab: Lab, settings: Any) -> None:
    record = _served(lab, "2000000", "F-9")
    result = services.subsidy_compute(unit=lab.owner, year=record.served_on.year)
    assert result.amount == Decimal("500000.00")  # not 800,000: Tianjin's cap
    assert result.capped
    settings.INSTRUMENTS_SUBSIDY_RATE = "0.20"
    settings.INSTRUMENTS_SUBSIDY_CAP = "5000000"
    assert services.subsidy_compute(unit=lab.owner, year=record.served_on.year).amount == Decimal(
        "400000.00"
    )


def test_unaccepted_services_do_not_count_and_invoices_are_unique(lab: Lab) -> None:
    booking = _book(lab)
    services.booking_transition(actor=lab.owner_admin, booking=booking, to_status="confirmed")
    record = services.service_record_create(
        actor=lab.owner_admin, booking=booking, machine_hours="1.5", fee="600", invoice_number="X1"
    )
    assert services.subsidy_compute(unit=lab.owner, year=record.served_on.year).eligible_fees == 0
    other = _book(lab, hour=14)
    services.booking_transition(actor=lab.owner_admin, booking=other, to_status="confirmed")
    with pytest.raises(ApplicationError, match="发票号码 X1 已登记过"):
        services.service_record_create(
            actor=lab.owner_admin, booking=other, machine_hours="1", fee="400", invoice_number="X1"
        )
    with pytest.raises(ApplicationError, match="提出异议请写明原因"):
        services.service_record_transition(
            actor=lab.user_admin, record=record, to_status="disputed"
        )


def test_bookings_in_the_past_are_refused(lab: Lab) -> None:
    start = timezone.now() - timedelta(hours=3)
    with pytest.raises(ApplicationError, match="已经过去"):
        services.booking_create(
            actor=lab.user_admin, instrument=lab.instrument, user_org=lab.user_org,
            start_at=start, end_at=start + timedelta(hours=1), purpose="x",
        )  # fmt: skip


def test_an_instrument_under_maintenance_takes_no_bookings(lab: Lab) -> None:
    services.instrument_set_status(
        actor=lab.owner_admin, instrument=lab.instrument, status="maintenance"
    )
    with pytest.raises(ApplicationError, match="仪器当前维护中，暂不接受预约"):
        _book(lab)
    with pytest.raises(ApplicationError, match="变更仪器状态"):
        services.instrument_set_status(
            actor=lab.user_admin, instrument=lab.instrument, status="available"
        )
    services.instrument_set_status(
        actor=lab.owner_admin, instrument=lab.instrument, status="available"
    )
    assert _book(lab).status == BookingStatus.REQUESTED


def test_out_of_range_inputs_are_refused_in_chinese(lab: Lab) -> None:
    with pytest.raises(ApplicationError, match="年度应在 2000 到 2100 之间"):
        services.subsidy_compute(unit=lab.owner, year=99999)
    start, end = slot(1, 9)
    with pytest.raises(ApplicationError, match="样品数应为 0 到 100000"):
        services.booking_create(
            actor=lab.user_admin, instrument=lab.instrument, user_org=lab.user_org,
            start_at=start, end_at=end, purpose="x", samples=10**12,
        )  # fmt: skip
