"""Creating a challenge and moving it through its workflow."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from techmarket.accounts.models import User
from techmarket.challenges import access
from techmarket.challenges.models import (
    Challenge,
    ChallengeIndicator,
    MilestoneTemplate,
    RubricCriterion,
)
from techmarket.challenges.services.common import lock, move
from techmarket.challenges.workflow import ApplicationStatus, ChallengeMode, ChallengeStatus
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.money import to_yuan
from techmarket.core.notifications import notify
from techmarket.listings.models import Demand
from techmarket.listings.workflow import ListingStatus

HUNDRED = Decimal(100)


def _team_bounds(mode: str, max_teams: int) -> None:
    if mode == ChallengeMode.JIEBANG and max_teams != 1:
        raise ApplicationError(
            "揭榜挂帅只立项一个团队；多个团队并行请选择“赛马”。", code="validation_error",
            fields={"max_teams": "揭榜挂帅为 1"},
        )  # fmt: skip
    low = settings.CHALLENGES_HORSE_RACE_MIN_TEAMS
    high = settings.CHALLENGES_HORSE_RACE_MAX_TEAMS
    if mode == ChallengeMode.HORSE_RACE and not low <= max_teams <= high:
        raise ApplicationError(
            f"赛马须并行支持 {low}–{high} 个团队。", code="validation_error",
            fields={"max_teams": f"{low}–{high}"},
        )  # fmt: skip


def _check_reviewers(count: int) -> None:
    if not 1 <= count <= 50:
        raise ApplicationError(
            "每项申报的评审专家数须为 1–50 人。", code="validation_error",
            fields={"reviewers_per_application": "1–50"},
        )  # fmt: skip


@transaction.atomic
def challenge_create(
    *,
    actor: User,
    title: str,
    task: str,
    application_deadline: datetime,
    completion_deadline: date,
    government_amount: Decimal | int | str,
    mode: str = ChallengeMode.JIEBANG,
    max_teams: int = 1,
    cofund_ratio: Decimal | str | None = None,
    eligibility: str = "",
    field: str = "",
    subfields: list[str] | None = None,
    keywords: list[str] | None = None,
    demands: list[Demand] | None = None,
    indicators: list[dict[str, Any]] | None = None,
    milestones: list[dict[str, Any]] | None = None,
    rubric: list[dict[str, Any]] | None = None,
    blind_review: bool = True,
    reviewers_per_application: int | None = None,
    review_deadline: date | None = None,
) -> Challenge:
    """A draft 榜单, from scratch or from one or more published demands."""
    access.ensure_staff(actor)
    _team_bounds(mode, max_teams)
    reviewers_per_application = reviewers_per_application or settings.CHALLENGES_DEFAULT_REVIEWERS
    _check_reviewers(reviewers_per_application)
    demands = list(demands or [])
    unpublished = [d.title for d in demands if d.status != ListingStatus.PUBLISHED]
    if unpublished:
        raise ApplicationError(
            f"只能从已发布的需求发榜，以下需求尚未发布：{'、'.join(unpublished)}。",
            code="demand_not_published",
        )
    enterprises = {d.owner_id: d.owner for d in demands}
    if demands and not task.strip():
        task = "\n\n".join(d.description for d in demands)
    if demands and not field:
        field = next((d.field for d in demands if d.field), "")
    amount = to_yuan(government_amount)
    ratio = Decimal(str(cofund_ratio or settings.CHALLENGES_DEFAULT_COFUND_RATIO))
    if ratio < 0:
        raise ApplicationError("企业配套比例不能为负数。", code="validation_error")
    if amount < 0:
        raise ApplicationError("资助金额不能为负数。", code="validation_error")
    challenge = Challenge.objects.create(
        title=title.strip(),
        task=task.strip(),
        eligibility=eligibility,
        field=field,
        subfields=subfields or [],
        keywords=keywords or [],
        mode=mode,
        max_teams=max_teams,
        enterprise=next(iter(enterprises.values())) if len(enterprises) == 1 else None,
        application_deadline=application_deadline,
        completion_deadline=completion_deadline,
        review_deadline=review_deadline,
        government_amount=amount,
        cofund_ratio=ratio,
        blind_review=blind_review,
        reviewers_per_application=reviewers_per_application,
        created_by=actor,
    )
    challenge.demands.set(demands)
    for i, row in enumerate(indicators or []):
        ChallengeIndicator.objects.create(challenge=challenge, position=i, **row)
    if milestones is None:
        milestones = [
            {
                "name": f"第{i + 1}阶段",
                "due_date": completion_deadline,
                "share": Decimal(s),
                "acceptance_criteria": "",
            }
            for i, s in enumerate(settings.CHALLENGES_DEFAULT_TRANCHES)
        ]
    for i, row in enumerate(milestones):
        MilestoneTemplate.objects.create(challenge=challenge, position=i, **row)
    for i, row in enumerate(rubric or DEFAULT_RUBRIC):
        RubricCriterion.objects.create(challenge=challenge, position=i, **row)
    audit.record(
        "challenge.create", actor=actor, obj=challenge, summary=f"创建榜单“{challenge.title}”"
    )
    return challenge


EDITABLE_FIELDS = (
    "title",
    "task",
    "eligibility",
    "field",
    "subfields",
    "keywords",
    "application_deadline",
    "completion_deadline",
    "review_deadline",
    "government_amount",
    "cofund_ratio",
    "blind_review",
    "reviewers_per_application",
)


@transaction.atomic
def challenge_update(*, actor: User, challenge: Challenge, data: dict[str, Any]) -> Challenge:
    """Edit a draft: scalar fields, and replace indicators, milestones or rubric when given."""
    access.ensure_staff(actor)
    locked = lock(challenge)
    if locked.status != ChallengeStatus.DRAFT:
        raise ApplicationError(
            f"榜单状态为“{locked.get_status_display()}”，只有草稿可以修改；已发布的榜单请撤榜后重新发布。",
            code="invalid_state",
            status=409,
        )
    changed: dict[str, Any] = {}
    for name in EDITABLE_FIELDS:
        if data.get(name) is not None:
            value = data[name]
            if name == "government_amount":
                value = to_yuan(value)
                if value < 0:
                    raise ApplicationError("资助金额不能为负数。", code="validation_error")
            setattr(locked, name, value)
            changed[name] = str(value)
    if data.get("mode") is not None or data.get("max_teams") is not None:
        locked.mode = data.get("mode") or locked.mode
        locked.max_teams = data.get("max_teams") or locked.max_teams
        _team_bounds(locked.mode, locked.max_teams)
        changed["mode"] = [locked.mode, locked.max_teams]
    _check_reviewers(locked.reviewers_per_application)
    if locked.cofund_ratio < 0:
        raise ApplicationError("企业配套比例不能为负数。", code="validation_error")
    locked.save()
    children = (
        ("indicators", ChallengeIndicator),
        ("milestones", MilestoneTemplate),
        ("rubric", RubricCriterion),
    )
    for name, model in children:
        rows = data.get(name)
        if rows is not None:
            model.objects.filter(challenge=locked).delete()
            for i, row in enumerate(rows):
                model.objects.create(challenge=locked, position=i, **row)
            changed[name] = len(rows)
    audit.record(
        "challenge.update", actor=actor, obj=locked, summary="修改榜单草稿", changes=changed
    )
    return locked


DEFAULT_RUBRIC = [
    {"name": "研发基础", "weight": Decimal(30)},
    {"name": "创新能力与技术方案", "weight": Decimal(40)},
    {"name": "资金保障能力", "weight": Decimal(30)},
]


def _check_publishable(challenge: Challenge) -> None:
    problems = []
    if challenge.application_deadline <= timezone.now():
        problems.append("申报截止时间须晚于现在")
    if not challenge.indicators.exists():
        problems.append("至少填写一项技术指标（目标值与考核方式）")
    shares = sum((m.share for m in challenge.milestones.all()), Decimal(0))
    if shares != HUNDRED:
        problems.append(f"里程碑资金占比合计须为 100%（当前 {shares.normalize():f}%）")
    weights = sum((c.weight for c in challenge.rubric.all()), Decimal(0))
    if weights != HUNDRED:
        problems.append(f"评审要素权重合计须为 100%（当前 {weights.normalize():f}%）")
    if challenge.government_amount <= 0:
        problems.append("须填写政府资助金额")
    if problems:
        raise ApplicationError("榜单还不能发布：" + "；".join(problems) + "。", code="not_ready")


@transaction.atomic
def challenge_transition(
    *, actor: User, challenge: Challenge, to_status: str, reason: str = ""
) -> Challenge:
    """The one place a challenge changes status (award and completion have own services
    that end here too)."""
    access.ensure_staff(actor)
    locked = lock(challenge)
    now = timezone.now()
    if to_status == ChallengeStatus.PUBLISHED and locked.status == ChallengeStatus.DRAFT:
        _check_publishable(locked)
        locked.published_at = now
        locked.save(update_fields=["published_at"])
    if (
        to_status == ChallengeStatus.APPLICATIONS_CLOSED
        and locked.status == ChallengeStatus.PUBLISHED
    ) and now < locked.application_deadline:
        deadline = timezone.localtime(locked.application_deadline)
        raise ApplicationError(
            f"申报截止时间（{deadline:%Y-%m-%d %H:%M}）未到，不能提前截止申报。",
            code="deadline_not_reached",
            status=409,
        )
    if (
        to_status == ChallengeStatus.UNDER_REVIEW
        and locked.status == ChallengeStatus.APPLICATIONS_CLOSED
    ) and not locked.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
        raise ApplicationError(
            "没有有效申报，不能进入评审；可以撤榜。", code="no_applications", status=409
        )
    if to_status in (ChallengeStatus.AWARDED, ChallengeStatus.COMPLETED) and locked.status in (
        ChallengeStatus.UNDER_REVIEW,
        ChallengeStatus.IN_PROGRESS,
    ):
        raise ApplicationError(
            "立项须通过“评审决定”，验收须在全部里程碑通过后“最终验收”。",
            code="use_dedicated_action",
            status=409,
        )
    if to_status in (ChallengeStatus.WITHDRAWN, ChallengeStatus.TERMINATED) and not reason.strip():
        raise ApplicationError("撤榜或终止须填写原因。", code="reason_required")
    move(locked, to_status, actor=actor, reason=reason)
    if to_status in (ChallengeStatus.WITHDRAWN, ChallengeStatus.TERMINATED):
        users = _applicant_users(locked)
        notify(
            users,
            title=f"榜单“{locked.title}”已{dict(ChallengeStatus.choices)[to_status]}",
            body=reason,
            url=reverse("challenges:detail", args=[locked.pk]),
            kind="challenge.decision",
        )
    return locked


def _applicant_users(challenge: Challenge) -> list[User]:
    lead_ids = challenge.applications.exclude(status=ApplicationStatus.WITHDRAWN).values_list(
        "lead_id", flat=True
    )
    return list(User.objects.filter(memberships__organisation_id__in=lead_ids).distinct())


def close_expired_challenges(*, actor: User | None = None) -> int:
    """Close every published challenge whose application deadline has passed."""
    closed = 0
    for challenge in Challenge.objects.filter(
        status=ChallengeStatus.PUBLISHED, application_deadline__lte=timezone.now()
    ):
        with transaction.atomic():
            locked = lock(challenge)
            if locked.status == ChallengeStatus.PUBLISHED:
                move(locked, ChallengeStatus.APPLICATIONS_CLOSED, actor=actor, reason="申报截止")
                closed += 1
    return closed


def send_deadline_reminders() -> int:
    """Remind applicants (and staff) of an application deadline N days ahead; each
    reminder day is sent once per challenge."""
    sent = 0
    now = timezone.now()
    for challenge in Challenge.objects.filter(status=ChallengeStatus.PUBLISHED):
        left = challenge.application_deadline - now
        for days in sorted(settings.CHALLENGES_REMINDER_DAYS):
            if timedelta(0) < left <= timedelta(days=days) and days not in challenge.reminded_days:
                with transaction.atomic():
                    locked = lock(challenge)
                    if days in locked.reminded_days:
                        break
                    users = [*_applicant_users(locked), locked.created_by]
                    deadline = timezone.localtime(locked.application_deadline)
                    notify(
                        users,
                        title=f"榜单“{locked.title}”将于 {deadline:%m月%d日 %H:%M} 截止申报",
                        body="截止后申报不能再修改或撤回。",
                        url=reverse("challenges:detail", args=[locked.pk]),
                        kind="challenge.deadline",
                    )
                    locked.reminded_days = [*locked.reminded_days, days]
                    locked.save(update_fields=["reminded_days"])
                sent += 1
                break
    return sent


def send_milestone_reminders() -> int:
    """Remind a funded team once when a milestone falls due within the longest reminder
    window and its evidence has not been submitted."""
    from techmarket.challenges.models import Milestone
    from techmarket.challenges.workflow import AwardStatus, MilestoneStatus

    horizon = timezone.localdate() + timedelta(days=max(settings.CHALLENGES_REMINDER_DAYS or [0]))
    due = Milestone.objects.filter(
        status__in=[MilestoneStatus.PENDING, MilestoneStatus.REJECTED],
        award__status=AwardStatus.ACTIVE,
        award__challenge__status=ChallengeStatus.IN_PROGRESS,
        due_date__lte=horizon,
        reminded_at__isnull=True,
    ).select_related("award__application", "award__challenge")
    sent = 0
    for milestone in due:
        with transaction.atomic():
            locked = Milestone.objects.select_for_update().get(pk=milestone.pk)
            if locked.reminded_at is not None:
                continue
            award = milestone.award
            users = list(
                User.objects.filter(
                    memberships__organisation_id=award.application.lead_id
                ).distinct()
            )
            notify(
                users,
                title=f"里程碑“{locked.name}”将于 {locked.due_date:%Y-%m-%d} 到期",
                body=f"榜单“{award.challenge.title}”：请按时提交完成材料。",
                url=reverse("challenges:application", args=[award.application_id]),
                kind="challenge.deadline",
            )
            locked.reminded_at = timezone.now()
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def send_review_reminders() -> int:
    """Remind each expert once of an unfinished review when the challenge's review
    deadline falls within the longest reminder window."""
    from techmarket.challenges.models import ReviewAssignment
    from techmarket.challenges.workflow import AssignmentStatus

    horizon = timezone.localdate() + timedelta(days=max(settings.CHALLENGES_REMINDER_DAYS or [0]))
    due = ReviewAssignment.objects.filter(
        status=AssignmentStatus.ASSIGNED,
        reminded_at__isnull=True,
        expert__user__isnull=False,
        application__challenge__status=ChallengeStatus.UNDER_REVIEW,
        application__challenge__review_deadline__lte=horizon,
    ).select_related("expert__user", "application__challenge")
    sent = 0
    for assignment in due:
        with transaction.atomic():
            updated = ReviewAssignment.objects.filter(
                pk=assignment.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not updated:
                continue
            challenge = assignment.application.challenge
            assert assignment.expert.user is not None  # noqa: S101 - filtered above
            notify(
                [assignment.expert.user],
                title=f"评审将于 {challenge.review_deadline:%Y-%m-%d} 截止：{challenge.title}",
                body="请在截止前提交评分和评审意见。",
                url=reverse("challenges:review", args=[assignment.pk]),
                kind="challenge.deadline",
            )
            sent += 1
    return sent
