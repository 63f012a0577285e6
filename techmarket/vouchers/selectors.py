"""Reads of the vouchers app that are more than one line of ORM."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from techmarket.accounts import access as accounts_access
from techmarket.vouchers.models import (
    Order,
    Programme,
    Redemption,
    ServiceProduct,
    Voucher,
    VoucherApplication,
)
from techmarket.vouchers.workflow import ProgrammeStatus, ProviderStatus


def public_programmes() -> QuerySet[Programme]:
    return Programme.objects.exclude(status=ProgrammeStatus.DRAFT)


def listed_products() -> QuerySet[ServiceProduct]:
    return ServiceProduct.objects.filter(
        is_active=True, provider__status=ProviderStatus.APPROVED
    ).select_related("provider__organisation")


def vouchers_for(user: Any) -> QuerySet[Voucher]:
    orgs = accounts_access.organisations_of(user)
    return Voucher.objects.filter(holder__in=orgs).select_related("programme", "holder")


def applications_for(user: Any) -> QuerySet[VoucherApplication]:
    orgs = accounts_access.organisations_of(user)
    return VoucherApplication.objects.filter(enterprise__in=orgs).select_related("programme")


def orders_for(user: Any) -> QuerySet[Order]:
    orgs = accounts_access.organisations_of(user)
    return (
        Order.objects.filter(enterprise__in=orgs)
        | Order.objects.filter(provider__organisation__in=orgs)
    ).select_related("product", "voucher", "enterprise", "provider__organisation")


def redemptions_for(user: Any) -> QuerySet[Redemption]:
    orgs = accounts_access.organisations_of(user)
    return Redemption.objects.filter(claimant__in=orgs).select_related("order", "voucher")
