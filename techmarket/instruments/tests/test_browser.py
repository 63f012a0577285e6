"""In real Chromium: a booking, its service record and acceptance, and the subsidy it earns."""

from __future__ import annotations

from typing import Any

import pytest

from techmarket.instruments.models import SubsidyClaim
from techmarket.instruments.tests.conftest import Lab, slot
from techmarket.vouchers.tests.test_browser import browser_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_booking_with_its_subsidy(chromium: Any, live_server: Any, lab: Lab) -> None:
    base = live_server.url
    user = browser_for(chromium, base, lab.user_admin)
    owner = browser_for(chromium, base, lab.owner_admin)
    staff = browser_for(chromium, base, lab.staff)
    start, end = slot(1, 9, 3)

    # The enterprise books three machine-hours from the public catalogue.
    user.goto(f"{base}/instruments/")
    user.get_by_role("link", name="场发射扫描电镜").click()
    user.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    user.get_by_label("结束时间").fill(end.strftime("%Y-%m-%dT%H:%M"))
    user.get_by_label("用途").fill("焊缝断口形貌观察")
    user.get_by_role("button", name="提交预约").click()
    user.get_by_text("预约已提交，等待仪器管理单位确认。").wait_for()
    # The same slot again is refused: the calendar holds it.
    user.goto(f"{base}/instruments/{lab.instrument.pk}/")
    user.get_by_label("开始时间").fill(start.strftime("%Y-%m-%dT%H:%M"))
    user.get_by_label("结束时间").fill(end.strftime("%Y-%m-%dT%H:%M"))
    user.get_by_label("用途").fill("重复预约")
    user.get_by_role("button", name="提交预约").click()
    user.get_by_text("该时段已被预约").wait_for()

    # The managing unit confirms, then records the service.
    owner.goto(f"{base}/instruments/mine/")
    owner.get_by_role("button", name="确认预约").click()
    owner.get_by_text("预约状态已更新。").wait_for()
    owner.get_by_label("机时", exact=True).fill("3")
    owner.get_by_label("服务费", exact=True).fill("1200")
    owner.get_by_label("发票号码", exact=True).fill("12002600777")
    owner.get_by_role("button", name="登记服务").click()
    owner.get_by_text("服务记录已登记，等待用户验收。").wait_for()

    # The user accepts it (用户验收).
    user.goto(f"{base}/instruments/mine/")
    user.get_by_role("button", name="验收通过").click()
    user.get_by_text("验收结果已提交。").wait_for()

    # The unit's subsidy is computed by rule: 40 % of 1,200 yuan.
    owner.goto(f"{base}/instruments/mine/?year={end.year}")
    preview = owner.get_by_test_id("subsidy-preview").inner_text()
    assert "计入服务费 1200.00 元" in preview
    assert "可申报补贴 480.00 元" in preview
    owner.get_by_role("button", name=f"申报 {end.year} 年度补贴").click()
    owner.get_by_text("补贴申请已提交，等待科技局审核。").wait_for()

    staff.goto(f"{base}/instruments/bureau/")
    staff.get_by_role("button", name="核准补贴").click()
    staff.get_by_text("补贴审核完成。").wait_for()
    owner.goto(f"{base}/instruments/mine/?year={end.year}")
    assert owner.get_by_test_id("subsidy-status").inner_text() == "已核准"
    assert SubsidyClaim.objects.get().amount == 480
