from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from techmarket.accounts.models import Organisation, User
from techmarket.accounts.tests.factories import registration_payload
from techmarket.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_portal_speaks_chinese_and_sends_security_headers(client: Client) -> None:
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in page
    assert "网上技术市场" in page
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert "cdn" not in page.lower()


def test_registration_page_shows_inline_errors_and_keeps_nothing(client: Client) -> None:
    data = registration_payload()
    data["uscc"] = data["uscc"][:17] + ("0" if data["uscc"][17] != "0" else "1")
    data["admin_password2"] = data["admin_password"]
    response = client.post(reverse("accounts:register"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "校验位错误" in page
    assert not Organisation.objects.exists()


def test_registration_page_creates_a_pending_organisation(client: Client) -> None:
    data = registration_payload()
    data["admin_password2"] = data["admin_password"]
    response = client.post(reverse("accounts:register"), data)
    assert "注册已提交" in response.content.decode()
    assert Organisation.objects.get(uscc=data["uscc"]).status == "pending"


def test_bureau_staff_verify_from_the_queue(
    client: Client, bureau_staff: User, pending_enterprise: Organisation
) -> None:
    signed_in_client(client, bureau_staff)
    queue = client.get(reverse("accounts:verification_queue")).content.decode()
    assert pending_enterprise.name in queue
    detail = reverse("accounts:verification_detail", args=[pending_enterprise.pk])
    response = client.post(detail, {"action": "reject", "reason": ""})
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    client.post(detail, {"action": "verify"})
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == "verified"


def test_a_member_cannot_open_the_verification_queue(client: Client, org_admin: User) -> None:
    signed_in_client(client, org_admin)
    response = client.get(reverse("accounts:verification_queue"))
    assert response.status_code == 403
    assert "科技局工作人员" in response.content.decode()


def test_org_admin_manages_members_and_keys(client: Client, org_admin: User) -> None:
    signed_in_client(client, org_admin)
    response = client.post(
        reverse("accounts:members"),
        {
            "username": "colleague",
            "full_name": "同事",
            "role": "broker",
            "password": "Str0ng-Passw0rd",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="colleague").exists()
    page = client.post(reverse("accounts:api_keys"), {"name": "成果系统"}).content.decode()
    assert "tmk_" in page


def test_auditor_page_lists_filters_and_exports(
    client: Client, auditor: User, org_admin: User
) -> None:
    signed_in_client(Client(), org_admin)
    signed_in_client(client, auditor)
    page = client.get(reverse("core:audit_log"), {"actor": "org_admin"}).content.decode()
    assert "login.success" in page
    export = client.get(reverse("core:audit_log"), {"actor": "org_admin", "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "序号"
    assert any(row[5] == "login.success" and row[2] == "org_admin" for row in rows[1:])
    assert AuditEvent.objects.filter(action="audit.export").exists()


def test_security_admin_unlocks_an_account(
    client: Client, security_admin: User, org_admin: User
) -> None:
    from django.utils import timezone

    User.objects.filter(pk=org_admin.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=10)
    )
    signed_in_client(client, security_admin)
    assert "org_admin" in client.get(reverse("accounts:security")).content.decode()
    client.post(reverse("accounts:security"), {"action": "unlock", "user_id": org_admin.pk})
    org_admin.refresh_from_db()
    assert not org_admin.is_locked()


@pytest.mark.parametrize(
    "username", ["org_admin", "bureau_staff", "auditor", "security_admin", "system_admin"]
)
def test_every_role_lands_on_a_workspace(client: Client, request: Any, username: str) -> None:
    user = request.getfixturevalue(username)
    signed_in_client(client, user)
    page = client.get(reverse("accounts:workspace")).content.decode()
    assert "工作台" in page
