"""Shared test set-up: personas, the PostgreSQL/Chromium presence rules, a browser.

Outside CI a missing PostgreSQL or Chromium skips those tests with a printed reason;
with CI=true a missing component fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("TECHMARKET_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "Test-Pass-2026!"

# The append-only trigger would stop pytest-django from flushing tables between
# transactional tests; test_audit installs it explicitly and checks it.
settings.AUDIT_DB_GUARD = False
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def pytest_report_header(config: Any) -> list[str]:
    return [f"database: {connection.vendor} ({settings.DATABASES['default'].get('NAME')})"]


@pytest.fixture(scope="session", autouse=True)
def _database_reachable(django_db_blocker: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        try:
            connection.ensure_connection()
        except Exception as exc:  # pragma: no cover - depends on the machine
            if IN_CI:
                pytest.exit(f"CI=true but PostgreSQL is unreachable: {exc}", returncode=1)
            pytest.skip(f"PostgreSQL unreachable, skipping: {exc}")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# ---- personas (healthchecks' alice/bob/charlie) ------------------------------------


def _org(name: str, org_type: str, serial: int, *, verified: bool = True) -> Any:
    from techmarket.accounts.models import Organisation
    from techmarket.accounts.workflow import OrganisationStatus
    from techmarket.core.demo import make_uscc

    return Organisation.objects.create(
        name=name,
        type=org_type,
        uscc=make_uscc("91" if org_type == "enterprise" else "12", "120116", 40000000 + serial),
        region_code="120116",
        contact_name="联系人",
        contact_phone="022-12345678",
        status=OrganisationStatus.VERIFIED if verified else OrganisationStatus.PENDING,
    )


def _user(username: str, organisation: Any, role: str, *, totp: bool = False) -> Any:
    from django.utils import timezone

    from techmarket.accounts.models import Membership, User

    user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
    if totp:
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = timezone.now()
        user.save()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def enterprise(db: Any) -> Any:
    return _org("甲企业有限公司", "enterprise", 1)


@pytest.fixture
def other_enterprise(db: Any) -> Any:
    return _org("乙企业有限公司", "enterprise", 2)


@pytest.fixture
def pending_enterprise(db: Any) -> Any:
    return _org("待审企业有限公司", "enterprise", 3, verified=False)


@pytest.fixture
def university(db: Any) -> Any:
    return _org("甲大学", "university", 4)


@pytest.fixture
def bureau(db: Any) -> Any:
    return _org("滨海市科学技术局", "government", 5)


@pytest.fixture
def org_admin(enterprise: Any) -> Any:
    return _user("org_admin", enterprise, "org_admin")


@pytest.fixture
def org_member(enterprise: Any) -> Any:
    return _user("org_member", enterprise, "member")


@pytest.fixture
def outsider(other_enterprise: Any) -> Any:
    return _user("outsider", other_enterprise, "org_admin")


@pytest.fixture
def pending_admin(pending_enterprise: Any) -> Any:
    return _user("pending_admin", pending_enterprise, "org_admin")


@pytest.fixture
def broker(university: Any) -> Any:
    return _user("broker", university, "broker")


@pytest.fixture
def expert(university: Any) -> Any:
    return _user("expert", university, "expert")


@pytest.fixture
def bureau_staff(bureau: Any) -> Any:
    return _user("bureau_staff", bureau, "bureau_staff", totp=True)


@pytest.fixture
def auditor(bureau: Any) -> Any:
    return _user("auditor", bureau, "auditor", totp=True)


@pytest.fixture
def security_admin(bureau: Any) -> Any:
    return _user("security_admin", bureau, "security_admin", totp=True)


@pytest.fixture
def system_admin(bureau: Any) -> Any:
    user = _user("system_admin", bureau, "system_admin", totp=True)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def signed_in_client(client: Any, user: Any) -> Any:
    """A client signed in through the real login pages (both factors when needed)."""
    from django.urls import reverse

    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    if response.status_code == 302 and response["Location"].endswith(
        reverse("accounts:login_totp")
    ):
        user.refresh_from_db()
        code = pyotp.TOTP(user.totp_secret).now()
        response = client.post(reverse("accounts:login_totp"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# ---- the browser --------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}"
        if IN_CI:
            pytest.fail(f"CI=true but {message}")
        pytest.skip(f"{message}: browser tests skipped")
    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse
    # to run beside it without this (the ORM calls here are the test's own, synchronous).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
