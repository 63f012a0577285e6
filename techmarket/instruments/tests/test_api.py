from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client
from techmarket.instruments.tests.conftest import Lab, slot

pytestmark = pytest.mark.django_db


def _post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body, default=str), content_type="application/json")


def test_booking_service_acceptance_and_subsidy_through_the_api(lab: Lab) -> None:
    user = signed_in_client(Client(), lab.user_admin)
    owner = signed_in_client(Client(), lab.owner_admin)
    staff = signed_in_client(Client(), lab.staff)
    assert Client().get("/api/v1/instruments").json()[0]["name"] == "场发射扫描电镜"
    start, end = slot(2, 9, 3)
    path = f"/api/v1/instruments/{lab.instrument.pk}/bookings"
    body = {
        "user_org_id": lab.user_org.pk,
        "start_at": start.isoformat(),
        "end_at": end.isoformat(),
        "purpose": "表征",
        "samples": 4,
    }
    booking = _post(user, path, body)
    assert booking.status_code == 201, booking.json()
    overlap = _post(user, path, body)
    assert overlap.status_code == 409
    assert "该时段已被预约" in overlap.json()["message"]
    booking_id = booking.json()["id"]
    assert (
        _post(owner, f"/api/v1/bookings/{booking_id}/status", {"status": "confirmed"}).json()[
            "status"
        ]
        == "confirmed"
    )
    record = _post(
        owner,
        f"/api/v1/bookings/{booking_id}/service-record",
        {"machine_hours": "3", "fee": "1200", "invoice_number": "N-1"},
    )
    assert record.status_code == 201
    assert record.json()["related_party"] is False
    accepted = _post(
        user,
        f"/api/v1/service-records/{record.json()['id']}/acceptance",
        {"status": "accepted", "rating": 5},
    )
    assert accepted.json()["status"] == "accepted"
    year = record.json()["served_on"][:4]
    preview = owner.get(
        f"/api/v1/instrument-subsidies/preview?unit_id={lab.owner.pk}&year={year}"
    ).json()
    assert preview["amount"] == "480.00"  # 40 % of 1,200
    claim = _post(
        owner, "/api/v1/instrument-subsidies", {"unit_id": lab.owner.pk, "year": int(year)}
    )
    assert claim.status_code == 201
    decided = _post(
        staff,
        f"/api/v1/instrument-subsidies/{claim.json()['id']}/decision",
        {"decision": "approve"},
    )
    assert decided.json()["status"] == "approved"
    refused = _post(
        user, f"/api/v1/instrument-subsidies/{claim.json()['id']}/decision", {"decision": "approve"}
    )
    assert refused.status_code == 404


def test_strangers_see_neither_bookings_nor_subsidies(lab: Lab, outsider: Any) -> None:
    user = signed_in_client(Client(), lab.user_admin)
    start, end = slot(2, 9, 1)
    booking = _post(
        user,
        f"/api/v1/instruments/{lab.instrument.pk}/bookings",
        {
            "user_org_id": lab.user_org.pk,
            "start_at": start.isoformat(),
            "end_at": end.isoformat(),
            "purpose": "x",
        },
    ).json()
    stranger = signed_in_client(Client(), outsider)
    response = _post(stranger, f"/api/v1/bookings/{booking['id']}/status", {"status": "confirmed"})
    assert response.status_code == 404
    # The user may cancel but not confirm its own booking.
    response = _post(user, f"/api/v1/bookings/{booking['id']}/status", {"status": "confirmed"})
    assert response.status_code == 403
    assert "确认或拒绝预约" in response.json()["message"]
    page = stranger.get(f"/instruments/{lab.instrument.pk}/").content.decode()
    assert "场发射扫描电镜" in page  # the catalogue is public
    assert stranger.get("/instruments/bureau/").status_code == 404
