from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from techmarket.accounts import access, selectors, services
from techmarket.accounts.forms import (
    ApiKeyForm,
    GrantRoleForm,
    LoginForm,
    MemberForm,
    OrganisationProfileForm,
    RegistrationForm,
    RejectForm,
    TotpForm,
)
from techmarket.accounts.middleware import SESSION_AUTH_AT
from techmarket.accounts.models import (
    PRIVILEGED_ROLES,
    ApiKey,
    Membership,
    Organisation,
    Role,
    User,
)
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.models import StatusChange

PENDING_USER = "techmarket_pre2fa_user"
PENDING_AT = "techmarket_pre2fa_at"
PENDING_NEXT = "techmarket_pre2fa_next"
SECOND_STEP_SECONDS = 300


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL)


def _complete_login(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_AUTH_AT] = time.time()
    services.login_succeeded(user=user, request=request)
    return redirect(_safe_next(request, next_url))


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:workspace")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_password_step(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                request=request,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            if access.requires_second_factor(user):
                request.session.cycle_key()
                request.session[PENDING_USER] = user.pk
                request.session[PENDING_AT] = time.time()
                request.session[PENDING_NEXT] = next_url
                return redirect("accounts:login_totp")
            return _complete_login(request, user, next_url)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if not user_id or time.time() - float(started) > SECOND_STEP_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def login_totp_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        messages.info(request, "请先输入用户名和密码（第二步须在5分钟内完成）。")
        return redirect("accounts:login")
    enrolling = user.totp_confirmed_at is None
    secret = services.totp_ensure_secret(user=user) if enrolling else ""
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.check_totp_step(
                user=user, code=form.cleaned_data["code"], request=request
            )
        except ApplicationError as error:
            form.add_error("code", error.message)
            if error.code == "locked":
                for key in (PENDING_USER, PENDING_AT):
                    request.session.pop(key, None)
        else:
            next_url = request.session.get(PENDING_NEXT, "")
            for key in (PENDING_USER, PENDING_AT, PENDING_NEXT):
                request.session.pop(key, None)
            return _complete_login(request, user, next_url)
    context: dict[str, Any] = {"form": form, "enrolling": enrolling, "pending_user": user}
    if enrolling:
        uri = services.totp_for(user).provisioning_uri()
        context.update({"secret": secret, "otpauth_uri": uri, "otpauth_quoted": quote(uri)})
    return render(request, "accounts/login_totp.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_recorded(user=access.actor(request), request=request)
    logout(request)
    messages.success(request, "您已安全退出。")
    return redirect("portal")


def register_view(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "admin_password2"}
        try:
            result = services.organisation_register(**data, request=request)
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            return render(
                request,
                "accounts/register_done.html",
                {"organisation": result.organisation, "admin": result.admin},
            )
    return render(request, "accounts/register.html", {"form": form})


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = access.roles_of(user)
    organisation = access.primary_organisation(user)
    context: dict[str, Any] = {
        "organisation": organisation,
        "roles": [Role(r) for r in sorted(roles)],
        "is_bureau": Role.BUREAU_STAFF in roles,
        "is_auditor": Role.AUDITOR in roles,
        "is_security_admin": Role.SECURITY_ADMIN in roles,
        "is_system_admin": Role.SYSTEM_ADMIN in roles,
        "is_org_admin": organisation is not None and access.is_org_admin(user, organisation),
        "can_publish": organisation is not None and access.can_publish(user, organisation),
    }
    if context["is_bureau"]:
        context["pending_count"] = selectors.verification_queue().count()
    return render(request, "accounts/workspace.html", context)


def _my_organisation(request: HttpRequest) -> Organisation:
    organisation = access.primary_organisation(request.user)
    if organisation is None:
        raise NotFound("您的账户未加入任何机构。")
    return organisation


@login_required
def organisation_view(request: HttpRequest) -> HttpResponse:
    organisation = _my_organisation(request)
    is_admin = access.is_org_admin(request.user, organisation)
    initial = {f: getattr(organisation, f) for f in services.ORG_PROFILE_FIELDS}
    form = OrganisationProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and is_admin and form.is_valid():
        try:
            organisation = services.organisation_update(
                actor=access.actor(request),
                organisation=organisation,
                data=form.cleaned_data,
                request=request,
            )
            if request.POST.get("resubmit") and organisation.status == OrganisationStatus.REJECTED:
                services.organisation_transition(
                    actor=access.actor(request),
                    organisation=organisation,
                    to_status=OrganisationStatus.PENDING,
                    request=request,
                )
                messages.success(request, "已重新提交认证，请等待科技局审核。")
            else:
                messages.success(request, "机构资料已保存。")
            return redirect("accounts:organisation")
        except ApplicationError as error:
            form.add_service_error(error)
    history = StatusChange.objects.filter(
        content_type__model="organisation", object_id=str(organisation.pk)
    ).select_related("actor")
    return render(
        request,
        "accounts/organisation.html",
        {"organisation": organisation, "form": form, "is_admin": is_admin, "history": history},
    )


@login_required
def members_view(request: HttpRequest) -> HttpResponse:
    organisation = _my_organisation(request)
    access.get_members_for_user(request.user, organisation)
    is_admin = access.is_org_admin(request.user, organisation)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                actor=access.actor(request),
                organisation=organisation,
                **form.cleaned_data,
                request=request,
            )
        except ApplicationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"已添加成员 {form.cleaned_data['username']}。")
            return redirect("accounts:members")
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return render(
        request,
        "accounts/members.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "form": form,
            "is_admin": is_admin,
        },
    )


@login_required
@require_POST
def member_remove_view(request: HttpRequest, membership_id: int) -> HttpResponse:
    organisation = _my_organisation(request)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        services.member_remove(actor=access.actor(request), membership=membership, request=request)
        messages.success(request, f"已移除成员 {membership.user.username}。")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("accounts:members")


@login_required
def api_keys_view(request: HttpRequest) -> HttpResponse:
    organisation = _my_organisation(request)
    access.ensure_org_admin(request.user, organisation)
    form = ApiKeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_key_create(
                actor=access.actor(request),
                organisation=organisation,
                name=form.cleaned_data["name"],
                request=request,
            )
            form = ApiKeyForm()
        except ApplicationError as error:
            form.add_service_error(error)
    keys = ApiKey.objects.filter(organisation=organisation).order_by("-created_at")
    return render(
        request,
        "accounts/api_keys.html",
        {"organisation": organisation, "keys": keys, "form": form, "issued": issued},
    )


@login_required
@require_POST
def api_key_revoke_view(request: HttpRequest, key_id: int) -> HttpResponse:
    organisation = _my_organisation(request)
    api_key = get_object_or_404(ApiKey, pk=key_id, organisation=organisation)
    services.api_key_revoke(actor=access.actor(request), api_key=api_key, request=request)
    messages.success(request, f"密钥“{api_key.name}”已吊销。")
    return redirect("accounts:api_keys")


@login_required
def verification_queue_view(request: HttpRequest) -> HttpResponse:
    access.ensure_can_review_organisations(request.user)
    status = request.GET.get("status") or OrganisationStatus.PENDING
    organisations = selectors.filter_organisations(
        Organisation.objects.all(),
        status=status if status != "all" else None,
        q=request.GET.get("q"),
    )
    return render(
        request,
        "accounts/verification_queue.html",
        {
            "organisations": organisations[:200],
            "status": status,
            "statuses": OrganisationStatus.choices,
            "q": request.GET.get("q", ""),
        },
    )


@login_required
def verification_detail_view(request: HttpRequest, org_id: int) -> HttpResponse:
    access.ensure_can_review_organisations(request.user)
    organisation = access.get_organisation_for_user(request.user, org_id)
    reject_form = RejectForm(
        request.POST or None if request.POST.get("action") == "reject" else None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.organisation_transition(
                    actor=access.actor(request),
                    organisation=organisation,
                    to_status=OrganisationStatus.VERIFIED,
                    request=request,
                )
                messages.success(request, f"“{organisation.name}”已认证通过。")
                return redirect("accounts:verification_queue")
            if action == "reject" and reject_form.is_valid():
                services.organisation_transition(
                    actor=access.actor(request),
                    organisation=organisation,
                    to_status=OrganisationStatus.REJECTED,
                    reason=reject_form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, f"已驳回“{organisation.name}”的认证申请。")
                return redirect("accounts:verification_queue")
        except ApplicationError as error:
            messages.error(request, error.message)
    admins = Membership.objects.filter(
        organisation=organisation, role=Role.ORG_ADMIN
    ).select_related("user")
    history = StatusChange.objects.filter(
        content_type__model="organisation", object_id=str(organisation.pk)
    ).select_related("actor")
    return render(
        request,
        "accounts/verification_detail.html",
        {
            "organisation": organisation,
            "reject_form": reject_form,
            "admins": admins,
            "history": history,
        },
    )


@login_required
def security_view(request: HttpRequest) -> HttpResponse:
    access.ensure_security_admin(request.user)
    form = GrantRoleForm(request.POST or None if request.POST.get("action") == "grant" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        target = User.objects.filter(pk=request.POST.get("user_id") or 0).first()
        try:
            if action == "unlock" and target:
                services.account_unlock(actor=access.actor(request), user=target, request=request)
                messages.success(request, f"已解锁 {target.username}。")
            elif action == "revoke":
                membership = Membership.objects.filter(
                    pk=request.POST.get("membership_id") or 0, role__in=PRIVILEGED_ROLES
                ).first()
                if membership is not None:
                    services.privileged_role_revoke(
                        actor=access.actor(request), membership=membership, request=request
                    )
                    messages.success(request, f"已撤销 {membership.user.username} 的角色。")
            elif action == "reset_totp" and target:
                services.totp_reset(actor=access.actor(request), user=target, request=request)
                messages.success(
                    request, f"已重置 {target.username} 的动态口令，下次登录时重新绑定。"
                )
            elif action == "grant" and form.is_valid():
                grantee = User.objects.filter(username=form.cleaned_data["username"]).first()
                organisation = access.primary_organisation(grantee) if grantee else None
                if grantee is None or organisation is None:
                    form.add_error("username", "找不到该用户，或该用户未加入任何机构。")
                else:
                    services.privileged_role_grant(
                        actor=access.actor(request),
                        user=grantee,
                        organisation=organisation,
                        role=form.cleaned_data["role"],
                        request=request,
                    )
                    messages.success(request, f"已授予 {grantee.username} 角色。")
                    return redirect("accounts:security")
        except ApplicationError as error:
            messages.error(request, error.message)
    locked = User.objects.filter(locked_until__gt=timezone.now()).order_by("username")
    privileged = (
        Membership.objects.filter(role__in=PRIVILEGED_ROLES)
        .select_related("user", "organisation")
        .order_by("role", "user__username")
    )
    return render(
        request,
        "accounts/security.html",
        {"locked": locked, "privileged": privileged, "form": form},
    )
