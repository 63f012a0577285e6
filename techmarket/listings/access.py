"""Who may see and change achievements and demands (the only way views load them)."""

from __future__ import annotations

from typing import Any

from techmarket.accounts import access as accounts_access
from techmarket.core.errors import NotFound, PermissionRefused
from techmarket.listings.models import Achievement, ContactRequest, Demand, ListingAttachment
from techmarket.listings.workflow import EDITABLE_STATUSES, ListingStatus

Listing = Achievement | Demand

# Statuses the public may read: what was once published stays readable (marked as
# closed/withdrawn/expired) so links in matches and contracts keep working.
PUBLIC_STATUSES = frozenset({ListingStatus.PUBLISHED})


def is_owner_member(user: Any, listing: Listing) -> bool:
    return any(o.pk == listing.owner_id for o in accounts_access.organisations_of(user))


def can_view_listing(user: Any, listing: Listing) -> bool:
    return (
        listing.status in PUBLIC_STATUSES
        or is_owner_member(user, listing)
        or accounts_access.is_bureau_staff(user)
    )


def can_see_demand_identity(user: Any, demand: Demand) -> bool:
    """A confidential demand's enterprise name and contact: owner and bureau only."""
    if (
        not demand.confidential
        or is_owner_member(user, demand)
        or accounts_access.is_bureau_staff(user)
    ):
        return True
    org_ids = [o.pk for o in accounts_access.organisations_of(user)]
    return (
        bool(org_ids)
        and demand.contact_requests.filter(
            organisation_id__in=org_ids, state=ContactRequest.State.ACCEPTED
        ).exists()
    )


def can_edit_listing(user: Any, listing: Listing) -> bool:
    return is_owner_member(user, listing) and listing.status in EDITABLE_STATUSES


def ensure_can_edit(user: Any, listing: Listing) -> None:
    if not is_owner_member(user, listing):
        raise PermissionRefused("只有发布机构的成员可以修改该信息。")
    if listing.status not in EDITABLE_STATUSES:
        raise PermissionRefused(
            f"状态为“{listing.get_status_display()}”时不能修改，"
            "只有“草稿”或“已退回”的信息可以修改。",
            code="not_editable",
        )


def ensure_can_create(user: Any, organisation: Any) -> None:
    accounts_access.ensure_can_publish(user, organisation)


def ensure_can_review(user: Any) -> None:
    if not accounts_access.is_bureau_staff(user):
        raise PermissionRefused("只有科技局工作人员可以审核成果和需求。")


def ensure_can_request_contact_for_others(user: Any) -> None:
    """Technology brokers (and bureau staff) ask for contact on a supplier's behalf."""
    from techmarket.accounts.models import Role

    if not accounts_access.has_role(user, Role.BROKER, Role.BUREAU_STAFF):
        raise PermissionRefused("只有技术经纪人或科技局工作人员可以代为申请联系。")


def ensure_owner(user: Any, listing: Listing) -> None:
    if not is_owner_member(user, listing):
        raise PermissionRefused("只有发布机构的成员可以执行此操作。")


def _get(model: type[Achievement] | type[Demand], user: Any, pk: int, *, write: bool) -> Any:
    listing = model.objects.select_related("owner").filter(pk=pk).first()
    if listing is None or not can_view_listing(user, listing):
        raise NotFound("找不到该信息，或您无权查看。")
    if write:
        ensure_can_edit(user, listing)
    return listing


def get_achievement_for_user(user: Any, pk: int, *, write: bool = False) -> Achievement:
    result: Achievement = _get(Achievement, user, pk, write=write)
    return result


def get_demand_for_user(user: Any, pk: int, *, write: bool = False) -> Demand:
    result: Demand = _get(Demand, user, pk, write=write)
    return result


def can_see_attachments(user: Any, listing: Listing) -> bool:
    """Attachments (drawings, specifications) often carry the enterprise's name: those of a
    confidential demand are for whoever may see its identity."""
    return not isinstance(listing, Demand) or can_see_demand_identity(user, listing)


def visible_attachments(user: Any, listing: Listing) -> Any:
    if not can_see_attachments(user, listing):
        return ListingAttachment.objects.none()
    return listing.attachments.all()


def get_attachment_for_user(
    user: Any, pk: int, *, listing: Listing | None = None, write: bool = False
) -> ListingAttachment:
    """An attachment is visible to whoever may see its listing (and, with ``listing``,
    only as an attachment of that listing); ``write`` also needs the listing editable."""
    attachment = (
        ListingAttachment.objects.select_related("achievement", "demand").filter(pk=pk).first()
    )
    owner = (attachment.achievement or attachment.demand) if attachment is not None else None
    if (
        attachment is None
        or owner is None
        or (listing is not None and (type(owner) is not type(listing) or owner.pk != listing.pk))
        or not can_view_listing(user, owner)
        or not can_see_attachments(user, owner)
    ):
        raise NotFound("找不到该附件，或您无权查看。")
    if write:
        ensure_can_edit(user, owner)
    return attachment


def listing_model(kind: str) -> type[Achievement] | type[Demand]:
    if kind in ("achievement", "achievements"):
        return Achievement
    if kind in ("demand", "demands"):
        return Demand
    raise NotFound("未知的信息类型。")
