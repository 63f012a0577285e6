from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client
from techmarket.accounts import services
from techmarket.accounts.models import Membership, Organisation, User
from techmarket.accounts.tests.factories import registration_payload
from techmarket.core.models import AuditEvent

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous", "org_admin", "org_member", "outsider", "broker", "expert",
    "bureau_staff", "auditor", "security_admin", "system_admin",
]  # fmt: skip


@pytest.fixture
def world(
    org_admin: User, org_member: User, outsider: User, broker: User, expert: User,
    bureau_staff: User, auditor: User, security_admin: User, system_admin: User,
    pending_admin: User, enterprise: Organisation, pending_enterprise: Organisation,
) -> dict[str, Any]:  # fmt: skip
    return {
        "users": {
            "org_admin": org_admin,
            "org_member": org_member,
            "outsider": outsider,
            "broker": broker,
            "expert": expert,
            "bureau_staff": bureau_staff,
            "auditor": auditor,
            "security_admin": security_admin,
            "system_admin": system_admin,
        },
        "enterprise": enterprise,
        "pending": pending_enterprise,
        "member_membership": Membership.objects.get(user=org_member),
    }


def _client_for(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anonymous":
        signed_in_client(client, world["users"][role])
    return client


def _call(client: Client, method: str, path: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {}
    if body is not None:
        kwargs = {"data": json.dumps(body), "content_type": "application/json"}
    return getattr(client, method)(path, **kwargs)


# (name, method, path template, body, {role: expected status}; missing roles → default)
ENDPOINTS: list[tuple[str, str, str, Any, dict[str, int], int]] = [
    ("me", "get", "/api/v1/me", None, {"anonymous": 401}, 200),
    ("list organisations", "get", "/api/v1/organisations", None, {}, 200),
    ("see a verified organisation", "get", "/api/v1/organisations/{enterprise}", None, {}, 200),
    (
        "see a pending organisation",
        "get",
        "/api/v1/organisations/{pending}",
        None,
        {"bureau_staff": 200},
        404,
    ),
    (
        "edit the organisation",
        "patch",
        "/api/v1/organisations/{enterprise}",
        {"contact_phone": "022-88888888"},
        {"anonymous": 401, "org_admin": 200},
        403,
    ),
    (
        "verify",
        "post",
        "/api/v1/organisations/{pending}/verify",
        {},
        {"anonymous": 401, "bureau_staff": 200},
        404,
    ),
    (
        "reject",
        "post",
        "/api/v1/organisations/{pending}/reject",
        {"reason": "资料不全"},
        {"anonymous": 401, "bureau_staff": 200},
        404,
    ),
    (
        "list members",
        "get",
        "/api/v1/organisations/{enterprise}/members",
        None,
        {"anonymous": 401, "org_admin": 200, "org_member": 200, "bureau_staff": 200},
        404,
    ),
    (
        "add a member",
        "post",
        "/api/v1/organisations/{enterprise}/members",
        {"username": "newbie", "password": "Str0ng-Passw0rd", "role": "member"},
        {"anonymous": 401, "org_admin": 201},
        403,
    ),
    (
        "remove a member",
        "delete",
        "/api/v1/organisations/{enterprise}/members/{member}",
        None,
        {"anonymous": 401, "org_admin": 204, "org_member": 403, "bureau_staff": 403},
        404,
    ),
    (
        "list API keys",
        "get",
        "/api/v1/organisations/{enterprise}/api-keys",
        None,
        {"anonymous": 401, "org_admin": 200},
        403,
    ),
    (
        "create an API key",
        "post",
        "/api/v1/organisations/{enterprise}/api-keys",
        {"name": "成果系统"},
        {"anonymous": 401, "org_admin": 201},
        403,
    ),
    (
        "read the audit log",
        "get",
        "/api/v1/audit-events",
        None,
        {"anonymous": 401, "auditor": 200},
        403,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "body", "expected", "default"),
    ENDPOINTS,
    ids=[e[0] for e in ENDPOINTS],
)
def test_permission_matrix(
    world: dict[str, Any], role: str, name: str, method: str, template: str, body: Any,
    expected: dict[str, int], default: int,
) -> None:  # fmt: skip
    path = template.format(
        enterprise=world["enterprise"].pk,
        pending=world["pending"].pk,
        member=world["member_membership"].pk,
    )
    client = _client_for(world, role)
    response = _call(client, method, path, body)
    want = expected.get(role, default)
    assert response.status_code == want, f"{role} {name}: {response.content.decode()[:300]}"
    if want >= 400:
        error = response.json()
        assert set(error) == {"code", "message", "fields"}
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])  # Chinese message


def test_registration_via_the_api_then_verification(world: dict[str, Any]) -> None:
    payload = registration_payload()
    response = Client().post(
        "/api/v1/registrations", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["organisation"]["status"] == "pending"
    staff = _client_for(world, "bureau_staff")
    response = staff.post(
        f"/api/v1/organisations/{data['organisation']['id']}/verify",
        "{}",
        content_type="application/json",
    )
    assert response.json()["status"] == "verified"


def test_a_duplicate_credit_code_is_refused_with_the_error_shape(world: dict[str, Any]) -> None:
    payload = registration_payload(uscc=world["enterprise"].uscc)
    response = Client().post(
        "/api/v1/registrations", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert "已注册" in body["fields"]["uscc"]


def test_a_schema_violation_gets_the_same_error_shape(db: Any) -> None:
    response = Client().post("/api/v1/registrations", "{}", content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["name"] == "必填项"


def test_an_api_key_acts_for_its_organisation_without_privileged_roles(
    org_admin: User,
    enterprise: Organisation,
    bureau_staff: User,
    bureau: Organisation,
) -> None:
    issued = services.api_key_create(actor=org_admin, organisation=enterprise, name="学校系统")
    client = Client()
    me = client.get("/api/v1/me", HTTP_X_API_KEY=issued.raw)
    assert me.status_code == 200
    assert me.json()["organisation"]["id"] == enterprise.pk
    # Staff keys never carry the staff role: the key cannot read the review queue.
    Membership.objects.create(user=bureau_staff, organisation=bureau, role="org_admin")
    staff_key = services.api_key_create(actor=bureau_staff, organisation=bureau, name="脚本")
    roles = client.get("/api/v1/me", HTTP_X_API_KEY=staff_key.raw).json()["roles"]
    assert roles == ["org_admin"]
    services.api_key_revoke(actor=org_admin, api_key=issued.api_key)
    assert client.get("/api/v1/me", HTTP_X_API_KEY=issued.raw).status_code == 401


def test_the_auditor_reads_and_changes_nothing(world: dict[str, Any]) -> None:
    client = _client_for(world, "auditor")
    response = client.get("/api/v1/audit-events?action=login")
    assert response.status_code == 200
    assert response.json()["count"] >= 1
    before = AuditEvent.objects.count()
    assert (
        client.post(
            f"/api/v1/organisations/{world['pending'].pk}/verify",
            "{}",
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.patch(
            f"/api/v1/organisations/{world['enterprise'].pk}", "{}", content_type="application/json"
        ).status_code
        == 403
    )
    assert AuditEvent.objects.count() == before
