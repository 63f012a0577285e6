from __future__ import annotations

import io

import pyotp
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from techmarket.accounts.demo import DEMO_PASSWORD, USERS
from techmarket.accounts.models import Organisation, OrganisationType, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_demo_has_every_organisation_type_and_prints_the_logins(demo: str) -> None:
    assert {o.type for o in Organisation.objects.all()} == set(OrganisationType.values)
    for username, *_ in USERS:
        assert username in demo
    assert DEMO_PASSWORD in demo


def test_demo_runs_once(demo: str) -> None:
    again = io.StringIO()
    call_command("demo", stdout=again)
    assert "跳过" in again.getvalue()
    assert User.objects.filter(username="enterprise").count() == 1


@pytest.mark.parametrize(("username", "has_totp"), [(u[0], bool(u[4])) for u in USERS])
def test_every_demo_login_signs_in(demo: str, username: str, has_totp: bool) -> None:
    client = Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
    )
    if has_totp:
        assert response["Location"] == reverse("accounts:login_totp")
        out = io.StringIO()
        call_command("totp", username, stdout=out)
        code = out.getvalue().strip()
        assert code == pyotp.TOTP(User.objects.get(username=username).totp_secret).now()
        response = client.post(reverse("accounts:login_totp"), {"code": code})
    assert response["Location"] == reverse("accounts:workspace")
    assert client.get(reverse("accounts:workspace")).status_code == 200
