"""Statuses and allowed moves of every voucher-side workflow (one transition service each)."""

from __future__ import annotations

from django.db import models


class ProviderStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已入库"
    REJECTED = "rejected", "未通过"
    SUSPENDED = "suspended", "已取消资格"


PROVIDER_TRANSITIONS: dict[str, frozenset[str]] = {
    ProviderStatus.PENDING: frozenset({ProviderStatus.APPROVED, ProviderStatus.REJECTED}),
    ProviderStatus.REJECTED: frozenset({ProviderStatus.PENDING}),
    ProviderStatus.APPROVED: frozenset({ProviderStatus.SUSPENDED}),
    ProviderStatus.SUSPENDED: frozenset(),
}


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "申领中"
    CLOSED = "closed", "已结束"


PROGRAMME_TRANSITIONS: dict[str, frozenset[str]] = {
    ProgrammeStatus.DRAFT: frozenset({ProgrammeStatus.OPEN}),
    ProgrammeStatus.OPEN: frozenset({ProgrammeStatus.CLOSED}),
    ProgrammeStatus.CLOSED: frozenset(),
}


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "审核通过"
    REJECTED = "rejected", "审核不通过"


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset(
        {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
    ),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
}


class VoucherStatus(models.TextChoices):
    ACTIVE = "active", "可使用"
    USED_UP = "used_up", "已用完"
    EXPIRED = "expired", "已过期"
    CANCELLED = "cancelled", "已作废"


VOUCHER_TRANSITIONS: dict[str, frozenset[str]] = {
    VoucherStatus.ACTIVE: frozenset(
        {VoucherStatus.USED_UP, VoucherStatus.EXPIRED, VoucherStatus.CANCELLED}
    ),
    # A rejected claim gives value back to a used-up voucher.
    VoucherStatus.USED_UP: frozenset({VoucherStatus.ACTIVE, VoucherStatus.EXPIRED}),
    VoucherStatus.EXPIRED: frozenset(),
    VoucherStatus.CANCELLED: frozenset(),
}


class OrderStatus(models.TextChoices):
    ORDERED = "ordered", "已下单"
    DELIVERED = "delivered", "已交付"
    CONFIRMED = "confirmed", "已确认"
    CANCELLED = "cancelled", "已取消"


ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.ORDERED: frozenset({OrderStatus.DELIVERED, OrderStatus.CANCELLED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.CONFIRMED}),
    OrderStatus.CONFIRMED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class RedemptionStatus(models.TextChoices):
    CLAIMED = "claimed", "待审核"
    APPROVED = "approved", "已核准"
    REJECTED = "rejected", "已驳回"
    SETTLED = "settled", "已结算"


REDEMPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    RedemptionStatus.CLAIMED: frozenset({RedemptionStatus.APPROVED, RedemptionStatus.REJECTED}),
    RedemptionStatus.APPROVED: frozenset({RedemptionStatus.SETTLED}),
    RedemptionStatus.REJECTED: frozenset(),
    RedemptionStatus.SETTLED: frozenset(),
}


class SettlementMode(models.TextChoices):
    ENTERPRISE = "enterprise", "企业兑付（企业先全额付款，事后报销）"
    PROVIDER = "provider", "机构兑付（创新券向服务机构支付其份额）"


class LedgerAccount(models.TextChoices):
    BUDGET = "budget", "专项预算"
    VOUCHER = "voucher", "创新券余额"
    PAYABLE = "payable", "应付款"


class LedgerKind(models.TextChoices):
    FUNDING = "funding", "预算拨入"
    ISSUE = "issue", "发放创新券"
    CLAIM = "claim", "兑付申请冻结"
    RELEASE = "release", "兑付驳回退回"
    APPROVE = "approve", "兑付核准"
    SETTLE = "settle", "结算支付"
    EXPIRE = "expire", "过期退回预算"
