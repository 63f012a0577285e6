from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook

from conftest import signed_in_client
from techmarket.core.errors import ApplicationError
from techmarket.experts import services
from techmarket.experts.models import ExpertConflict, ExpertProfile, ExpertStatus

pytestmark = pytest.mark.django_db


def _xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(services.IMPORT_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD = ["钱学者", "甲大学", "教授", "新材料", "金属材料", "涂层,高温合金", "简介", "q@example.com", "", "乙企业有限公司"]  # fmt: skip


def test_import_creates_pending_experts_with_fields_keywords_and_conflicts(
    bureau_staff: Any, university: Any, other_enterprise: Any
) -> None:
    report = services.expert_import_xlsx(actor=bureau_staff, content=_xlsx([GOOD]))
    assert report.ok
    assert report.created == 1
    expert = ExpertProfile.objects.get()
    assert expert.organisation == university
    assert expert.fields == ["04"]
    assert expert.subfields == ["0401"]
    assert expert.keywords == ["涂层", "高温合金"]
    assert expert.status == ExpertStatus.PENDING
    assert ExpertConflict.objects.get().organisation == other_enterprise


def test_import_is_all_or_nothing_with_a_report_per_row(
    bureau_staff: Any, university: Any, other_enterprise: Any
) -> None:
    bad = ["", "甲大学", "", "不存在的领域", "", "", "", "not-an-email", "", "不存在的机构"]
    report = services.expert_import_xlsx(actor=bureau_staff, content=_xlsx([GOOD, bad]))
    assert not report.ok
    assert report.created == 0
    assert ExpertProfile.objects.count() == 0
    (line,) = report.errors
    assert line.startswith("第 3 行")
    for part in ("姓名为空", "技术领域“不存在的领域”无效", "邮箱", "回避机构“不存在的机构”"):
        assert part in line


def test_import_refuses_a_file_that_is_not_xlsx(bureau_staff: Any) -> None:
    with pytest.raises(ApplicationError, match="不是有效的 Excel"):
        services.expert_import_xlsx(actor=bureau_staff, content=b"%PDF-1.4 nope")


def test_only_bureau_staff_import_or_verify(org_admin: Any, bureau_staff: Any) -> None:
    with pytest.raises(ApplicationError, match="只有科技局工作人员"):
        services.expert_import_xlsx(actor=org_admin, content=_xlsx([GOOD]))
    expert = ExpertProfile.objects.create(name="待审专家", fields=["04"])
    with pytest.raises(ApplicationError, match="只有科技局工作人员"):
        services.expert_verify(actor=org_admin, expert=expert, approve=True)
    with pytest.raises(ApplicationError, match="不通过须填写原因"):
        services.expert_verify(actor=bureau_staff, expert=expert, approve=False)
    services.expert_verify(actor=bureau_staff, expert=expert, approve=True)
    expert.refresh_from_db()
    assert expert.is_verified
    with pytest.raises(ApplicationError, match="只有待审核的专家"):
        services.expert_verify(actor=bureau_staff, expert=expert, approve=True)


def test_the_import_page_shows_the_validation_report(
    client: Any, bureau_staff: Any, university: Any
) -> None:
    signed_in_client(client, bureau_staff)
    upload = io.BytesIO(_xlsx([["", "甲大学", "", "新材料"]]))
    upload.name = "experts.xlsx"
    page = client.post(reverse("experts:import"), {"file": upload}).content.decode()
    assert "校验未通过，未导入任何专家" in page
    assert "第 2 行：姓名为空" in page


def test_the_expert_library_is_closed_to_experts(client: Any, expert: Any) -> None:
    signed_in_client(client, expert)
    assert client.get(reverse("experts:list")).status_code == 403


def test_an_expert_declares_a_conflict_and_updates_availability_on_their_page(
    client: Any, expert: Any, university: Any, other_enterprise: Any
) -> None:
    profile = ExpertProfile.objects.create(
        name="郑专家", user=expert, organisation=university, fields=["04"],
        status=ExpertStatus.VERIFIED,
    )  # fmt: skip
    signed_in_client(client, expert)
    page = client.post(
        reverse("experts:me"),
        {"action": "conflict", "organisation": other_enterprise.pk, "reason": "曾任顾问"},
        follow=True,
    ).content.decode()
    assert "回避申报已保存" in page
    assert "乙企业有限公司（曾任顾问）" in page
    client.post(reverse("experts:me"), {"title": "教授", "keywords": "涂层，热障", "bio": ""})
    profile.refresh_from_db()
    assert profile.keywords == ["涂层", "热障"]
    assert profile.available is False


def test_staff_add_an_expert_linked_to_an_account_once(
    client: Any, bureau_staff: Any, expert: Any, university: Any
) -> None:
    signed_in_client(client, bureau_staff)
    data = {"name": "郑专家", "organisation": university.pk, "field": "04",
            "keywords": "涂层,热障", "username": "expert"}  # fmt: skip
    page = client.post(reverse("experts:list"), data, follow=True).content.decode()
    assert "专家已加入专家库（待审核）" in page
    profile = ExpertProfile.objects.get()
    assert profile.user == expert
    assert profile.keywords == ["涂层", "热障"]
    page = client.post(reverse("experts:list"), data, follow=True).content.decode()
    assert "账户“expert”已关联其他专家资料" in page


def test_import_links_accounts_and_reports_unknown_ones(
    bureau_staff: Any, expert: Any, university: Any, other_enterprise: Any
) -> None:
    report = services.expert_import_xlsx(
        actor=bureau_staff, content=_xlsx([[*GOOD, "expert"], [*GOOD[:9], "", "nobody"]])
    )
    assert report.errors == ["第 3 行：平台账户“nobody”不存在。"]
    report = services.expert_import_xlsx(actor=bureau_staff, content=_xlsx([[*GOOD, "expert"]]))
    assert ExpertProfile.objects.get().user == expert
