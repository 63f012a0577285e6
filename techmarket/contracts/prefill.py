"""Pre-fill an application from a published listing (an agreed deal on the platform).

Reads the listings app's published records only through their existing fields.
"""

from __future__ import annotations

from typing import Any

from techmarket.accounts import access as accounts_access
from techmarket.contracts.models import IpType
from techmarket.contracts.services import NATURE_OF_ORG_TYPE
from techmarket.core.errors import ApplicationError, NotFound


def listing_prefill(*, actor: Any, kind: str, listing_id: int) -> dict[str, Any]:
    from techmarket.listings.models import Achievement, Demand
    from techmarket.listings.workflow import ListingStatus

    listing: Achievement | Demand | None
    if not 0 < listing_id < 2**63:
        raise NotFound("找不到该已发布的成果或需求。")
    if kind == "achievement":
        listing = (
            Achievement.objects.select_related("owner")
            .filter(pk=listing_id, status=ListingStatus.PUBLISHED)
            .first()
        )
    elif kind == "demand":
        listing = (
            Demand.objects.select_related("owner")
            .filter(pk=listing_id, status=ListingStatus.PUBLISHED)
            .first()
        )
    else:
        raise ApplicationError("来源只能是科技成果或技术需求。", code="source_kind")
    if listing is None:
        raise NotFound("找不到该已发布的成果或需求。")
    initial: dict[str, Any] = {
        "project_name": listing.title,
        "field": listing.field or "",
        "source": f"{kind}:{listing.pk}",
    }
    owner = listing.owner
    mine = accounts_access.is_member(actor, owner)
    if kind == "achievement":
        # The achievement's holder sells: only its members may register from it.
        if not mine:
            raise ApplicationError(
                "技术合同由卖方登记：只有该成果的持有机构可以据此申请登记。",
                code="not_seller",
                status=403,
            )
        ip_type = getattr(listing, "ip_type", "") or ""
        initial["ip_type"] = ip_type if ip_type in IpType.values else "none"
    else:
        # The demand's poster buys: the applicant (seller) is the other party.
        if mine:
            raise ApplicationError(
                "需求发布方是买方：请由提供技术的一方（卖方）申请登记。",
                code="not_seller",
                status=403,
            )
        initial.update(
            buyer_name=owner.name,
            buyer_uscc=owner.uscc,
            buyer_region_code=owner.region_code,
            buyer_nature=NATURE_OF_ORG_TYPE.get(owner.type, "900"),
        )
    return initial
