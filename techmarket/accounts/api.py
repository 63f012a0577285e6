from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from techmarket.accounts import access, selectors, services
from techmarket.accounts.models import ApiKey, Membership, OrganisationType
from techmarket.accounts.schemas import (
    ApiKeyCreatedOut,
    ApiKeyIn,
    ApiKeyOut,
    MemberIn,
    MemberOut,
    MeOut,
    OrganisationDetailOut,
    OrganisationOut,
    OrganisationPatchIn,
    ReasonIn,
    RegistrationIn,
    RegistrationOut,
)
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import NotFound

router = Router(tags=["机构与账户"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post(
    "/registrations", auth=None, response={201: RegistrationOut, **ERRORS}, summary="机构注册"
)
def register(request: HttpRequest, payload: RegistrationIn) -> Status[Any]:
    """公开注册：创建待审核的机构及其第一位管理员。"""
    result = services.organisation_register(**payload.dict(), request=request)
    return Status(
        201, {"organisation": result.organisation, "admin_username": result.admin.username}
    )


@router.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "id": user.pk,
        "username": user.get_username(),
        "full_name": getattr(user, "full_name", ""),
        "roles": sorted(access.roles_of(user)),
        "organisation": access.primary_organisation(user),
    }


class OrganisationFilter(Schema):
    status: OrganisationStatus | None = None
    type: OrganisationType | None = None
    q: str | None = None
    limit: int = 50
    offset: int = 0


class OrganisationPage(Schema):
    count: int
    items: list[OrganisationOut]


@router.get(
    "/organisations", auth=PUBLIC, response={200: OrganisationPage, **ERRORS}, summary="机构列表"
)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilter]) -> dict[str, Any]:
    """公众可见已认证机构；科技局工作人员可按状态查看全部（含待审核）。"""
    queryset = selectors.organisations_visible_to(request.user)
    queryset = selectors.filter_organisations(
        queryset, status=filters.status, type=filters.type, q=filters.q
    )
    limit = max(1, min(filters.limit, 200))
    offset = max(0, filters.offset)
    return {"count": queryset.count(), "items": list(queryset[offset : offset + limit])}


@router.get(
    "/organisations/{org_id}",
    auth=PUBLIC,
    response={200: OrganisationDetailOut, **ERRORS},
    summary="机构详情",
)
def get_organisation(request: HttpRequest, org_id: int) -> Any:
    return access.get_organisation_for_user(request.user, org_id)


@router.patch(
    "/organisations/{org_id}",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="修改机构资料",
)
def patch_organisation(request: HttpRequest, org_id: int, payload: OrganisationPatchIn) -> Any:
    organisation = access.get_organisation_for_user(request.user, org_id, write=True)
    return services.organisation_update(
        actor=access.actor(request),
        organisation=organisation,
        data=payload.dict(exclude_unset=True),
        request=request,
    )


def _transition(request: HttpRequest, org_id: int, to_status: str, reason: str) -> Any:
    organisation = access.get_organisation_for_user(request.user, org_id)
    return services.organisation_transition(
        actor=access.actor(request),
        organisation=organisation,
        to_status=to_status,
        reason=reason,
        request=request,
    )


@router.post(
    "/organisations/{org_id}/verify",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="认证通过（科技局）",
)
def verify_organisation(request: HttpRequest, org_id: int, payload: ReasonIn) -> Any:
    return _transition(request, org_id, OrganisationStatus.VERIFIED, payload.reason)


@router.post(
    "/organisations/{org_id}/reject",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="驳回认证（科技局，须填写原因）",
)
def reject_organisation(request: HttpRequest, org_id: int, payload: ReasonIn) -> Any:
    return _transition(request, org_id, OrganisationStatus.REJECTED, payload.reason)


@router.post(
    "/organisations/{org_id}/resubmit",
    response={200: OrganisationDetailOut, **ERRORS},
    summary="修改后重新提交认证（机构管理员）",
)
def resubmit_organisation(request: HttpRequest, org_id: int) -> Any:
    return _transition(request, org_id, OrganisationStatus.PENDING, "")


@router.get(
    "/organisations/{org_id}/members", response={200: list[MemberOut], **ERRORS}, summary="成员列表"
)
def list_members(request: HttpRequest, org_id: int) -> Any:
    organisation = access.get_organisation_for_user(request.user, org_id)
    access.get_members_for_user(request.user, organisation)
    return (
        Membership.objects.filter(organisation=organisation).select_related("user").order_by("id")
    )


@router.post(
    "/organisations/{org_id}/members",
    response={201: MemberOut, **ERRORS},
    summary="添加成员（机构管理员）",
)
def add_member(request: HttpRequest, org_id: int, payload: MemberIn) -> Status[Any]:
    organisation = access.get_organisation_for_user(request.user, org_id)
    membership = services.member_add(
        actor=access.actor(request),
        organisation=organisation,
        **payload.dict(),
        request=request,
    )
    return Status(201, membership)


@router.delete(
    "/organisations/{org_id}/members/{membership_id}",
    response={204: None, **ERRORS},
    summary="移除成员（机构管理员）",
)
def remove_member(request: HttpRequest, org_id: int, membership_id: int) -> Status[Any]:
    organisation = access.get_organisation_for_user(request.user, org_id)
    access.get_members_for_user(request.user, organisation)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    services.member_remove(actor=access.actor(request), membership=membership, request=request)
    return Status(204, None)


@router.get(
    "/organisations/{org_id}/api-keys",
    response={200: list[ApiKeyOut], **ERRORS},
    summary="API 密钥列表",
)
def list_api_keys(request: HttpRequest, org_id: int) -> Any:
    organisation = access.get_organisation_for_user(request.user, org_id)
    access.ensure_org_admin(request.user, organisation)
    return ApiKey.objects.filter(organisation=organisation).order_by("-created_at")


@router.post(
    "/organisations/{org_id}/api-keys",
    response={201: ApiKeyCreatedOut, **ERRORS},
    summary="创建 API 密钥（完整密钥仅显示一次）",
)
def create_api_key(request: HttpRequest, org_id: int, payload: ApiKeyIn) -> Status[Any]:
    organisation = access.get_organisation_for_user(request.user, org_id)
    issued = services.api_key_create(
        actor=access.actor(request),
        organisation=organisation,
        name=payload.name,
        request=request,
    )
    data = ApiKeyOut.from_orm(issued.api_key).dict()
    return Status(201, {**data, "key": issued.raw})


@router.delete(
    "/organisations/{org_id}/api-keys/{key_id}",
    response={200: ApiKeyOut, **ERRORS},
    summary="吊销 API 密钥",
)
def revoke_api_key(request: HttpRequest, org_id: int, key_id: int) -> Any:
    organisation = access.get_organisation_for_user(request.user, org_id)
    api_key = ApiKey.objects.filter(pk=key_id, organisation=organisation).first()
    if api_key is None:
        raise NotFound("找不到该密钥。")
    return services.api_key_revoke(actor=access.actor(request), api_key=api_key, request=request)
