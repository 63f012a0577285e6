"""In real Chromium: the whole voucher story, from application to a settlement batch."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from conftest import PASSWORD
from techmarket.vouchers.models import LedgerEntry, Redemption, Voucher
from techmarket.vouchers.services import ledger_differences
from techmarket.vouchers.tests.factories import PDF, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Any, base: str, user: Any) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if user.totp_secret:
        page.get_by_label("动态口令").fill(pyotp.TOTP(user.totp_secret).now())
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/accounts/workspace/")


def _file(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def browser_for(chromium: Any, base: str, user: Any) -> Any:
    """One browser context per persona, signed in once (a TOTP code is single-use)."""
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, base, user)
    return page


def test_the_whole_voucher_story(chromium: Any, live_server: Any, world: World) -> None:
    base = live_server.url
    enterprise = browser_for(chromium, base, world.enterprise_admin)
    staff = browser_for(chromium, base, world.staff)
    provider = browser_for(chromium, base, world.provider_admin)
    # The enterprise applies from the public programme page.
    page = enterprise
    page.goto(f"{base}/vouchers/")
    page.get_by_role("link", name="2026年度科技创新券").click()
    page.get_by_label("申领金额（元）").fill("60000")
    page.get_by_label("用途说明").fill("新型传感器材料检测")
    page.get_by_role("button", name="提交申领").click()
    page.get_by_text("申领已提交，等待科技局审核。").wait_for()

    # Bureau staff approve it: a voucher is issued.
    page = staff
    page.get_by_role("link", name="创新券管理").first.click()
    page.get_by_role("button", name="核准发券").click()
    page.get_by_text("申领已核准，创新券已发放。").wait_for()
    voucher = Voucher.objects.get()

    # The enterprise orders a service product with it.
    page = enterprise
    page.get_by_role("link", name="我的创新券").first.click()
    page.get_by_role("link", name=voucher.number).click()
    assert page.get_by_test_id("voucher-balance").inner_text() == "60000.00 元"
    page.get_by_role("button", name="下单").click()
    page.get_by_text("已下单，等待服务机构交付。").wait_for()
    order_url = page.url

    # The provider delivers with its evidence.
    page = provider
    page.goto(order_url)
    page.get_by_label("发票号码").fill("12002699001")
    page.get_by_label("服务合同（PDF）").set_input_files(_file("合同.pdf"))
    page.get_by_label("服务报告（PDF）").set_input_files(_file("报告.pdf"))
    page.get_by_label("付款凭证（PDF）").set_input_files(_file("付款凭证.pdf"))
    page.get_by_role("button", name="提交交付").click()
    page.get_by_text("交付材料已提交，等待企业确认。").wait_for()

    # The enterprise confirms and rates it.
    page = enterprise
    page.goto(order_url)
    page.get_by_label("评分").select_option("4")
    page.get_by_role("button", name="确认服务").click()
    page.get_by_text("已确认服务并评价。").wait_for()
    assert page.get_by_test_id("order-status").inner_text() == "已确认"

    # 机构兑付: the provider claims the voucher's share (50 % of 40,000).
    page = provider
    page.goto(order_url)
    assert page.get_by_label("兑付金额（元）").input_value() == "20000.00"
    page.get_by_role("button", name="提交兑付申请").click()
    page.get_by_text("兑付申请已提交，等待科技局审核。").wait_for()

    # Staff approve the claim and put it in a settlement batch for payment.
    page = staff
    page.goto(f"{base}/vouchers/bureau/")
    page.get_by_role("button", name="核准兑付").click()
    page.get_by_text("兑付已核准。").wait_for()
    page.get_by_role("button", name="生成结算批次").click()
    page.get_by_text("结算批次已生成，可导出付款清单。").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # The enterprise sees what is left; every yuan is in the ledger.
    page = enterprise
    page.goto(f"{base}/vouchers/vouchers/{voucher.pk}/")
    assert page.get_by_test_id("voucher-balance").inner_text() == "40000.00 元"
    assert Redemption.objects.get().status == "settled"
    assert ledger_differences() == []
    assert LedgerEntry.objects.filter(kind="settle").count() == 1
