from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from conftest import signed_in_client
from techmarket.listings.models import Achievement
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


PDF = b"%PDF-1.4\n%test attachment\n"


def _upload(client: Any, kind: str, pk: int, name: str, content: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        f"/api/v1/{kind}/{pk}/attachments", {"file": SimpleUploadedFile(name, content)}
    )


def test_the_owner_uploads_lists_downloads_and_deletes_attachments(
    client: Any, org_admin: Any, enterprise: Any
) -> None:
    draft = factories.achievement(enterprise)
    signed_in_client(client, org_admin)
    uploaded = _upload(client, "achievements", draft.pk, "说明书.pdf", PDF)
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert (body["name"], body["content_type"], body["size"]) == (
        "说明书.pdf",
        "application/pdf",
        len(PDF),
    )
    listed = client.get(f"/api/v1/achievements/{draft.pk}/attachments").json()
    assert [a["name"] for a in listed] == ["说明书.pdf"]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    stored = draft.attachments.get().file
    # Stored under MEDIA_ROOT, which no URL serves: only the checked endpoint hands it out.
    assert Path(stored.path).is_relative_to(django_settings.MEDIA_ROOT)
    assert Path(stored.path).read_bytes() == PDF
    assert client.get(stored.url).status_code == 404
    deleted = client.delete(body["download_url"])
    assert deleted.status_code == 204
    assert draft.attachments.count() == 0
    assert client.get(body["download_url"]).status_code == 404


def test_attachments_of_a_wrong_type_or_too_large_are_refused(
    client: Any, org_admin: Any, enterprise: Any, settings: Any
) -> None:
    draft = factories.demand(enterprise)
    signed_in_client(client, org_admin)
    fake = _upload(client, "demands", draft.pk, "合同.pdf", b"MZ\x90\x00 this is an exe")
    assert fake.status_code == 400
    assert fake.json()["code"] == "file_type"
    assert "不是允许的类型" in fake.json()["message"]
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = _upload(client, "demands", draft.pk, "大文件.pdf", PDF + b"0" * 2048)
    assert big.status_code == 400
    assert big.json()["code"] == "file_too_large"
    assert "超过上限" in big.json()["message"]
    assert draft.attachments.count() == 0


def test_attachment_access_follows_the_listing_rules(
    client: Any, org_admin: Any, outsider: Any, enterprise: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from techmarket.listings import services

    draft = factories.achievement(enterprise)
    published = factories.achievement(enterprise, title="已发布")
    hidden = services.attachment_add(
        actor=org_admin, listing=draft, upload=SimpleUploadedFile("草稿.pdf", PDF)
    )
    shown = services.attachment_add(
        actor=org_admin, listing=published, upload=SimpleUploadedFile("公开.pdf", PDF)
    )
    Achievement.objects.filter(pk=published.pk).update(status=S.PUBLISHED)
    # The public: a published listing's attachments, never a draft's.
    assert client.get(f"/api/v1/achievements/{draft.pk}/attachments").status_code == 404
    assert client.get(f"/api/v1/achievements/{draft.pk}/attachments/{hidden.pk}").status_code == 404
    assert [
        a["name"] for a in client.get(f"/api/v1/achievements/{published.pk}/attachments").json()
    ] == ["公开.pdf"]
    assert (
        client.get(f"/api/v1/achievements/{published.pk}/attachments/{shown.pk}").status_code == 200
    )
    # An attachment is reachable only under its own listing.
    assert (
        client.get(f"/api/v1/achievements/{published.pk}/attachments/{hidden.pk}").status_code
        == 404
    )
    assert client.get(f"/api/v1/demands/{published.pk}/attachments/{shown.pk}").status_code == 404
    # Anonymous writes are refused.
    assert _upload(client, "achievements", published.pk, "x.pdf", PDF).status_code == 401
    # Another organisation may read the published one but neither upload nor delete.
    signed_in_client(client, outsider)
    assert _upload(client, "achievements", published.pk, "x.pdf", PDF).status_code == 403
    assert _upload(client, "achievements", draft.pk, "x.pdf", PDF).status_code == 404
    refused = client.delete(f"/api/v1/achievements/{published.pk}/attachments/{shown.pk}")
    assert refused.status_code == 403
    client.logout()
    # The owner may not delete once published (only drafts and returned listings change).
    signed_in_client(client, org_admin)
    locked = client.delete(f"/api/v1/achievements/{published.pk}/attachments/{shown.pk}")
    assert locked.status_code == 403
    assert locked.json()["code"] == "not_editable"
    assert published.attachments.count() == 1


def test_attachments_of_a_confidential_demand_stay_with_those_who_may_see_its_identity(
    client: Any, org_admin: Any, outsider: Any, enterprise: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from techmarket.listings import services

    secret = factories.demand(enterprise, title="保密需求", confidential=True)
    drawing = services.attachment_add(
        actor=org_admin, listing=secret, upload=SimpleUploadedFile("图纸.pdf", PDF)
    )
    secret.__class__.objects.filter(pk=secret.pk).update(status=S.PUBLISHED)
    url = f"/api/v1/demands/{secret.pk}/attachments"
    # the demand itself is public, its drawings (which may bear the company name) are not
    assert client.get(f"/api/v1/demands/{secret.pk}").status_code == 200
    assert client.get(url).json() == []
    assert client.get(f"{url}/{drawing.pk}").status_code == 404
    assert "图纸.pdf" not in client.get(f"/demands/{secret.pk}/").content.decode()
    signed_in_client(client, outsider)
    assert client.get(url).json() == []
    client.logout()
    signed_in_client(client, org_admin)
    assert [a["name"] for a in client.get(url).json()] == ["图纸.pdf"]
    assert client.get(f"{url}/{drawing.pk}").status_code == 200
