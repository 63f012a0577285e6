from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client
from techmarket.vouchers.models import LedgerEntry
from techmarket.vouchers.tests.factories import World, confirmed_order, issue_voucher, pdf

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: Any, **headers: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def test_the_public_sees_programmes_and_products(world: World, client: Client) -> None:
    programmes = client.get("/api/v1/voucher-programmes").json()
    assert programmes[0]["name"] == "2026年度科技创新券"
    assert programmes[0]["settlement_mode"] == "provider"
    products = client.get("/api/v1/service-products").json()
    assert products[0]["name"] == "材料成分检测"


def test_the_voucher_story_through_the_api(world: World) -> None:
    enterprise = signed_in_client(Client(), world.enterprise_admin)
    staff = signed_in_client(Client(), world.staff)
    provider = signed_in_client(Client(), world.provider_admin)
    response = _post(
        enterprise,
        f"/api/v1/voucher-programmes/{world.programme.pk}/applications",
        {"enterprise_id": world.enterprise.pk, "requested_amount": "60000", "purpose": "检测"},
    )
    assert response.status_code == 201, response.json()
    application_id = response.json()["id"]
    response = _post(
        staff,
        f"/api/v1/voucher-applications/{application_id}/decision",
        {"decision": "approve", "approved_amount": "400000"},
    )
    assert response.status_code == 409
    assert "核定金额应大于 0 且不超过" in response.json()["message"]
    response = _post(
        staff, f"/api/v1/voucher-applications/{application_id}/decision", {"decision": "approve"}
    )
    assert response.json()["status"] == "approved"
    voucher = enterprise.get("/api/v1/vouchers").json()[0]
    assert voucher["balance"] == "60000.00"

    order = _post(
        enterprise, f"/api/v1/vouchers/{voucher['id']}/orders", {"product_id": world.product.pk}
    ).json()
    response = provider.post(
        f"/api/v1/voucher-orders/{order['id']}/delivery",
        {
            "contract_party_a": world.enterprise.name,
            "contract_party_b": world.provider_org.name,
            "invoice_number": "INV-API-1",
            "contract_file": pdf(),
            "report_file": pdf(),
            "payment_proof_file": pdf(),
        },
    )
    assert response.json()["status"] == "delivered", response.json()
    response = _post(
        enterprise, f"/api/v1/voucher-orders/{order['id']}/confirmation", {"rating": 5}
    )
    assert response.json()["status"] == "confirmed"

    path = f"/api/v1/voucher-orders/{order['id']}/redemptions"
    missing = _post(provider, path, {"amount": "20000"})
    assert missing.status_code == 400
    assert "幂等键" in missing.json()["message"]
    first = _post(provider, path, {"amount": "20000"}, HTTP_IDEMPOTENCY_KEY="claim-1")
    assert first.status_code == 201
    replay = _post(provider, path, {"amount": "20000"}, HTTP_IDEMPOTENCY_KEY="claim-1")
    assert replay.status_code == 200
    assert replay.json() == first.json()
    clash = _post(provider, path, {"amount": "19000"}, HTTP_IDEMPOTENCY_KEY="claim-1")
    assert clash.status_code == 409
    assert clash.json()["code"] == "idempotency_key_reused"
    assert LedgerEntry.objects.filter(kind="claim").count() == 1
    lines = enterprise.get(f"/api/v1/vouchers/{voucher['id']}/ledger").json()
    assert [(e["account"], e["kind"], e["amount"]) for e in lines] == [
        ("budget", "issue", "-60000.00"),
        ("voucher", "issue", "60000.00"),
        ("voucher", "claim", "-20000.00"),
    ]

    redemption_id = first.json()["id"]
    assert (
        _post(
            staff, f"/api/v1/redemptions/{redemption_id}/decision", {"decision": "approve"}
        ).json()["status"]
        == "approved"
    )
    batch = _post(staff, "/api/v1/settlements", {"programme_id": world.programme.pk})
    assert batch.status_code == 201
    assert batch.json()["total"] == "20000.00"
    export = staff.get(f"/api/v1/settlements/{batch.json()['id']}/export")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_api_refuses_strangers_and_non_staff(world: World, outsider: Any) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    stranger = signed_in_client(Client(), outsider)
    assert stranger.get(f"/api/v1/vouchers/{voucher.pk}").status_code == 404
    assert stranger.get(f"/api/v1/voucher-orders/{order.pk}").status_code == 404
    response = stranger.get("/api/v1/settlements")
    assert response.status_code == 403
    assert "科技局工作人员" in response.json()["message"]
    assert Client().get("/api/v1/vouchers").status_code == 401


def test_a_missing_object_answers_in_the_one_error_shape(bureau_staff: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    response = staff.get("/api/v1/voucher-programmes/999/ledger")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "找不到" in response.json()["message"]


def test_lists_are_paged(world: World) -> None:
    for _ in range(3):
        issue_voucher(world, "1000")
    enterprise = signed_in_client(Client(), world.enterprise_admin)
    first = enterprise.get("/api/v1/vouchers?limit=2").json()
    rest = enterprise.get("/api/v1/vouchers?limit=2&offset=2").json()
    assert len(first) == 2
    assert len(rest) == 1
    assert {v["id"] for v in first}.isdisjoint({v["id"] for v in rest})
