"""Every write about organisations, users, roles, sign-in and API keys."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from techmarket.accounts import access
from techmarket.accounts.models import (
    ORG_GRANTABLE_ROLES,
    PRIVILEGED_ROLES,
    ApiKey,
    Membership,
    Organisation,
    OrganisationType,
    Role,
    User,
)
from techmarket.accounts.workflow import ORGANISATION_TRANSITIONS, OrganisationStatus
from techmarket.core import audit
from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.models import StatusChange
from techmarket.core.workflow import ensure_transition_allowed


def _validation_to_application_error(error: ValidationError) -> ApplicationError:
    fields: dict[str, Any] = {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            fields[name] = "；".join(errors)
    else:
        fields["__all__"] = "；".join(error.messages)
    first = next(iter(fields.values()))
    return ApplicationError(f"提交的信息有误：{first}", code="validation_error", fields=fields)


def record_status_change(
    *, obj: Any, from_status: str, to_status: str, actor: Any, reason: str = ""
) -> StatusChange:
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )


# ---- registration and verification -------------------------------------------------

ORG_PROFILE_FIELDS = (
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "contact_email",
)


@dataclass(frozen=True)
class Registration:
    organisation: Organisation
    admin: User


@transaction.atomic
def organisation_register(
    *,
    name: str,
    type: str,
    uscc: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    admin_username: str,
    admin_password: str,
    admin_full_name: str = "",
    admin_email: str = "",
    admin_phone: str = "",
    address: str = "",
    legal_representative: str = "",
    contact_email: str = "",
    request: HttpRequest | None = None,
) -> Registration:
    """Public registration: a pending organisation and its first administrator."""
    if type == OrganisationType.GOVERNMENT:
        raise ApplicationError(
            "政府部门账户由平台运维方开通，不能自助注册。",
            code="government_registration",
            fields={"type": "政府部门账户由平台运维方开通。"},
        )
    organisation = Organisation(
        name=name.strip(),
        type=type,
        uscc=(uscc or "").strip().upper(),
        region_code=(region_code or "").strip(),
        address=address.strip(),
        legal_representative=legal_representative.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        contact_email=contact_email.strip(),
    )
    user = User(
        username=(admin_username or "").strip(),
        full_name=admin_full_name.strip(),
        email=admin_email.strip(),
        phone=admin_phone.strip(),
    )
    errors: dict[str, Any] = {}
    try:
        organisation.full_clean(validate_unique=False)
    except ValidationError as exc:
        errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
    if "uscc" not in errors and Organisation.objects.filter(uscc=organisation.uscc).exists():
        errors["uscc"] = (
            f"统一社会信用代码 {organisation.uscc} 已注册，请勿重复注册；如需加入该机构，请联系其管理员。"
        )
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update({f"admin_{k}": "；".join(v) for k, v in exc.message_dict.items()})
    try:
        password_validation.validate_password(admin_password, user)
    except ValidationError as exc:
        errors["admin_password"] = "；".join(exc.messages)
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(f"注册信息有误：{first}", code="validation_error", fields=errors)
    try:
        with transaction.atomic():
            organisation.save()
            user.set_password(admin_password)
            user.save()
    except IntegrityError as exc:  # a concurrent registration of the same code or name
        raise ApplicationError(
            "该统一社会信用代码或用户名已被注册。", code="duplicate", status=409
        ) from exc
    Membership.objects.create(user=user, organisation=organisation, role=Role.ORG_ADMIN)
    record_status_change(
        obj=organisation, from_status="", to_status=OrganisationStatus.PENDING, actor=user
    )
    audit.record(
        "organisation.register",
        actor=user,
        organisation=organisation,
        obj=organisation,
        summary=f"注册机构“{organisation.name}”（{organisation.uscc}），管理员 {user.username}",
        changes={"name": organisation.name, "uscc": organisation.uscc, "type": type},
        request=request,
    )
    return Registration(organisation=organisation, admin=user)


@transaction.atomic
def organisation_transition(
    *,
    actor: User,
    organisation: Organisation,
    to_status: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Organisation:
    """Verify, reject, or (by its own administrator) resubmit an organisation."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if to_status == OrganisationStatus.PENDING:
        access.ensure_org_admin(actor, locked)
    else:
        access.ensure_can_review_organisations(actor)
    ensure_transition_allowed(
        ORGANISATION_TRANSITIONS, OrganisationStatus, locked.status, to_status
    )
    reason = (reason or "").strip()
    if to_status == OrganisationStatus.REJECTED and not reason:
        raise ApplicationError(
            "驳回认证必须填写原因，以便机构据此修改。",
            code="reason_required",
            fields={"reason": "请填写驳回原因。"},
        )
    from_status = locked.status
    locked.status = to_status
    locked.status_reason = reason
    locked.verified_at = timezone.now() if to_status == OrganisationStatus.VERIFIED else None
    locked.save(update_fields=["status", "status_reason", "verified_at", "updated_at"])
    record_status_change(
        obj=locked, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    labels = dict(OrganisationStatus.choices)
    audit.record(
        f"organisation.{to_status}",
        actor=actor,
        organisation=locked,
        obj=locked,
        summary=f"机构“{locked.name}”：{labels[from_status]} → {labels[to_status]}"
        + (f"（{reason}）" if reason else ""),
        changes={"status": [from_status, to_status], "reason": reason},
        request=request,
    )
    return locked


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Organisation:
    """An organisation administrator edits the profile (not the name, type or USCC)."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    access.ensure_org_admin(actor, locked)
    changes: dict[str, Any] = {}
    for field in ORG_PROFILE_FIELDS:
        if field in data and data[field] is not None:
            new = str(data[field]).strip()
            if getattr(locked, field) != new:
                changes[field] = [getattr(locked, field), new]
                setattr(locked, field, new)
    try:
        locked.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise _validation_to_application_error(exc) from exc
    locked.save()
    audit.record(
        "organisation.update",
        actor=actor,
        organisation=locked,
        obj=locked,
        summary=f"修改机构资料：{'、'.join(changes) or '无变化'}",
        changes=changes,
        request=request,
    )
    return locked


# ---- members and roles -------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    actor: User,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    request: HttpRequest | None = None,
) -> Membership:
    access.ensure_org_admin(actor, organisation)
    if role not in ORG_GRANTABLE_ROLES:
        allowed = "、".join(Role(r).label for r in sorted(ORG_GRANTABLE_ROLES))
        raise ApplicationError(
            f"机构管理员只能授予以下角色：{allowed}。特权角色由安全管理员授予。",
            code="role_not_grantable",
            fields={"role": "不可授予该角色。"},
            status=403,
        )
    user = User(username=(username or "").strip(), full_name=full_name, email=email, phone=phone)
    errors: dict[str, Any] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = "；".join(exc.messages)
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(f"成员信息有误：{first}", code="validation_error", fields=errors)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    audit.record(
        "member.add",
        actor=actor,
        organisation=organisation,
        obj=membership,
        summary=f"添加成员 {user.username}（{Role(role).label}）",
        changes={"user": user.username, "role": role},
        request=request,
    )
    return membership


@transaction.atomic
def member_remove(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> None:
    organisation = Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    access.ensure_org_admin(actor, organisation)
    if membership.role in PRIVILEGED_ROLES:
        raise PermissionRefused("特权角色只能由安全管理员撤销。")
    if (
        membership.role == Role.ORG_ADMIN
        and Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).count() <= 1
    ):
        raise ApplicationError(
            "不能移除机构唯一的管理员；请先指定另一位管理员。", code="last_admin", status=409
        )
    audit.record(
        "member.remove",
        actor=actor,
        organisation=organisation,
        obj=membership,
        summary=f"移除成员 {membership.user.username}（{membership.get_role_display()}）",
        changes={"user": membership.user.username, "role": membership.role},
        request=request,
    )
    membership.delete()


# 三权分立: one person holds at most one of the three administrator roles.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR})


@transaction.atomic
def privileged_role_grant(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    role: str,
    request: HttpRequest | None = None,
) -> Membership:
    """The security administrator grants a role; privileged roles only to government staff."""
    access.ensure_security_admin(actor)
    if role in PRIVILEGED_ROLES and organisation.type != OrganisationType.GOVERNMENT:
        raise ApplicationError(
            f"“{Role(role).label}”只能授予政府部门（科技局）的工作人员；"
            f"“{organisation.name}”不是政府部门。",
            code="privileged_role_outside_government",
            status=409,
        )
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ApplicationError(
            f"用户 {user.username} 不是“{organisation.name}”的成员。", code="not_a_member"
        )
    held = set(
        Membership.objects.filter(user=user, role__in=SEPARATED_ADMIN_ROLES)
        .exclude(role=role)
        .values_list("role", flat=True)
    )
    if role in SEPARATED_ADMIN_ROLES and held:
        raise ApplicationError(
            f"系统管理员、安全管理员与审计员必须由不同的人担任（三权分立）："
            f"{user.username} 已是{'、'.join(Role(r).label for r in sorted(held))}。",
            code="separation_of_duties",
            status=409,
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if role == Role.SYSTEM_ADMIN and not (user.is_staff and user.is_superuser):
        # Django admin needs these flags; the admin site itself also checks the role.
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    if created:
        audit.record(
            "role.grant",
            actor=actor,
            organisation=organisation,
            obj=membership,
            summary=f"授予 {user.username} 角色：{Role(role).label}",
            changes={"user": user.username, "role": role},
            request=request,
        )
    return membership


@transaction.atomic
def privileged_role_revoke(
    *, actor: User, membership: Membership, request: HttpRequest | None = None
) -> None:
    access.ensure_security_admin(actor)
    if membership.user_id == actor.pk and membership.role == Role.SECURITY_ADMIN:
        raise ApplicationError("不能撤销自己的安全管理员角色。", code="self_revoke", status=409)
    user = membership.user
    if membership.role == Role.SYSTEM_ADMIN:
        User.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
    audit.record(
        "role.revoke",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        summary=f"撤销 {user.username} 的角色：{membership.get_role_display()}",
        changes={"user": user.username, "role": membership.role},
        request=request,
    )
    membership.delete()


@transaction.atomic
def account_unlock(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    access.ensure_security_admin(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.failed_login_count = 0
    locked.locked_until = None
    locked.save(update_fields=["failed_login_count", "locked_until"])
    audit.record(
        "account.unlock",
        actor=actor,
        obj=locked,
        summary=f"解锁账户 {locked.username}",
        request=request,
    )
    return locked


@transaction.atomic
def totp_reset(*, actor: User, user: User, request: HttpRequest | None = None) -> User:
    """The user lost the authenticator: the next sign-in enrols a new one."""
    access.ensure_security_admin(actor)
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.totp_secret = ""
    locked.totp_confirmed_at = None
    locked.totp_last_step = 0
    locked.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
    audit.record(
        "account.totp_reset",
        actor=actor,
        obj=locked,
        summary=f"重置 {locked.username} 的动态口令",
        request=request,
    )
    return locked


# ---- sign-in -----------------------------------------------------------------------

GENERIC_LOGIN_ERROR = "用户名或密码错误。"


def _lockout_message(user: User) -> str:
    until = timezone.localtime(user.locked_until).strftime("%H:%M") if user.locked_until else ""
    return (
        f"连续登录失败{settings.LOGIN_MAX_FAILURES}次，账户已锁定"
        f"{settings.LOGIN_LOCKOUT_MINUTES}分钟，请于 {until} 后再试，或联系安全管理员解锁。"
    )


def _register_failure(user: User, *, reason: str, request: HttpRequest | None) -> User:
    """Count a failed factor; lock the account at the limit. Committed even on refusal."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.failed_login_count += 1
        just_locked = locked.failed_login_count >= settings.LOGIN_MAX_FAILURES
        if just_locked:
            locked.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
            locked.failed_login_count = 0
        locked.save(update_fields=["failed_login_count", "locked_until"])
        audit.record(
            "login.failure",
            actor_name=locked.username,
            obj=locked,
            success=False,
            summary=f"登录失败（{reason}）",
            request=request,
        )
        if just_locked:
            audit.record(
                "login.lockout",
                actor_name=locked.username,
                obj=locked,
                success=False,
                summary=f"连续失败{settings.LOGIN_MAX_FAILURES}次，锁定"
                f"{settings.LOGIN_LOCKOUT_MINUTES}分钟",
                request=request,
            )
    return locked


def check_password_step(*, username: str, password: str, request: HttpRequest | None) -> User:
    """First factor. Raises ApplicationError; counts failures and locks the account."""
    user = User.objects.filter(username=(username or "").strip()).first()
    if user is None or not user.is_active:
        audit.record(
            "login.failure",
            actor_name=(username or "")[:150],
            success=False,
            summary="登录失败（用户不存在或已停用）",
            request=request,
        )
        raise ApplicationError(GENERIC_LOGIN_ERROR, code="bad_credentials", status=401)
    if user.is_locked():
        audit.record(
            "login.refused_locked",
            actor_name=user.username,
            obj=user,
            success=False,
            summary="账户锁定期间尝试登录",
            request=request,
        )
        raise ApplicationError(_lockout_message(user), code="locked", status=423)
    if not user.check_password(password):
        user = _register_failure(user, reason="密码错误", request=request)
        if user.is_locked():
            raise ApplicationError(_lockout_message(user), code="locked", status=423)
        left = settings.LOGIN_MAX_FAILURES - user.failed_login_count
        raise ApplicationError(
            f"{GENERIC_LOGIN_ERROR}再失败{left}次账户将被锁定{settings.LOGIN_LOCKOUT_MINUTES}分钟。",
            code="bad_credentials",
            status=401,
        )
    return user


def totp_for(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret, issuer=settings.TOTP_ISSUER, name=user.username)


def totp_ensure_secret(*, user: User) -> str:
    """Give an enrolling user a secret (kept until confirmed)."""
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()
        user.save(update_fields=["totp_secret"])
    return user.totp_secret


def check_totp_step(*, user: User, code: str, request: HttpRequest | None) -> User:
    """Second factor: a current code, each time step usable once (no replay)."""
    if user.is_locked():
        raise ApplicationError(_lockout_message(user), code="locked", status=423)
    code = (code or "").strip().replace(" ", "")
    totp = totp_for(user) if user.totp_secret else None
    step = None
    if totp is not None and code.isdigit() and len(code) == 6:
        now = timezone.now().timestamp()
        for offset in (0, -1, 1):  # one step of clock drift either way
            candidate = int(now // totp.interval) + offset
            if secrets.compare_digest(totp.at(candidate * totp.interval), code):
                step = candidate
                break
    if step is None or step <= user.totp_last_step:
        user = _register_failure(user, reason="动态口令错误", request=request)
        if user.is_locked():
            raise ApplicationError(_lockout_message(user), code="locked", status=423)
        raise ApplicationError(
            "动态口令错误或已使用，请输入验证器上当前显示的6位数字。", code="bad_totp", status=401
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.totp_last_step = step
        first_time = locked.totp_confirmed_at is None
        if first_time:
            locked.totp_confirmed_at = timezone.now()
        locked.save(update_fields=["totp_last_step", "totp_confirmed_at"])
        if first_time:
            audit.record(
                "account.totp_enrol",
                actor=locked,
                obj=locked,
                summary="启用动态口令",
                request=request,
            )
    return locked


def login_succeeded(*, user: User, request: HttpRequest | None) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        organisation = access.primary_organisation(user)
        audit.record(
            "login.success",
            actor=user,
            organisation=organisation,
            obj=user,
            summary="登录成功",
            request=request,
        )


def logout_recorded(*, user: User, request: HttpRequest | None, reason: str = "主动退出") -> None:
    audit.record("logout", actor=user, obj=user, summary=f"退出登录（{reason}）", request=request)


# ---- API keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    raw: str


@transaction.atomic
def api_key_create(
    *, actor: User, organisation: Organisation, name: str, request: HttpRequest | None = None
) -> IssuedKey:
    access.ensure_org_admin(actor, organisation)
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写密钥名称（如：学校成果管理系统）。", fields={"name": "必填"})
    raw = "tmk_" + secrets.token_urlsafe(32)
    api_key = ApiKey.objects.create(
        organisation=organisation,
        created_by=actor,
        name=name[:100],
        prefix=raw[:12],
        key_hash=ApiKey.hash_key(raw),
    )
    audit.record(
        "api_key.create",
        actor=actor,
        organisation=organisation,
        obj=api_key,
        summary=f"创建 API 密钥“{api_key.name}”（{api_key.prefix}…）",
        request=request,
    )
    return IssuedKey(api_key=api_key, raw=raw)


@transaction.atomic
def api_key_revoke(*, actor: User, api_key: ApiKey, request: HttpRequest | None = None) -> ApiKey:
    access.ensure_org_admin(actor, api_key.organisation)
    locked = ApiKey.objects.select_for_update().get(pk=api_key.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        audit.record(
            "api_key.revoke",
            actor=actor,
            organisation=locked.organisation,
            obj=locked,
            summary=f"吊销 API 密钥“{locked.name}”",
            request=request,
        )
    return locked


def api_key_authenticate(raw: str) -> ApiKey | None:
    if not raw or not raw.startswith("tmk_"):
        return None
    api_key = (
        ApiKey.objects.select_related("organisation", "created_by")
        .filter(key_hash=ApiKey.hash_key(raw), revoked_at__isnull=True)
        .first()
    )
    if api_key is None or not api_key.created_by.is_active:
        return None
    ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key
