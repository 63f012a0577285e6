"""/api/v1/challenges, applications, reviews, milestones: the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status, UploadedFile

from techmarket.accounts.access import actor, is_bureau_staff
from techmarket.accounts.models import Organisation
from techmarket.challenges import access, selectors, services
from techmarket.challenges.models import Award, ReviewAssignment
from techmarket.challenges.schemas import (
    AnonymousReviewOut,
    ApplicationIn,
    ApplicationOut,
    ApplicationPatchIn,
    AssignmentOut,
    AssignReportOut,
    AwardIn,
    AwardOut,
    BlindApplicationOut,
    ChallengeIn,
    ChallengeOut,
    ChallengePatchIn,
    DecisionIn,
    EvidenceIn,
    MilestoneOut,
    RankedOut,
    ReasonIn,
    ReplaceIn,
    ReviewIn,
    StaffAssignmentOut,
    TrancheOut,
    TransitionIn,
)
from techmarket.challenges.workflow import ApplicationStatus
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.experts.models import ExpertProfile
from techmarket.listings.models import Demand

router = Router(tags=["揭榜挂帅"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/challenges", auth=PUBLIC, response={200: list[ChallengeOut]}, summary="榜单列表")
def list_challenges(request: HttpRequest) -> Any:
    return selectors.public_challenges().prefetch_related("indicators", "milestones", "rubric")


@router.post("/challenges", response={201: ChallengeOut, **ERRORS}, summary="创建榜单（科技局）")
def create_challenge(request: HttpRequest, payload: ChallengeIn) -> Status[Any]:
    data = payload.dict()
    demands = list(Demand.objects.filter(pk__in=data.pop("demand_ids")))
    rubric = data.pop("rubric")
    if rubric is not None:
        rubric = [{"name": r["name"], "weight": r["weight"]} for r in rubric]
    challenge = services.challenge_create(
        actor=actor(request), demands=demands, rubric=rubric, **data
    )
    return Status(201, challenge)


@router.get(
    "/challenges/{pk}", auth=PUBLIC, response={200: ChallengeOut, **ERRORS}, summary="榜单公示"
)
def get_challenge(request: HttpRequest, pk: int) -> Any:
    return access.get_challenge_for_user(request.user, pk)


@router.patch(
    "/challenges/{pk}", response={200: ChallengeOut, **ERRORS}, summary="修改榜单草稿（科技局）"
)
def patch_challenge(request: HttpRequest, pk: int, payload: ChallengePatchIn) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    data = payload.dict(exclude_unset=True)
    if data.get("rubric") is not None:
        data["rubric"] = [{"name": r["name"], "weight": r["weight"]} for r in data["rubric"]]
    return services.challenge_update(actor=actor(request), challenge=challenge, data=data)


@router.post(
    "/challenges/{pk}/transition",
    response={200: ChallengeOut, **ERRORS},
    summary="变更榜单状态（发布、截止、进入评审、实施、撤榜、终止）",
)
def transition(request: HttpRequest, pk: int, payload: TransitionIn) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    return services.challenge_transition(
        actor=actor(request),
        challenge=challenge,
        to_status=payload.to_status,
        reason=payload.reason,
    )


@router.post(
    "/challenges/{pk}/complete", response={200: ChallengeOut, **ERRORS}, summary="最终验收"
)
def complete(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    return services.challenge_complete(
        actor=actor(request), challenge=challenge, reason=payload.reason
    )


# ---- applications ------------------------------------------------------------------------


@router.post(
    "/challenges/{pk}/applications",
    response={201: ApplicationOut, **ERRORS},
    summary="揭榜申报（单位或联合体）",
)
def apply(request: HttpRequest, pk: int, payload: ApplicationIn) -> Status[Any]:
    challenge = access.get_challenge_for_user(request.user, pk)
    lead = Organisation.objects.filter(pk=payload.lead_id).first()
    if lead is None:
        raise NotFound("找不到牵头单位。")
    members = list(Organisation.objects.filter(pk__in=payload.member_ids))
    application = services.application_submit(
        actor=actor(request),
        challenge=challenge,
        lead=lead,
        members=members,
        technical_plan=payload.technical_plan,
        team=[m.dict() for m in payload.team],
        milestone_commitments=payload.milestone_commitments,
        budget=payload.budget,
    )
    return Status(201, application)


@router.get(
    "/challenges/{pk}/applications",
    response={200: list[ApplicationOut], **ERRORS},
    summary="榜单的申报（科技局）",
)
def challenge_applications(request: HttpRequest, pk: int) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    return challenge.applications.select_related("lead")


@router.get("/applications", response={200: list[ApplicationOut]}, summary="本机构的申报")
def my_applications(request: HttpRequest) -> Any:
    return selectors.applications_of(request.user)


@router.get("/applications/{pk}", response={200: ApplicationOut, **ERRORS}, summary="申报详情")
def get_application(request: HttpRequest, pk: int) -> Any:
    application = access.get_application_for_user(request.user, pk)
    if not (is_bureau_staff(request.user) or access.is_applicant(request.user, application)):
        raise NotFound("找不到该申报，或您无权查看。")  # experts use /reviews/{id}
    return application


@router.patch(
    "/applications/{pk}", response={200: ApplicationOut, **ERRORS}, summary="修改申报（截止前）"
)
def patch_application(request: HttpRequest, pk: int, payload: ApplicationPatchIn) -> Any:
    application = access.get_application_for_user(request.user, pk, write=True)
    data = payload.dict(exclude_unset=True)
    return services.application_update(actor=actor(request), application=application, data=data)


@router.post(
    "/applications/{pk}/withdraw",
    response={200: ApplicationOut, **ERRORS},
    summary="撤回申报（截止前）",
)
def withdraw_application(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    application = access.get_application_for_user(request.user, pk, write=True)
    return services.application_withdraw(
        actor=actor(request), application=application, reason=payload.reason
    )


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    sha256: str


@router.post(
    "/applications/{pk}/attachments",
    response={201: list[AttachmentOut], **ERRORS},
    summary="上传申报附件（截止前；PDF/PNG/JPEG）",
)
def upload_attachment(request: HttpRequest, pk: int, file: File[UploadedFile]) -> Status[Any]:
    application = access.get_application_for_user(request.user, pk, write=True)
    services.application_update(
        actor=actor(request), application=application, data={"attachments": [file]}
    )
    return Status(201, list(application.attachments.order_by("id")))


@router.get(
    "/applications/{pk}/reviews",
    response={200: list[AnonymousReviewOut], **ERRORS},
    summary="评审得分与意见（不含专家身份，立项决定后可见）",
)
def application_reviews(request: HttpRequest, pk: int) -> Any:
    application = access.get_application_for_user(request.user, pk)
    if application.status not in (ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED):
        return []
    return selectors.anonymised_reviews(application)


# ---- review ------------------------------------------------------------------------------


@router.post(
    "/challenges/{pk}/assignments",
    response={200: AssignReportOut, **ERRORS},
    summary="自动分配评审专家（回避利益冲突）",
)
def assign(request: HttpRequest, pk: int) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    report = services.reviewers_assign(actor=actor(request), challenge=challenge)
    return {"assigned": report.assigned, "shortfalls": report.shortfalls}


@router.get(
    "/challenges/{pk}/assignments",
    response={200: list[StaffAssignmentOut], **ERRORS},
    summary="评审分配（科技局）",
)
def list_assignments(request: HttpRequest, pk: int) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    return ReviewAssignment.objects.filter(application__challenge=challenge).select_related(
        "expert", "application"
    )


@router.post(
    "/assignments/{pk}/replace",
    response={200: StaffAssignmentOut, **ERRORS},
    summary="更换评审专家（科技局，留痕）",
)
def replace(request: HttpRequest, pk: int, payload: ReplaceIn) -> Any:
    access.ensure_staff(request.user)
    assignment = ReviewAssignment.objects.filter(pk=pk).first()
    expert = ExpertProfile.objects.filter(pk=payload.expert_id).first()
    if assignment is None or expert is None:
        raise NotFound()
    return services.assignment_replace(
        actor=actor(request), assignment=assignment, expert=expert, reason=payload.reason
    )


@router.get("/reviews", response={200: list[AssignmentOut]}, summary="我的评审任务（专家）")
def my_reviews(request: HttpRequest) -> Any:
    return selectors.assignments_of(request.user)


@router.get(
    "/reviews/{pk}", response={200: BlindApplicationOut, **ERRORS}, summary="评审对象（盲评）"
)
def get_review(request: HttpRequest, pk: int) -> Any:
    assignment = access.get_assignment_for_expert(request.user, pk)
    application = assignment.application
    return {
        "id": application.pk,
        "code": application.code,
        "technical_plan": application.technical_plan,
        "milestone_commitments": application.milestone_commitments,
        "budget": application.budget,
        "lead_name": None if application.challenge.blind_review else application.lead.name,
    }


@router.post("/reviews/{pk}", response={200: AssignmentOut, **ERRORS}, summary="提交评审")
def submit_review(request: HttpRequest, pk: int, payload: ReviewIn) -> Any:
    assignment = access.get_assignment_for_expert(request.user, pk)
    return services.review_submit(
        actor=actor(request),
        assignment=assignment,
        scores=dict(payload.scores),
        comment=payload.comment,
    )


@router.get(
    "/challenges/{pk}/ranking", response={200: list[RankedOut], **ERRORS}, summary="评审排名"
)
def ranking(request: HttpRequest, pk: int) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    return [
        {
            "application_id": r.application.pk,
            "lead_name": r.application.lead.name,
            "score": r.score,
            "reviews": r.reviews,
            "expected": r.expected,
        }
        for r in services.ranking(challenge)
    ]


@router.post("/challenges/{pk}/award", response={200: list[AwardOut], **ERRORS}, summary="立项决定")
def award(request: HttpRequest, pk: int, payload: AwardIn) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    by_id = {a.pk: a for a in challenge.applications.all()}
    missing = [w.application_id for w in payload.winners if w.application_id not in by_id]
    if missing:
        raise ApplicationError("只能从本榜单的申报中确定立项单位。", code="validation_error")
    winners: list[tuple[Any, Any]] = [(by_id[w.application_id], w.amount) for w in payload.winners]
    return services.challenge_award(
        actor=actor(request), challenge=challenge, winners=winners, reason=payload.reason
    )


# ---- execution ---------------------------------------------------------------------------


@router.get(
    "/challenges/{pk}/awards", auth=PUBLIC, response={200: list[AwardOut], **ERRORS},
    summary="立项团队与里程碑",
)  # fmt: skip
def list_awards(request: HttpRequest, pk: int) -> Any:
    challenge = access.get_challenge_for_user(request.user, pk)
    return challenge.awards.prefetch_related("milestones")


@router.post("/awards/{pk}/eliminate", response={200: AwardOut, **ERRORS}, summary="赛马淘汰团队")
def eliminate(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    access.ensure_staff(request.user)
    found = Award.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return services.award_eliminate(actor=actor(request), award=found, reason=payload.reason)


@router.post(
    "/milestones/{pk}/evidence", response={200: MilestoneOut, **ERRORS}, summary="提交里程碑材料"
)
def submit_evidence(request: HttpRequest, pk: int, payload: EvidenceIn) -> Any:
    milestone = access.get_milestone_for_user(request.user, pk)
    return services.milestone_submit(
        actor=actor(request), milestone=milestone, evidence=payload.evidence
    )


@router.post(
    "/milestones/{pk}/accept",
    response={200: TrancheOut, **ERRORS},
    summary="验收通过并拨付（幂等）",
)
def accept(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    milestone = access.get_milestone_for_user(request.user, pk)
    return services.milestone_accept(
        actor=actor(request), milestone=milestone, reason=payload.reason
    )


@router.post(
    "/milestones/{pk}/reject", response={200: MilestoneOut, **ERRORS}, summary="验收不通过"
)
def reject(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    milestone = access.get_milestone_for_user(request.user, pk)
    return services.milestone_reject(
        actor=actor(request),
        milestone=milestone,
        reason=payload.reason,
        terminate=payload.terminate,
    )
