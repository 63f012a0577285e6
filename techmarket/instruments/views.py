"""HTML pages of instrument sharing; every POST calls one service."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from techmarket.accounts import access as accounts_access
from techmarket.core.errors import NotFound
from techmarket.instruments import access, services
from techmarket.instruments.models import Booking, Instrument, ServiceRecord, SubsidyClaim
from techmarket.instruments.workflow import HOLDING, BookingStatus, InstrumentStatus, SubsidyStatus
from techmarket.vouchers.views import _act, _int


def _orgs(user: Any) -> list[Any]:
    return [o for o in accounts_access.organisations_of(user) if access.acts_for(user, o)]


def _org_from_post(request: HttpRequest, name: str = "organisation") -> Any:
    orgs = {o.pk: o for o in _orgs(request.user)}
    org = orgs.get(_int(request.POST.get(name)))
    if org is None:
        raise Http404
    return org


def _when(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def catalogue(request: HttpRequest) -> HttpResponse:
    instruments = Instrument.objects.filter(status=InstrumentStatus.AVAILABLE).select_related(
        "owner"
    )
    return render(request, "instruments/catalogue.html", {"instruments": instruments})


def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = access.get_instrument(pk)
    now = timezone.now()
    calendar = Booking.objects.filter(
        instrument=instrument,
        status__in=HOLDING,
        end_at__gte=now,
        start_at__lt=now + timedelta(days=30),
    ).select_related("user_org")
    return render(
        request,
        "instruments/instrument_detail.html",
        {"instrument": instrument, "calendar": calendar, "orgs": _orgs(request.user)},
    )


@login_required
@require_POST
def booking_create(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = access.get_instrument(pk)
    org = _org_from_post(request)
    post = request.POST

    def book() -> Any:
        return services.booking_create(
            actor=request.user,
            instrument=instrument,
            user_org=org,
            start_at=_when(post.get("start_at", "")),
            end_at=_when(post.get("end_at", "")),
            purpose=post.get("purpose", ""),
            samples=_int(post.get("samples"), 0),
        )

    return _act(request, book, "预约已提交，等待仪器管理单位确认。", reverse("instruments:mine"))


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    orgs = _orgs(request.user)
    year = _int(request.GET.get("year"), timezone.localdate().year)
    owned = Instrument.objects.filter(owner__in=orgs)
    previews = [
        services.subsidy_compute(unit=o, year=year) for o in orgs if owned.filter(owner=o).exists()
    ]
    return render(
        request,
        "instruments/mine.html",
        {
            "orgs": orgs,
            "year": year,
            "owned": owned,
            "instrument_statuses": InstrumentStatus.choices,
            "my_bookings": Booking.objects.filter(user_org__in=orgs).select_related("instrument"),
            "incoming": Booking.objects.filter(instrument__owner__in=orgs)
            .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.REJECTED])
            .select_related("instrument", "user_org"),
            "to_accept": ServiceRecord.objects.filter(user_org__in=orgs).select_related(
                "instrument"
            ),
            "records": ServiceRecord.objects.filter(instrument__owner__in=orgs).select_related(
                "instrument", "user_org"
            ),
            "previews": previews,
            "claims": SubsidyClaim.objects.filter(unit__in=orgs),
        },
    )


@login_required
@require_POST
def instrument_create(request: HttpRequest) -> HttpResponse:
    org = _org_from_post(request)
    post = request.POST
    return _act(
        request,
        lambda: services.instrument_create(
            actor=request.user,
            owner=org,
            name=post.get("name", ""),
            model_number=post.get("model_number", ""),
            maker=post.get("maker", ""),
            original_value=post.get("original_value", "") or "0",
            location=post.get("location", ""),
            fee_standard=post.get("fee_standard", ""),
            hourly_fee=post.get("hourly_fee", "") or "0",
            opening_hours=post.get("opening_hours", "") or "工作日 9:00–17:00",
        ),
        "仪器已登记，开放共享。",
        reverse("instruments:mine"),
    )


@login_required
@require_POST
def instrument_status(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = access.get_instrument(pk)
    return _act(
        request,
        lambda: services.instrument_set_status(
            actor=request.user, instrument=instrument, status=request.POST.get("status", "")
        ),
        "仪器状态已更新。",
        reverse("instruments:mine"),
    )


@login_required
@require_POST
def booking_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    booking = access.get_booking_for_user(request.user, pk)
    post = request.POST
    back = reverse("instruments:mine")
    if action in ("confirm", "reject", "cancel"):
        to = {
            "confirm": BookingStatus.CONFIRMED,
            "reject": BookingStatus.REJECTED,
            "cancel": BookingStatus.CANCELLED,
        }[action]
        return _act(
            request,
            lambda: services.booking_transition(
                actor=request.user, booking=booking, to_status=to, reason=post.get("reason", "")
            ),
            "预约状态已更新。",
            back,
        )
    if action == "record":
        return _act(
            request,
            lambda: services.service_record_create(
                actor=request.user,
                booking=booking,
                machine_hours=post.get("machine_hours", "") or "0",
                fee=post.get("fee", "") or "0",
                invoice_number=post.get("invoice_number", ""),
            ),
            "服务记录已登记，等待用户验收。",
            back,
        )
    raise Http404


@login_required
@require_POST
def record_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    record = access.get_record_for_user(request.user, pk)
    if action not in ("accepted", "disputed"):
        raise Http404
    return _act(
        request,
        lambda: services.service_record_transition(
            actor=request.user,
            record=record,
            to_status=action,
            rating=_int(request.POST.get("rating"), 0) or None,
            comment=request.POST.get("comment", ""),
        ),
        "验收结果已提交。",
        reverse("instruments:mine"),
    )


@login_required
@require_POST
def subsidy_submit(request: HttpRequest) -> HttpResponse:
    org = _org_from_post(request)
    return _act(
        request,
        lambda: services.subsidy_claim_submit(
            actor=request.user, unit=org, year=_int(request.POST.get("year"))
        ),
        "补贴申请已提交，等待科技局审核。",
        reverse("instruments:mine"),
    )


@login_required
def bureau(request: HttpRequest) -> HttpResponse:
    if not accounts_access.is_bureau_staff(request.user):
        raise NotFound("找不到该页面。")
    return render(
        request,
        "instruments/bureau.html",
        {"claims": SubsidyClaim.objects.select_related("unit")},
    )


@login_required
@require_POST
def subsidy_decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    claim = access.get_subsidy_for_user(request.user, pk)
    to = {"approve": SubsidyStatus.APPROVED, "reject": SubsidyStatus.REJECTED}.get(action)
    if to is None:
        raise Http404
    return _act(
        request,
        lambda: services.subsidy_claim_transition(
            actor=request.user, claim=claim, to_status=to, reason=request.POST.get("reason", "")
        ),
        "补贴审核完成。",
        reverse("instruments:bureau"),
    )
