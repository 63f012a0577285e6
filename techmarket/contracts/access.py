"""Who may see and do what with technology contracts.

Only registry staff (bureau staff) accept, register, return, refuse, amend and cancel;
parties (members of the seller or the buyer organisation) see only their own contracts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import Organisation
from techmarket.contracts.models import Contract
from techmarket.core.errors import NotFound, PermissionRefused


def is_registry_staff(user: Any) -> bool:
    return accounts_access.is_bureau_staff(user)


def ensure_registry_staff(user: Any) -> None:
    if not is_registry_staff(user):
        raise PermissionRefused(
            "只有技术合同登记机构（科技局）工作人员可以办理受理、登记、退回、不予登记、变更和注销。",
            code="registry_only",
        )


def ensure_can_apply(user: Any, organisation: Organisation) -> None:
    accounts_access.ensure_can_publish(user, organisation)


def contracts_visible_to(user: Any) -> QuerySet[Contract]:
    if is_registry_staff(user):
        return Contract.objects.all()
    org_ids = [o.pk for o in accounts_access.organisations_of(user)]
    if not org_ids:
        return Contract.objects.none()
    return Contract.objects.filter(Q(seller_org_id__in=org_ids) | Q(buyer_org_id__in=org_ids))


def is_seller_member(user: Any, contract: Contract) -> bool:
    return contract.seller_org is not None and accounts_access.is_member(user, contract.seller_org)


def can_view(user: Any, contract: Contract) -> bool:
    if is_registry_staff(user) or is_seller_member(user, contract):
        return True
    return contract.buyer_org is not None and accounts_access.is_member(user, contract.buyer_org)


MAX_ID = 2**63 - 1


def get_contract_for_user(user: Any, pk: int, *, write: bool = False) -> Contract:
    if not 0 < pk <= MAX_ID:
        raise NotFound("找不到该技术合同，或您无权查看。")
    contract = Contract.objects.select_related("seller_org", "buyer_org").filter(pk=pk).first()
    if contract is None or not can_view(user, contract):
        raise NotFound("找不到该技术合同，或您无权查看。")
    if write and not is_seller_member(user, contract):
        raise PermissionRefused("只有卖方（申请登记的一方）可以修改并重新提交合同。")
    return contract


def ensure_can_resubmit(user: Any, contract: Contract) -> None:
    if not is_seller_member(user, contract):
        raise PermissionRefused("只有卖方（申请登记的一方）可以重新提交补正后的合同。")
