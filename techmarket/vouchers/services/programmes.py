"""Programmes, applications, voucher issuance and expiry."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import Organisation, OrganisationType
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.money import format_yuan, to_yuan
from techmarket.core.regions import PROVINCES
from techmarket.vouchers import access, config
from techmarket.vouchers.models import Programme, Voucher, VoucherApplication
from techmarket.vouchers.services import ledger
from techmarket.vouchers.services._common import bounded, move, notify_organisation
from techmarket.vouchers.workflow import (
    APPLICATION_TRANSITIONS,
    PROGRAMME_TRANSITIONS,
    VOUCHER_TRANSITIONS,
    ApplicationStatus,
    LedgerAccount,
    LedgerKind,
    ProgrammeStatus,
    SettlementMode,
    VoucherStatus,
)

LIVE_VOUCHER = (VoucherStatus.ACTIVE, VoucherStatus.USED_UP)


def today() -> date:
    return timezone.localdate()


@transaction.atomic
def programme_create(
    *,
    actor: Any,
    name: str,
    year: int,
    total_budget: Decimal | str,
    apply_start: date,
    apply_end: date,
    settlement_mode: str,
    per_enterprise_cap: Decimal | str | None = None,
    copay_ratio: Decimal | str | None = None,
    validity_days: int | None = None,
    eligible_enterprise_types: list[str] | None = None,
    accepted_provider_regions: list[str] | None = None,
) -> Programme:
    access.ensure_bureau_staff(actor, "设立创新券专项")
    fields: dict[str, str] = {}
    budget = bounded(total_budget, field="total_budget", label="总预算")
    cap = (
        bounded(per_enterprise_cap, field="per_enterprise_cap", label="单个企业上限")
        if per_enterprise_cap
        else to_yuan(config.default_per_enterprise_cap())
    )
    ratio = (
        Decimal(str(copay_ratio)) if copay_ratio not in (None, "") else config.default_copay_ratio()
    )
    days = validity_days if validity_days is not None else config.default_validity_days()
    types = eligible_enterprise_types or [OrganisationType.ENTERPRISE]
    regions = [r.strip()[:2] for r in (accepted_provider_regions or []) if r.strip()]
    if not (name or "").strip() or len(name.strip()) > 200:
        fields["name"] = "必填，最多 200 个字符"
    if budget <= 0:
        fields["total_budget"] = "总预算应大于 0"
    if cap <= 0:
        fields["per_enterprise_cap"] = "单个企业上限应大于 0"
    if not Decimal(0) < ratio <= 1:
        fields["copay_ratio"] = "支付比例应在 0 到 1 之间（如 0.5 表示最多支付 50%）"
    if not 0 < days <= 3660:
        fields["validity_days"] = "有效期应为 1 到 3660 天"
    if not 2000 <= year <= 2100:
        fields["year"] = "年度应在 2000 到 2100 之间"
    if apply_end < apply_start:
        fields["apply_end"] = "申领截止日期不能早于开始日期"
    if settlement_mode not in SettlementMode.values:
        fields["settlement_mode"] = "兑付方式应为企业兑付或机构兑付"
    if any(t not in OrganisationType.values for t in types):
        fields["eligible_enterprise_types"] = "含有无效的机构类型"
    if any(r not in PROVINCES for r in regions):
        fields["accepted_provider_regions"] = "含有无效的省级行政区划代码"
    if fields:
        raise ApplicationError(
            "专项设置有误：" + "；".join(fields.values()), code="validation_error", fields=fields
        )
    programme = Programme.objects.create(
        name=name.strip(),
        year=year,
        total_budget=budget,
        budget_remaining=Decimal("0.00"),
        per_enterprise_cap=cap,
        copay_ratio=ratio,
        eligible_enterprise_types=types,
        accepted_provider_regions=regions,
        settlement_mode=settlement_mode,
        apply_start=apply_start,
        apply_end=apply_end,
        validity_days=days,
        created_by=actor,
    )
    audit.record(
        "voucher_programme.create",
        actor=actor,
        obj=programme,
        summary=f"设立创新券专项“{programme.name}”，总预算 {format_yuan(budget)}",
    )
    return programme


@transaction.atomic
def programme_transition(*, actor: Any, programme: Programme, to_status: str) -> Programme:
    access.ensure_bureau_staff(actor, "发布或结束创新券专项")
    locked = Programme.objects.select_for_update().get(pk=programme.pk)
    opening = to_status == ProgrammeStatus.OPEN and locked.status == ProgrammeStatus.DRAFT
    move(
        locked,
        transitions=PROGRAMME_TRANSITIONS,
        choices=ProgrammeStatus,
        to_status=to_status,
        actor=actor,
        action=f"voucher_programme.{to_status}",
        summary=f"创新券专项“{locked.name}”",
    )
    if opening:
        locked.budget_remaining = locked.total_budget
        locked.save(update_fields=["budget_remaining"])
        ledger.post(
            account=LedgerAccount.BUDGET,
            kind=LedgerKind.FUNDING,
            amount=locked.total_budget,
            programme=locked,
            actor=actor,
            memo=f"专项“{locked.name}”预算拨入",
        )
    return locked


def locked_programme(pk: int) -> Programme:
    """The programme row, locked for the rest of the transaction (its budget is spent)."""
    return Programme.objects.select_for_update().get(pk=pk)


def approved_total(programme: Programme, enterprise: Organisation) -> Decimal:
    total = Voucher.objects.filter(programme=programme, holder=enterprise).aggregate(
        s=Sum("face_value")
    )["s"]
    return total or Decimal("0.00")


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    programme: Programme,
    enterprise: Organisation,
    requested_amount: Decimal | str,
    purpose: str,
) -> VoucherApplication:
    accounts_access.ensure_can_publish(actor, enterprise)
    access.ensure_acts_for(actor, enterprise, "申领创新券")
    programme = Programme.objects.get(pk=programme.pk)
    day = today()
    if programme.status != ProgrammeStatus.OPEN:
        raise ApplicationError(
            f"专项“{programme.name}”当前{programme.get_status_display()}，只有申领中的专项可以申领。",
            code="programme_not_open",
            status=409,
        )
    if not programme.apply_start <= day <= programme.apply_end:
        raise ApplicationError(
            f"申领时间为 {programme.apply_start} 至 {programme.apply_end}，今天不在申领期内。",
            code="outside_window",
            status=409,
        )
    if enterprise.type not in programme.eligible_enterprise_types:
        labels = dict(OrganisationType.choices)
        allowed = "、".join(str(labels.get(t, t)) for t in programme.eligible_enterprise_types)
        raise ApplicationError(
            f"本专项只接受以下类型的机构申领：{allowed}。",
            code="not_eligible",
            status=409,
        )
    amount = bounded(requested_amount, field="requested_amount", label="申领金额")
    room = programme.per_enterprise_cap - approved_total(programme, enterprise)
    if amount <= 0 or amount > room:
        raise ApplicationError(
            f"申领金额应大于 0 且不超过本企业可申领额度 {format_yuan(room)}"
            f"（单个企业上限 {format_yuan(programme.per_enterprise_cap)}）。",
            code="amount_out_of_range",
            fields={"requested_amount": f"不超过 {room}"},
        )
    if not (purpose or "").strip():
        raise ApplicationError(
            "请填写用途说明。", code="validation_error", fields={"purpose": "必填"}
        )
    application = VoucherApplication.objects.create(
        programme=programme,
        enterprise=enterprise,
        applicant=actor,
        requested_amount=amount,
        purpose=purpose.strip(),
    )
    audit.record(
        "voucher_application.submit",
        actor=actor,
        organisation=enterprise,
        obj=application,
        summary=f"“{enterprise.name}”申领创新券 {format_yuan(amount)}",
    )
    return application


def _next_number(programme: Programme) -> str:
    # Called under the programme's row lock, so the count cannot race.
    serial = Voucher.objects.filter(programme=programme).count() + 1
    return f"{config.number_prefix()}{programme.year}{programme.pk:03d}{serial:06d}"


@transaction.atomic
def application_transition(
    *,
    actor: Any,
    application: VoucherApplication,
    to_status: str,
    approved_amount: Decimal | str | None = None,
    reason: str = "",
) -> VoucherApplication:
    """Approve (with an amount ≤ cap and ≤ remaining budget; issues the voucher) or reject."""
    access.ensure_bureau_staff(actor, "审核创新券申领")
    # Lock order everywhere: programme → voucher → order → redemption → payable.
    programme = locked_programme(application.programme_id)
    locked = (
        VoucherApplication.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=application.pk)
    )
    changes: dict[str, Any] = {}
    if to_status == ApplicationStatus.REJECTED and not reason.strip():
        raise ApplicationError(
            "审核不通过必须填写原因。", code="reason_required", fields={"reason": "必填"}
        )
    if to_status == ApplicationStatus.APPROVED:
        ensure_amount = to_yuan(approved_amount if approved_amount else locked.requested_amount)
        room = programme.per_enterprise_cap - approved_total(programme, locked.enterprise)
        limit = min(room, programme.budget_remaining, locked.requested_amount)
        if programme.status != ProgrammeStatus.OPEN:
            raise ApplicationError(
                f"专项当前{programme.get_status_display()}，不能再发放创新券。",
                code="programme_not_open",
                status=409,
            )
        if ensure_amount <= 0 or ensure_amount > limit:
            raise ApplicationError(
                f"核定金额应大于 0 且不超过 {format_yuan(limit)}（申领金额 "
                f"{format_yuan(locked.requested_amount)}，企业剩余额度 {format_yuan(room)}，"
                f"专项剩余预算 {format_yuan(programme.budget_remaining)}）。",
                code="amount_out_of_range",
                fields={"approved_amount": f"不超过 {limit}"},
                status=409,
            )
        locked.approved_amount = ensure_amount
        changes["approved_amount"] = str(ensure_amount)
    locked.status_reason = reason.strip()
    move(
        locked,
        transitions=APPLICATION_TRANSITIONS,
        choices=ApplicationStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.enterprise,
        action=f"voucher_application.{to_status}",
        summary=f"“{locked.enterprise.name}”的创新券申领",
        changes=changes,
        extra_fields=("approved_amount", "status_reason"),
    )
    if to_status == ApplicationStatus.APPROVED:
        voucher = _issue(actor=actor, programme=programme, application=locked)
        notify_organisation(
            locked.enterprise,
            title=f"创新券已发放：{voucher.number}",
            body=f"面额 {format_yuan(voucher.face_value)}，有效期至 {voucher.valid_until}。",
            url=f"/vouchers/vouchers/{voucher.pk}/",
        )
    else:
        notify_organisation(
            locked.enterprise, title="创新券申领未通过", body=reason, url="/vouchers/mine/"
        )
    return locked


def _issue(*, actor: Any, programme: Programme, application: VoucherApplication) -> Voucher:
    amount = application.approved_amount
    assert amount is not None  # noqa: S101 - set by the caller
    programme.budget_remaining -= amount
    programme.save(update_fields=["budget_remaining"])
    voucher = Voucher.objects.create(
        number=_next_number(programme),
        programme=programme,
        holder=application.enterprise,
        application=application,
        face_value=amount,
        balance=amount,
        valid_until=today() + timedelta(days=programme.validity_days),
    )
    ledger.post(
        account=LedgerAccount.BUDGET,
        kind=LedgerKind.ISSUE,
        amount=-amount,
        programme=programme,
        voucher=voucher,
        actor=actor,
        memo=f"发放创新券 {voucher.number}",
    )
    ledger.post(
        account=LedgerAccount.VOUCHER,
        kind=LedgerKind.ISSUE,
        amount=amount,
        programme=programme,
        voucher=voucher,
        actor=actor,
        memo=f"发放创新券 {voucher.number}",
    )
    audit.record(
        "voucher.issue",
        actor=actor,
        organisation=application.enterprise,
        obj=voucher,
        summary=f"向“{application.enterprise.name}”发放创新券 {voucher.number}，面额 {format_yuan(amount)}",
    )
    return voucher


@transaction.atomic
def voucher_transition(
    *, actor: Any, voucher: Voucher, to_status: str, reason: str = ""
) -> Voucher:
    """Expire or cancel a voucher; the unused balance goes back to the programme's budget."""
    if actor is not None:
        access.ensure_bureau_staff(actor, "作废创新券")
    programme = Programme.objects.select_for_update().get(pk=voucher.programme_id)
    locked = Voucher.objects.select_for_update().select_related("holder").get(pk=voucher.pk)
    returned = locked.balance
    if to_status in (VoucherStatus.EXPIRED, VoucherStatus.CANCELLED) and returned > 0:
        ensure_allowed = VOUCHER_TRANSITIONS.get(locked.status, frozenset())
        if to_status in ensure_allowed:
            locked.balance = Decimal("0.00")
            locked.save(update_fields=["balance"])
            programme.budget_remaining += returned
            programme.save(update_fields=["budget_remaining"])
            kind = LedgerKind.EXPIRE
            memo = f"创新券 {locked.number} {'过期' if to_status == VoucherStatus.EXPIRED else '作废'}，余额退回预算"
            ledger.post(
                account=LedgerAccount.VOUCHER, kind=kind, amount=-returned,
                programme=programme, voucher=locked, actor=actor, memo=memo,
            )  # fmt: skip
            ledger.post(
                account=LedgerAccount.BUDGET, kind=kind, amount=returned,
                programme=programme, voucher=locked, actor=actor, memo=memo,
            )  # fmt: skip
    move(
        locked,
        transitions=VOUCHER_TRANSITIONS,
        choices=VoucherStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.holder,
        action=f"voucher.{to_status}",
        summary=f"创新券 {locked.number}",
        changes={"returned_to_budget": str(returned)},
    )
    return locked


def vouchers_expire(*, day: date | None = None) -> list[Voucher]:
    """The nightly job: every live voucher past its validity expires, one transaction each."""
    day = day or today()
    expired = []
    for voucher in Voucher.objects.filter(status__in=LIVE_VOUCHER, valid_until__lt=day):
        expired.append(
            voucher_transition(
                actor=None, voucher=voucher, to_status=VoucherStatus.EXPIRED, reason="超过有效期"
            )
        )
    return expired
