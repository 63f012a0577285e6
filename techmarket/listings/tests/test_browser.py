"""In real Chromium: an institute uploads an xlsx of achievements → bureau staff publish
them from the review queue → a visitor finds one through the filters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from conftest import PASSWORD, _user
from techmarket.accounts.tests.test_browser import _sign_in
from techmarket.listings.importing import ACHIEVEMENT_COLUMNS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "科技成果"
    sheet.append([label for _key, label, _required in ACHIEVEMENT_COLUMNS])
    rows = [
        ["S-1", "高导热氮化铝陶瓷基板", "热导率≥170W/(m·K)。", "氮化铝；陶瓷", "新材料", "", "科研院所",
         "", "中试", "发明专利", "ZL201811564288.X", "转让", 120, "天津市"],
        ["S-2", "焊缝缺陷X射线智能识别", "识别准确率98%。", "焊缝；X射线", "电子信息", "", "科研院所",
         "", "小试", "软件著作权", "", "许可", 30, "天津市"],
    ]  # fmt: skip
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_upload_publish_and_find_through_filters(
    page: Any, live_server: Any, university: Any, bureau_staff: Any, tmp_path: Path
) -> None:
    _user("institute_admin", university, "org_admin")
    base = live_server.url
    _sign_in(page, base, "institute_admin", PASSWORD)
    page.goto(f"{base}/listings/import/")
    page.get_by_label("类型").select_option(label="科技成果")
    page.get_by_label("文件（.xlsx / .csv / .jsonl）").set_input_files(
        str(_workbook(tmp_path / "成果.xlsx"))
    )
    page.get_by_role("button", name="上传并导入").click()
    page.get_by_text("导入完成：新增 2 条").wait_for()
    page.get_by_role("button", name="退出").click()

    _sign_in(page, base, "bureau_staff", PASSWORD, bureau_staff.totp_secret)
    page.get_by_role("link", name="成果需求审核").first.click()
    page.get_by_label("选择 高导热氮化铝陶瓷基板").check()
    page.get_by_label("选择 焊缝缺陷X射线智能识别").check()
    page.get_by_role("button", name="批量审核通过并发布").first.click()
    page.get_by_text("已处理 2 条").wait_for()
    page.get_by_role("button", name="退出").click()

    page.goto(f"{base}/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="科技成果").click()
    page.locator("select[name=field]").select_option(label="新材料（1）")
    page.get_by_role("button", name="筛选").click()
    assert page.locator("#result-count").inner_text() == "1"
    page.get_by_role("link", name="高导热氮化铝陶瓷基板").click()
    page.get_by_text("热导率≥170W/(m·K)。").wait_for()
    assert page.get_by_text("120万元").is_visible()
