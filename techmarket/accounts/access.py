"""Who may see and do what. Every permission check of the project lives in access.py files.

``get_*_for_user`` functions are the only way views and APIs load protected objects:
they raise ``NotFound`` (404) for what the user may not know about and
``PermissionRefused`` (403) for what they may see but not change.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from techmarket.accounts.models import (
    PRIVILEGED_ROLES,
    Membership,
    Organisation,
    Role,
    User,
)
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.errors import NotFound, PermissionRefused

_ROLE_CACHE = "_techmarket_roles"


def _memberships(user: Any) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _ROLE_CACHE, None)
    if cached is None:
        memberships = list(Membership.objects.filter(user=user).select_related("organisation"))
        # A request authenticated by an organisation's API key acts as that organisation
        # with ordinary roles only: keys never carry the privileged roles that need a
        # second factor.
        key_org_id = getattr(user, "api_key_organisation_id", None)
        if key_org_id is not None:
            memberships = [
                m
                for m in memberships
                if m.organisation_id == key_org_id and m.role not in PRIVILEGED_ROLES
            ]
        cached = memberships
        setattr(user, _ROLE_CACHE, cached)
    return cached


def forget_cached_roles(user: Any) -> None:
    if hasattr(user, _ROLE_CACHE):
        delattr(user, _ROLE_CACHE)


def roles_of(user: Any, organisation: Organisation | None = None) -> set[str]:
    return {
        m.role
        for m in _memberships(user)
        if organisation is None or m.organisation_id == organisation.pk
    }


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def organisations_of(user: Any) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for m in _memberships(user):
        seen.setdefault(m.organisation_id, m.organisation)
    return list(seen.values())


def get_own_organisation(user: Any, pk: int) -> Organisation:
    """The organisation ``pk`` when ``user`` is one of its members (acting on its behalf)."""
    for organisation in organisations_of(user):
        if organisation.pk == pk:
            return organisation
    raise NotFound("找不到该机构，或您不是该机构成员。")


def primary_organisation(user: Any) -> Organisation | None:
    orgs = organisations_of(user)
    return orgs[0] if orgs else None


def requires_second_factor(user: User) -> bool:
    return Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists()


def is_member(user: Any, organisation: Organisation) -> bool:
    return bool(roles_of(user, organisation))


def is_org_admin(user: Any, organisation: Organisation) -> bool:
    return Role.ORG_ADMIN in roles_of(user, organisation)


def is_bureau_staff(user: Any) -> bool:
    return has_role(user, Role.BUREAU_STAFF)


def can_publish(user: Any, organisation: Organisation) -> bool:
    """Publishing (listings, demands, applications...) needs a verified organisation."""
    return organisation.status == OrganisationStatus.VERIFIED and is_member(user, organisation)


def ensure_can_publish(user: Any, organisation: Organisation) -> None:
    if not is_member(user, organisation):
        raise PermissionRefused("只能以本机构的名义发布。")
    if organisation.status != OrganisationStatus.VERIFIED:
        raise PermissionRefused(
            f"机构“{organisation.name}”尚未通过认证（当前：{organisation.get_status_display()}），"
            "认证通过后才能发布信息。",
            code="organisation_not_verified",
        )


# ---- organisations ---------------------------------------------------------------


def can_view_organisation(user: Any, organisation: Organisation) -> bool:
    return (
        organisation.status == OrganisationStatus.VERIFIED
        or is_member(user, organisation)
        or is_bureau_staff(user)
    )


def get_organisation_for_user(user: Any, pk: int, *, write: bool = False) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not can_view_organisation(user, organisation):
        raise NotFound("找不到该机构，或您无权查看。")
    if write and not is_org_admin(user, organisation):
        raise PermissionRefused("只有本机构的管理员可以修改机构信息。")
    return organisation


def ensure_can_review_organisations(user: Any) -> None:
    if not is_bureau_staff(user):
        raise PermissionRefused("只有科技局工作人员可以审核机构认证。")


def ensure_org_admin(user: Any, organisation: Organisation) -> None:
    if not is_org_admin(user, organisation):
        raise PermissionRefused("只有本机构的管理员可以管理成员和密钥。")


def can_view_members(user: Any, organisation: Organisation) -> bool:
    return is_member(user, organisation) or is_bureau_staff(user)


def get_members_for_user(user: Any, organisation: Organisation) -> Organisation:
    if not can_view_members(user, organisation):
        raise NotFound("找不到该机构，或您无权查看。")
    return organisation


# ---- separated administration (三权分立) -------------------------------------------


def can_read_audit(user: Any) -> bool:
    """Only the auditor reads the audit log: neither the system nor the security admin."""
    return has_role(user, Role.AUDITOR)


def ensure_can_read_audit(user: Any) -> None:
    if not can_read_audit(user):
        raise PermissionRefused("只有审计员可以查看审计日志。")


def is_security_admin(user: Any) -> bool:
    return has_role(user, Role.SECURITY_ADMIN)


def ensure_security_admin(user: Any) -> None:
    if not is_security_admin(user):
        raise PermissionRefused("只有安全管理员可以管理账户安全与特权角色。")


def is_system_admin(user: Any) -> bool:
    return has_role(user, Role.SYSTEM_ADMIN)


def can_change_anything(user: Any) -> bool:
    """The auditor only reads: any user whose roles are all "auditor" is read-only."""
    roles = roles_of(user)
    return bool(roles) and roles != {Role.AUDITOR}


def actor(request: HttpRequest) -> User:
    """The signed-in user acting in this request (views and endpoints that need one)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionRefused("请先登录。", code="not_authenticated", status=401)
    return user
