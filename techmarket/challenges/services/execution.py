"""Execution: milestone evidence, acceptance, tranches (money), elimination, completion.

Locks are always taken in the order challenge → award → milestone.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from techmarket.accounts.models import User
from techmarket.accounts.services import record_status_change
from techmarket.challenges import access
from techmarket.challenges.models import Award, Challenge, Milestone, Tranche
from techmarket.challenges.services.common import lock, move
from techmarket.challenges.workflow import (
    AwardStatus,
    ChallengeMode,
    ChallengeStatus,
    MilestoneStatus,
)
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.files import check_upload
from techmarket.core.notifications import notify


def _team_users(award: Award) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation_id=award.application.lead_id).distinct()
    )


@transaction.atomic
def milestone_submit(
    *, actor: User, milestone: Milestone, evidence: str, file: UploadedFile | None = None
) -> Milestone:
    locked = (
        Milestone.objects.select_for_update()
        .select_related("award__application")
        .get(pk=milestone.pk)
    )
    award = locked.award
    access.ensure_lead_member(actor, award.application)
    if award.challenge.status != ChallengeStatus.IN_PROGRESS or award.status != AwardStatus.ACTIVE:
        raise ApplicationError(
            "项目不在实施中，不能提交里程碑材料。", code="invalid_state", status=409
        )
    if locked.status not in (MilestoneStatus.PENDING, MilestoneStatus.REJECTED):
        raise ApplicationError(
            f"里程碑状态为“{locked.get_status_display()}”，只有待提交或未通过的里程碑可以提交材料。",
            code="invalid_state",
            status=409,
        )
    if not evidence.strip():
        raise ApplicationError("请填写完成情况说明。", code="validation_error")
    if file is not None:
        check_upload(file)
        locked.evidence_file = file
    locked.evidence = evidence.strip()
    record_status_change(
        obj=locked, from_status=locked.status, to_status=MilestoneStatus.SUBMITTED, actor=actor
    )
    locked.status = MilestoneStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    audit.record(
        "milestone.submit", actor=actor, obj=locked, summary=f"提交里程碑“{locked.name}”材料"
    )
    notify(
        [award.challenge.created_by],
        title=f"里程碑待验收：{award.challenge.title} · {locked.name}",
        url=reverse("challenges:manage", args=[award.challenge_id]),
        kind="challenge.milestone",
    )
    return locked


@transaction.atomic
def milestone_accept(*, actor: User, milestone: Milestone, reason: str = "") -> Tranche:
    """Accept the evidence and release the tranche: once, and never past the award."""
    access.ensure_staff(actor)
    award = Award.objects.select_for_update().get(pk=milestone.award_id)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    existing = Tranche.objects.filter(milestone=locked).first()
    if existing is not None:  # idempotent: a repeated click returns the same ledger entry
        return existing
    if locked.status != MilestoneStatus.SUBMITTED:
        raise ApplicationError(
            f"里程碑状态为“{locked.get_status_display()}”，只有已提交材料的里程碑可以验收。",
            code="invalid_state",
            status=409,
        )
    if award.status != AwardStatus.ACTIVE:
        raise ApplicationError("该团队已不在实施中，不能拨付。", code="invalid_state", status=409)
    if award.disbursed + locked.amount > award.amount:
        raise ApplicationError(
            f"拨付后累计 {award.disbursed + locked.amount} 元将超过资助金额 {award.amount} 元，不能拨付。",
            code="over_award",
            status=409,
        )
    record_status_change(
        obj=locked, from_status=locked.status, to_status=MilestoneStatus.ACCEPTED, actor=actor,
        reason=reason,
    )  # fmt: skip
    locked.status = MilestoneStatus.ACCEPTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save()
    tranche = Tranche.objects.create(
        award=award, milestone=locked, amount=locked.amount, released_by=actor
    )
    Award.objects.filter(pk=award.pk).update(disbursed=F("disbursed") + locked.amount)
    award.refresh_from_db()
    if not award.milestones.exclude(status=MilestoneStatus.ACCEPTED).exists():
        record_status_change(
            obj=award, from_status=award.status, to_status=AwardStatus.COMPLETED, actor=actor
        )
        award.status = AwardStatus.COMPLETED
        award.save(update_fields=["status", "updated_at"])
    audit.record(
        "milestone.accept",
        actor=actor,
        obj=locked,
        summary=f"里程碑“{locked.name}”验收通过，拨付 {locked.amount} 元",
        changes={"tranche": tranche.pk, "disbursed": str(award.disbursed)},
    )
    notify(
        _team_users(award),
        title=f"里程碑“{locked.name}”验收通过，拨付 {locked.amount} 元",
        body=reason,
        url=reverse("challenges:application", args=[award.application_id]),
        kind="challenge.decision",
    )
    return tranche


@transaction.atomic
def milestone_reject(
    *, actor: User, milestone: Milestone, reason: str, terminate: bool = False
) -> Milestone:
    access.ensure_staff(actor)
    award = Award.objects.select_for_update().get(pk=milestone.award_id)
    locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if locked.status != MilestoneStatus.SUBMITTED:
        raise ApplicationError("只有已提交材料的里程碑可以验收。", code="invalid_state", status=409)
    if not reason.strip():
        raise ApplicationError("验收不通过须写明意见。", code="reason_required")
    record_status_change(
        obj=locked, from_status=locked.status, to_status=MilestoneStatus.REJECTED, actor=actor,
        reason=reason,
    )  # fmt: skip
    locked.status = MilestoneStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_reason = reason
    locked.save()
    audit.record(
        "milestone.reject",
        actor=actor,
        obj=locked,
        summary=f"里程碑“{locked.name}”验收不通过：{reason}",
    )
    if terminate:
        _end_award(award, AwardStatus.TERMINATED, actor=actor, reason=reason)
    notify(
        _team_users(award),
        title=f"里程碑“{locked.name}”验收未通过" + ("，项目终止" if terminate else ""),
        body=reason,
        url=reverse("challenges:application", args=[award.application_id]),
        kind="challenge.decision",
    )
    return locked


def _end_award(award: Award, status: str, *, actor: User, reason: str) -> None:
    record_status_change(
        obj=award, from_status=award.status, to_status=status, actor=actor, reason=reason
    )
    award.status = status
    award.status_reason = reason
    award.save(update_fields=["status", "status_reason", "updated_at"])
    award.milestones.filter(
        status__in=[MilestoneStatus.PENDING, MilestoneStatus.SUBMITTED, MilestoneStatus.REJECTED]
    ).update(status=MilestoneStatus.CANCELLED)
    audit.record(f"award.{status}", actor=actor, obj=award, summary=f"{award}：{reason}")
    challenge = Challenge.objects.select_for_update().get(pk=award.challenge_id)
    awards = challenge.awards.all()
    if not awards.filter(status__in=[AwardStatus.ACTIVE, AwardStatus.COMPLETED]).exists():
        move(challenge, ChallengeStatus.TERMINATED, actor=actor, reason="全部团队已终止或淘汰")


@transaction.atomic
def award_eliminate(*, actor: User, award: Award, reason: str) -> Award:
    """赛马: eliminate a team at a milestone assessment; its remaining tranches lapse."""
    access.ensure_staff(actor)
    lock(award.challenge)
    locked = Award.objects.select_for_update().get(pk=award.pk)
    if locked.challenge.mode != ChallengeMode.HORSE_RACE:
        raise ApplicationError("只有赛马榜单可以淘汰团队。", code="invalid_state", status=409)
    if locked.status != AwardStatus.ACTIVE:
        raise ApplicationError("该团队已不在实施中。", code="invalid_state", status=409)
    if not reason.strip():
        raise ApplicationError("淘汰须写明考核结论。", code="reason_required")
    _end_award(locked, AwardStatus.ELIMINATED, actor=actor, reason=reason)
    notify(
        _team_users(locked),
        title=f"赛马阶段考核：{locked.challenge.title}（已淘汰）",
        body=reason,
        url=reverse("challenges:application", args=[locked.application_id]),
        kind="challenge.decision",
    )
    return locked


@transaction.atomic
def challenge_complete(*, actor: User, challenge: Challenge, reason: str = "") -> Challenge:
    """Final acceptance (验收): every remaining team has every milestone accepted."""
    access.ensure_staff(actor)
    locked = lock(challenge)
    if locked.status != ChallengeStatus.IN_PROGRESS:
        raise ApplicationError("只有实施中的榜单可以最终验收。", code="invalid_state", status=409)
    if locked.awards.filter(status=AwardStatus.ACTIVE).exists():
        raise ApplicationError(
            "还有团队的里程碑未全部验收通过，不能最终验收。", code="milestones_open", status=409
        )
    if not locked.awards.filter(status=AwardStatus.COMPLETED).exists():
        raise ApplicationError(
            "没有完成全部里程碑的团队，请终止榜单。", code="nothing_completed", status=409
        )
    return move(locked, ChallengeStatus.COMPLETED, actor=actor, reason=reason or "最终验收通过")
