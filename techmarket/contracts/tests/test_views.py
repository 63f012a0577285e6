from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from conftest import signed_in_client
from techmarket.contracts import services
from techmarket.contracts.certificates import verification_code
from techmarket.contracts.imports import COLUMNS
from techmarket.contracts.models import Contract
from techmarket.contracts.tests.factories import BUYER_USCC, contract_input
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.demo import make_uscc

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "project_name": "智能巡检机器人技术开发",
        "contract_type": "dev_commissioned",
        "field": "08",
        "ip_type": "invention",
        "buyer_name": "苏州精工机械有限公司",
        "buyer_uscc": BUYER_USCC,
        "buyer_region_code": "320505",
        "buyer_nature": "150",
        "signed_on": str(today - timedelta(days=1)),
        "valid_from": str(today - timedelta(days=1)),
        "valid_until": str(today + timedelta(days=300)),
        "contract_amount": "500000",
        "payment_mode": "lump_sum_once",
        "payment_schedule": "",
        "cost_0_kind": "carrier_equipment",
        "cost_0_description": "样机3套",
        "cost_0_quantity": "3",
        "cost_0_amount": "150000",
    }
    data.update(overrides)
    return data


def test_enterprise_applies_through_the_form_with_a_scan(org_admin: Any) -> None:
    client = signed_in_client(Client(), org_admin)
    scan = io.BytesIO(b"%PDF-1.4 contract scan")
    scan.name = "合同.pdf"
    response = client.post("/contracts/apply/", {**_form(), "scan": scan}, follow=True)
    assert "登记申请已提交" in response.content.decode()
    contract = Contract.objects.get()
    # 500,000 − 150,000 + 2 of 3 sets (100,000)
    assert str(contract.tech_amount) == "450000.00"
    assert contract.scan_sha256
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "450,000.00元" in page
    assert "待受理" in page
    assert client.get(f"/contracts/{contract.pk}/scan").status_code == 200


def test_a_renamed_executable_is_refused_as_scan(org_admin: Any) -> None:
    client = signed_in_client(Client(), org_admin)
    scan = io.BytesIO(b"MZ\x90\x00 not a pdf")
    scan.name = "合同.pdf"
    response = client.post("/contracts/apply/", {**_form(), "scan": scan})
    assert "不是允许的类型" in response.content.decode()
    assert not Contract.objects.exists()


def test_staff_register_on_the_page_and_see_the_deadline(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    staff = signed_in_client(Client(), bureau_staff)
    queue = staff.get("/contracts/").content.decode()
    assert contract.project_name in queue
    staff.post(f"/contracts/{contract.pk}/", {"action": "accept"})
    page = staff.get(f"/contracts/{contract.pk}/").content.decode()
    assert "个工作日" in page
    assert "待受理 → 已受理" in page
    staff.post(f"/contracts/{contract.pk}/", {"action": "register"})
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REGISTERED
    seller = signed_in_client(Client(), org_admin)
    pdf = seller.get(f"/contracts/{contract.pk}/certificate.pdf")
    assert pdf.content.startswith(b"%PDF")


def test_seller_cannot_see_staff_buttons_nor_register(org_admin: Any, enterprise: Any) -> None:
    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    client = signed_in_client(Client(), org_admin)
    page = client.get(f"/contracts/{contract.pk}/").content.decode()
    assert "准予登记" not in page
    response = client.post(f"/contracts/{contract.pk}/", {"action": "accept"}, follow=True)
    assert "只有技术合同登记机构" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED


def test_public_verify_page(
    client: Client, org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    for status in (ContractStatus.ACCEPTED, ContractStatus.REGISTERED):
        contract = services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=status
        )
    code = verification_code(contract)
    ok = client.get("/contracts/verify/", {"number": contract.registration_number, "code": code})
    assert "登记证明有效" in ok.content.decode()
    assert "80万元" in ok.content.decode()
    bad = client.get(
        "/contracts/verify/", {"number": contract.registration_number, "code": code[::-1]}
    )
    assert "验证码与登记编号不符" in bad.content.decode()


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "history.xlsx"
    return buffer


def _history_row(number: str, **overrides: Any) -> list[Any]:
    values = {
        "合同登记编号": number, "登记日期": "2024-05-06", "项目名称": "历史合同",
        "合同类别": "技术服务", "卖方名称": "津海大学", "卖方统一社会信用代码": make_uscc("12", "120104", 1),
        "卖方行政区划代码": "120104", "卖方性质": "022", "买方名称": "某公司",
        "买方统一社会信用代码": BUYER_USCC, "买方行政区划代码": "320505", "买方性质": "150",
        "签订日期": "2024-04-01", "有效期起": "2024-04-01", "有效期止": "2025-04-01",
        "技术领域": "电子信息", "知识产权类型": "none", "合同成交额（元）": 300000,
        "技术交易额（元）": 280000, "支付方式": "lump_sum_once",
    }  # fmt: skip
    values.update(overrides)
    return [values[c] for c in COLUMNS]


def test_import_is_all_or_nothing_with_an_error_report(bureau_staff: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    bad = _xlsx(
        [
            _history_row("24120101000001"),
            _history_row("24120101000002", **{"卖方统一社会信用代码": "123"}),
            _history_row("24120101000001"),
        ]
    )
    page = staff.post("/contracts/import/", {"file": bad}).content.decode()
    assert "未导入任何数据" in page
    assert "统一社会信用代码应为18位" in page
    assert "与第 2 行的编号重复" in page
    assert not Contract.objects.exists()
    good = _xlsx([_history_row("24120101000001"), _history_row("24120101000002")])
    page = staff.post("/contracts/import/", {"file": good}).content.decode()
    assert "已导入 2 份历史技术合同" in page
    assert Contract.objects.filter(status="registered", imported=True).count() == 2


def test_only_staff_import(org_admin: Any) -> None:
    client = signed_in_client(Client(), org_admin)
    assert client.get("/contracts/import/").status_code == 403


def test_import_and_reminder_commands(
    bureau_staff: Any, org_admin: Any, enterprise: Any, tmp_path: Any
) -> None:
    from django.core.management import call_command

    from techmarket.core.models import Notification

    path = tmp_path / "history.xlsx"
    path.write_bytes(_xlsx([_history_row("24120101000009")]).getvalue())
    out = io.StringIO()
    call_command("contracts_import", str(path), "--actor", "bureau_staff", stdout=out)
    assert "已导入 1 份" in out.getvalue()

    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    services.contract_transition(
        actor=bureau_staff, contract=contract, to_status=ContractStatus.ACCEPTED
    )
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.localdate())
    out = io.StringIO()
    call_command("contracts_deadline_reminders", stdout=out)
    assert "剩余 0 个工作日" in out.getvalue()
    assert Notification.objects.filter(user=bureau_staff, kind="contract_deadline").exists()


def test_import_through_the_api_returns_the_error_report(bureau_staff: Any, org_admin: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    bad = _xlsx([_history_row("24120101000001", **{"合同成交额（元）": "abc"})])
    response = staff.post("/api/v1/contracts/import", {"file": bad})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"row": 2, "column": "合同成交额（元）", "message": "“abc”不是有效金额"}
    ]
    good = _xlsx([_history_row("24120101000001")])
    assert staff.post("/api/v1/contracts/import", {"file": good}).json()["created"] == 1
    seller = signed_in_client(Client(), org_admin)
    good.seek(0)
    assert seller.post("/api/v1/contracts/import", {"file": good}).status_code == 403


def test_pages_hide_other_parties_contracts(
    org_admin: Any, enterprise: Any, outsider: Any, bureau_staff: Any
) -> None:
    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    for status in (ContractStatus.ACCEPTED, ContractStatus.REGISTERED):
        services.contract_transition(actor=bureau_staff, contract=contract, to_status=status)
    other = signed_in_client(Client(), outsider)
    assert other.get(f"/contracts/{contract.pk}/").status_code == 404
    assert other.get(f"/contracts/{contract.pk}/certificate.pdf").status_code == 404
    assert contract.project_name not in other.get("/contracts/?status=all").content.decode()
    assert Client().get("/contracts/").status_code == 302  # to the login page
    assert other.get("/contracts/export.xlsx").status_code == 403
