from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import signed_in_client
from techmarket.challenges.models import Challenge
from techmarket.challenges.tests import factories as f

pytestmark = pytest.mark.django_db


def _post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def test_a_whole_jiebang_round_through_the_api(bureau_staff: Any, enterprise: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    demand = f.published_demand(enterprise)
    deadline = timezone.now() + timedelta(days=10)
    response = _post(
        staff,
        "/api/v1/challenges",
        {
            "title": "智能巡检机器人",
            "demand_ids": [demand.pk],
            "application_deadline": deadline.isoformat(),
            "completion_deadline": (timezone.now() + timedelta(days=300)).date().isoformat(),
            "government_amount": "500000",
            "cofund_ratio": "1.5",
            "reviewers_per_application": 1,
            "keywords": ["涂层"],
            "field": "04",
            "indicators": [{"name": "续航", "comparator": "ge", "target": "8", "unit": "小时",
                            "verification": "现场测试"}],
            "milestones": [
                {"name": "样机", "due_date": "2027-06-01", "share": "50"},
                {"name": "验收", "due_date": "2027-12-01", "share": "50"},
            ],
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    challenge_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    assert _post(staff, f"/api/v1/challenges/{challenge_id}/transition",
                 {"to_status": "published"}).json()["status"] == "published"  # fmt: skip
    public = Client().get("/api/v1/challenges").json()
    assert [c["title"] for c in public] == ["智能巡检机器人"]

    uni = f.org("滨海理工大学", "university")
    applicant = signed_in_client(Client(), f.user("uni_admin", uni))
    response = _post(
        applicant,
        f"/api/v1/challenges/{challenge_id}/applications",
        {"lead_id": uni.pk, "technical_plan": "多传感器融合", "budget": "400000",
         "team": [{"name": "李四", "title": "教授"}]},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    application_id = response.json()["id"]
    again = _post(
        applicant,
        f"/api/v1/challenges/{challenge_id}/applications",
        {"lead_id": uni.pk, "technical_plan": "第二份"},
    )
    assert again.status_code == 409
    assert "只能申报一次" in again.json()["message"]

    f.close_deadline(Challenge.objects.get(pk=challenge_id))
    late = applicant.patch(
        f"/api/v1/applications/{application_id}",
        json.dumps({"technical_plan": "迟到"}),
        content_type="application/json",
    )
    assert late.status_code == 409
    assert late.json()["code"] == "deadline_passed"
    for status in ("applications_closed", "under_review"):
        _post(staff, f"/api/v1/challenges/{challenge_id}/transition", {"to_status": status})

    neutral = f.org("外省大学", "university")
    account = f.user("reviewer", neutral, "expert")
    f.expert("郑评审", neutral, user_obj=account)
    report = _post(staff, f"/api/v1/challenges/{challenge_id}/assignments").json()
    assert report == {"assigned": 1, "shortfalls": {}}
    reviewer = signed_in_client(Client(), account)
    (task,) = reviewer.get("/api/v1/reviews").json()
    blind = reviewer.get(f"/api/v1/reviews/{task['id']}").json()
    assert blind["lead_name"] is None
    assert reviewer.get(f"/api/v1/applications/{application_id}").status_code == 404
    rubric = staff.get(f"/api/v1/challenges/{challenge_id}").json()["rubric"]
    response = _post(
        reviewer,
        f"/api/v1/reviews/{task['id']}",
        {"scores": {str(c["id"]): "90" for c in rubric}, "comment": "方案成熟"},
    )
    assert response.status_code == 200, response.content
    (ranked,) = staff.get(f"/api/v1/challenges/{challenge_id}/ranking").json()
    assert ranked["score"] == "90.00"

    (award,) = _post(
        staff,
        f"/api/v1/challenges/{challenge_id}/award",
        {"winners": [{"application_id": application_id, "amount": "500000"}], "reason": "第一名"},
    ).json()
    reviews = applicant.get(f"/api/v1/applications/{application_id}/reviews").json()
    assert reviews == [{"label": "评审专家1", "total": "90.00", "comment": "方案成熟"}]
    _post(staff, f"/api/v1/challenges/{challenge_id}/transition", {"to_status": "in_progress"})
    for milestone in award["milestones"]:
        assert _post(applicant, f"/api/v1/milestones/{milestone['id']}/evidence",
                     {"evidence": "完成"}).status_code == 200  # fmt: skip
        tranche = _post(staff, f"/api/v1/milestones/{milestone['id']}/accept").json()
        assert tranche["amount"] == "250000.00"
    (after,) = Client().get(f"/api/v1/challenges/{challenge_id}/awards").json()
    assert after["disbursed"] == "500000.00"
    done = _post(staff, f"/api/v1/challenges/{challenge_id}/complete")
    assert done.json()["status"] == "completed"


def test_refusals_use_the_one_error_shape_in_chinese(bureau_staff: Any, org_admin: Any) -> None:
    challenge = f.challenge(bureau_staff)
    client = signed_in_client(Client(), org_admin)
    response = _post(client, f"/api/v1/challenges/{challenge.pk}/transition",
                     {"to_status": "withdrawn", "reason": "x"})  # fmt: skip
    assert response.status_code == 403
    assert response.json()["message"] == "只有科技局工作人员可以管理揭榜挂帅榜单。"


def test_the_expert_library_api_is_for_staff(bureau_staff: Any, expert: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    created = _post(staff, "/api/v1/experts", {"name": "钱专家", "fields": ["04"],
                                               "conflicts": [{"person_name": "张三"}]})  # fmt: skip
    assert created.status_code == 201
    assert created.json()["conflicts"][0]["person_name"] == "张三"
    assert _post(staff, f"/api/v1/experts/{created.json()['id']}/verify",
                 {"approve": True}).json()["status"] == "verified"  # fmt: skip
    other = signed_in_client(Client(), expert)
    assert other.get("/api/v1/experts").status_code == 403
    assert other.get(f"/api/v1/experts/{created.json()['id']}").status_code == 404


def test_a_draft_is_edited_and_a_published_one_is_not(bureau_staff: Any) -> None:
    draft = f.challenge(bureau_staff, publish=False)
    staff = signed_in_client(Client(), bureau_staff)
    response = staff.patch(
        f"/api/v1/challenges/{draft.pk}",
        json.dumps({"title": "改名后的榜单",
                    "rubric": [{"name": "技术方案", "weight": "60"}, {"name": "团队", "weight": "40"}]}),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "改名后的榜单"
    assert [r["name"] for r in response.json()["rubric"]] == ["技术方案", "团队"]
    _post(staff, f"/api/v1/challenges/{draft.pk}/transition", {"to_status": "published"})
    late = staff.patch(
        f"/api/v1/challenges/{draft.pk}",
        json.dumps({"title": "x"}),
        content_type="application/json",
    )
    assert late.status_code == 409
    assert "只有草稿可以修改" in late.json()["message"]


def test_attachments_are_uploaded_through_the_api_until_the_deadline(
    bureau_staff: Any, settings: Any, tmp_path: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    challenge = f.challenge(bureau_staff)
    uni = f.org("滨海理工大学", "university")
    admin = f.user("uni_admin", uni)
    application = f.application(challenge, admin, uni)
    client = signed_in_client(Client(), admin)
    url = f"/api/v1/applications/{application.pk}/attachments"
    ok = client.post(url, {"file": SimpleUploadedFile("方案.pdf", b"%PDF-1.4 x")})
    assert ok.status_code == 201, ok.content
    assert [a["name"] for a in ok.json()] == ["方案.pdf"]
    bad = client.post(url, {"file": SimpleUploadedFile("a.pdf", b"MZ exe")})
    assert bad.status_code == 400
    assert "不是允许的类型" in bad.json()["message"]
    f.close_deadline(challenge)
    late = client.post(url, {"file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 y")})
    assert late.status_code == 409
