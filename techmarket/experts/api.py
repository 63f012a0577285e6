"""/api/v1/experts: the expert library (bureau staff; an expert reads their own profile)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from techmarket.accounts.access import actor
from techmarket.accounts.models import Organisation, User
from techmarket.core.api_auth import ErrorOut
from techmarket.core.errors import NotFound
from techmarket.experts import access, services
from techmarket.experts.models import ExpertProfile

router = Router(tags=["专家库"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class ConflictIO(Schema):
    organisation_id: int | None = None
    person_name: str = ""
    reason: str = ""


class ExpertIn(Schema):
    name: str = Field(..., max_length=100)
    username: str = Field("", max_length=150, description="关联的平台账户（可选）")
    organisation_id: int | None = None
    organisation_name: str = ""
    title: str = ""
    fields: list[str] = []
    subfields: list[str] = []
    keywords: list[str] = []
    bio: str = ""
    email: str = ""
    phone: str = ""
    available: bool = True
    conflicts: list[ConflictIO] = []


class ExpertOut(Schema):
    id: int
    name: str
    organisation_id: int | None
    organisation_name: str
    title: str
    fields: list[str]
    subfields: list[str]
    keywords: list[str]
    bio: str
    available: bool
    status: str
    conflicts: list[ConflictIO]

    @staticmethod
    def resolve_organisation_name(obj: Any) -> str:
        return str(obj.organisation_display)

    @staticmethod
    def resolve_conflicts(obj: Any) -> list[Any]:
        return list(obj.conflicts.all())


class VerifyIn(Schema):
    approve: bool
    reason: str = ""


@router.get("/experts", response={200: list[ExpertOut], **ERRORS}, summary="专家库（科技局）")
def list_experts(request: HttpRequest) -> Any:
    access.ensure_can_manage_experts(request.user)
    return ExpertProfile.objects.select_related("organisation").prefetch_related("conflicts")


@router.post("/experts", response={201: ExpertOut, **ERRORS}, summary="新增专家（科技局）")
def create_expert(request: HttpRequest, payload: ExpertIn) -> Status[Any]:
    data = payload.dict()
    username = data.pop("username")
    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        raise NotFound(f"平台账户“{username}”不存在。")
    org_id = data.pop("organisation_id")
    organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
    conflicts = []
    for c in data.pop("conflicts"):
        conflict_org = (
            Organisation.objects.filter(pk=c["organisation_id"]).first()
            if c["organisation_id"]
            else None
        )
        conflicts.append(
            {"organisation": conflict_org, "person_name": c["person_name"], "reason": c["reason"]}
        )
    expert = services.expert_create(
        actor=actor(request), organisation=organisation, user=user, conflicts=conflicts, **data
    )
    return Status(201, expert)


@router.get("/experts/{pk}", response={200: ExpertOut, **ERRORS}, summary="专家资料")
def get_expert(request: HttpRequest, pk: int) -> Any:
    return access.get_expert_for_user(request.user, pk)


@router.post("/experts/{pk}/verify", response={200: ExpertOut, **ERRORS}, summary="审核专家")
def verify_expert(request: HttpRequest, pk: int, payload: VerifyIn) -> Any:
    expert = access.get_expert_for_user(request.user, pk)
    return services.expert_verify(
        actor=actor(request), expert=expert, approve=payload.approve, reason=payload.reason
    )


@router.post("/experts/{pk}/conflicts", response={201: ConflictIO, **ERRORS}, summary="申报回避")
def add_conflict(request: HttpRequest, pk: int, payload: ConflictIO) -> Status[Any]:
    expert = access.get_expert_for_user(request.user, pk, write=True)
    organisation = None
    if payload.organisation_id:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise NotFound("找不到该机构。")
    conflict = services.expert_conflict_add(
        actor=actor(request),
        expert=expert,
        organisation=organisation,
        person_name=payload.person_name,
        reason=payload.reason,
    )
    return Status(201, conflict)
