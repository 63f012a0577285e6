"""Who may see and do what in challenges. Views and the API load objects only here."""

from __future__ import annotations

from typing import Any

from techmarket.accounts.access import is_bureau_staff, organisations_of
from techmarket.challenges.models import (
    Application,
    ApplicationAttachment,
    Challenge,
    Milestone,
    ReviewAssignment,
)
from techmarket.challenges.workflow import AssignmentStatus, ChallengeStatus
from techmarket.core.errors import NotFound, PermissionRefused

PUBLIC_STATUSES = frozenset(set(ChallengeStatus.values) - {ChallengeStatus.DRAFT})


def ensure_staff(user: Any) -> None:
    if not is_bureau_staff(user):
        raise PermissionRefused("只有科技局工作人员可以管理揭榜挂帅榜单。")


def can_view_challenge(user: Any, challenge: Challenge) -> bool:
    return challenge.status in PUBLIC_STATUSES or is_bureau_staff(user)


def get_challenge_for_user(user: Any, pk: int, *, write: bool = False) -> Challenge:
    challenge = Challenge.objects.filter(pk=pk).first()
    if challenge is None or not can_view_challenge(user, challenge):
        raise NotFound("找不到该榜单，或您无权查看。")
    if write:
        ensure_staff(user)
    return challenge


def org_ids_of(user: Any) -> set[int]:
    return {o.pk for o in organisations_of(user)}


def is_applicant(user: Any, application: Application) -> bool:
    party_ids = set(application.parties.values_list("organisation_id", flat=True))
    return bool(org_ids_of(user) & party_ids)


def is_assigned_expert(user: Any, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        application.assignments.filter(expert__user=user)
        .exclude(status=AssignmentStatus.REPLACED)
        .exists()
    )


def get_application_for_user(user: Any, pk: int, *, write: bool = False) -> Application:
    """Staff, the applicant's own parties, and experts assigned to it; 404 for others."""
    application = Application.objects.select_related("challenge", "lead").filter(pk=pk).first()
    if application is None:
        raise NotFound("找不到该申报，或您无权查看。")
    applicant = is_applicant(user, application)
    if not (applicant or is_bureau_staff(user) or is_assigned_expert(user, application)):
        raise NotFound("找不到该申报，或您无权查看。")
    if write and application.lead_id not in org_ids_of(user):
        raise PermissionRefused("只有牵头单位可以修改或撤回申报。")
    return application


def get_assignment_for_expert(user: Any, pk: int) -> ReviewAssignment:
    assignment = (
        ReviewAssignment.objects.select_related("application__challenge", "expert")
        .filter(pk=pk, expert__user=user)
        .exclude(status=AssignmentStatus.REPLACED)
        .first()
    )
    if assignment is None or not getattr(user, "is_authenticated", False):
        raise NotFound("找不到该评审任务，或它没有分配给您。")
    return assignment


def get_milestone_for_user(user: Any, pk: int) -> Milestone:
    milestone = (
        Milestone.objects.select_related("award__application", "award__challenge")
        .filter(pk=pk)
        .first()
    )
    if milestone is None or not (
        is_bureau_staff(user) or is_applicant(user, milestone.award.application)
    ):
        raise NotFound("找不到该里程碑，或您无权查看。")
    return milestone


def ensure_lead_member(user: Any, application: Application) -> None:
    if application.lead_id not in org_ids_of(user):
        raise PermissionRefused("只有牵头单位可以提交里程碑材料。")


def get_attachment_for_user(user: Any, pk: int) -> ApplicationAttachment:
    """Applicants and staff; an assigned expert only when the review is not blind (a file
    may name the applicant)."""
    attachment = (
        ApplicationAttachment.objects.select_related("application__challenge").filter(pk=pk).first()
    )
    if attachment is None:
        raise NotFound("找不到该附件，或您无权查看。")
    application = get_application_for_user(user, attachment.application_id)
    if not (is_applicant(user, application) or is_bureau_staff(user)) and (
        application.challenge.blind_review
    ):
        raise NotFound("盲评期间专家不能下载申报附件。")
    return attachment
