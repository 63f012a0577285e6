"""Anti-fraud checks (RULES.md §2), each switchable through VOUCHERS_FRAUD_CHECKS."""

from __future__ import annotations

from datetime import date

from techmarket.accounts.models import Membership, Organisation
from techmarket.core.errors import ApplicationError
from techmarket.vouchers import config
from techmarket.vouchers.models import Order, Redemption, Voucher
from techmarket.vouchers.workflow import RedemptionStatus


def related_reason(a: Organisation, b: Organisation) -> str:
    """Why two organisations are related parties, or "" when they are not."""
    if a.pk == b.pk or a.uscc == b.uscc:
        return "为同一机构（统一社会信用代码相同）"
    rep_a = (a.legal_representative or "").strip()
    if rep_a and rep_a == (b.legal_representative or "").strip():
        return f"法定代表人相同（{rep_a}）"
    users_a = set(Membership.objects.filter(organisation=a).values_list("user_id", flat=True))
    shared = Membership.objects.filter(organisation=b, user_id__in=users_a).exists()
    if shared:
        return "存在同时隶属双方的成员账户"
    return ""


def check_related_party(enterprise: Organisation, provider_org: Organisation) -> None:
    if not config.fraud_check_enabled("related_party"):
        return
    reason = related_reason(enterprise, provider_org)
    if reason:
        raise ApplicationError(
            f"服务机构“{provider_org.name}”与企业“{enterprise.name}”是关联方（{reason}），"
            "关联方之间的服务不能使用创新券。",
            code="related_party",
            status=409,
        )


def check_not_expired(voucher: Voucher, day: date) -> None:
    if not config.fraud_check_enabled("expired_voucher"):
        return
    if voucher.valid_until < day:
        raise ApplicationError(
            f"创新券 {voucher.number} 已于 {voucher.valid_until} 过期，不能再使用或兑付。",
            code="voucher_expired",
            status=409,
        )


def invoice_key(order: Order) -> str | None:
    """The key the database keeps unique among live claims, or None when the check is off."""
    if not config.fraud_check_enabled("duplicate_invoice"):
        return None
    return order.invoice_number.strip().upper()[:40] or None


def duplicate_invoice_error(order: Order) -> ApplicationError:
    return ApplicationError(
        f"发票号码 {order.invoice_number.strip()} 已在其他兑付申请中使用，同一张发票只能兑付一次。",
        code="duplicate_invoice",
        status=409,
    )


def check_invoice_unique(order: Order) -> None:
    if not config.fraud_check_enabled("duplicate_invoice"):
        return
    number = order.invoice_number.strip()
    clash = (
        Redemption.objects.filter(order__invoice_number__iexact=number)
        .exclude(status=RedemptionStatus.REJECTED)
        .exclude(order=order)
        .exists()
    )
    if clash:
        raise duplicate_invoice_error(order)


def check_contract_parties(order: Order) -> None:
    if not config.fraud_check_enabled("contract_parties"):
        return
    holder = order.voucher.holder.name
    provider = order.provider.organisation.name
    problems = []
    if order.contract_party_a.strip() != holder:
        problems.append(f"甲方应为创新券持有企业“{holder}”（合同上为“{order.contract_party_a}”）")
    if order.contract_party_b.strip() != provider:
        problems.append(f"乙方应为服务机构“{provider}”（合同上为“{order.contract_party_b}”）")
    if problems:
        raise ApplicationError(
            "合同主体与创新券不一致：" + "；".join(problems) + "。",
            code="contract_parties",
            status=409,
        )
