"""Expert review: conflict-free assignment, blind scoring, aggregation, the decision."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from techmarket.accounts.models import User
from techmarket.accounts.services import record_status_change
from techmarket.challenges import access
from techmarket.challenges.models import (
    Application,
    ApplicationParty,
    Award,
    Challenge,
    Milestone,
    ReviewAssignment,
)
from techmarket.challenges.services.common import lock, move
from techmarket.challenges.workflow import (
    ApplicationStatus,
    AssignmentStatus,
    ChallengeMode,
    ChallengeStatus,
)
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.money import to_yuan
from techmarket.core.notifications import notify
from techmarket.experts.models import ExpertProfile, ExpertStatus
from techmarket.experts.ranking import Topic, rank

TWO = Decimal("0.01")


# ---- conflicts of interest: each a hard rule --------------------------------------


def _demand_enterprise_ids(challenge: Challenge) -> set[int]:
    ids = set(challenge.demands.values_list("owner_id", flat=True))
    if challenge.enterprise_id:
        ids.add(challenge.enterprise_id)
    return ids


class ConflictIndex:
    """What the conflict rules need for one challenge, read in a few queries, so that
    assigning reviewers costs O(experts × applications) set look-ups, not queries."""

    def __init__(self, challenge: Challenge) -> None:
        self.enterprises = _demand_enterprise_ids(challenge)
        self.parties: dict[int, set[int]] = {}
        for app_id, org_id in ApplicationParty.objects.filter(challenge=challenge).values_list(
            "application_id", "organisation_id"
        ):
            self.parties.setdefault(app_id, set()).add(org_id)
        since = timezone.now() - timedelta(days=365 * settings.CHALLENGES_CONFLICT_LOOKBACK_YEARS)
        self.orgs_of_app: dict[int, set[int]] = {}
        self.apps_of_org: dict[int, set[int]] = {}
        for app_id, org_id in ApplicationParty.objects.filter(created_at__gte=since).values_list(
            "application_id", "organisation_id"
        ):
            self.orgs_of_app.setdefault(app_id, set()).add(org_id)
            self.apps_of_org.setdefault(org_id, set()).add(app_id)

    def reasons(self, expert: ExpertProfile, application: Application) -> list[str]:
        reasons: list[str] = []
        parties = self.parties.get(application.pk, set())
        enterprises = self.enterprises
        org = expert.organisation_id
        if org and org in parties:
            reasons.append("专家与申报单位（含联合体成员）同属一个机构")
        if org and org in enterprises:
            reasons.append("专家与出题企业同属一个机构")
        declared = list(expert.conflicts.all())
        declared_orgs = {c.organisation_id for c in declared if c.organisation_id}
        if declared_orgs & (parties | enterprises):
            reasons.append("专家申报了与该单位的利益冲突")
        declared_people = {c.person_name.strip() for c in declared if c.person_name.strip()}
        team_names = {str(m.get("name", "")).strip() for m in application.team or []}
        if declared_people & team_names:
            reasons.append("专家申报了与团队成员的利益冲突")
        if org and parties:
            together = any(
                self.orgs_of_app.get(app_id, set()) & parties
                for app_id in self.apps_of_org.get(org, set())
                if app_id != application.pk
            )
            if together:
                years = settings.CHALLENGES_CONFLICT_LOOKBACK_YEARS
                reasons.append(f"专家所在机构近 {years} 年与申报单位共同申报过")
        return reasons


def conflicts_of(expert: ExpertProfile, application: Application) -> list[str]:
    """Every reason this expert may not review this application (empty = may review)."""
    return ConflictIndex(application.challenge).reasons(expert, application)


# ---- assignment ----------------------------------------------------------------------


@dataclass
class AssignmentReport:
    assigned: int = 0
    shortfalls: dict[int, int] = field(default_factory=dict)  # application id → missing


def _candidates() -> list[ExpertProfile]:
    return list(
        ExpertProfile.objects.filter(status=ExpertStatus.VERIFIED, available=True)
        .select_related("organisation")
        .prefetch_related("conflicts")
        .annotate(
            open_load=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ASSIGNED))
        )
    )


def _topic(challenge: Challenge) -> Topic:
    return Topic(
        field=challenge.field,
        subfields=tuple(challenge.subfields or []),
        keywords=tuple(challenge.keywords or []),
        text=f"{challenge.title} {challenge.task}",
    )


@transaction.atomic
def reviewers_assign(*, actor: User, challenge: Challenge) -> AssignmentReport:
    """Give each application its reviewers: best expertise first, lighter load first,
    never a conflicted expert. Running it again only fills the gaps."""
    access.ensure_staff(actor)
    locked = lock(challenge)
    if locked.status != ChallengeStatus.UNDER_REVIEW:
        raise ApplicationError(
            "只有“评审中”的榜单可以分配评审专家。", code="invalid_state", status=409
        )
    report = AssignmentReport()
    experts = _candidates()
    load = {e.pk: e.open_load for e in experts}  # type: ignore[attr-defined]
    scored = rank(experts, _topic(locked))
    index = ConflictIndex(locked)
    applications = locked.applications.filter(status=ApplicationStatus.SUBMITTED).order_by("id")
    for application in applications:
        live = set(
            application.assignments.exclude(status=AssignmentStatus.REPLACED).values_list(
                "expert_id", flat=True
            )
        )
        need = locked.reviewers_per_application - len(live)
        ordered = sorted(scored, key=lambda es: (-es[1], load[es[0].pk], es[0].pk))
        for expert, score in ordered:
            if need <= 0:
                break
            if expert.pk in live or index.reasons(expert, application):
                continue
            ReviewAssignment.objects.create(
                application=application, expert=expert, assigned_by=actor, match_score=score
            )
            live.add(expert.pk)
            load[expert.pk] += 1
            need -= 1
            report.assigned += 1
            _notify_expert(expert, application)
        if need > 0:
            report.shortfalls[application.pk] = need
    audit.record(
        "challenge.reviewers_assigned",
        actor=actor,
        obj=locked,
        summary=f"自动分配评审专家 {report.assigned} 人次",
        changes={"shortfalls": report.shortfalls},
    )
    return report


def _notify_expert(expert: ExpertProfile, application: Application) -> None:
    if expert.user_id:
        notify(
            [expert.user],
            title=f"新的评审任务：{application.challenge.title}",
            url=reverse("challenges:my_reviews"),
            kind="challenge.assignment",
        )


@transaction.atomic
def assignment_replace(
    *, actor: User, assignment: ReviewAssignment, expert: ExpertProfile, reason: str
) -> ReviewAssignment:
    """Staff override: replace a reviewer, never by a conflicted one; audited."""
    access.ensure_staff(actor)
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    application = locked.application
    if locked.status != AssignmentStatus.ASSIGNED:
        raise ApplicationError("只能更换尚未提交评审的专家。", code="invalid_state", status=409)
    if not reason.strip():
        raise ApplicationError("更换评审专家须填写原因。", code="reason_required")
    if expert.status != ExpertStatus.VERIFIED:
        raise ApplicationError("只能指派已审核入库的专家。", code="expert_not_verified")
    conflicts = conflicts_of(expert, application)
    if conflicts:
        raise ApplicationError(
            f"不能指派专家“{expert.name}”：{'；'.join(conflicts)}。", code="conflict_of_interest"
        )
    if (
        application.assignments.filter(expert=expert)
        .exclude(status=AssignmentStatus.REPLACED)
        .exists()
    ):
        raise ApplicationError("该专家已在评审这份申报。", code="duplicate")
    locked.status = AssignmentStatus.REPLACED
    locked.save(update_fields=["status", "updated_at"])
    new = ReviewAssignment.objects.create(
        application=application, expert=expert, assigned_by=actor, automatic=False
    )
    audit.record(
        "challenge.reviewer_replaced",
        actor=actor,
        obj=application,
        summary=f"更换评审专家：{locked.expert.name} → {expert.name}（{reason}）",
        changes={"from": locked.expert_id, "to": expert.pk, "reason": reason},
    )
    _notify_expert(expert, application)
    return new


@transaction.atomic
def review_submit(
    *, actor: User, assignment: ReviewAssignment, scores: dict[Any, Any], comment: str
) -> ReviewAssignment:
    locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.expert.user_id != actor.pk:
        raise ApplicationError("只能提交分配给您本人的评审。", code="permission_denied", status=403)
    challenge = locked.application.challenge
    if challenge.status != ChallengeStatus.UNDER_REVIEW:
        raise ApplicationError("榜单不在评审期，不能提交评审。", code="invalid_state", status=409)
    if locked.status != AssignmentStatus.ASSIGNED:
        raise ApplicationError("该评审已提交，不能重复提交。", code="invalid_state", status=409)
    if conflicts_of(locked.expert, locked.application):
        raise ApplicationError("存在利益冲突，不能评审该申报。", code="conflict_of_interest")
    criteria = list(challenge.rubric.all())
    clean: dict[str, str] = {}
    total = Decimal(0)
    weights = sum((c.weight for c in criteria), Decimal(0)) or Decimal(100)
    for criterion in criteria:
        raw = scores.get(criterion.pk, scores.get(str(criterion.pk)))
        try:
            value = Decimal(str(raw))
        except Exception:
            value = Decimal(-1)
        if not Decimal(0) <= value <= Decimal(100):
            raise ApplicationError(
                f"“{criterion.name}”的得分须为 0–100 的数字。",
                code="validation_error",
                fields={str(criterion.pk): "0–100"},
            )
        clean[str(criterion.pk)] = str(value)
        total += value * criterion.weight
    if not comment.strip():
        raise ApplicationError("请填写评审意见。", code="validation_error",
                               fields={"comment": "必填"})  # fmt: skip
    locked.scores = clean
    locked.total = (total / weights).quantize(TWO, rounding=ROUND_HALF_UP)
    locked.comment = comment.strip()
    locked.status = AssignmentStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked.save()
    audit.record(
        "challenge.review_submitted",
        actor=actor,
        obj=locked.application,
        summary=f"专家提交评审，得分 {locked.total}",
    )
    return locked


# ---- aggregation and decision --------------------------------------------------------


def aggregate(totals: list[Decimal]) -> Decimal | None:
    """Mean score; with ≥ CHALLENGES_TRIM_MIN_REVIEWS reviews the highest and the lowest
    are dropped first."""
    if not totals:
        return None
    values = sorted(totals)
    if len(values) >= settings.CHALLENGES_TRIM_MIN_REVIEWS:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass
class RankedApplication:
    application: Application
    score: Decimal | None
    reviews: int
    expected: int


def ranking(challenge: Challenge) -> list[RankedApplication]:
    rows = []
    applications = challenge.applications.exclude(status=ApplicationStatus.WITHDRAWN)
    for application in applications.select_related("lead"):
        totals = [
            a.total
            for a in application.assignments.filter(status=AssignmentStatus.SUBMITTED)
            if a.total is not None
        ]
        rows.append(
            RankedApplication(
                application, aggregate(totals), len(totals), challenge.reviewers_per_application
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.pk))
    return rows


@transaction.atomic
def challenge_award(
    *,
    actor: User,
    challenge: Challenge,
    winners: list[tuple[Application, Decimal | int | str]],
    reason: str,
) -> list[Award]:
    """The decision: record the winner(s), their award, the reasons; create milestones."""
    access.ensure_staff(actor)
    locked = lock(challenge)
    if locked.status != ChallengeStatus.UNDER_REVIEW:
        raise ApplicationError(
            "只有“评审中”的榜单可以作出立项决定。", code="invalid_state", status=409
        )
    if not reason.strip():
        raise ApplicationError("立项决定须写明理由。", code="reason_required")
    if locked.mode == ChallengeMode.JIEBANG and len(winners) != 1:
        raise ApplicationError("揭榜挂帅只能确定一个揭榜单位。", code="validation_error")
    if locked.mode == ChallengeMode.HORSE_RACE and not 1 <= len(winners) <= locked.max_teams:
        raise ApplicationError(
            f"本赛马榜单最多支持 {locked.max_teams} 个团队。", code="validation_error"
        )
    amounts = [to_yuan(a) for _, a in winners]
    if any(a <= 0 for a in amounts) or sum(amounts) > locked.government_amount:
        raise ApplicationError(
            f"资助金额须大于 0，合计不超过榜单政府资助 {locked.government_amount} 元。",
            code="over_budget",
        )
    winner_ids = {app.pk for app, _ in winners}
    valid = set(
        locked.applications.filter(status=ApplicationStatus.SUBMITTED).values_list("pk", flat=True)
    )
    if not winner_ids <= valid or len(winner_ids) != len(winners):
        raise ApplicationError("只能从本榜单的有效申报中确定立项单位。", code="validation_error")
    rank_of = {r.application.pk: r.score for r in ranking(locked)}
    awards = []
    templates = list(locked.milestones.all())
    for (application, _), amount in zip(winners, amounts, strict=True):
        award = Award.objects.create(challenge=locked, application=application, amount=amount)
        allotted = Decimal(0)
        for i, template in enumerate(templates):
            share_amount = (
                amount - allotted
                if i == len(templates) - 1
                else to_yuan(amount * template.share / 100)
            )
            allotted += share_amount
            Milestone.objects.create(
                award=award,
                position=i,
                name=template.name,
                due_date=template.due_date,
                share=template.share,
                amount=share_amount,
                acceptance_criteria=template.acceptance_criteria,
            )
        awards.append(award)
    for application in locked.applications.filter(status=ApplicationStatus.SUBMITTED):
        selected = application.pk in winner_ids
        application.status = (
            ApplicationStatus.SELECTED if selected else ApplicationStatus.NOT_SELECTED
        )
        application.final_score = rank_of.get(application.pk)
        application.decision_reason = reason
        application.save(update_fields=["status", "final_score", "decision_reason", "updated_at"])
        record_status_change(
            obj=application,
            from_status=ApplicationStatus.SUBMITTED,
            to_status=application.status,
            actor=actor,
            reason=reason,
        )
        users = User.objects.filter(memberships__organisation=application.lead).distinct()
        notify(
            users,
            title=f"揭榜结果：{locked.title}（{'入选' if selected else '未入选'}）",
            body=reason,
            url=reverse("challenges:application", args=[application.pk]),
            kind="challenge.decision",
        )
    locked.decision_reason = reason
    locked.awarded_at = timezone.now()
    locked.save(update_fields=["decision_reason", "awarded_at"])
    move(locked, ChallengeStatus.AWARDED, actor=actor, reason=reason)
    audit.record(
        "challenge.award",
        actor=actor,
        obj=locked,
        summary=f"立项：{'、'.join(a.application.lead.name for a in awards)}",
        changes={"winners": {str(a.application_id): str(a.amount) for a in awards}},
    )
    return awards
