from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD, signed_in_client
from techmarket.accounts.middleware import SESSION_AUTH_AT
from techmarket.accounts.models import User
from techmarket.core.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
TOTP = reverse("accounts:login_totp")
WORKSPACE = reverse("accounts:workspace")


def _post_login(client: Client, username: str, password: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_member_signs_in_with_a_password_and_it_is_audited(
    client: Client, org_admin: User
) -> None:
    response = _post_login(client, "org_admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == WORKSPACE
    assert client.get(WORKSPACE).status_code == 200
    assert AuditEvent.objects.filter(action="login.success", actor_id=org_admin.pk).exists()


def test_a_wrong_password_says_how_many_tries_are_left(client: Client, org_admin: User) -> None:
    response = _post_login(client, "org_admin", "wrong-password")
    assert "再失败4次账户将被锁定15分钟" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failure", success=False).count() == 1


def test_five_failures_lock_the_account_for_fifteen_minutes(
    client: Client, org_admin: User
) -> None:
    for _ in range(settings.LOGIN_MAX_FAILURES):
        _post_login(client, "org_admin", "wrong-password")
    org_admin.refresh_from_db()
    assert org_admin.is_locked()
    minutes = (org_admin.locked_until - timezone.now()).total_seconds() / 60
    assert 14 < minutes <= 15
    assert AuditEvent.objects.filter(action="login.lockout").count() == 1
    # Even the right password is refused while locked.
    response = _post_login(client, "org_admin", PASSWORD)
    assert "账户已锁定" in response.content.decode()
    assert client.get(WORKSPACE).status_code == 302
    # After the lock-out period the right password works again.
    User.objects.filter(pk=org_admin.pk).update(locked_until=timezone.now() - timedelta(seconds=1))
    assert _post_login(client, "org_admin", PASSWORD)["Location"] == WORKSPACE


def test_an_unknown_user_gets_the_same_message(client: Client, db: Any) -> None:
    response = _post_login(client, "nobody", "whatever-123")
    assert "用户名或密码错误" in response.content.decode()


def test_bureau_staff_need_the_second_factor(client: Client, bureau_staff: User) -> None:
    response = _post_login(client, "bureau_staff", PASSWORD)
    assert response["Location"] == TOTP
    # The password alone does not sign in.
    assert client.get(WORKSPACE).status_code == 302
    wrong = client.post(TOTP, {"code": "000000"})
    assert "动态口令错误" in wrong.content.decode()
    code = pyotp.TOTP(bureau_staff.totp_secret).now()
    response = client.post(TOTP, {"code": code})
    assert response["Location"] == WORKSPACE
    assert client.get(WORKSPACE).status_code == 200


def test_a_used_code_cannot_be_replayed(bureau_staff: User) -> None:
    code = pyotp.TOTP(bureau_staff.totp_secret).now()
    first, second = Client(), Client()
    _post_login(first, "bureau_staff", PASSWORD)
    assert first.post(TOTP, {"code": code})["Location"] == WORKSPACE
    _post_login(second, "bureau_staff", PASSWORD)
    response = second.post(TOTP, {"code": code})
    assert response.status_code == 200
    assert "已使用" in response.content.decode()


def test_a_privileged_user_without_a_second_factor_enrols_first(
    client: Client, bureau: Any
) -> None:
    from techmarket.accounts.models import Membership

    user = User.objects.create_user(username="newstaff", password=PASSWORD)
    Membership.objects.create(user=user, organisation=bureau, role="auditor")
    _post_login(client, "newstaff", PASSWORD)
    page = client.get(TOTP).content.decode()
    user.refresh_from_db()
    assert user.totp_secret
    assert user.totp_secret in page
    response = client.post(TOTP, {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response["Location"] == WORKSPACE
    user.refresh_from_db()
    assert user.totp_confirmed_at is not None


def test_totp_failures_count_towards_the_lockout(client: Client, bureau_staff: User) -> None:
    _post_login(client, "bureau_staff", PASSWORD)
    for _ in range(settings.LOGIN_MAX_FAILURES):
        client.post(TOTP, {"code": "000000"})
    bureau_staff.refresh_from_db()
    assert bureau_staff.is_locked()


def test_sessions_expire_after_thirty_idle_minutes(client: Client, org_admin: User) -> None:
    signed_in_client(client, org_admin)
    client.get(WORKSPACE)
    assert client.session.get_expiry_age() == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # each request renews the idle deadline
    # A session whose idle deadline has passed is gone.
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))
    session.save()
    assert client.get(WORKSPACE).status_code == 302


def test_sessions_end_after_twelve_hours_whatever_the_activity(
    client: Client, org_admin: User
) -> None:
    signed_in_client(client, org_admin)
    session = client.session
    session[SESSION_AUTH_AT] = time.time() - 12 * 3600 - 1
    session.save()
    response = client.get(WORKSPACE)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action="logout", summary__contains="最长时限").exists()


def test_sign_out_is_audited(client: Client, org_admin: User) -> None:
    signed_in_client(client, org_admin)
    client.post(reverse("accounts:logout"))
    assert AuditEvent.objects.filter(action="logout", actor_id=org_admin.pk).exists()
    assert client.get(WORKSPACE).status_code == 302


def test_the_admin_site_is_only_for_the_system_administrator(
    client: Client, system_admin: User, auditor: User
) -> None:
    signed_in_client(client, system_admin)
    assert client.get("/admin/").status_code == 200
    # The audit log is not in the system administrator's admin site.
    assert client.get("/admin/core/auditevent/").status_code == 404
    assert client.get(reverse("core:audit_log")).status_code == 403
    other = signed_in_client(Client(), auditor)
    assert other.get("/admin/").status_code == 302
