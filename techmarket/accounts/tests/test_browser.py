"""In real Chromium: an enterprise registers → bureau staff verify it → its
administrator signs in and sees it verified."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from conftest import PASSWORD
from techmarket.accounts.tests.factories import registration_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, username: str, password: str, secret: str = "") -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if secret:
        page.get_by_label("动态口令").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="验证并登录").click()
    page.wait_for_url("**/accounts/workspace/")


def test_register_verify_and_see_it_verified(
    page: Any, live_server: Any, bureau_staff: Any
) -> None:
    base = live_server.url
    data = registration_payload()
    page.goto(f"{base}/accounts/register/")
    page.get_by_label("机构名称").fill(data["name"])
    page.get_by_label("机构类型").select_option(label="企业")
    page.get_by_label("统一社会信用代码").fill(data["uscc"])
    page.get_by_label("行政区划代码").fill(data["region_code"])
    page.get_by_label("联系人").fill(data["contact_name"])
    page.get_by_label("联系电话").fill(data["contact_phone"])
    page.get_by_label("管理员用户名").fill(data["admin_username"])
    page.get_by_label("管理员密码").fill(data["admin_password"])
    page.get_by_label("确认密码").fill(data["admin_password"])
    page.get_by_role("button", name="提交注册").click()
    page.get_by_text("注册已提交").wait_for()

    # The administrator can sign in at once, and sees the organisation pending.
    _sign_in(page, base, data["admin_username"], data["admin_password"])
    assert page.get_by_test_id("org-status").inner_text() == "待审核"
    page.get_by_role("button", name="退出").click()

    # Bureau staff verify it from the queue (with their second factor).
    _sign_in(page, base, "bureau_staff", PASSWORD, bureau_staff.totp_secret)
    page.get_by_role("link", name="机构认证审核").first.click()
    page.get_by_role("link", name=data["name"]).click()
    page.get_by_role("button", name="认证通过").click()
    page.get_by_text("已认证通过").wait_for()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, data["admin_username"], data["admin_password"])
    assert page.get_by_test_id("org-status").inner_text() == "已认证"
    assert page.get_by_text("机构已认证，可以发布信息").is_visible()
