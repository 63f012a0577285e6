"""Who may see and do what with vouchers (the only place these checks live)."""

from __future__ import annotations

from typing import Any

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import Organisation, Role
from techmarket.core.errors import NotFound, PermissionRefused
from techmarket.vouchers.models import Order, Provider, Redemption, Voucher

ORG_ACTING_ROLES = {Role.ORG_ADMIN, Role.MEMBER}


def is_bureau_staff(user: Any) -> bool:
    return accounts_access.is_bureau_staff(user)


def ensure_bureau_staff(user: Any, what: str = "执行此操作") -> None:
    if not is_bureau_staff(user):
        raise PermissionRefused(f"只有科技局工作人员可以{what}。")


def acts_for(user: Any, organisation: Organisation) -> bool:
    return bool(accounts_access.roles_of(user, organisation) & ORG_ACTING_ROLES)


def ensure_acts_for(user: Any, organisation: Organisation, what: str) -> None:
    if not acts_for(user, organisation):
        raise PermissionRefused(f"只有“{organisation.name}”的管理员或成员可以{what}。")


def provider_of(user: Any) -> Provider | None:
    for organisation in accounts_access.organisations_of(user):
        provider = Provider.objects.filter(organisation=organisation).first()
        if provider is not None and acts_for(user, organisation):
            return provider
    return None


def can_view_voucher(user: Any, voucher: Voucher) -> bool:
    return is_bureau_staff(user) or accounts_access.is_member(user, voucher.holder)


def get_voucher_for_user(user: Any, pk: int) -> Voucher:
    voucher = Voucher.objects.select_related("programme", "holder").filter(pk=pk).first()
    if voucher is None or not can_view_voucher(user, voucher):
        raise NotFound("找不到该创新券，或您无权查看。")
    return voucher


def can_view_order(user: Any, order: Order) -> bool:
    return (
        is_bureau_staff(user)
        or accounts_access.is_member(user, order.enterprise)
        or accounts_access.is_member(user, order.provider.organisation)
    )


def get_order_for_user(user: Any, pk: int) -> Order:
    order = (
        Order.objects.select_related(
            "voucher", "voucher__programme", "product", "provider__organisation", "enterprise"
        )
        .filter(pk=pk)
        .first()
    )
    if order is None or not can_view_order(user, order):
        raise NotFound("找不到该订单，或您无权查看。")
    return order


def get_redemption_for_user(user: Any, pk: int) -> Redemption:
    redemption = (
        Redemption.objects.select_related("order", "voucher", "claimant").filter(pk=pk).first()
    )
    if redemption is None or not can_view_order(user, redemption.order):
        raise NotFound("找不到该兑付申请，或您无权查看。")
    return redemption
