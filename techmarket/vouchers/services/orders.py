"""Orders, delivery evidence, confirmation, redemption claims and settlement batches."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from techmarket.accounts.models import Organisation
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.exports import xlsx_bytes
from techmarket.core.files import check_upload
from techmarket.core.money import format_yuan, to_yuan
from techmarket.vouchers import access
from techmarket.vouchers.models import (
    Order,
    PayableAccount,
    Programme,
    Redemption,
    ServiceProduct,
    SettlementBatch,
    Voucher,
)
from techmarket.vouchers.services import fraud, ledger
from techmarket.vouchers.services._common import move, notify_organisation
from techmarket.vouchers.services.programmes import today
from techmarket.vouchers.workflow import (
    ORDER_TRANSITIONS,
    REDEMPTION_TRANSITIONS,
    VOUCHER_TRANSITIONS,
    LedgerAccount,
    LedgerKind,
    OrderStatus,
    ProgrammeStatus,
    RedemptionStatus,
    SettlementMode,
    VoucherStatus,
)

CENT = Decimal("0.01")


def locked_voucher(pk: int) -> Voucher:
    """The voucher row, locked for the rest of the transaction."""
    return Voucher.objects.select_for_update().select_related("holder", "programme").get(pk=pk)


def _province(org: Organisation) -> str:
    return (org.region_code or "")[:2]


@transaction.atomic
def order_create(
    *,
    actor: Any,
    voucher: Voucher,
    product: ServiceProduct,
    quantity: int = 1,
    requirements: str = "",
) -> Order:
    # Decide on the rows as they are now, not on the caller's possibly stale copies.
    voucher = Voucher.objects.select_related("holder", "programme").get(pk=voucher.pk)
    product = ServiceProduct.objects.select_related("provider__organisation").get(pk=product.pk)
    access.ensure_acts_for(actor, voucher.holder, "使用本企业的创新券下单")
    provider = product.provider
    if not provider.is_approved or not product.is_active:
        raise ApplicationError(
            "该服务产品已下架或其服务机构不在入库名单中，不能下单。",
            code="product_unavailable",
            status=409,
        )
    fraud.check_not_expired(voucher, today())
    if voucher.status != VoucherStatus.ACTIVE:
        raise ApplicationError(
            f"创新券 {voucher.number} 当前{voucher.get_status_display()}，只有可使用的券才能下单。",
            code="voucher_not_active",
            status=409,
        )
    programme = voucher.programme
    regions = programme.accepted_provider_regions
    if regions and _province(provider.organisation) not in regions:
        raise ApplicationError(
            f"本专项只认可以下地区的服务机构：{'、'.join(regions)}（省级代码）；"
            f"“{provider.organisation.name}”不在其中。",
            code="provider_region",
            status=409,
        )
    fraud.check_related_party(voucher.holder, provider.organisation)
    if not 1 <= quantity <= 10000:
        raise ApplicationError(
            "数量应为 1 到 10000。", code="validation_error", fields={"quantity": "1–10000"}
        )
    fee = to_yuan(product.price * quantity)
    if fee <= 0:
        raise ApplicationError("该服务产品价格为 0，无需使用创新券。", code="zero_fee")
    order = Order.objects.create(
        voucher=voucher,
        product=product,
        provider=provider,
        enterprise=voucher.holder,
        ordered_by=actor,
        quantity=quantity,
        fee=fee,
        requirements=requirements.strip(),
    )
    audit.record(
        "voucher_order.create",
        actor=actor,
        organisation=voucher.holder,
        obj=order,
        summary=f"以创新券 {voucher.number} 订购“{product.name}”，服务费 {format_yuan(fee)}",
    )
    return order


@dataclass
class Evidence:
    contract_party_a: str
    contract_party_b: str
    invoice_number: str
    contract_file: UploadedFile | None = None
    report_file: UploadedFile | None = None
    payment_proof_file: UploadedFile | None = None


@transaction.atomic
def order_transition(
    *,
    actor: Any,
    order: Order,
    to_status: str,
    evidence: Evidence | None = None,
    rating: int | None = None,
    comment: str = "",
    reason: str = "",
) -> Order:
    """Deliver (provider, with evidence), confirm and rate (enterprise), or cancel."""
    locked = (
        Order.objects.select_for_update()
        .select_related("provider__organisation", "enterprise", "voucher")
        .get(pk=order.pk)
    )
    extra: tuple[str, ...] = ()
    if to_status == OrderStatus.DELIVERED:
        access.ensure_acts_for(actor, locked.provider.organisation, "提交交付材料")
        if evidence is None:
            raise ApplicationError("请上传交付材料。", code="evidence_required")
        missing = {
            name: "必填"
            for name in ("contract_party_a", "contract_party_b", "invoice_number")
            if not getattr(evidence, name, "").strip()
        }
        for name in ("contract_file", "report_file", "payment_proof_file"):
            if getattr(evidence, name) is None:
                missing[name] = "请上传"
        for name, limit in (
            ("contract_party_a", 200),
            ("contract_party_b", 200),
            ("invoice_number", 40),
        ):
            if len(getattr(evidence, name, "").strip()) > limit:
                missing[name] = f"最多 {limit} 个字符"
        if missing:
            raise ApplicationError(
                "交付材料不完整：合同、服务报告、发票号码和付款凭证都必须提供。",
                code="evidence_incomplete",
                fields=missing,
            )
        for name in ("contract_file", "report_file", "payment_proof_file"):
            upload = getattr(evidence, name)
            check_upload(upload)
            getattr(locked, name).save(upload.name, upload, save=False)
        locked.contract_party_a = evidence.contract_party_a.strip()
        locked.contract_party_b = evidence.contract_party_b.strip()
        locked.invoice_number = evidence.invoice_number.strip()
        locked.delivered_at = timezone.now()
        extra = (
            "contract_party_a", "contract_party_b", "invoice_number", "contract_file",
            "report_file", "payment_proof_file", "delivered_at",
        )  # fmt: skip
    elif to_status == OrderStatus.CONFIRMED:
        access.ensure_acts_for(actor, locked.enterprise, "确认服务并评价")
        if rating is None or not 1 <= rating <= 5:
            raise ApplicationError(
                "请为服务打分（1–5 分）。", code="validation_error", fields={"rating": "1–5"}
            )
        locked.rating = rating
        locked.comment = comment.strip()
        locked.confirmed_at = timezone.now()
        extra = ("rating", "comment", "confirmed_at")
    elif to_status == OrderStatus.CANCELLED and not (
        access.acts_for(actor, locked.enterprise)
        or access.acts_for(actor, locked.provider.organisation)
    ):
        access.ensure_acts_for(actor, locked.enterprise, "取消订单")
    move(
        locked,
        transitions=ORDER_TRANSITIONS,
        choices=OrderStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.enterprise,
        action=f"voucher_order.{to_status}",
        summary=f"订单 {locked.pk}（{locked.product_id}）",
        extra_fields=extra,
    )
    url = f"/vouchers/orders/{locked.pk}/"
    if to_status == OrderStatus.DELIVERED:
        notify_organisation(
            locked.enterprise, title=f"订单 {locked.pk} 已交付，请确认并评价", url=url
        )
    elif to_status == OrderStatus.CONFIRMED:
        notify_organisation(
            claimant_for(locked), title=f"订单 {locked.pk} 已确认，可申请兑付", url=url
        )
    return locked


# ---- redemption --------------------------------------------------------------------


def claimant_for(order: Order) -> Organisation:
    """企业兑付: the enterprise is reimbursed; 机构兑付: the provider is paid its share."""
    if order.voucher.programme.settlement_mode == SettlementMode.ENTERPRISE:
        return order.enterprise
    return order.provider.organisation


def max_redeemable(order: Order) -> Decimal:
    return (order.fee * order.voucher.programme.copay_ratio).quantize(CENT)


def fingerprint(*, order_id: int, amount: Decimal | str | None) -> str:
    body = {"order": order_id, "amount": None if not amount else str(to_yuan(amount))}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ClaimResult:
    redemption: Redemption
    replayed: bool


def _replay(claimant: Organisation, key: str, print_: str) -> ClaimResult | None:
    existing = Redemption.objects.filter(claimant=claimant, idempotency_key=key).first()
    if existing is None:
        return None
    if existing.request_fingerprint != print_:
        raise ApplicationError(
            "该幂等键已用于另一笔内容不同的兑付申请；请为新的申请使用新的幂等键。",
            code="idempotency_key_reused",
            status=409,
        )
    return ClaimResult(existing, replayed=True)


@transaction.atomic
def redemption_claim(
    *,
    actor: Any,
    order: Order,
    idempotency_key: str,
    amount: Decimal | str | None = None,
) -> ClaimResult:
    """Claim the voucher's share of a confirmed order. Idempotent on (claimant, key)."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise ApplicationError(
            "兑付申请必须带幂等键（1–80 个字符）。", code="idempotency_key_required"
        )
    order = Order.objects.select_related(
        "voucher__programme", "voucher__holder", "provider__organisation", "enterprise"
    ).get(pk=order.pk)
    claimant = claimant_for(order)
    mode = order.voucher.programme.get_settlement_mode_display()
    if not access.acts_for(actor, claimant):
        access.ensure_acts_for(actor, claimant, f"提交兑付申请（本专项为{mode}）")
    print_ = fingerprint(order_id=order.pk, amount=amount)
    replay = _replay(claimant, key, print_)
    if replay is not None:
        return replay
    voucher = locked_voucher(order.voucher_id)
    # A concurrent request with the same key committed while we waited for the lock.
    replay = _replay(claimant, key, print_)
    if replay is not None:
        return replay
    if order.status != OrderStatus.CONFIRMED:
        raise ApplicationError(
            f"订单当前{order.get_status_display()}，企业确认服务后才能申请兑付。",
            code="order_not_confirmed",
            status=409,
        )
    if order.redemptions.exclude(status=RedemptionStatus.REJECTED).exists():
        raise ApplicationError(
            "该订单已有兑付申请，不能重复申请。", code="already_claimed", status=409
        )
    fraud.check_not_expired(voucher, today())
    fraud.check_related_party(order.enterprise, order.provider.organisation)
    fraud.check_invoice_unique(order)
    fraud.check_contract_parties(order)
    if voucher.status != VoucherStatus.ACTIVE:
        raise ApplicationError(
            f"创新券 {voucher.number} 当前{voucher.get_status_display()}，不能兑付。",
            code="voucher_not_active",
            status=409,
        )
    ceiling = max_redeemable(order)
    wanted = to_yuan(amount) if amount else min(ceiling, voucher.balance)
    if wanted <= 0 or wanted > ceiling:
        raise ApplicationError(
            f"兑付金额应大于 0 且不超过服务费的 {order.voucher.programme.copay_ratio:.0%}"
            f"（{format_yuan(ceiling)}）。",
            code="amount_out_of_range",
            fields={"amount": f"不超过 {ceiling}"},
        )
    if wanted > voucher.balance:
        raise ApplicationError(
            f"创新券余额不足：余额 {format_yuan(voucher.balance)}，申请兑付 {format_yuan(wanted)}。",
            code="insufficient_balance",
            status=409,
        )
    voucher.balance -= wanted
    voucher.save(update_fields=["balance", "updated_at"])
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                order=order,
                voucher=voucher,
                claimant=claimant,
                payee=claimant,
                claimed_by=actor,
                amount=wanted,
                idempotency_key=key,
                request_fingerprint=print_,
                invoice_key=fraud.invoice_key(order),
            )
    except IntegrityError as exc:
        if (
            fraud.invoice_key(order)
            and Redemption.objects.filter(invoice_key=fraud.invoice_key(order))
            .exclude(status=RedemptionStatus.REJECTED)
            .exists()
        ):
            raise fraud.duplicate_invoice_error(order) from exc
        raise ApplicationError(
            "该订单已有兑付申请，或该幂等键已被使用。", code="already_claimed", status=409
        ) from exc
    ledger.post(
        account=LedgerAccount.VOUCHER,
        kind=LedgerKind.CLAIM,
        amount=-wanted,
        programme=voucher.programme,
        voucher=voucher,
        redemption=redemption,
        actor=actor,
        memo=f"订单 {order.pk} 申请兑付",
    )
    if voucher.balance == 0:
        move(
            voucher,
            transitions=VOUCHER_TRANSITIONS,
            choices=VoucherStatus,
            to_status=VoucherStatus.USED_UP,
            actor=actor,
            organisation=voucher.holder,
            action="voucher.used_up",
            summary=f"创新券 {voucher.number}",
        )
    audit.record(
        "voucher_redemption.claim",
        actor=actor,
        organisation=claimant,
        obj=redemption,
        summary=f"“{claimant.name}”就订单 {order.pk} 申请兑付 {format_yuan(wanted)}",
    )
    return ClaimResult(redemption, replayed=False)


def _payable(programme: Programme, payee: Organisation) -> PayableAccount:
    PayableAccount.objects.get_or_create(programme=programme, payee=payee)
    return PayableAccount.objects.select_for_update().get(programme=programme, payee=payee)


@transaction.atomic
def redemption_transition(
    *, actor: Any, redemption: Redemption, to_status: str, reason: str = ""
) -> Redemption:
    """Staff approve a claim (the programme now owes the payee) or reject it (the value
    returns to the voucher, or to the budget when the voucher has meanwhile expired)."""
    access.ensure_bureau_staff(actor, "审核兑付申请")
    if to_status == RedemptionStatus.SETTLED:
        raise ApplicationError(
            "兑付申请通过结算批次结算。", code="use_settlement_batch", status=409
        )
    programme = Programme.objects.select_for_update().get(pk=redemption.voucher.programme_id)
    voucher = locked_voucher(redemption.voucher_id)
    locked = Redemption.objects.select_for_update().select_related("payee").get(pk=redemption.pk)
    if to_status == RedemptionStatus.REJECTED and not reason.strip():
        raise ApplicationError(
            "驳回兑付必须填写原因。", code="reason_required", fields={"reason": "必填"}
        )
    locked.status_reason = reason.strip()
    move(
        locked,
        transitions=REDEMPTION_TRANSITIONS,
        choices=RedemptionStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.payee,
        action=f"voucher_redemption.{to_status}",
        summary=f"兑付申请 {locked.pk}（{format_yuan(locked.amount)}）",
        extra_fields=("status_reason",),
    )
    if to_status == RedemptionStatus.APPROVED:
        account = _payable(programme, locked.payee)
        account.balance += locked.amount
        account.save(update_fields=["balance"])
        ledger.post(
            account=LedgerAccount.PAYABLE, kind=LedgerKind.APPROVE, amount=locked.amount,
            programme=programme, voucher=voucher, payee=locked.payee, redemption=locked,
            actor=actor, memo=f"核准兑付申请 {locked.pk}",
        )  # fmt: skip
    elif to_status == RedemptionStatus.REJECTED:
        voucher.balance += locked.amount
        voucher.save(update_fields=["balance", "updated_at"])
        ledger.post(
            account=LedgerAccount.VOUCHER, kind=LedgerKind.RELEASE, amount=locked.amount,
            programme=programme, voucher=voucher, redemption=locked, actor=actor,
            memo=f"驳回兑付申请 {locked.pk}，金额退回创新券",
        )  # fmt: skip
        if voucher.status == VoucherStatus.USED_UP:
            move(
                voucher, transitions=VOUCHER_TRANSITIONS, choices=VoucherStatus,
                to_status=VoucherStatus.ACTIVE, actor=actor, organisation=voucher.holder,
                action="voucher.active", summary=f"创新券 {voucher.number}",
            )  # fmt: skip
        elif voucher.status in (VoucherStatus.EXPIRED, VoucherStatus.CANCELLED):
            voucher.balance -= locked.amount
            voucher.save(update_fields=["balance", "updated_at"])
            programme.budget_remaining += locked.amount
            programme.save(update_fields=["budget_remaining"])
            memo = f"创新券 {voucher.number} 已失效，驳回金额退回预算"
            ledger.post(
                account=LedgerAccount.VOUCHER, kind=LedgerKind.EXPIRE, amount=-locked.amount,
                programme=programme, voucher=voucher, actor=actor, memo=memo,
            )  # fmt: skip
            ledger.post(
                account=LedgerAccount.BUDGET, kind=LedgerKind.EXPIRE, amount=locked.amount,
                programme=programme, voucher=voucher, actor=actor, memo=memo,
            )  # fmt: skip
    verdict = "已核准" if to_status == RedemptionStatus.APPROVED else "被驳回"
    notify_organisation(
        locked.claimant,
        title=f"兑付申请 {locked.pk}{verdict}",
        body=reason,
        url=f"/vouchers/orders/{locked.order_id}/",
    )
    return locked


@transaction.atomic
def settlement_batch_create(*, actor: Any, programme: Programme) -> SettlementBatch:
    """Gather every approved, unsettled claim of the programme into one payment batch."""
    access.ensure_bureau_staff(actor, "生成结算批次")
    locked_programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if locked_programme.status == ProgrammeStatus.DRAFT:
        raise ApplicationError(
            "草稿状态的专项没有可结算的兑付。", code="programme_draft", status=409
        )
    claims = list(
        Redemption.objects.select_for_update()
        .filter(
            voucher__programme=locked_programme,
            status=RedemptionStatus.APPROVED,
            batch__isnull=True,
        )
        .order_by("payee_id", "id")
    )
    if not claims:
        raise ApplicationError(
            "没有已核准、待结算的兑付申请。", code="nothing_to_settle", status=409
        )
    serial = SettlementBatch.objects.filter(programme=locked_programme).count() + 1
    batch = SettlementBatch.objects.create(
        number=f"JS{locked_programme.year}{locked_programme.pk:03d}{serial:04d}",
        programme=locked_programme,
        total=sum((c.amount for c in claims), Decimal("0.00")),
        created_by=actor,
    )
    accounts: dict[int, PayableAccount] = {}
    for claim in claims:
        account = accounts.get(claim.payee_id) or _payable(locked_programme, claim.payee)
        accounts[claim.payee_id] = account
        account.balance -= claim.amount
        account.save(update_fields=["balance"])
        ledger.post(
            account=LedgerAccount.PAYABLE, kind=LedgerKind.SETTLE, amount=-claim.amount,
            programme=locked_programme, payee=claim.payee, redemption=claim,
            actor=actor, memo=f"结算批次 {batch.number}",
        )  # fmt: skip
        claim.batch = batch
        claim.save(update_fields=["batch"])
        move(
            claim, transitions=REDEMPTION_TRANSITIONS, choices=RedemptionStatus,
            to_status=RedemptionStatus.SETTLED, actor=actor, organisation=claim.payee,
            action="voucher_redemption.settled", summary=f"兑付申请 {claim.pk}",
        )  # fmt: skip
    audit.record(
        "voucher_settlement.create",
        actor=actor,
        obj=batch,
        summary=f"生成结算批次 {batch.number}：{len(claims)} 笔，合计 {format_yuan(batch.total)}",
    )
    return batch


SETTLEMENT_HEADERS = [
    "批次号", "兑付申请编号", "创新券券号", "收款单位", "统一社会信用代码", "兑付方式",
    "服务产品", "服务费（元）", "兑付金额（元）", "发票号码",
]  # fmt: skip


def settlement_xlsx(batch: SettlementBatch) -> bytes:
    rows = []
    mode = batch.programme.get_settlement_mode_display().split("（")[0]
    for r in batch.redemptions.select_related("voucher", "payee", "order__product").order_by("id"):
        rows.append(
            [
                batch.number,
                r.pk,
                r.voucher.number,
                r.payee.name,
                r.payee.uscc,
                mode,
                r.order.product.name,
                r.order.fee,
                r.amount,
                r.order.invoice_number,
            ]
        )
    rows.append(["合计", "", "", "", "", "", "", "", batch.total, ""])
    return xlsx_bytes(f"结算批次{batch.number}", SETTLEMENT_HEADERS, rows)
