"""Demo data of instrument sharing: instruments of two accredited units, past services
with the users' acceptance, upcoming bookings, and a computed annual subsidy claim."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from techmarket.core.demo import DemoContext
from techmarket.instruments import services
from techmarket.instruments.models import Booking, Instrument
from techmarket.instruments.workflow import RecordStatus
from techmarket.vouchers.models import Provider

INSTRUMENTS = [
    ("institute", "场发射扫描电子显微镜", "SU8010", "日立高新", "3200000", "400", "分析楼 101"),
    ("institute", "X 射线衍射仪", "D8 ADVANCE", "布鲁克", "1800000", "300", "分析楼 105"),
    (
        "university",
        "高分辨液相色谱质谱联用仪",
        "Q Exactive",
        "赛默飞",
        "4500000",
        "800",
        "化学楼 B203",
    ),
]


def _user(context: DemoContext, username: str) -> Any:
    return context.users[username][0]


def _book(
    context: DemoContext,
    instrument: Instrument,
    org_key: str,
    username: str,
    start: Any,
    hours: int,
) -> Booking:
    # Bookings are made for the future (the service refuses the past); past demo services
    # are then moved back in time, as if they had been booked weeks ago.
    ahead = timezone.now() + timedelta(days=400)
    booking = services.booking_create(
        actor=_user(context, username),
        instrument=instrument,
        user_org=context.organisations[org_key],
        start_at=ahead + (start - timezone.now()),
        end_at=ahead + (start - timezone.now()) + timedelta(hours=hours),
        purpose="新材料样品表征",
        samples=hours * 2,
    )
    Booking.objects.filter(pk=booking.pk).update(
        start_at=start, end_at=start + timedelta(hours=hours)
    )
    booking.refresh_from_db()
    return booking


def load(context: DemoContext) -> None:
    if "bureau" not in context.users or not Provider.objects.exists():
        return
    orgs = context.organisations
    owners = {"institute": "institute", "university": "university"}
    instruments = []
    for key, name, model, maker, value, fee, place in INSTRUMENTS:
        instruments.append(
            services.instrument_create(
                actor=_user(context, owners[key]),
                owner=orgs[key],
                name=name,
                model_number=model,
                maker=maker,
                original_value=value,
                location=place,
                fee_standard=f"{fee} 元/机时（校外单位）",
                hourly_fee=fee,
            )
        )
    sem, xrd, ms = instruments
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    past = [
        (sem, "enterprise", "enterprise", 3, "1200"),
        (sem, "enterprise", "enterprise", 4, "1600"),
        (xrd, "university", "university", 2, "600"),
        (sem, "institute", "institute", 5, "2000"),  # internal use: not subsidised
        (ms, "enterprise", "enterprise", 2, "1600"),
    ]
    institute_admin = _user(context, "institute")
    years = []
    for index, (instrument, org_key, username, hours, fee) in enumerate(past):
        start = (now - timedelta(days=18 - 3 * index)).replace(hour=9)
        booking = _book(context, instrument, org_key, username, start, hours)
        owner_user = _user(context, owners["institute" if instrument != ms else "university"])
        services.booking_transition(actor=owner_user, booking=booking, to_status="confirmed")
        record = services.service_record_create(
            actor=owner_user,
            booking=booking,
            machine_hours=str(hours),
            fee=fee,
            invoice_number=f"12002611{index:04d}",
        )
        years.append(record.served_on.year)
        services.service_record_transition(
            actor=_user(context, username),
            record=record,
            to_status=RecordStatus.ACCEPTED,
            rating=5,
        )
    # Upcoming calendar entries: one confirmed, one waiting for the unit's answer.
    tomorrow = (now + timedelta(days=1)).replace(hour=9)
    upcoming = services.booking_create(
        actor=_user(context, "enterprise"),
        instrument=sem,
        user_org=orgs["enterprise"],
        start_at=tomorrow,
        end_at=tomorrow + timedelta(hours=2),
        purpose="焊缝断口形貌观察",
        samples=3,
    )
    services.booking_transition(actor=institute_admin, booking=upcoming, to_status="confirmed")
    services.booking_create(
        actor=_user(context, "university"),
        instrument=sem,
        user_org=orgs["university"],
        start_at=tomorrow + timedelta(hours=3),
        end_at=tomorrow + timedelta(hours=5),
        purpose="纳米粉体粒径观察",
        samples=5,
    )
    claim = services.subsidy_claim_submit(
        actor=institute_admin, unit=orgs["institute"], year=max(years)
    )
    context.notes.append(
        f"仪器共享：{len(instruments)} 台仪器；“{orgs['institute'].name}”{claim.year} 年度补贴试算 "
        f"{claim.amount} 元（计入服务费 {claim.eligible_fees} 元 × {claim.rate:.0%}，"
        f"本单位内部使用 {claim.excluded_fees} 元不计入），待科技局审核。"
    )
