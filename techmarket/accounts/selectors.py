from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from techmarket.accounts import access
from techmarket.accounts.models import Membership, Organisation, Role
from techmarket.accounts.workflow import OrganisationStatus


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if access.is_bureau_staff(user):
        return Organisation.objects.all()
    own = [o.pk for o in access.organisations_of(user)]
    return Organisation.objects.filter(Q(status=OrganisationStatus.VERIFIED) | Q(pk__in=own))


def filter_organisations(
    queryset: QuerySet[Organisation],
    *,
    status: str | None = None,
    type: str | None = None,
    q: str | None = None,
) -> QuerySet[Organisation]:
    if status:
        queryset = queryset.filter(status=status)
    if type:
        queryset = queryset.filter(type=type)
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(uscc__iexact=q.strip()))
    return queryset.order_by("-created_at", "id")


def verification_queue() -> QuerySet[Organisation]:
    return Organisation.objects.filter(status=OrganisationStatus.PENDING).order_by("created_at")


def members_to_notify(organisation: Organisation | int | None) -> list[Any]:
    """The users who act for an organisation (administrators and members): the people its
    notifications go to."""
    if organisation is None:
        return []
    org_id = organisation if isinstance(organisation, int) else organisation.pk
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=org_id, role__in=[Role.ORG_ADMIN, Role.MEMBER]
        ).select_related("user")
    ]
