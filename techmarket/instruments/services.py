"""Every write of instrument sharing: catalogue, bookings, service records, subsidies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import Organisation
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.money import format_yuan, to_yuan
from techmarket.instruments import access
from techmarket.instruments.models import Booking, Instrument, ServiceRecord, SubsidyClaim
from techmarket.instruments.workflow import (
    BOOKING_TRANSITIONS,
    HOLDING,
    RECORD_TRANSITIONS,
    SUBSIDY_TRANSITIONS,
    BookingStatus,
    InstrumentStatus,
    RecordStatus,
    SubsidyStatus,
)
from techmarket.vouchers import config
from techmarket.vouchers.models import Provider
from techmarket.vouchers.services._common import bounded, move
from techmarket.vouchers.services.fraud import related_reason
from techmarket.vouchers.workflow import ProviderStatus

CENT = Decimal("0.01")


@transaction.atomic
def instrument_create(
    *,
    actor: Any,
    owner: Organisation,
    name: str,
    model_number: str,
    maker: str,
    original_value: Decimal | str,
    location: str,
    fee_standard: str,
    hourly_fee: Decimal | str,
    opening_hours: str = "工作日 9:00–17:00",
) -> Instrument:
    accounts_access.ensure_can_publish(actor, owner)
    access.ensure_acts_for(actor, owner, "登记共享仪器")
    if not Provider.objects.filter(organisation=owner, status=ProviderStatus.APPROVED).exists():
        raise ApplicationError(
            "只有经科技局认定入库的服务机构可以登记共享仪器，请先申请成为服务机构。",
            code="provider_not_approved",
            status=409,
        )
    value = bounded(original_value, field="original_value", label="原值")
    minimum = config.instrument_min_original_value()
    fields: dict[str, str] = {}
    if value < minimum:
        fields["original_value"] = f"原值应不低于 {format_yuan(minimum)}"
    fee = bounded(hourly_fee, field="hourly_fee", label="机时费")
    if fee < 0:
        fields["hourly_fee"] = "机时费不能为负"
    for key, text in (("name", name), ("model_number", model_number), ("maker", maker)):
        if not (text or "").strip():
            fields[key] = "必填"
    limits = {
        "name": (name, 200), "model_number": (model_number, 100), "maker": (maker, 200),
        "location": (location, 200), "fee_standard": (fee_standard, 300),
        "opening_hours": (opening_hours, 200),
    }  # fmt: skip
    for key, (text, limit) in limits.items():
        if len((text or "").strip()) > limit:
            fields[key] = f"最多 {limit} 个字符"
    if fields:
        raise ApplicationError(
            "仪器信息有误：" + "；".join(fields.values()) + "。",
            code="validation_error",
            fields=fields,
        )
    instrument = Instrument.objects.create(
        owner=owner,
        name=name.strip(),
        model_number=model_number.strip(),
        maker=maker.strip(),
        original_value=value,
        location=location.strip(),
        fee_standard=fee_standard.strip(),
        hourly_fee=fee,
        opening_hours=opening_hours.strip(),
        created_by=actor,
    )
    audit.record(
        "instrument.create",
        actor=actor,
        organisation=owner,
        obj=instrument,
        summary=f"登记共享仪器“{instrument.name}”，原值 {format_yuan(value)}",
    )
    return instrument


@transaction.atomic
def instrument_set_status(*, actor: Any, instrument: Instrument, status: str) -> Instrument:
    """Open, pause for maintenance, or retire an instrument (its managing unit only)."""
    locked = Instrument.objects.select_for_update().select_related("owner").get(pk=instrument.pk)
    access.ensure_acts_for(actor, locked.owner, "变更仪器状态")
    if status not in InstrumentStatus.values:
        allowed = "、".join(str(label) for label in InstrumentStatus.labels)
        raise ApplicationError(f"仪器状态只能是：{allowed}。", code="validation_error")
    if locked.status == InstrumentStatus.RETIRED:
        raise ApplicationError(
            "已停用的仪器不能再变更状态。", code="invalid_transition", status=409
        )
    previous = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    labels = dict(InstrumentStatus.choices)
    audit.record(
        f"instrument.{status}",
        actor=actor,
        organisation=locked.owner,
        obj=locked,
        summary=f"仪器“{locked.name}”：{labels[previous]} → {labels[status]}",
        changes={"status": [previous, status]},
    )
    return locked


def _overlapping(instrument: Instrument, start: datetime, end: datetime) -> Booking | None:
    return (
        Booking.objects.filter(
            instrument=instrument, status__in=HOLDING, start_at__lt=end, end_at__gt=start
        )
        .order_by("start_at")
        .first()
    )


@transaction.atomic
def booking_create(
    *,
    actor: Any,
    instrument: Instrument,
    user_org: Organisation,
    start_at: datetime,
    end_at: datetime,
    purpose: str,
    samples: int = 0,
) -> Booking:
    access.ensure_acts_for(actor, user_org, "预约仪器")
    if not 0 <= samples <= 100000:
        raise ApplicationError(
            "样品数应为 0 到 100000。", code="validation_error", fields={"samples": "0–100000"}
        )
    if end_at <= start_at:
        raise ApplicationError(
            "结束时间必须晚于开始时间。", code="validation_error", fields={"end_at": "晚于开始"}
        )
    if start_at < timezone.now():
        raise ApplicationError("不能预约已经过去的时间。", code="in_the_past")
    # The instrument's row lock orders concurrent bookings of the same instrument.
    locked = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if locked.status != InstrumentStatus.AVAILABLE:
        raise ApplicationError(
            f"仪器当前{locked.get_status_display()}，暂不接受预约。",
            code="instrument_unavailable",
            status=409,
        )
    clash = _overlapping(locked, start_at, end_at)
    if clash is not None:
        local = timezone.localtime
        raise ApplicationError(
            f"该时段已被预约（{local(clash.start_at):%Y-%m-%d %H:%M}–"
            f"{local(clash.end_at):%H:%M}），请选择其他时间。",
            code="booking_overlap",
            status=409,
        )
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                instrument=locked,
                user_org=user_org,
                booked_by=actor,
                start_at=start_at,
                end_at=end_at,
                purpose=(purpose or "").strip()[:300],
                samples=samples,
            )
    except IntegrityError as exc:  # the PostgreSQL exclusion constraint, as a backstop
        raise ApplicationError(
            "该时段已被预约，请选择其他时间。", code="booking_overlap", status=409
        ) from exc
    audit.record(
        "instrument_booking.create",
        actor=actor,
        organisation=user_org,
        obj=booking,
        summary=f"“{user_org.name}”预约“{locked.name}”",
    )
    return booking


@transaction.atomic
def booking_transition(
    *, actor: Any, booking: Booking, to_status: str, reason: str = ""
) -> Booking:
    locked = (
        Booking.objects.select_for_update()
        .select_related("instrument__owner", "user_org")
        .get(pk=booking.pk)
    )
    if to_status == BookingStatus.CANCELLED:
        if not access.acts_for(actor, locked.instrument.owner):
            access.ensure_acts_for(actor, locked.user_org, "取消预约")
    elif to_status == BookingStatus.COMPLETED:
        raise ApplicationError(
            "登记服务记录后预约自动完成。", code="use_service_record", status=409
        )
    else:
        access.ensure_acts_for(actor, locked.instrument.owner, "确认或拒绝预约")
    locked.status_reason = reason.strip()[:300]
    move(
        locked,
        transitions=BOOKING_TRANSITIONS,
        choices=BookingStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.user_org,
        action=f"instrument_booking.{to_status}",
        summary=f"“{locked.instrument.name}”的预约",
        extra_fields=("status_reason",),
    )
    return locked


@transaction.atomic
def service_record_create(
    *,
    actor: Any,
    booking: Booking,
    machine_hours: Decimal | str,
    fee: Decimal | str,
    invoice_number: str,
    samples: int | None = None,
    served_on: date | None = None,
) -> ServiceRecord:
    """The managing unit records the service of a confirmed booking (台账)."""
    locked = (
        Booking.objects.select_for_update()
        .select_related("instrument__owner", "user_org")
        .get(pk=booking.pk)
    )
    instrument = locked.instrument
    access.ensure_acts_for(actor, instrument.owner, "登记仪器服务记录")
    hours = bounded(machine_hours, field="machine_hours", label="机时")
    if hours > 100000:
        raise ApplicationError(
            "机时超出允许范围。", code="validation_error", fields={"machine_hours": "超出范围"}
        )
    amount = bounded(fee, field="fee", label="服务费")
    fields: dict[str, str] = {}
    if hours <= 0:
        fields["machine_hours"] = "机时应大于 0"
    if amount < 0:
        fields["fee"] = "服务费不能为负"
    if not (invoice_number or "").strip() or len(invoice_number.strip()) > 40:
        fields["invoice_number"] = "必填，最多 40 个字符"
    if samples is not None and not 0 <= samples <= 100000:
        fields["samples"] = "样品数应为 0 到 100000"
    if fields:
        raise ApplicationError(
            "服务记录有误：" + "；".join(fields.values()) + "。",
            code="validation_error",
            fields=fields,
        )
    if ServiceRecord.objects.filter(
        instrument=instrument, invoice_number=invoice_number.strip()
    ).exists():
        raise ApplicationError(
            f"发票号码 {invoice_number.strip()} 已登记过服务记录，同一发票只能登记一次。",
            code="duplicate_invoice",
            status=409,
        )
    reason = related_reason(locked.user_org, instrument.owner)
    if locked.user_org_id == instrument.owner_id:
        reason = "本单位内部使用"
    record = ServiceRecord.objects.create(
        instrument=instrument,
        booking=locked,
        user_org=locked.user_org,
        served_on=served_on or timezone.localdate(locked.end_at),
        machine_hours=hours,
        samples=locked.samples if samples is None else samples,
        fee=amount,
        invoice_number=invoice_number.strip(),
        related_party=bool(reason),
        related_reason=reason,
        recorded_by=actor,
    )
    move(
        locked,
        transitions=BOOKING_TRANSITIONS,
        choices=BookingStatus,
        to_status=BookingStatus.COMPLETED,
        actor=actor,
        organisation=locked.user_org,
        action="instrument_booking.completed",
        summary=f"“{instrument.name}”的预约",
    )
    audit.record(
        "instrument_service.record",
        actor=actor,
        organisation=instrument.owner,
        obj=record,
        summary=f"登记“{instrument.name}”为“{locked.user_org.name}”服务 {hours} 机时，"
        f"收费 {format_yuan(amount)}" + (f"（关联：{reason}）" if reason else ""),
    )
    return record


@transaction.atomic
def service_record_transition(
    *,
    actor: Any,
    record: ServiceRecord,
    to_status: str,
    rating: int | None = None,
    comment: str = "",
) -> ServiceRecord:
    """The user organisation accepts the service (用户验收) or raises an objection."""
    locked = (
        ServiceRecord.objects.select_for_update()
        .select_related("instrument", "user_org")
        .get(pk=record.pk)
    )
    access.ensure_acts_for(actor, locked.user_org, "验收仪器服务")
    if rating is not None and not 1 <= rating <= 5:
        raise ApplicationError(
            "评分应为 1–5 分。", code="validation_error", fields={"rating": "1–5"}
        )
    if to_status == RecordStatus.DISPUTED and not comment.strip():
        raise ApplicationError(
            "提出异议请写明原因。", code="reason_required", fields={"comment": "必填"}
        )
    locked.user_rating = rating
    locked.user_comment = comment.strip()[:300]
    move(
        locked,
        transitions=RECORD_TRANSITIONS,
        choices=RecordStatus,
        to_status=to_status,
        actor=actor,
        reason=comment,
        organisation=locked.user_org,
        action=f"instrument_service.{to_status}",
        summary=f"“{locked.instrument.name}”的服务记录",
        extra_fields=("user_rating", "user_comment"),
    )
    return locked


# ---- annual subsidy -----------------------------------------------------------------


@dataclass(frozen=True)
class SubsidyComputation:
    unit: Organisation
    year: int
    eligible_fees: Decimal
    excluded_fees: Decimal
    record_count: int
    rate: Decimal
    cap: Decimal
    amount: Decimal

    @property
    def capped(self) -> bool:
        return self.amount == self.cap and self.eligible_fees * self.rate > self.cap


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ApplicationError(
            "年度应在 2000 到 2100 之间。", code="validation_error", fields={"year": "2000–2100"}
        )


def subsidy_compute(*, unit: Organisation, year: int) -> SubsidyComputation:
    """≤ rate × fees of the year's accepted external services, excluding related parties
    (RULES.md §3: Tianjin 2016, 40 % and 500,000 yuan by default), ≤ the yearly cap."""
    _check_year(year)
    records = ServiceRecord.objects.filter(
        instrument__owner=unit, served_on__year=year, status=RecordStatus.ACCEPTED
    )
    eligible = records.filter(related_party=False).exclude(user_org=unit)
    eligible_fees = to_yuan(eligible.aggregate(s=Sum("fee"))["s"] or 0)
    total = to_yuan(records.aggregate(s=Sum("fee"))["s"] or 0)
    rate = config.instrument_subsidy_rate()
    cap = to_yuan(config.instrument_subsidy_cap())
    amount = min(to_yuan(eligible_fees * rate), cap)
    return SubsidyComputation(
        unit=unit,
        year=year,
        eligible_fees=eligible_fees,
        excluded_fees=total - eligible_fees,
        record_count=eligible.count(),
        rate=rate,
        cap=cap,
        amount=amount,
    )


@transaction.atomic
def subsidy_claim_submit(*, actor: Any, unit: Organisation, year: int) -> SubsidyClaim:
    access.ensure_acts_for(actor, unit, "申报仪器共享补贴")
    Organisation.objects.select_for_update().get(pk=unit.pk)
    if (
        SubsidyClaim.objects.filter(unit=unit, year=year)
        .exclude(status=SubsidyStatus.REJECTED)
        .exists()
    ):
        raise ApplicationError(
            f"本单位已申报 {year} 年度的仪器共享补贴，每年只能申报一次。",
            code="already_claimed",
            status=409,
        )
    result = subsidy_compute(unit=unit, year=year)
    if result.eligible_fees <= 0:
        raise ApplicationError(
            f"{year} 年度没有经用户验收的对外服务记录（关联单位和本单位内部服务不计入），无可申报补贴。",
            code="nothing_to_claim",
            status=409,
        )
    claim = SubsidyClaim.objects.create(
        unit=unit,
        year=year,
        eligible_fees=result.eligible_fees,
        excluded_fees=result.excluded_fees,
        record_count=result.record_count,
        rate=result.rate,
        cap=result.cap,
        amount=result.amount,
        submitted_by=actor,
    )
    audit.record(
        "instrument_subsidy.submit",
        actor=actor,
        organisation=unit,
        obj=claim,
        summary=f"“{unit.name}”申报 {year} 年度仪器共享补贴 {format_yuan(result.amount)}"
        f"（服务费 {format_yuan(result.eligible_fees)} × {result.rate:.0%}，上限 {format_yuan(result.cap)}）",
    )
    return claim


@transaction.atomic
def subsidy_claim_transition(
    *, actor: Any, claim: SubsidyClaim, to_status: str, reason: str = ""
) -> SubsidyClaim:
    access.ensure_bureau_staff(actor, "审核仪器共享补贴")
    locked = SubsidyClaim.objects.select_for_update().select_related("unit").get(pk=claim.pk)
    if to_status == SubsidyStatus.REJECTED and not reason.strip():
        raise ApplicationError(
            "驳回必须填写原因。", code="reason_required", fields={"reason": "必填"}
        )
    locked.status_reason = reason.strip()[:300]
    move(
        locked,
        transitions=SUBSIDY_TRANSITIONS,
        choices=SubsidyStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.unit,
        action=f"instrument_subsidy.{to_status}",
        summary=f"“{locked.unit.name}” {locked.year} 年度仪器共享补贴",
        extra_fields=("status_reason",),
    )
    return locked
