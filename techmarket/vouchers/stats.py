"""Dashboard figures of the voucher scheme (contract: techmarket/stats/figures.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from techmarket.stats.figures import Figure
from techmarket.vouchers.models import LedgerEntry, Redemption, Voucher
from techmarket.vouchers.workflow import LedgerAccount, LedgerKind, RedemptionStatus, VoucherStatus

GROUP = "科技创新券"
PAID = (RedemptionStatus.APPROVED, RedemptionStatus.SETTLED)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end, time.min)),
    )


def dashboard_figures(*, start: date, end: date) -> list[Figure]:
    since, until = _bounds(start, end)
    issued = Voucher.objects.filter(created_at__gte=since, created_at__lt=until).aggregate(
        n=Count("id"), s=Sum("face_value")
    )
    redeemed = Redemption.objects.filter(
        status__in=PAID, created_at__gte=since, created_at__lt=until
    ).aggregate(n=Count("id"), s=Sum("amount"), fees=Sum("order__fee"))
    period = LedgerEntry.objects.filter(created_at__gte=since, created_at__lt=until)
    expired_count = Voucher.objects.filter(
        status=VoucherStatus.EXPIRED, updated_at__gte=since, updated_at__lt=until
    ).count()
    budget_used = -(
        period.filter(
            account=LedgerAccount.BUDGET, kind__in=[LedgerKind.ISSUE, LedgerKind.EXPIRE]
        ).aggregate(s=Sum("amount"))["s"]
        or Decimal(0)
    )
    government = redeemed["s"] or Decimal(0)
    spend = redeemed["fees"] or Decimal(0)
    leverage = (spend / government).quantize(Decimal("0.01")) if government else Decimal(0)
    return [
        Figure("vouchers.issued_count", "发放创新券", issued["n"] or 0, "张", GROUP),
        Figure("vouchers.issued_amount", "发放创新券金额", issued["s"] or Decimal(0), "元", GROUP),
        Figure("vouchers.redeemed_count", "兑付笔数", redeemed["n"] or 0, "笔", GROUP),
        Figure("vouchers.redeemed_amount", "创新券兑付金额", government, "元", GROUP),
        Figure("vouchers.expired_count", "过期创新券", expired_count, "张", GROUP),
        Figure("vouchers.budget_used", "专项预算净使用", budget_used, "元", GROUP),
        Figure("vouchers.leverage", "财政资金撬动比（服务总额÷财政兑付）", leverage, "倍", GROUP),
    ]
