from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from techmarket.challenges import services
from techmarket.challenges.models import Application, ApplicationParty, Award, Tranche
from techmarket.challenges.tests import factories as f
from techmarket.challenges.workflow import ChallengeStatus, MilestoneStatus
from techmarket.core.errors import ApplicationError
from techmarket.core.models import AuditEvent, Notification, StatusChange
from techmarket.experts.models import ExpertConflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def uni(db: Any) -> Any:
    return f.org("滨海理工大学", "university")


@pytest.fixture
def uni_admin(uni: Any) -> Any:
    return f.user("uni_admin", uni)


def _under_review(staff: Any, challenge: Any) -> Any:
    f.close_deadline(challenge)
    services.challenge_transition(actor=staff, challenge=challenge, to_status="applications_closed")
    return services.challenge_transition(actor=staff, challenge=challenge, to_status="under_review")


# ---- challenge workflow ----------------------------------------------------------------


def test_a_challenge_is_created_from_a_published_demand_and_published(
    bureau_staff: Any, enterprise: Any
) -> None:
    demand = f.published_demand(enterprise)
    challenge = f.challenge(bureau_staff, demands=[demand], task="")
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert challenge.enterprise == enterprise
    assert "1100℃" in challenge.task
    assert challenge.enterprise_amount == Decimal("1000000.00")
    assert StatusChange.objects.filter(object_id=str(challenge.pk), to_status="published").exists()
    assert AuditEvent.objects.filter(action="challenge.published").exists()


def test_it_refuses_a_demand_that_is_not_published(bureau_staff: Any, enterprise: Any) -> None:
    demand = f.published_demand(enterprise, status="draft")
    with pytest.raises(ApplicationError, match="只能从已发布的需求发榜"):
        f.challenge(bureau_staff, demands=[demand])


def test_it_refuses_to_publish_when_milestone_shares_do_not_add_up(bureau_staff: Any) -> None:
    challenge = f.challenge(
        bureau_staff,
        publish=False,
        milestones=[{"name": "唯一", "due_date": timezone.now().date(), "share": Decimal(50)}],
    )
    with pytest.raises(ApplicationError, match="里程碑资金占比合计须为 100%"):
        services.challenge_transition(
            actor=bureau_staff, challenge=challenge, to_status="published"
        )


def test_a_refused_move_says_in_chinese_what_is_allowed(bureau_staff: Any) -> None:
    challenge = f.challenge(bureau_staff)
    with pytest.raises(ApplicationError) as error:
        services.challenge_transition(
            actor=bureau_staff, challenge=challenge, to_status="in_progress"
        )
    assert "当前状态只能变更为" in error.value.message
    assert "申报截止" in error.value.message


def test_applications_cannot_be_closed_before_the_deadline(bureau_staff: Any) -> None:
    challenge = f.challenge(bureau_staff)
    with pytest.raises(ApplicationError, match="未到"):
        services.challenge_transition(
            actor=bureau_staff, challenge=challenge, to_status="applications_closed"
        )


def test_only_bureau_staff_create_challenges(org_admin: Any) -> None:
    with pytest.raises(ApplicationError, match="只有科技局工作人员"):
        f.challenge(org_admin)


def test_jiebang_has_one_team_and_horse_race_respects_the_configured_bounds(
    bureau_staff: Any, settings: Any
) -> None:
    with pytest.raises(ApplicationError, match="揭榜挂帅只立项一个团队"):
        f.challenge(bureau_staff, max_teams=2)
    settings.CHALLENGES_HORSE_RACE_MAX_TEAMS = 3
    with pytest.raises(ApplicationError, match="2–3"):
        f.challenge(bureau_staff, mode="horse_race", max_teams=4)
    assert f.challenge(bureau_staff, mode="horse_race", max_teams=3).max_teams == 3


def test_withdrawal_needs_a_reason_and_is_impossible_after_the_award(bureau_staff: Any) -> None:
    challenge = f.challenge(bureau_staff)
    with pytest.raises(ApplicationError, match="原因"):
        services.challenge_transition(
            actor=bureau_staff, challenge=challenge, to_status="withdrawn"
        )
    services.challenge_transition(
        actor=bureau_staff, challenge=challenge, to_status="withdrawn", reason="需求已解决"
    )
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.WITHDRAWN


# ---- applications ---------------------------------------------------------------------


def test_one_application_per_applicant_per_challenge_including_consortium_members(
    bureau_staff: Any, uni: Any, uni_admin: Any, enterprise: Any, org_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    f.application(challenge, uni_admin, uni, members=[enterprise])
    with pytest.raises(ApplicationError, match="每个单位每个榜单只能申报一次"):
        f.application(challenge, org_admin, enterprise)
    with pytest.raises(ApplicationError, match="每个单位每个榜单只能申报一次"):
        f.application(challenge, uni_admin, uni)


def test_the_database_itself_refuses_a_second_active_party(
    bureau_staff: Any, uni: Any, uni_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    application = f.application(challenge, uni_admin, uni)
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationParty.objects.create(
            application=application, challenge=challenge, organisation=uni, role="member"
        )


def test_after_a_withdrawal_the_applicant_may_apply_again(
    bureau_staff: Any, uni: Any, uni_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    first = f.application(challenge, uni_admin, uni)
    services.application_withdraw(actor=uni_admin, application=first, reason="方案调整")
    second = f.application(challenge, uni_admin, uni)
    assert second.pk != first.pk


def test_the_server_refuses_late_changes_and_withdrawals(
    bureau_staff: Any, uni: Any, uni_admin: Any, enterprise: Any, org_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    application = f.application(challenge, uni_admin, uni)
    services.application_update(
        actor=uni_admin, application=application, data={"technical_plan": "改进后的方案"}
    )
    f.close_deadline(challenge)
    with pytest.raises(ApplicationError, match="截止申报"):
        services.application_update(
            actor=uni_admin, application=application, data={"technical_plan": "迟到的修改"}
        )
    with pytest.raises(ApplicationError, match="截止申报"):
        services.application_withdraw(actor=uni_admin, application=application)
    with pytest.raises(ApplicationError, match="截止申报"):
        f.application(challenge, org_admin, enterprise)
    application.refresh_from_db()
    assert application.technical_plan == "改进后的方案"


def test_unverified_or_ineligible_organisations_cannot_apply(
    bureau_staff: Any, pending_admin: Any, pending_enterprise: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    with pytest.raises(ApplicationError, match="尚未通过认证"):
        f.application(challenge, pending_admin, pending_enterprise)
    service_org = f.org("某服务机构", "service")
    service_admin = f.user("svc", service_org)
    with pytest.raises(ApplicationError, match="只有企业、高校和科研院所"):
        f.application(challenge, service_admin, service_org)


def test_only_the_lead_may_edit(
    bureau_staff: Any, uni: Any, uni_admin: Any, enterprise: Any, org_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff)
    application = f.application(challenge, uni_admin, uni, members=[enterprise])
    with pytest.raises(ApplicationError, match="只有牵头单位"):
        services.application_update(actor=org_admin, application=application, data={"budget": 1})


# ---- conflicts of interest: one test per hard rule ---------------------------------------


@pytest.fixture
def reviewed(bureau_staff: Any, enterprise: Any, uni: Any, uni_admin: Any) -> dict[str, Any]:
    partner = f.org("滨海材料研究院", "institute")
    demand = f.published_demand(enterprise)
    challenge = f.challenge(bureau_staff, demands=[demand], reviewers_per_application=1)
    application = f.application(
        challenge, uni_admin, uni, members=[partner], team=[{"name": "张三"}]
    )
    _under_review(bureau_staff, challenge)
    return {"challenge": challenge, "application": application, "partner": partner}


def test_conflict_same_organisation_as_the_lead_or_a_consortium_member(
    reviewed: Any, uni: Any
) -> None:
    lead_colleague = f.expert("同校专家", uni)
    member_colleague = f.expert("同院专家", reviewed["partner"])
    assert "专家与申报单位（含联合体成员）同属一个机构" in services.conflicts_of(
        lead_colleague, reviewed["application"]
    )
    assert services.conflicts_of(member_colleague, reviewed["application"])


def test_conflict_same_organisation_as_the_demand_enterprise(
    reviewed: Any, enterprise: Any
) -> None:
    insider = f.expert("企业专家", enterprise)
    assert services.conflicts_of(insider, reviewed["application"]) == ["专家与出题企业同属一个机构"]


def test_conflict_declared_organisation_or_person(reviewed: Any, uni: Any) -> None:
    neutral = f.org("外省大学", "university")
    by_org = f.expert("声明机构专家", neutral)
    ExpertConflict.objects.create(expert=by_org, organisation=uni)
    by_person = f.expert("声明人员专家", neutral)
    ExpertConflict.objects.create(expert=by_person, person_name="张三")
    assert services.conflicts_of(by_org, reviewed["application"]) == [
        "专家申报了与该单位的利益冲突"
    ]
    assert services.conflicts_of(by_person, reviewed["application"]) == [
        "专家申报了与团队成员的利益冲突"
    ]


def test_conflict_co_applicant_in_the_last_three_years(
    bureau_staff: Any, reviewed: Any, uni: Any, uni_admin: Any, settings: Any
) -> None:
    former_partner = f.org("老合作院所", "institute")
    earlier = f.challenge(bureau_staff, title="往期榜单")
    old = f.application(earlier, uni_admin, uni, members=[former_partner])
    expert = f.expert("老搭档专家", former_partner)
    assert services.conflicts_of(expert, reviewed["application"]) == [
        "专家所在机构近 3 年与申报单位共同申报过"
    ]
    # Older than the look-back window: no longer a conflict.
    ApplicationParty.objects.filter(application=old).update(
        created_at=timezone.now() - timedelta(days=365 * 3 + 10)
    )
    assert services.conflicts_of(expert, reviewed["application"]) == []


def test_automatic_assignment_never_picks_a_conflicted_expert_and_prefers_expertise_then_load(
    bureau_staff: Any, reviewed: Any, uni: Any, enterprise: Any
) -> None:
    neutral = f.org("外省大学", "university")
    f.expert("同校专家", uni, keywords=["涂层", "高温合金"])
    f.expert("企业专家", enterprise, keywords=["涂层", "高温合金"])
    f.expert("外行专家", neutral, fields=["01"], keywords=["软件"])
    best = f.expert("对口专家", neutral, keywords=["涂层", "高温合金"])
    report = services.reviewers_assign(actor=bureau_staff, challenge=reviewed["challenge"])
    assert report.assigned == 1
    assigned = reviewed["application"].assignments.get()
    assert assigned.expert == best


def test_assignment_balances_load_between_equally_good_experts(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    neutral = f.org("外省大学", "university")
    busy = f.expert("忙碌专家", neutral)
    idle = f.expert("空闲专家", neutral)
    other = f.challenge(bureau_staff, title="另一榜单", reviewers_per_application=1)
    from techmarket.challenges.models import ReviewAssignment

    # give the busy expert an open assignment elsewhere
    app2 = Application.objects.create(
        challenge=other,
        lead=f.org("另一大学", "university"),
        submitted_by=uni_admin,
        technical_plan="x",
    )
    ReviewAssignment.objects.create(application=app2, expert=busy)
    services.reviewers_assign(actor=bureau_staff, challenge=reviewed["challenge"])
    live = reviewed["application"].assignments.exclude(status="replaced").get()
    assert live.expert == idle


def test_staff_override_is_audited_and_never_conflicted(
    bureau_staff: Any, reviewed: Any, uni: Any
) -> None:
    neutral = f.org("外省大学", "university")
    f.expert("甲专家", neutral)
    services.reviewers_assign(actor=bureau_staff, challenge=reviewed["challenge"])
    assignment = reviewed["application"].assignments.get()
    conflicted = f.expert("同校专家", uni)
    with pytest.raises(ApplicationError, match="不能指派专家“同校专家”"):
        services.assignment_replace(
            actor=bureau_staff, assignment=assignment, expert=conflicted, reason="专家出差"
        )
    other = f.expert("乙专家", neutral)
    new = services.assignment_replace(
        actor=bureau_staff, assignment=assignment, expert=other, reason="专家出差"
    )
    assert new.expert == other
    assert not new.automatic
    assert AuditEvent.objects.filter(action="challenge.reviewer_replaced").count() == 1


# ---- review, aggregation, decision -----------------------------------------------------


def test_aggregation_drops_highest_and_lowest_from_five_reviews(settings: Any) -> None:
    from techmarket.challenges.services.review import aggregate

    assert aggregate([Decimal(v) for v in (90, 80, 70, 60, 10)]) == Decimal("70.00")
    assert aggregate([Decimal(v) for v in (90, 10)]) == Decimal("50.00")
    settings.CHALLENGES_TRIM_MIN_REVIEWS = 3
    assert aggregate([Decimal(v) for v in (90, 80, 10)]) == Decimal("80.00")


def _expert_with_account(name: str, organisation: Any) -> Any:
    account = f.user(f"exp_{name}", organisation, "expert")
    return f.expert(name, organisation, user_obj=account), account


def test_full_jiebang_round_with_money_invariant(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    challenge, application = reviewed["challenge"], reviewed["application"]
    neutral = f.org("外省大学", "university")
    _expert, account = _expert_with_account("评审甲", neutral)
    services.reviewers_assign(actor=bureau_staff, challenge=challenge)
    assignment = application.assignments.get()
    assert Notification.objects.filter(user=account, kind="challenge.assignment").exists()
    criteria = list(challenge.rubric.all())
    with pytest.raises(ApplicationError, match="0–100"):
        services.review_submit(
            actor=account, assignment=assignment, scores={c.pk: 120 for c in criteria}, comment="x"
        )
    services.review_submit(
        actor=account,
        assignment=assignment,
        scores={c.pk: 80 for c in criteria},
        comment="方案可行",
    )
    with pytest.raises(ApplicationError, match="揭榜挂帅只能确定一个"):
        services.challenge_award(actor=bureau_staff, challenge=challenge, winners=[], reason="x")
    with pytest.raises(ApplicationError, match="合计不超过"):
        services.challenge_award(
            actor=bureau_staff, challenge=challenge, winners=[(application, "2000000")], reason="x"
        )
    (award,) = services.challenge_award(
        actor=bureau_staff,
        challenge=challenge,
        winners=[(application, "900000")],
        reason="综合得分第一",
    )
    application.refresh_from_db()
    assert application.status == "selected"
    assert application.final_score == Decimal("80.00")
    assert [m.amount for m in award.milestones.all()] == [
        Decimal("270000.00"),
        Decimal("360000.00"),
        Decimal("270000.00"),
    ]
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    first, second, last = award.milestones.all()
    with pytest.raises(ApplicationError, match="只有已提交材料"):
        services.milestone_accept(actor=bureau_staff, milestone=first)
    services.milestone_submit(actor=uni_admin, milestone=first, evidence="小试样品检测报告")
    tranche = services.milestone_accept(actor=bureau_staff, milestone=first)
    again = services.milestone_accept(actor=bureau_staff, milestone=first)
    assert again.pk == tranche.pk
    assert Tranche.objects.count() == 1
    award.refresh_from_db()
    assert award.disbursed == Decimal("270000.00")
    services.milestone_submit(actor=uni_admin, milestone=second, evidence="中试")
    services.milestone_reject(actor=bureau_staff, milestone=second, reason="数据不全")
    services.milestone_submit(actor=uni_admin, milestone=second, evidence="补充数据")
    services.milestone_accept(actor=bureau_staff, milestone=second)
    with pytest.raises(ApplicationError, match="里程碑未全部验收通过"):
        services.challenge_complete(actor=bureau_staff, challenge=challenge)
    services.milestone_submit(actor=uni_admin, milestone=last, evidence="第三方检测 1200 小时")
    services.milestone_accept(actor=bureau_staff, milestone=last)
    award.refresh_from_db()
    assert award.disbursed == award.amount
    assert award.status == "completed"
    services.challenge_complete(actor=bureau_staff, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.COMPLETED


def test_the_database_refuses_disbursing_more_than_the_award(
    bureau_staff: Any, reviewed: Any
) -> None:
    award = Award.objects.create(
        challenge=reviewed["challenge"], application=reviewed["application"], amount=100
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(disbursed=Decimal("100.01"))


def test_a_tranche_beyond_the_award_is_refused_even_with_inconsistent_milestones(
    bureau_staff: Any, reviewed: Any
) -> None:
    from techmarket.challenges.models import Milestone

    award = Award.objects.create(
        challenge=reviewed["challenge"], application=reviewed["application"], amount=100
    )
    m1 = Milestone.objects.create(award=award, name="a", due_date=timezone.now().date(), share=60,
                                  amount=60, status=MilestoneStatus.SUBMITTED)  # fmt: skip
    m2 = Milestone.objects.create(award=award, name="b", due_date=timezone.now().date(), share=60,
                                  amount=60, status=MilestoneStatus.SUBMITTED)  # fmt: skip
    services.milestone_accept(actor=bureau_staff, milestone=m1)
    with pytest.raises(ApplicationError, match="将超过资助金额"):
        services.milestone_accept(actor=bureau_staff, milestone=m2)
    award.refresh_from_db()
    assert award.disbursed == Decimal(60)


def test_horse_race_eliminates_a_team_at_a_milestone(
    bureau_staff: Any, uni: Any, uni_admin: Any, enterprise: Any, org_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff, mode="horse_race", max_teams=2)
    a = f.application(challenge, uni_admin, uni)
    b = f.application(challenge, org_admin, enterprise)
    _under_review(bureau_staff, challenge)
    award_a, award_b = services.challenge_award(
        actor=bureau_staff,
        challenge=challenge,
        winners=[(a, 500000), (b, 500000)],
        reason="并行支持",
    )
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    services.award_eliminate(actor=bureau_staff, award=award_b, reason="中期考核排名末位")
    award_b.refresh_from_db()
    assert award_b.status == "eliminated"
    assert set(award_b.milestones.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(ApplicationError, match="项目不在实施中"):
        services.milestone_submit(
            actor=org_admin, milestone=award_b.milestones.first(), evidence="x"
        )
    for milestone in award_a.milestones.all():
        services.milestone_submit(actor=uni_admin, milestone=milestone, evidence="完成")
        services.milestone_accept(actor=bureau_staff, milestone=milestone)
    services.challenge_complete(actor=bureau_staff, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.COMPLETED


def test_rejection_can_terminate_the_award_and_the_challenge(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    challenge, application = reviewed["challenge"], reviewed["application"]
    (award,) = services.challenge_award(
        actor=bureau_staff, challenge=challenge, winners=[(application, 100000)], reason="唯一申报"
    )
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    first = award.milestones.first()
    services.milestone_submit(actor=uni_admin, milestone=first, evidence="x")
    services.milestone_reject(actor=bureau_staff, milestone=first, reason="造假", terminate=True)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.TERMINATED


def test_deadline_reminders_are_sent_once_per_reminder_day(
    bureau_staff: Any, uni: Any, uni_admin: Any
) -> None:
    challenge = f.challenge(bureau_staff, application_deadline=timezone.now() + timedelta(days=5))
    f.application(challenge, uni_admin, uni)
    assert services.send_deadline_reminders() == 1
    assert services.send_deadline_reminders() == 0
    assert Notification.objects.filter(user=uni_admin, kind="challenge.deadline").count() == 1


def test_expired_challenges_are_closed(bureau_staff: Any) -> None:
    challenge = f.challenge(bureau_staff)
    f.close_deadline(challenge)
    assert services.close_expired_challenges() == 1
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.APPLICATIONS_CLOSED


def test_the_reminder_command_closes_and_reminds(
    bureau_staff: Any, uni: Any, uni_admin: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    soon = f.challenge(bureau_staff, application_deadline=timezone.now() + timedelta(hours=20))
    f.application(soon, uni_admin, uni)
    expired = f.challenge(bureau_staff, title="已过期榜单")
    f.close_deadline(expired)
    out = StringIO()
    call_command("challenge_reminders", stdout=out)
    assert (
        out.getvalue().strip()
        == "截止申报 1 个榜单；发送截止提醒 1 次；里程碑到期提醒 0 次；评审提醒 0 次。"
    )
    note = Notification.objects.get(user=uni_admin, kind="challenge.deadline")
    assert note.title.startswith("榜单“高温涂层揭榜挂帅”将于")
    out = StringIO()
    call_command("challenge_reminders", "--enqueue", stdout=out)
    assert "已加入后台任务" in out.getvalue()


def test_every_state_change_of_applications_milestones_and_awards_leaves_a_status_row(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    challenge, application = reviewed["challenge"], reviewed["application"]
    (award,) = services.challenge_award(
        actor=bureau_staff, challenge=challenge, winners=[(application, 100000)], reason="唯一申报"
    )
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    first = award.milestones.first()
    services.milestone_submit(actor=uni_admin, milestone=first, evidence="x")
    services.milestone_accept(actor=bureau_staff, milestone=first, reason="达标")
    moves = list(
        StatusChange.objects.filter(object_id__in=[str(application.pk), str(first.pk)])
        .exclude(content_type__model="challenge")
        .values_list("content_type__model", "from_status", "to_status")
    )
    assert ("application", "", "submitted") in moves
    assert ("application", "submitted", "selected") in moves
    assert ("milestone", "pending", "submitted") in moves
    assert ("milestone", "submitted", "accepted") in moves


def test_only_verified_and_available_experts_are_assigned_and_shortfalls_are_reported(
    bureau_staff: Any, reviewed: Any
) -> None:
    neutral = f.org("外省大学", "university")
    f.expert("待审专家", neutral, status="pending")
    f.expert("休假专家", neutral, available=False)
    report = services.reviewers_assign(actor=bureau_staff, challenge=reviewed["challenge"])
    assert report.assigned == 0
    assert report.shortfalls == {reviewed["application"].pk: 1}


def test_applicants_are_notified_of_the_decision(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    services.challenge_award(
        actor=bureau_staff,
        challenge=reviewed["challenge"],
        winners=[(reviewed["application"], 100000)],
        reason="得分第一",
    )
    note = Notification.objects.get(user=uni_admin, kind="challenge.decision")
    assert note.title == "揭榜结果：高温涂层揭榜挂帅（入选）"
    assert note.body == "得分第一"


def test_a_team_is_reminded_once_of_a_milestone_falling_due(
    bureau_staff: Any, reviewed: Any, uni_admin: Any
) -> None:
    challenge, application = reviewed["challenge"], reviewed["application"]
    (award,) = services.challenge_award(
        actor=bureau_staff, challenge=challenge, winners=[(application, 100000)], reason="唯一申报"
    )
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    assert services.send_milestone_reminders() == 0
    first = award.milestones.first()
    type(first).objects.filter(pk=first.pk).update(
        due_date=timezone.localdate() + timedelta(days=3)
    )
    assert services.send_milestone_reminders() == 1
    assert services.send_milestone_reminders() == 0
    note = Notification.objects.get(user=uni_admin, kind="challenge.deadline")
    assert note.title.startswith("里程碑“小试”将于")


def test_reviewer_counts_and_co_funding_are_checked_before_the_database(bureau_staff: Any) -> None:
    with pytest.raises(ApplicationError, match="1–50"):
        f.challenge(bureau_staff, reviewers_per_application=-1)
    with pytest.raises(ApplicationError, match="企业配套比例不能为负数"):
        f.challenge(bureau_staff, cofund_ratio=Decimal("-0.5"))


def test_experts_are_reminded_once_of_an_unfinished_review(
    bureau_staff: Any, reviewed: Any
) -> None:
    challenge = reviewed["challenge"]
    neutral = f.org("外省大学", "university")
    account = f.user("reviewer", neutral, "expert")
    f.expert("郑评审", neutral, user_obj=account)
    services.reviewers_assign(actor=bureau_staff, challenge=challenge)
    assert services.send_review_reminders() == 0  # no review deadline set
    type(challenge).objects.filter(pk=challenge.pk).update(
        review_deadline=timezone.localdate() + timedelta(days=2)
    )
    assert services.send_review_reminders() == 1
    assert services.send_review_reminders() == 0
    note = Notification.objects.filter(user=account, kind="challenge.deadline").get()
    assert note.title.startswith("评审将于")
