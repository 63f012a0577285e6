"""In real Chromium, the whole story: publish → apply → assign → review → award →
milestone evidence accepted → tranche released → completion."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyotp
import pytest
from django.utils import timezone

from conftest import PASSWORD
from techmarket.challenges.models import Award, Challenge
from techmarket.challenges.tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(chromium: Any, base: str, username: str, secret: str = "") -> Any:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if secret:
        page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/accounts/workspace/")
    return page


def test_the_whole_story_in_the_browser(
    chromium: Any, live_server: Any, bureau_staff: Any, enterprise: Any
) -> None:
    base = live_server.url
    today = timezone.now().date()
    draft = f.challenge(
        bureau_staff,
        publish=False,
        demands=[f.published_demand(enterprise)],
        reviewers_per_application=1,
        milestones=[{"name": "最终验收", "due_date": today, "share": Decimal(100)}],
    )
    uni = f.org("滨海理工大学", "university")
    f.user("uni_admin", uni)
    neutral = f.org("外省大学", "university")
    f.expert("郑评审", neutral, user_obj=f.user("reviewer", neutral, "expert"))

    staff = _signed_in(chromium, base, "bureau_staff", bureau_staff.totp_secret)
    staff.get_by_role("link", name="榜单管理").first.click()
    staff.get_by_role("link", name=draft.title).click()
    staff.get_by_role("button", name="变更为：揭榜申报中").click()
    staff.get_by_text("榜单状态已更新").wait_for()

    applicant = _signed_in(chromium, base, "uni_admin")
    applicant.get_by_role("link", name="揭榜挂帅").first.click()
    applicant.get_by_role("link", name=draft.title).click()
    applicant.get_by_role("link", name="我要揭榜").click()
    applicant.get_by_label("技术方案").fill("梯度结构热障涂层方案")
    applicant.get_by_label("团队成员（每行：姓名,职称）").fill("李四,教授")
    applicant.get_by_role("button", name="提交申报").click()
    applicant.get_by_text("揭榜申报已提交").wait_for()
    application_url = applicant.url

    f.close_deadline(Challenge.objects.get(pk=draft.pk))  # the deadline passes
    staff.reload()
    staff.get_by_role("button", name="变更为：申报截止").click()
    staff.get_by_role("button", name="变更为：评审中").click()
    staff.get_by_role("button", name="自动分配评审专家").click()
    staff.get_by_text("已分配评审专家 1 人次").wait_for()

    expert = _signed_in(chromium, base, "reviewer")
    expert.get_by_role("link", name="我的评审").first.click()
    expert.get_by_role("link", name="申报-").first.click()
    assert expert.get_by_text("申报单位信息已隐藏").is_visible()
    assert expert.get_by_text("滨海理工大学").count() == 0
    for label in ("研发基础", "创新能力与技术方案", "资金保障能力"):
        expert.get_by_label(label).fill("86")
    expert.get_by_label("评审意见").fill("技术路线清晰")
    expert.get_by_role("button", name="提交评审").click()
    expert.get_by_text("评审已提交").wait_for()

    staff.reload()
    staff.get_by_label("立项 申报-").first.check()
    staff.get_by_label("资助金额 申报-").first.fill("600000")
    staff.get_by_label("立项理由").fill("综合得分第一")
    staff.get_by_role("button", name="确定立项").click()
    staff.get_by_text("立项决定已保存").wait_for()
    staff.get_by_role("button", name="变更为：实施中").click()
    staff.get_by_text("榜单状态已更新").wait_for()

    applicant.goto(application_url)
    assert applicant.get_by_test_id("final-score").inner_text() == "86.00"
    assert applicant.get_by_text("评审专家1").is_visible()
    assert applicant.get_by_text("郑评审").count() == 0
    applicant.get_by_label("完成情况").fill("第三方检测报告：寿命 1200 小时")
    applicant.get_by_role("button", name="提交材料").click()
    applicant.get_by_text("材料已提交").wait_for()

    staff.reload()
    staff.get_by_label("验收意见 最终验收").fill("全部指标达标")
    staff.get_by_role("button", name="验收通过并拨付").click()
    staff.get_by_text("验收通过，已拨付 600000.00 元").wait_for()
    staff.get_by_role("button", name="最终验收").click()
    staff.get_by_text("榜单已最终验收").wait_for()
    assert staff.get_by_test_id("challenge-status").inner_text() == "已验收"

    applicant.goto(application_url)
    assert applicant.get_by_test_id("disbursed").inner_text() == "600000.00"
    award = Award.objects.get()
    assert award.disbursed == award.amount == Decimal("600000.00")
