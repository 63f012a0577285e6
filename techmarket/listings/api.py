"""/api/v1/achievements and /api/v1/demands: the same services and selectors as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from techmarket.accounts import access as accounts_access
from techmarket.accounts.access import actor as request_actor
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.files import serve_protected
from techmarket.core.money import WAN
from techmarket.listings import access, jobs, selectors, services
from techmarket.listings.models import Achievement, Demand, ImportJob, ListingAttachment
from techmarket.listings.schemas import (
    AchievementIn,
    AchievementOut,
    AchievementPage,
    AttachmentOut,
    DemandIn,
    DemandOut,
    DemandPage,
    ImportJobOut,
    ListingFilterIn,
    TransitionIn,
)

router = Router(tags=["科技成果与技术需求"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _facets(queryset: Any, filters: selectors.ListingFilters) -> list[dict[str, Any]]:
    return [
        {
            "name": f.name,
            "label": f.label,
            "options": [{"value": v, "label": lbl, "count": n} for v, lbl, n in f.options],
        }
        for f in selectors.facet_counts(queryset, filters)
    ]


def _page(base: Any, params: ListingFilterIn) -> dict[str, Any]:
    data = {k: "" if v is None else str(v) for k, v in params.dict().items()}
    filters = selectors.ListingFilters.from_params(data)
    queryset = selectors.filter_listings(base, filters)
    limit = max(1, min(params.limit, 100))
    offset = max(0, params.offset)
    rows = queryset.select_related("owner").prefetch_related("indicators")
    ordered = selectors.ordered_listings(rows, filters)
    items = list(ordered[offset : offset + limit])
    return {"count": ordered.count(), "items": items, "facets": _facets(base, filters)}


def _hide_identity(user: Any, demand: Any) -> Any:
    if not access.can_see_demand_identity(user, demand):
        demand.owner_id = None
        demand.contact_name = demand.contact_phone = demand.contact_email = ""
        demand.owner_name = "保密需求"
    else:
        demand.owner_name = demand.owner.name
    return demand


def _values(payload: Any, amount_key: str, model_key: str) -> tuple[dict[str, Any], list[Any]]:
    data = payload.dict()
    indicators = data.pop("indicators", [])
    amount = data.pop(amount_key, None)
    data[model_key] = None if amount is None else amount * WAN
    return data, indicators


def _organisation(user: Any) -> Any:
    organisation = accounts_access.primary_organisation(user)
    if organisation is None:
        raise ApplicationError("您不属于任何机构，不能发布信息。", status=403)
    return organisation


@router.get("/achievements", response=AchievementPage, auth=PUBLIC, summary="科技成果列表")
def list_achievements(request: HttpRequest, params: Query[ListingFilterIn]) -> dict[str, Any]:
    return _page(selectors.published_achievements(), params)


@router.get(
    "/achievements/{pk}",
    response={200: AchievementOut, **ERRORS},
    auth=PUBLIC,
    summary="科技成果详情",
)
def get_achievement(request: HttpRequest, pk: int) -> Achievement:
    return access.get_achievement_for_user(request.user, pk)


@router.post(
    "/achievements", response={201: AchievementOut, **ERRORS}, summary="新建科技成果（草稿）"
)
def create_achievement(request: HttpRequest, payload: AchievementIn) -> Status[Any]:
    user = request_actor(request)
    data, indicators = _values(payload, "price_wan", "price")
    listing = services.listing_create(
        actor=user,
        organisation=_organisation(user),
        model=Achievement,
        data=data,
        indicators=indicators,
        request=request,
    )
    return Status(201, listing)


@router.put("/achievements/{pk}", response={200: AchievementOut, **ERRORS}, summary="修改科技成果")
def update_achievement(request: HttpRequest, pk: int, payload: AchievementIn) -> Any:
    user = request_actor(request)
    listing = access.get_achievement_for_user(user, pk, write=True)
    data, indicators = _values(payload, "price_wan", "price")
    return services.listing_update(
        actor=user, listing=listing, data=data, indicators=indicators, request=request
    )


@router.post(
    "/achievements/{pk}/transitions",
    response={200: AchievementOut, **ERRORS},
    summary="科技成果状态变更（提交、发布、退回、撤回、成交）",
)
def transition_achievement(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    user = request_actor(request)
    listing = access.get_achievement_for_user(user, pk)
    return services.listing_transition(
        actor=user,
        listing=listing,
        to_status=payload.to_status,
        reason=payload.reason,
        request=request,
    )


@router.get("/demands", response=DemandPage, auth=PUBLIC, summary="技术需求列表")
def list_demands(request: HttpRequest, params: Query[ListingFilterIn]) -> dict[str, Any]:
    page = _page(selectors.published_demands(), params)
    page["items"] = [_hide_identity(request.user, d) for d in page["items"]]
    return page


@router.get(
    "/demands/{pk}", response={200: DemandOut, **ERRORS}, auth=PUBLIC, summary="技术需求详情"
)
def get_demand(request: HttpRequest, pk: int) -> Demand:
    return _hide_identity(request.user, access.get_demand_for_user(request.user, pk))


@router.post("/demands", response={201: DemandOut, **ERRORS}, summary="新建技术需求（草稿）")
def create_demand(request: HttpRequest, payload: DemandIn) -> Status[Any]:
    user = request_actor(request)
    data, indicators = _values(payload, "budget_wan", "budget")
    listing = services.listing_create(
        actor=user,
        organisation=_organisation(user),
        model=Demand,
        data=data,
        indicators=indicators,
        request=request,
    )
    return Status(201, _hide_identity(user, listing))


@router.put("/demands/{pk}", response={200: DemandOut, **ERRORS}, summary="修改技术需求")
def update_demand(request: HttpRequest, pk: int, payload: DemandIn) -> Any:
    user = request_actor(request)
    listing = access.get_demand_for_user(user, pk, write=True)
    data, indicators = _values(payload, "budget_wan", "budget")
    updated = services.listing_update(
        actor=user, listing=listing, data=data, indicators=indicators, request=request
    )
    return _hide_identity(user, updated)


@router.post(
    "/demands/{pk}/transitions", response={200: DemandOut, **ERRORS}, summary="技术需求状态变更"
)
def transition_demand(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    user = request_actor(request)
    listing = access.get_demand_for_user(user, pk)
    moved = services.listing_transition(
        actor=user,
        listing=listing,
        to_status=payload.to_status,
        reason=payload.reason,
        request=request,
    )
    return _hide_identity(user, moved)


@router.post(
    "/listings/imports",
    response={202: ImportJobOut, **ERRORS},
    summary="上传文件批量导入（xlsx/csv/jsonl，后台执行）",
)
def create_import(
    request: HttpRequest,
    kind: Form[str],
    file: File[UploadedFile],
    submit: Form[bool] = False,
) -> Status[Any]:
    user = request_actor(request)
    job = jobs.import_job_create(
        actor=user, organisation=_organisation(user), kind=kind, upload=file, submit=submit
    )
    return Status(202, job)


@router.get("/listings/imports/{pk}", response={200: ImportJobOut, **ERRORS}, summary="导入进度")
def get_import(request: HttpRequest, pk: int) -> ImportJob:
    user = request_actor(request)
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not accounts_access.is_member(user, job.organisation):
        raise NotFound("找不到该导入任务。")
    return job


# ---- attachments: the same access rules and services as the detail pages ----------------

KIND_LOADERS: dict[str, Callable[..., Achievement | Demand]] = {
    "achievements": access.get_achievement_for_user,
    "demands": access.get_demand_for_user,
}
DOWNLOAD_RESPONSE = {
    "responses": {
        200: {
            "description": "附件文件（PDF 或图片）",
            "content": {
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in ("application/pdf", "image/png", "image/jpeg")
            },
        }
    }
}


def _add_attachment_routes(kind: str, label: str) -> None:
    load = KIND_LOADERS[kind]

    @router.get(
        f"/{kind}/{{pk}}/attachments",
        response={200: list[AttachmentOut], **ERRORS},
        auth=PUBLIC,
        summary=f"{label}附件列表",
        operation_id=f"techmarket_listings_api_list_{kind}_attachments",
    )
    def list_attachments(request: HttpRequest, pk: int) -> Any:
        return list(access.visible_attachments(request.user, load(request.user, pk)))

    @router.post(
        f"/{kind}/{{pk}}/attachments",
        response={201: AttachmentOut, **ERRORS},
        summary=f"上传{label}附件（PDF/PNG/JPEG，按内容识别类型，有大小上限）",
        operation_id=f"techmarket_listings_api_upload_{kind}_attachment",
    )
    def upload_attachment(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Any:
        user = request_actor(request)
        listing = load(user, pk)
        attachment = services.attachment_add(
            actor=user, listing=listing, upload=file, request=request
        )
        return Status(201, attachment)

    @router.get(
        f"/{kind}/{{pk}}/attachments/{{attachment_id}}",
        response={200: None, **ERRORS},
        auth=PUBLIC,
        summary=f"下载{label}附件",
        operation_id=f"techmarket_listings_api_download_{kind}_attachment",
        openapi_extra=DOWNLOAD_RESPONSE,
    )
    def download_attachment(request: HttpRequest, pk: int, attachment_id: int) -> Any:
        listing = load(request.user, pk)
        attachment: ListingAttachment = access.get_attachment_for_user(
            request.user, attachment_id, listing=listing
        )
        return serve_protected(attachment.file, attachment.name)

    @router.delete(
        f"/{kind}/{{pk}}/attachments/{{attachment_id}}",
        response={204: None, **ERRORS},
        summary=f"删除{label}附件（仅草稿或已退回时）",
        operation_id=f"techmarket_listings_api_delete_{kind}_attachment",
    )
    def delete_attachment(request: HttpRequest, pk: int, attachment_id: int) -> Any:
        user = request_actor(request)
        listing = load(user, pk)
        attachment = access.get_attachment_for_user(user, attachment_id, listing=listing)
        services.attachment_delete(actor=user, attachment=attachment, request=request)
        return Status(204, None)


_add_attachment_routes("achievements", "科技成果")
_add_attachment_routes("demands", "技术需求")
