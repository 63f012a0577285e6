from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from conftest import signed_in_client
from techmarket.listings.exporting import template_xlsx
from techmarket.listings.models import Achievement, ImportJob
from techmarket.listings.tests import factories
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db
S = ListingStatus


def test_the_public_list_shows_only_published_and_counts_each_filter_option(
    client: Any, university: Any
) -> None:
    factories.achievement(university, title="已发布的涂层", status=S.PUBLISHED, field="04")
    factories.achievement(
        university, title="另一项电子", status=S.PUBLISHED, field="01", price=Decimal("500000")
    )
    factories.achievement(university, title="草稿成果", status=S.DRAFT, field="04")
    page = client.get(reverse("listings:achievement_list")).content.decode()
    assert "已发布的涂层" in page
    assert "草稿成果" not in page
    assert "新材料（1）" in page
    assert "电子信息（1）" in page
    filtered = client.get(reverse("listings:achievement_list"), {"field": "04"}).content.decode()
    assert "已发布的涂层" in filtered
    assert "另一项电子" not in filtered
    assert "电子信息（1）" in filtered  # other options keep their counts
    priced = client.get(reverse("listings:achievement_list"), {"min_wan": "10"}).content.decode()
    assert "另一项电子" in priced
    assert "已发布的涂层" not in priced
    searched = client.get(reverse("listings:achievement_list"), {"q": "涂层"}).content.decode()
    assert "已发布的涂层" in searched
    assert "另一项电子" not in searched


def test_the_filtered_list_exports_to_xlsx(client: Any, university: Any) -> None:
    factories.achievement(university, title="甲", status=S.PUBLISHED, field="04")
    factories.achievement(university, title="乙", status=S.PUBLISHED, field="01")
    response = client.get(reverse("listings:achievement_list"), {"field": "04", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["甲"]


def test_the_public_never_sees_drafts_or_confidential_identity(
    client: Any, enterprise: Any, bureau_staff: Any
) -> None:
    draft = factories.achievement(enterprise)
    assert client.get(reverse("listings:achievement_detail", args=[draft.pk])).status_code == 404
    secret = factories.demand(enterprise, status=S.PUBLISHED, confidential=True)
    page = client.get(reverse("listings:demand_detail", args=[secret.pk])).content.decode()
    assert "印染废水脱色" in page
    assert enterprise.name not in page
    assert "0575-88888888" not in page
    assert "保密需求" in page
    listing = client.get(reverse("listings:demand_list")).content.decode()
    assert enterprise.name not in listing
    staff = signed_in_client(client, bureau_staff)
    page = staff.get(reverse("listings:demand_detail", args=[secret.pk])).content.decode()
    assert enterprise.name in page


def test_another_organisation_cannot_edit(client: Any, outsider: Any, enterprise: Any) -> None:
    listing = factories.achievement(enterprise)
    signed_in_client(client, outsider)
    response = client.get(reverse("listings:edit", args=["achievements", listing.pk]))
    assert response.status_code == 404


def test_create_form_shows_errors_next_to_the_field_then_submit_and_publish(
    client: Any, org_admin: Any, bureau_staff: Any
) -> None:
    signed_in_client(client, org_admin)
    data = {
        "title": "耐高温涂层",
        "abstract": "工作温度250℃",
        "field": "04",
        "patents_text": "ZL2019 1 0123456.7",
        "amount_wan": "12.5",
        "transfer_modes": ["transfer"],
    }
    response = client.post(reverse("listings:create", args=["achievements"]), data)
    assert response.status_code == 200
    assert "校验位错误" in response.content.decode(), response.content.decode()[-3000:]
    data["patents_text"] = "ZL201811564288.X"
    response = client.post(reverse("listings:create", args=["achievements"]), data)
    listing = Achievement.objects.get()
    assert listing.price == Decimal("125000.00")
    client.post(
        reverse("listings:transition", args=["achievements", listing.pk]),
        {"to_status": "submitted"},
    )
    client.logout()
    signed_in_client(client, bureau_staff)
    queue = client.get(reverse("listings:review_queue")).content.decode()
    assert "耐高温涂层" in queue
    client.post(
        reverse("listings:review_queue"),
        {"kind": "achievements", "ids": [listing.pk], "to_status": "published"},
    )
    listing.refresh_from_db()
    assert listing.status == S.PUBLISHED


def test_review_queue_is_for_bureau_staff_only(client: Any, org_admin: Any) -> None:
    signed_in_client(client, org_admin)
    assert client.get(reverse("listings:review_queue")).status_code == 403


def test_uploading_an_xlsx_runs_the_import_and_shows_errors(
    client: Any, org_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in_client(client, org_admin)
    upload = SimpleUploadedFile("成果.xlsx", template_xlsx("achievements"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("listings:import"), {"kind": "achievements", "file": upload, "submit": "on"}
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("listings:import_job", args=[job.pk])).content.decode()
    assert "导入完成：新增 1 条" in page
    assert Achievement.objects.get().status == S.SUBMITTED
    bad = SimpleUploadedFile("bad.csv", "编号,成果名称\nA1,x\n".encode("gbk"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("listings:import"), {"kind": "achievements", "file": bad})
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None
    page = client.get(reverse("listings:import_job", args=[job.pk])).content.decode()
    assert "不是 UTF-8 编码" in page
    report = client.get(reverse("listings:import_errors", args=[job.pk]))
    assert report.status_code == 200


def test_nav_links_resolve(client: Any, bureau_staff: Any) -> None:
    page = client.get("/").content.decode()
    assert reverse("listings:achievement_list") in page
    assert "技术需求" in page


def test_a_supplier_sees_a_confidential_demand_only_after_the_enterprise_accepts(
    client: Any, org_admin: Any, enterprise: Any, outsider: Any
) -> None:
    secret = factories.demand(enterprise, status=S.PUBLISHED, confidential=True)
    url = reverse("listings:demand_detail", args=[secret.pk])
    signed_in_client(client, outsider)
    assert enterprise.name not in client.get(url).content.decode()
    client.post(reverse("listings:contact_request", args=[secret.pk]), {"message": "可提供方案"})
    assert enterprise.name not in client.get(url).content.decode()
    client.logout()
    signed_in_client(client, org_admin)
    page = client.get(url).content.decode()
    assert "可提供方案" in page
    contact = secret.contact_requests.get()
    client.post(reverse("listings:contact_decide", args=[contact.pk]), {"accept": "1"})
    client.logout()
    signed_in_client(client, outsider)
    page = client.get(url).content.decode()
    assert enterprise.name in page
    assert "0575-88888888" in page


def test_attachments_are_checked_stored_and_served_only_to_those_who_may_see(
    client: Any, org_admin: Any, enterprise: Any, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    listing = factories.achievement(enterprise)
    signed_in_client(client, org_admin)
    url = reverse("listings:attachment_add", args=["achievements", listing.pk])
    fake = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf")
    client.post(url, {"file": fake})
    assert listing.attachments.count() == 0
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4\n%test\n")
    client.post(url, {"file": pdf})
    attachment = listing.attachments.get()
    download = client.get(reverse("listings:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    client.logout()
    assert client.get(reverse("listings:attachment", args=[attachment.pk])).status_code == 404


def test_facet_counts_follow_a_publication_at_once(
    client: Any, enterprise: Any, bureau_staff: Any, django_capture_on_commit_callbacks: Any
) -> None:
    factories.achievement(enterprise, status=S.PUBLISHED, field="04")
    waiting = factories.achievement(enterprise, status=S.SUBMITTED, field="04")
    assert "新材料（1）" in client.get(reverse("listings:achievement_list")).content.decode()
    from techmarket.listings import services

    with django_capture_on_commit_callbacks(execute=True):
        services.listing_transition(actor=bureau_staff, listing=waiting, to_status=S.PUBLISHED)
    page = client.get(reverse("listings:achievement_list")).content.decode()
    assert "新材料（2）" in page
