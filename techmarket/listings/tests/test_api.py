from __future__ import annotations

from typing import Any

import pytest

from conftest import signed_in_client
from techmarket.listings.tests import factories
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db
S = ListingStatus


def test_the_list_api_filters_and_counts(client: Any, university: Any) -> None:
    factories.achievement(university, title="甲", status=S.PUBLISHED, field="04")
    factories.achievement(university, title="乙", status=S.PUBLISHED, field="01")
    factories.achievement(university, title="草稿", field="04")
    body = client.get("/api/v1/achievements", {"field": "04"}).json()
    assert body["count"] == 1
    assert [i["title"] for i in body["items"]] == ["甲"]
    field_facet = next(f for f in body["facets"] if f["name"] == "field")
    counts = {o["label"]: o["count"] for o in field_facet["options"]}
    assert counts["新材料"] == 1
    assert counts["电子信息"] == 1


def test_the_api_hides_confidential_identity_and_drafts(client: Any, enterprise: Any) -> None:
    secret = factories.demand(enterprise, status=S.PUBLISHED, confidential=True)
    draft = factories.demand(enterprise)
    body = client.get(f"/api/v1/demands/{secret.pk}").json()
    assert body["owner_name"] == "保密需求"
    assert body["contact_phone"] == ""
    assert client.get(f"/api/v1/demands/{draft.pk}").status_code == 404


def test_create_submit_and_publish_through_the_api(
    client: Any, org_admin: Any, bureau_staff: Any
) -> None:
    signed_in_client(client, org_admin)
    response = client.post(
        "/api/v1/achievements",
        {
            "title": "耐高温涂层",
            "abstract": "250℃",
            "field": "04",
            "price_wan": "12.5",
            "indicators": [{"name": "工作温度", "comparator": "le", "value": 250, "unit": "℃"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["price_wan"] == "12.5"
    refused = client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "published"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert "科技局" in refused.json()["message"]
    client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "submitted"},
        content_type="application/json",
    )
    client.logout()
    signed_in_client(client, bureau_staff)
    wrong = client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "closed"},
        content_type="application/json",
    )
    assert wrong.status_code in (403, 409)
    done = client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "published"},
        content_type="application/json",
    )
    assert done.json()["status"] == "published"


def test_import_through_the_api_reports_progress(
    client: Any, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    signed_in_client(client, org_admin)
    line = '{"id": "J1", "title": "t", "abstract": "a", "field": "新材料", "ip": null}\n'
    upload = SimpleUploadedFile("a.jsonl", line.encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/listings/imports", {"kind": "achievements", "file": upload, "submit": "true"}
        )
    assert response.status_code == 202, response.content
    job = client.get(f"/api/v1/listings/imports/{response.json()['id']}").json()
    assert job["state"] == "done"
    assert job["created"] == 1
    assert job["percent"] == 100
