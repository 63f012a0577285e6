from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import signed_in_client
from techmarket.challenges import services
from techmarket.challenges.tests import factories as f

pytestmark = pytest.mark.django_db


def _to_review(staff: Any, challenge: Any) -> None:
    f.close_deadline(challenge)
    services.challenge_transition(actor=staff, challenge=challenge, to_status="applications_closed")
    services.challenge_transition(actor=staff, challenge=challenge, to_status="under_review")


@pytest.fixture
def story(bureau_staff: Any, enterprise: Any) -> dict[str, Any]:
    uni = f.org("滨海理工大学", "university")
    uni_admin = f.user("uni_admin", uni)
    other = f.org("另一大学", "university")
    other_admin = f.user("other_admin", other)
    challenge = f.challenge(
        bureau_staff, demands=[f.published_demand(enterprise)], reviewers_per_application=1
    )
    mine = f.application(challenge, uni_admin, uni, technical_plan="我校的保密方案")
    theirs = f.application(challenge, other_admin, other, technical_plan="别校的方案")
    neutral = f.org("外省大学", "university")
    account = f.user("reviewer", neutral, "expert")
    expert = f.expert("郑评审", neutral, user_obj=account)
    return locals()


def test_the_public_list_and_notice_page_show_published_challenges(client: Any, story: Any) -> None:
    page = client.get(reverse("challenges:list")).content.decode()
    assert "高温涂层揭榜挂帅" in page
    notice = client.get(reverse("challenges:detail", args=[story["challenge"].pk])).content.decode()
    assert "涂层寿命 ≥ 1000 小时" in notice
    assert "我要揭榜" in notice


def test_a_draft_is_not_public(client: Any, bureau_staff: Any) -> None:
    draft = f.challenge(bureau_staff, publish=False)
    assert client.get(reverse("challenges:detail", args=[draft.pk])).status_code == 404


def test_an_applicant_cannot_see_another_applicants_application(client: Any, story: Any) -> None:
    signed_in_client(client, story["uni_admin"])
    own = client.get(reverse("challenges:application", args=[story["mine"].pk]))
    assert "我校的保密方案" in own.content.decode()
    other = client.get(reverse("challenges:application", args=[story["theirs"].pk]))
    assert other.status_code == 404


def test_an_expert_cannot_open_an_unassigned_application(
    client: Any, story: Any, bureau_staff: Any
) -> None:
    _to_review(bureau_staff, story["challenge"])
    f.expert("另一位评审", story["neutral"])  # load balancing gives each expert one
    services.reviewers_assign(actor=bureau_staff, challenge=story["challenge"])
    signed_in_client(client, story["account"])
    assigned = story["expert"].assignments.get()
    unassigned = story["theirs"] if assigned.application == story["mine"] else story["mine"]
    page = client.get(reverse("challenges:review", args=[assigned.pk])).content.decode()
    assert "申报单位信息已隐藏" in page
    assert "滨海理工大学" not in page
    assert "另一大学" not in page
    response = client.get(reverse("challenges:application", args=[unassigned.pk]))
    assert response.status_code == 404


def test_applicants_see_scores_and_comments_but_never_reviewer_names(
    client: Any, story: Any, bureau_staff: Any
) -> None:
    challenge = story["challenge"]
    _to_review(bureau_staff, challenge)
    services.reviewers_assign(actor=bureau_staff, challenge=challenge)
    for assignment in story["expert"].assignments.all():
        services.review_submit(
            actor=story["account"],
            assignment=assignment,
            scores={c.pk: 88 for c in challenge.rubric.all()},
            comment="技术路线清晰",
        )
    services.challenge_award(
        actor=bureau_staff,
        challenge=challenge,
        winners=[(story["mine"], 500000)],
        reason="得分最高",
    )
    signed_in_client(client, story["uni_admin"])
    page = client.get(reverse("challenges:application", args=[story["mine"].pk])).content.decode()
    assert "技术路线清晰" in page
    assert "评审专家1" in page
    assert "郑评审" not in page


def test_late_edits_through_the_page_are_refused_in_chinese(client: Any, story: Any) -> None:
    f.close_deadline(story["challenge"])
    signed_in_client(client, story["uni_admin"])
    url = reverse("challenges:application", args=[story["mine"].pk])
    response = client.post(url, {"technical_plan": "迟到"}, HTTP_REFERER=url, follow=True)
    assert "截止申报" in response.content.decode()
    story["mine"].refresh_from_db()
    assert story["mine"].technical_plan == "我校的保密方案"


def test_staff_pages_are_closed_to_others(client: Any, story: Any, bureau_staff: Any) -> None:
    signed_in_client(client, story["uni_admin"])
    assert client.get(reverse("challenges:manage_list")).status_code == 403
    client.logout()
    signed_in_client(client, bureau_staff)
    page = client.get(reverse("challenges:manage", args=[story["challenge"].pk])).content.decode()
    assert "评审排名" in page


def test_staff_create_a_challenge_from_a_demand_through_the_form(
    client: Any, bureau_staff: Any, enterprise: Any
) -> None:
    demand = f.published_demand(enterprise)
    signed_in_client(client, bureau_staff)
    response = client.post(
        reverse("challenges:create"),
        {
            "title": "新榜单",
            "demands": [demand.pk],
            "task": "",
            "mode": "horse_race",
            "max_teams": "2",
            "application_deadline": "2099-01-01T12:00",
            "completion_deadline": "2099-12-31",
            "government_amount": "3000000",
            "cofund_ratio": "0.5",
            "reviewers_per_application": "5",
            "blind_review": "on",
            "ind_name": ["寿命", ""],
            "ind_comparator": ["ge", "ge"],
            "ind_target": ["1000", ""],
            "ind_unit": ["小时", ""],
            "ind_verification": ["检测报告", ""],
            "ms_name": ["一期", "二期", ""],
            "ms_due_date": ["2099-06-01", "2099-12-01", ""],
            "ms_share": ["40", "60", ""],
            "ms_criteria": ["样品", "验收", ""],
            "rb_name": ["技术方案", "团队", ""],
            "rb_weight": ["70", "30", ""],
        },
    )
    assert response.status_code == 302
    from techmarket.challenges.models import Challenge

    challenge = Challenge.objects.get(title="新榜单")
    assert challenge.enterprise == enterprise
    assert challenge.mode == "horse_race"
    assert [str(i) for i in challenge.indicators.all()] == ["寿命 ≥ 1000 小时"]
    assert [m.share for m in challenge.milestones.all()] == [40, 60]
    assert [(c.name, c.weight) for c in challenge.rubric.all()] == [("技术方案", 70), ("团队", 30)]
    page = client.post(
        reverse("challenges:transition", args=[challenge.pk]),
        {"to_status": "published"},
        follow=True,
    ).content.decode()
    assert "榜单状态已更新" in page


def test_dashboard_figures_count_published_awarded_and_disbursed(
    bureau_staff: Any, story: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from techmarket.challenges.stats import dashboard_figures

    today = timezone.localdate()
    figures = {
        fig.key: fig.value
        for fig in dashboard_figures(start=today - timedelta(days=1), end=today + timedelta(days=1))
    }
    assert figures["challenges.published"] == 1
    assert figures["challenges.awarded_amount"] == 0
    assert figures["challenges.disbursed_amount"] == 0


def test_attachments_are_checked_and_served_only_to_those_who_may_see_them(
    client: Any, bureau_staff: Any, story: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from techmarket.core.errors import ApplicationError

    settings.MEDIA_ROOT = tmp_path
    renamed_exe = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ApplicationError, match="不是允许的类型"):
        services.application_update(
            actor=story["uni_admin"], application=story["mine"],
            data={"attachments": [renamed_exe]},
        )  # fmt: skip
    pdf = SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan")
    services.application_update(
        actor=story["uni_admin"], application=story["mine"], data={"attachments": [pdf]}
    )
    attachment = story["mine"].attachments.get()
    url = reverse("challenges:attachment", args=[attachment.pk])
    signed_in_client(client, story["other_admin"])
    assert client.get(url).status_code == 404
    client.logout()
    signed_in_client(client, story["uni_admin"])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"


def test_staff_eliminate_a_horse_race_team_and_reject_a_milestone_on_the_page(
    client: Any, bureau_staff: Any
) -> None:
    uni = f.org("滨海理工大学", "university")
    uni_admin = f.user("uni_admin", uni)
    other = f.org("另一大学", "university")
    other_admin = f.user("other_admin", other)
    challenge = f.challenge(bureau_staff, mode="horse_race", max_teams=2)
    a = f.application(challenge, uni_admin, uni)
    b = f.application(challenge, other_admin, other)
    _to_review(bureau_staff, challenge)
    award_a, award_b = services.challenge_award(
        actor=bureau_staff, challenge=challenge, winners=[(a, 300000), (b, 300000)], reason="并行"
    )
    services.challenge_transition(actor=bureau_staff, challenge=challenge, to_status="in_progress")
    first = award_a.milestones.first()
    services.milestone_submit(actor=uni_admin, milestone=first, evidence="小试报告")
    signed_in_client(client, bureau_staff)
    page = client.post(
        reverse("challenges:eliminate", args=[award_b.pk]),
        {"reason": "中期考核末位"},
        follow=True,
    ).content.decode()
    assert "已淘汰该团队" in page
    assert "已淘汰" in page
    page = client.post(
        reverse("challenges:milestone_decide", args=[first.pk]),
        {"decision": "reject", "reason": "数据不全"},
        follow=True,
    ).content.decode()
    assert "已记录验收不通过" in page
    first.refresh_from_db()
    assert first.status == "rejected"
    assert first.decision_reason == "数据不全"
    page = client.post(
        reverse("challenges:milestone_decide", args=[first.pk]),
        {"decision": "accept"},
        HTTP_REFERER=reverse("challenges:manage", args=[challenge.pk]),
        follow=True,
    ).content.decode()
    assert "只有已提交材料的里程碑可以验收" in page


def test_staff_edit_a_draft_on_its_page_and_bad_dates_are_refused_in_chinese(
    client: Any, bureau_staff: Any
) -> None:
    draft = f.challenge(bureau_staff, publish=False)
    signed_in_client(client, bureau_staff)
    url = reverse("challenges:edit", args=[draft.pk])
    form = client.get(url).content.decode()
    assert 'value="高温涂层揭榜挂帅"' in form
    assert 'value="涂层寿命"' in form
    data = {
        "title": "改名后的榜单", "task": "新任务", "mode": "jiebang",
        "application_deadline": "2099-01-01T12:00", "completion_deadline": "2099-12-31",
        "government_amount": "1200000", "cofund_ratio": "1", "reviewers_per_application": "3",
        "ind_name": ["寿命"], "ind_comparator": ["ge"], "ind_target": ["2000"], "ind_unit": ["小时"],
        "ind_verification": ["报告"], "rb_name": ["方案"], "rb_weight": ["100"],
    }  # fmt: skip
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改名后的榜单"
    assert [str(i) for i in draft.indicators.all()] == ["寿命 ≥ 2000 小时"]
    assert draft.milestones.count() == 3  # blank milestone rows keep the template
    page = client.post(
        url, {**data, "completion_deadline": "明年"}, HTTP_REFERER=url, follow=True
    ).content.decode()
    assert "请填写正确的日期" in page


def test_a_refusal_never_redirects_to_another_site(client: Any, story: Any) -> None:
    f.close_deadline(story["challenge"])
    signed_in_client(client, story["uni_admin"])
    url = reverse("challenges:application", args=[story["mine"].pk])
    response = client.post(url, {"technical_plan": "迟到"}, HTTP_REFERER="https://evil.example/")
    assert response.status_code == 302
    assert response["Location"] == reverse("challenges:list")
