"""In real Chromium: an enterprise applies → staff register → the certificate PDF is
downloaded, read back and verified → the dashboard shows the new turnover."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from pypdf import PdfReader

from conftest import PASSWORD
from techmarket.contracts.tests.factories import BUYER_USCC

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, username: str, secret: str = "") -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    if secret:
        page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/accounts/workspace/")


def test_apply_register_download_verify_and_see_it_on_the_dashboard(
    page: Any, live_server: Any, org_admin: Any, bureau_staff: Any, tmp_path: Path
) -> None:
    base = live_server.url
    today = timezone.localdate()
    _sign_in(page, base, "org_admin")
    page.goto(f"{base}/contracts/apply/")
    # Fields by their id: the visible labels carry a required-marker.
    fill = {
        "project_name": "海上风电叶片检测技术开发",
        "buyer_name": "苏州精工机械有限公司",
        "buyer_uscc": BUYER_USCC,
        "buyer_region_code": "320505",
        "signed_on": str(today - timedelta(days=2)),
        "valid_from": str(today - timedelta(days=2)),
        "valid_until": str(today + timedelta(days=365)),
        "contract_amount": "1000000",
        "cost_0_description": "检测设备",
        "cost_0_amount": "250000",
    }
    for name, value in fill.items():
        page.locator(f"#id_{name}").fill(value)
    page.locator("#id_contract_type").select_option("dev_commissioned")
    page.locator("#id_field").select_option(label="新能源与节能")
    page.locator("#id_cost_0_kind").select_option("equipment")
    page.get_by_role("button", name="提交登记申请").click()
    page.get_by_text("登记申请已提交").wait_for()
    assert page.get_by_test_id("tech-amount").inner_text().startswith("750,000.00元")
    detail_url = page.url
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, "bureau_staff", bureau_staff.totp_secret)
    page.goto(f"{base}/stats/dashboard/")
    assert page.get_by_test_id("ytd-count").inner_text() == "0"
    page.goto(detail_url)
    page.get_by_role("button", name="受理").click()
    page.get_by_text("已受理。").wait_for()
    assert "个工作日" in page.get_by_test_id("deadline").inner_text()
    page.get_by_role("button", name="准予登记").click()
    page.get_by_text("已登记，登记证明可以下载").wait_for()
    number = page.get_by_test_id("registration-number").inner_text()
    code = page.get_by_test_id("verification-code").inner_text()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载登记证明（PDF）").click()
    target = tmp_path / "certificate.pdf"
    download_info.value.save_as(target)
    text = PdfReader(io.BytesIO(target.read_bytes())).pages[0].extract_text()
    assert number in text
    assert code in text
    assert "1,000,000.00元" in text
    assert "750,000.00元" in text

    page.goto(f"{base}/contracts/verify/")
    page.get_by_label("合同登记编号").fill(number)
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证").click()
    assert "登记证明有效" in page.get_by_test_id("verify-result").inner_text()
    page.get_by_label("验证码").fill("0000-0000-0000-0000")
    page.get_by_role("button", name="验证").click()
    assert "验证码与登记编号不符" in page.get_by_test_id("verify-error").inner_text()

    page.goto(f"{base}/stats/dashboard/")
    assert page.get_by_test_id("ytd-count").inner_text() == "1"
    assert page.get_by_test_id("ytd-contract-amount").inner_text() == "100万元"
    assert page.get_by_test_id("ytd-tech-amount").inner_text() == "75万元"
    page.locator("#chart-monthly svg").first.wait_for()
