"""揭榜申报: submit, edit until the deadline, withdraw before it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from techmarket.accounts.access import ensure_can_publish
from techmarket.accounts.models import Organisation, OrganisationType, User
from techmarket.accounts.services import record_status_change
from techmarket.challenges.models import (
    Application,
    ApplicationAttachment,
    ApplicationParty,
    Challenge,
    PartyRole,
)
from techmarket.challenges.workflow import ApplicationStatus, ChallengeStatus
from techmarket.core import audit
from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.files import check_upload
from techmarket.core.money import to_yuan

APPLICANT_TYPES = frozenset(
    {OrganisationType.ENTERPRISE, OrganisationType.UNIVERSITY, OrganisationType.INSTITUTE}
)


def _ensure_open(challenge: Challenge) -> None:
    """The server decides, whatever the client shows: after the deadline nothing changes."""
    if (
        challenge.status != ChallengeStatus.PUBLISHED
        or timezone.now() >= challenge.application_deadline
    ):
        deadline = timezone.localtime(challenge.application_deadline)
        raise ApplicationError(
            f"榜单已于 {deadline:%Y-%m-%d %H:%M} 截止申报（或不在申报期），申报不能再提交、修改或撤回。",
            code="deadline_passed",
            status=409,
        )


def _ensure_eligible(organisation: Organisation) -> None:
    if organisation.type not in APPLICANT_TYPES:
        raise ApplicationError(
            f"“{organisation.name}”是{organisation.get_type_display()}，"
            "只有企业、高校和科研院所可以揭榜。",
            code="not_eligible",
        )
    if not organisation.is_verified:
        raise ApplicationError(
            f"“{organisation.name}”尚未通过机构认证，不能参加揭榜。", code="not_eligible"
        )


def _clean_team(team: list[Any]) -> list[dict[str, str]]:
    cleaned = []
    for member in team or []:
        if isinstance(member, str):
            member = {"name": member}
        name = str(member.get("name", "")).strip()
        if name:
            cleaned.append(
                {
                    "name": name,
                    "title": str(member.get("title", "")).strip(),
                    "role": str(member.get("role", "")).strip(),
                }
            )
    return cleaned


@transaction.atomic
def application_submit(
    *,
    actor: User,
    challenge: Challenge,
    lead: Organisation,
    technical_plan: str,
    members: list[Organisation] | None = None,
    team: list[Any] | None = None,
    milestone_commitments: str = "",
    budget: Decimal | int | str = 0,
    attachments: list[UploadedFile] | None = None,
) -> Application:
    ensure_can_publish(actor, lead)
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    _ensure_open(locked)
    members = [m for m in (members or []) if m.pk != lead.pk]
    for organisation in [lead, *members]:
        _ensure_eligible(organisation)
    if not technical_plan.strip():
        raise ApplicationError("请填写技术方案。", code="validation_error",
                               fields={"technical_plan": "必填"})  # fmt: skip
    application = Application.objects.create(
        challenge=locked,
        lead=lead,
        submitted_by=actor,
        technical_plan=technical_plan.strip(),
        team=_clean_team(team or []),
        milestone_commitments=milestone_commitments,
        budget=to_yuan(budget),
    )
    parties = [(lead, PartyRole.LEAD)] + [(m, PartyRole.MEMBER) for m in members]
    for organisation, role in parties:
        try:
            with transaction.atomic():
                ApplicationParty.objects.create(
                    application=application, challenge=locked, organisation=organisation, role=role
                )
        except IntegrityError as exc:
            raise ApplicationError(
                f"“{organisation.name}”已参加本榜单的另一份申报（每个单位每个榜单只能申报一次，"
                "含作为联合体成员）。",
                code="duplicate_application",
                status=409,
            ) from exc
    for upload in attachments or []:
        _attach(application, upload)
    record_status_change(obj=application, from_status="", to_status=application.status, actor=actor)
    audit.record(
        "application.submit",
        actor=actor,
        organisation=lead,
        obj=application,
        summary=f"“{lead.name}”揭榜“{locked.title}”",
        changes={"members": [m.name for m in members]},
    )
    return application


def _attach(application: Application, upload: UploadedFile) -> None:
    checked = check_upload(upload)
    ApplicationAttachment.objects.create(
        application=application,
        file=upload,
        name=upload.name or "attachment",
        size=checked.size,
        sha256=checked.sha256,
    )


def _lock_own(actor: User, application: Application) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.lead.memberships.filter(user=actor).exists():
        raise PermissionRefused("只有牵头单位可以修改或撤回申报。")
    if locked.status != ApplicationStatus.SUBMITTED:
        raise ApplicationError(
            f"申报状态为“{locked.get_status_display()}”，不能再修改。",
            code="invalid_transition",
            status=409,
        )
    return locked


@transaction.atomic
def application_update(
    *, actor: User, application: Application, data: dict[str, Any]
) -> Application:
    challenge = Challenge.objects.select_for_update().get(pk=application.challenge_id)
    _ensure_open(challenge)
    locked = _lock_own(actor, application)
    changes: dict[str, object] = {}
    if data.get("technical_plan") is not None:
        if not str(data["technical_plan"]).strip():
            raise ApplicationError("技术方案不能为空。", code="validation_error")
        locked.technical_plan = str(data["technical_plan"]).strip()
        changes["technical_plan"] = True
    if data.get("team") is not None:
        locked.team = _clean_team(data["team"])
        changes["team"] = locked.team
    if data.get("milestone_commitments") is not None:
        locked.milestone_commitments = data["milestone_commitments"]
        changes["milestone_commitments"] = True
    if data.get("budget") is not None:
        locked.budget = to_yuan(data["budget"])
        changes["budget"] = str(locked.budget)
    locked.save()
    for upload in data.get("attachments") or []:
        _attach(locked, upload)
    audit.record(
        "application.update", actor=actor, obj=locked, summary="修改揭榜申报", changes=changes
    )
    return locked


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    challenge = Challenge.objects.select_for_update().get(pk=application.challenge_id)
    _ensure_open(challenge)
    locked = _lock_own(actor, application)
    locked.status = ApplicationStatus.WITHDRAWN
    locked.decision_reason = reason
    locked.save(update_fields=["status", "decision_reason", "updated_at"])
    locked.parties.update(active=False)
    record_status_change(
        obj=locked,
        from_status=ApplicationStatus.SUBMITTED,
        to_status=ApplicationStatus.WITHDRAWN,
        actor=actor,
        reason=reason,
    )
    audit.record(
        "application.withdraw", actor=actor, obj=locked, summary=f"撤回揭榜申报（{reason}）"
    )
    return locked
