"""In real Chromium: a visitor sees 推荐成果 on a demand page; a broker marks a match useful
and starts contact; the enterprise accepts the contact request of its confidential demand;
the achievement's owner then sees who it is. The enterprise reaches 对接记录 from its
消息中心 message."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, _org, _user
from techmarket.accounts.tests.test_browser import _sign_in
from techmarket.matching.models import MatchFeedback
from techmarket.matching.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_sees_recommendations_and_a_broker_starts_contact(
    page: Any, live_server: Any, enterprise: Any, broker: Any
) -> None:
    institute = _org("乙材料研究院", "institute", 9)
    supplier = _user("supplier", institute, "org_admin")
    owner = _user("enterprise_admin", enterprise, "org_admin")
    seal = factories.achievement(
        institute, "耐高温氟橡胶密封圈", "改性氟橡胶密封圈，可在250℃下长期工作，用于阀门与泵。"
    )
    factories.indicator(seal, "耐温", "ge", "250", "℃")
    factories.achievement(
        institute, "印染废水臭氧催化脱色", "臭氧催化氧化处理印染废水，色度降至20倍以下。"
    )
    factories.achievement(institute, "锂电池极片视觉检测", "深度学习在线检测极片表面缺陷。")
    need = factories.demand(
        enterprise,
        "阀门密封圈高温老化",
        "阀门密封圈在高温工况下老化泄漏，需耐温不低于200℃。",
        confidential=True,
        contact_name="王经理",
        contact_phone="022-33334444",
    )
    factories.indicator(need, "耐温", "ge", "200", "℃")
    base = live_server.url

    # a visitor: the demand page loads its recommendations with reasons
    page.goto(f"{base}/demands/{need.pk}/")
    section = page.locator("#matches-demand")
    section.locator("ol.matches").wait_for()  # the placeholder replaced by the section
    assert section.get_by_role("heading", name="推荐成果").is_visible()
    first = section.locator("li.match").first
    assert first.get_by_role("link").inner_text() == "耐高温氟橡胶密封圈"
    assert "✓ 满足指标：需求耐温≥200℃，成果为250℃" in first.inner_text()
    assert first.locator("mark").count() > 0  # matched concepts highlighted
    assert "语义索引正在建立，当前为关键词匹配结果" in section.inner_text()
    first.get_by_role("link", name="耐高温氟橡胶密封圈").click()
    demands = page.locator("#matches-achievement")
    demands.locator("ol.matches").wait_for()
    assert demands.get_by_role("heading", name="潜在需求方").is_visible()
    assert "阀门密封圈高温老化" in demands.inner_text()
    assert "保密需求（企业名称不公开）" in demands.inner_text()
    assert "甲企业有限公司" not in demands.inner_text()

    # the broker: mark useful, start contact
    _sign_in(page, base, "broker", PASSWORD)
    page.get_by_role("link", name="撮合工作台").first.click()
    page.get_by_role("link", name="阀门密封圈高温老化").click()
    page.get_by_role("button", name="有用：耐高温氟橡胶密封圈").click()
    page.get_by_text("已标记“耐高温氟橡胶密封圈”为有用。").wait_for()
    assert MatchFeedback.objects.get().achievement_id == seal.pk
    page.get_by_label("对接留言：耐高温氟橡胶密封圈").fill("250℃ 工况已验证")
    page.get_by_role("button", name="发起对接：耐高温氟橡胶密封圈").click()
    page.get_by_text("已发起对接：“阀门密封圈高温老化”与“耐高温氟橡胶密封圈”").wait_for()
    assert page.get_by_text("已发起对接（需求方待回复）").is_visible()
    page.get_by_role("button", name="退出").click()

    # the supplier sees the contact, not yet the enterprise
    _sign_in(page, base, "supplier", PASSWORD)
    page.get_by_role("link", name="对接记录").first.click()
    row = page.locator("tbody tr").first
    assert "阀门密封圈高温老化" in row.inner_text()
    assert "保密需求：需求方同意后可见企业名称和联系方式" in row.inner_text()
    assert "甲企业有限公司" not in row.inner_text()
    page.get_by_role("button", name="退出").click()

    # the enterprise finds the broker's message in 消息中心, which leads to 对接记录,
    # where it accepts the contact request
    _sign_in(page, base, "enterprise_admin", PASSWORD)
    page.get_by_role("link", name="消息中心，1 条未读").click()
    page.get_by_role("link", name="撮合对接：您的需求“阀门密封圈高温老化”").click()
    page.wait_for_url(f"{base}/matching/contacts/")
    assert page.get_by_role("link", name="消息中心，0 条未读").is_visible()
    row = page.locator("tbody tr").first
    assert "耐高温氟橡胶密封圈" in row.inner_text()
    assert "乙材料研究院" in row.inner_text()
    assert "250℃ 工况已验证" in row.inner_text()
    row.get_by_role("button", name="同意对方查看").click()
    page.get_by_text("已回复联系申请。").wait_for()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, "supplier", PASSWORD)
    page.goto(f"{base}/matching/contacts/")
    row = page.locator("tbody tr").first
    assert "甲企业有限公司" in row.inner_text()
    assert "王经理 022-33334444" in row.inner_text()
    assert "需求方已同意" in row.inner_text()
    assert supplier.notifications.filter(kind="matching.contact").count() == 1
    assert owner.notifications.filter(kind="matching.contact").count() == 1
