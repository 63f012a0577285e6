from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from techmarket.accounts import access
from techmarket.accounts.models import Organisation, OrganisationType
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core import audit, notifications
from techmarket.core.exports import xlsx_bytes, xlsx_response
from techmarket.core.models import Notification
from techmarket.core.selectors import filter_audit_events, notifications_for


def portal(request: HttpRequest) -> HttpResponse:
    verified = Organisation.objects.filter(status=OrganisationStatus.VERIFIED)
    counts = {
        label: verified.filter(type=value).count() for value, label in OrganisationType.choices
    }
    return render(
        request,
        "core/portal.html",
        {"organisation_counts": counts, "verified_total": verified.count()},
    )


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _audit_filters(request: HttpRequest) -> dict[str, object]:
    success = request.GET.get("success")
    return {
        "actor": request.GET.get("actor") or None,
        "action": request.GET.get("action") or None,
        "success": {"1": True, "0": False}.get(success or ""),
        "since": _parse_date(request.GET.get("since")),
        "until": _parse_date(request.GET.get("until")),
        "q": request.GET.get("q") or None,
    }


AUDIT_HEADERS = [
    "序号",
    "时间",
    "操作人",
    "机构ID",
    "IP",
    "操作",
    "对象类型",
    "对象ID",
    "结果",
    "摘要",
    "哈希",
]


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    access.ensure_can_read_audit(request.user)
    events = filter_audit_events(**_audit_filters(request))  # type: ignore[arg-type]
    if request.GET.get("format") == "xlsx":
        rows = (
            [
                e.seq,
                e.created_at,
                e.actor_name,
                e.organisation_id,
                e.ip,
                e.action,
                e.object_type,
                e.object_id,
                "成功" if e.success else "失败",
                e.summary,
                e.hash,
            ]
            for e in events.iterator(chunk_size=2000)
        )
        content = xlsx_bytes("审计日志", AUDIT_HEADERS, rows)
        audit.record(
            "audit.export",
            actor=request.user,
            summary="导出审计日志",
            request=request,
            changes={"filters": request.GET.dict()},
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(f"审计日志-{stamp}.xlsx", content)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "filters": request.GET, "query": query.urlencode()},
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """消息中心: the signed-in user's notifications, unread first in the filter."""
    unread_only = request.GET.get("show") == "unread"
    page = Paginator(notifications_for(request.user, unread_only=unread_only), 20).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "core/notifications.html",
        {"page": page, "unread_only": unread_only, "query": "show=unread" if unread_only else ""},
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: mark it read and go to what it is about (platform links only)."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notifications.mark_read(request.user, [notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(f"{reverse('core:notifications')}#n{notification.pk}")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_read(request.user)
    messages.success(request, f"已将 {count} 条消息标为已读。" if count else "没有未读消息。")
    return redirect("core:notifications")
