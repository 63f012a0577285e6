from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from conftest import signed_in_client
from techmarket.contracts.tests.factories import api_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/contracts"


def _apply(client: Client, **overrides: Any) -> dict[str, Any]:
    response = client.post(URL, api_payload(**overrides), content_type="application/json")
    assert response.status_code == 201, response.content.decode()
    return response.json()


def _act(client: Client, pk: int, action: str, **body: Any) -> Any:
    return client.post(f"{URL}/{pk}/actions/{action}", body, content_type="application/json")


def test_apply_register_certificate_and_verify_through_the_api(
    client: Client, org_admin: Any, bureau_staff: Any
) -> None:
    seller = signed_in_client(Client(), org_admin)
    created = _apply(seller)
    assert created["status"] == "submitted"
    assert created["contract_amount"] == "1000000.00"
    assert created["tech_amount"] == "800000.00"

    staff = signed_in_client(Client(), bureau_staff)
    accepted = _act(staff, created["id"], "accept").json()
    assert accepted["status"] == "accepted"
    assert accepted["deadline"] is not None
    assert accepted["deadline_working_days_left"] > 0
    registered = _act(staff, created["id"], "register").json()
    number, code = registered["registration_number"], registered["verification_code"]
    assert len(number) in (14, 16)

    pdf = seller.get(f"{URL}/{created['id']}/certificate")
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert number in text
    assert code in text
    assert "合同成交额" in text
    assert "1,000,000.00元" in text
    assert "技术交易额" in text
    assert "800,000.00元" in text

    public = client.get(f"{URL}/verify", {"number": number, "code": code})
    assert public.status_code == 200
    assert public.json()["tech_amount"] == "800000.00"
    bad = client.get(f"{URL}/verify", {"number": number, "code": "AAAA-BBBB-CCCC-DDDD"})
    assert bad.status_code == 400
    assert "篡改" in bad.json()["message"]


def test_only_registry_staff_may_register(client: Client, org_admin: Any) -> None:
    seller = signed_in_client(client, org_admin)
    created = _apply(seller)
    response = _act(seller, created["id"], "accept")
    assert response.status_code == 403
    assert "只有技术合同登记机构" in response.json()["message"]


def test_parties_see_only_their_own_contracts(
    org_admin: Any, outsider: Any, bureau_staff: Any
) -> None:
    seller = signed_in_client(Client(), org_admin)
    created = _apply(seller)
    other = signed_in_client(Client(), outsider)
    assert other.get(f"{URL}/{created['id']}").status_code == 404
    assert other.get(URL).json()["count"] == 0
    assert seller.get(URL).json()["count"] == 1
    staff = signed_in_client(Client(), bureau_staff)
    assert staff.get(f"{URL}/{created['id']}").status_code == 200


def test_the_buyer_organisation_sees_the_contract(
    org_admin: Any, outsider: Any, other_enterprise: Any
) -> None:
    seller = signed_in_client(Client(), org_admin)
    created = _apply(
        seller,
        buyer_name=other_enterprise.name,
        buyer_uscc=other_enterprise.uscc,
        buyer_region_code=other_enterprise.region_code,
    )
    buyer = signed_in_client(Client(), outsider)
    assert buyer.get(f"{URL}/{created['id']}").json()["buyer_name"] == other_enterprise.name


def test_refusal_without_an_official_reason_is_refused_in_chinese(
    org_admin: Any, bureau_staff: Any
) -> None:
    created = _apply(signed_in_client(Client(), org_admin))
    staff = signed_in_client(Client(), bureau_staff)
    response = _act(staff, created["id"], "refuse")
    assert response.status_code == 400
    assert "不予登记须从规定的理由中选择" in response.json()["message"]
    refused = _act(staff, created["id"], "refuse", refusal_reason="seals").json()
    assert refused["status_label"] == "不予登记"
    assert refused["status_reason"].startswith("签章不全")


def test_amendment_through_the_api(org_admin: Any, bureau_staff: Any) -> None:
    created = _apply(signed_in_client(Client(), org_admin))
    staff = signed_in_client(Client(), bureau_staff)
    _act(staff, created["id"], "accept")
    old = _act(staff, created["id"], "register").json()
    response = staff.post(
        f"{URL}/{created['id']}/amend",
        {"reason": "补充协议", "contract_amount": "1200000"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    amended = response.json()
    assert amended["tech_amount"] == "1000000.00"
    assert amended["certificate_version"] == 2
    assert amended["verification_code"] != old["verification_code"]


def test_invalid_carrier_input_is_refused_with_the_field(org_admin: Any) -> None:
    seller = signed_in_client(Client(), org_admin)
    response = seller.post(
        URL,
        api_payload(cost_items=[{"kind": "equipment", "amount": "2000000"}]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "超过合同成交额" in response.json()["message"]
    assert "cost_items" in response.json()["fields"]


def test_the_seller_uploads_the_scan_through_the_api(org_admin: Any, outsider: Any) -> None:
    import hashlib

    seller = signed_in_client(Client(), org_admin)
    created = _apply(seller)
    content = b"%PDF-1.4 scanned contract"
    upload = io.BytesIO(content)
    upload.name = "scan.pdf"
    response = seller.post(f"{URL}/{created['id']}/scan", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json()["scan_sha256"] == hashlib.sha256(content).hexdigest()
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "scan.pdf"
    refused = seller.post(f"{URL}/{created['id']}/scan", {"file": fake})
    assert refused.status_code == 400
    assert "不是允许的类型" in refused.json()["message"]
    other = signed_in_client(Client(), outsider)
    upload.seek(0)
    assert other.post(f"{URL}/{created['id']}/scan", {"file": upload}).status_code == 404
