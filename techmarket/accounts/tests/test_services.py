from __future__ import annotations

import pytest

from techmarket.accounts import access, services
from techmarket.accounts.models import Membership, Organisation, Role, User
from techmarket.accounts.tests.factories import registration_payload
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.models import AuditEvent, StatusChange

pytestmark = pytest.mark.django_db


def test_registration_creates_a_pending_organisation_with_its_administrator() -> None:
    result = services.organisation_register(**registration_payload())
    organisation = result.organisation
    assert organisation.status == OrganisationStatus.PENDING
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (result.admin, Role.ORG_ADMIN)
    assert result.admin.check_password("Str0ng-Passw0rd")
    assert AuditEvent.objects.filter(
        action="organisation.register", object_id=str(organisation.pk)
    ).exists()
    assert StatusChange.objects.filter(object_id=str(organisation.pk), to_status="pending").exists()


def test_it_refuses_a_duplicate_credit_code_and_writes_nothing() -> None:
    payload = registration_payload()
    services.organisation_register(**payload)
    before = (Organisation.objects.count(), User.objects.count())
    with pytest.raises(ApplicationError) as info:
        services.organisation_register(**registration_payload(uscc=payload["uscc"]))
    assert "已注册" in info.value.fields["uscc"]
    assert (Organisation.objects.count(), User.objects.count()) == before


def test_it_refuses_a_wrong_check_character_naming_the_expected_one() -> None:
    payload = registration_payload()
    good = payload["uscc"]
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(ApplicationError) as info:
        services.organisation_register(**{**payload, "uscc": bad})
    assert f"应为“{good[17]}”" in info.value.fields["uscc"]
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Short-1a", "至少"),  # 8 characters
        ("abcdefghijkl", "至少3类"),  # one class
        ("password123", "常见"),  # common-password list (and too simple)
    ],
)
def test_it_refuses_weak_passwords(password: str, fragment: str) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_register(**registration_payload(admin_password=password))
    assert fragment in info.value.fields["admin_password"]


def test_government_organisations_cannot_self_register() -> None:
    with pytest.raises(ApplicationError):
        services.organisation_register(**registration_payload(type="government"))


def test_bureau_staff_verify_and_an_unverified_organisation_cannot_publish(
    pending_admin: User, pending_enterprise: Organisation, bureau_staff: User
) -> None:
    assert not access.can_publish(pending_admin, pending_enterprise)
    with pytest.raises(PermissionRefused, match="尚未通过认证"):
        access.ensure_can_publish(pending_admin, pending_enterprise)
    services.organisation_transition(
        actor=bureau_staff, organisation=pending_enterprise, to_status=OrganisationStatus.VERIFIED
    )
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status == OrganisationStatus.VERIFIED
    assert pending_enterprise.verified_at is not None
    access.forget_cached_roles(pending_admin)
    assert access.can_publish(pending_admin, pending_enterprise)


def test_rejection_needs_a_reason_and_the_organisation_may_resubmit(
    pending_admin: User, pending_enterprise: Organisation, bureau_staff: User
) -> None:
    with pytest.raises(ApplicationError, match="原因"):
        services.organisation_transition(
            actor=bureau_staff,
            organisation=pending_enterprise,
            to_status=OrganisationStatus.REJECTED,
        )
    services.organisation_transition(
        actor=bureau_staff,
        organisation=pending_enterprise,
        to_status=OrganisationStatus.REJECTED,
        reason="营业执照照片不清晰",
    )
    pending_enterprise.refresh_from_db()
    assert pending_enterprise.status_reason == "营业执照照片不清晰"
    services.organisation_transition(
        actor=pending_admin, organisation=pending_enterprise, to_status=OrganisationStatus.PENDING
    )
    change = StatusChange.objects.filter(object_id=str(pending_enterprise.pk)).last()
    assert change is not None
    assert (change.from_status, change.to_status) == ("rejected", "pending")


def test_a_refused_transition_says_what_is_allowed(
    enterprise: Organisation, bureau_staff: User
) -> None:
    with pytest.raises(ApplicationError) as info:
        services.organisation_transition(
            actor=bureau_staff,
            organisation=enterprise,
            to_status=OrganisationStatus.REJECTED,
            reason="x",
        )
    assert info.value.status == 409
    assert "“已认证”" in info.value.message
    assert "不能" in info.value.message


def test_only_bureau_staff_verify(
    pending_enterprise: Organisation, org_admin: User, auditor: User
) -> None:
    for actor in (org_admin, auditor):
        with pytest.raises(PermissionRefused):
            services.organisation_transition(
                actor=actor, organisation=pending_enterprise, to_status=OrganisationStatus.VERIFIED
            )


def test_org_admin_cannot_grant_privileged_roles(org_admin: User, enterprise: Organisation) -> None:
    with pytest.raises(ApplicationError) as info:
        services.member_add(
            actor=org_admin,
            organisation=enterprise,
            username="sneaky",
            password="Str0ng-Passw0rd",
            role=Role.BUREAU_STAFF,
        )
    assert info.value.status == 403
    assert not User.objects.filter(username="sneaky").exists()


def test_the_last_administrator_cannot_be_removed(
    org_admin: User, enterprise: Organisation
) -> None:
    membership = Membership.objects.get(user=org_admin)
    with pytest.raises(ApplicationError, match="唯一的管理员"):
        services.member_remove(actor=org_admin, membership=membership)


def test_separation_of_duties_between_auditor_and_administrators_is_checked_first(
    security_admin: User, auditor: User, bureau: Organisation
) -> None:
    with pytest.raises(ApplicationError, match="三权分立"):
        services.privileged_role_grant(
            actor=security_admin, user=auditor, organisation=bureau, role=Role.SYSTEM_ADMIN
        )
    assert not access.is_system_admin(auditor)


def test_api_keys_are_stored_hashed_and_revocable(
    org_admin: User, enterprise: Organisation
) -> None:
    issued = services.api_key_create(actor=org_admin, organisation=enterprise, name="成果系统")
    assert issued.raw not in issued.api_key.key_hash
    assert services.api_key_authenticate(issued.raw) == issued.api_key
    services.api_key_revoke(actor=org_admin, api_key=issued.api_key)
    assert services.api_key_authenticate(issued.raw) is None


def test_privileged_roles_only_for_government_staff(
    security_admin: User, org_admin: User, enterprise: Organisation
) -> None:
    with pytest.raises(ApplicationError, match="只能授予政府部门"):
        services.privileged_role_grant(
            actor=security_admin, user=org_admin, organisation=enterprise, role=Role.BUREAU_STAFF
        )
    assert not access.is_bureau_staff(org_admin)


@pytest.mark.parametrize(
    ("holder", "granted"),
    [
        ("auditor", Role.SYSTEM_ADMIN),
        ("auditor", Role.SECURITY_ADMIN),
        ("system_admin", Role.AUDITOR),
        ("system_admin", Role.SECURITY_ADMIN),
    ],
)
def test_the_three_administrators_are_different_people(
    request: pytest.FixtureRequest, security_admin: User, bureau: Organisation, holder: str,
    granted: str,
) -> None:  # fmt: skip
    user = request.getfixturevalue(holder)
    with pytest.raises(ApplicationError, match="三权分立"):
        services.privileged_role_grant(
            actor=security_admin, user=user, organisation=bureau, role=granted
        )


def test_granting_and_revoking_the_system_administrator(
    security_admin: User, bureau_staff: User, bureau: Organisation
) -> None:
    membership = services.privileged_role_grant(
        actor=security_admin, user=bureau_staff, organisation=bureau, role=Role.SYSTEM_ADMIN
    )
    bureau_staff.refresh_from_db()
    assert bureau_staff.is_staff
    services.privileged_role_revoke(actor=security_admin, membership=membership)
    bureau_staff.refresh_from_db()
    assert not bureau_staff.is_staff
    assert AuditEvent.objects.filter(action="role.revoke").exists()
