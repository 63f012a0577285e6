"""/api/v1 endpoints of instrument sharing: each calls the same service as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from techmarket.accounts import access as accounts_access
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError
from techmarket.instruments import access, services
from techmarket.instruments.models import Booking, Instrument, SubsidyClaim
from techmarket.instruments.schemas import (
    AcceptanceIn,
    BookingDecisionIn,
    BookingIn,
    BookingOut,
    InstrumentIn,
    InstrumentOut,
    InstrumentStatusIn,
    ServiceRecordIn,
    ServiceRecordOut,
    SubsidyDecisionIn,
    SubsidyIn,
    SubsidyOut,
    SubsidyPreviewOut,
)
from techmarket.instruments.workflow import HOLDING, InstrumentStatus, SubsidyStatus

router = Router(tags=["仪器共享"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _page(queryset: Any, limit: int, offset: int) -> Any:
    """At most 500 rows per request (``limit``, ``offset``), in a stable order."""
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, 1_000_000_000))
    if not queryset.query.order_by and not queryset.model._meta.ordering:
        queryset = queryset.order_by("pk")
    return queryset[offset : offset + limit]


@router.get(
    "/instruments", auth=PUBLIC, response={200: list[InstrumentOut]}, summary="共享仪器目录"
)
def list_instruments(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    return _page(
        Instrument.objects.filter(status=InstrumentStatus.AVAILABLE),
        limit,
        offset,
    )


@router.post("/instruments", response={201: InstrumentOut, **ERRORS}, summary="登记共享仪器")
def create_instrument(request: HttpRequest, payload: InstrumentIn) -> Status[Any]:
    data = payload.dict()
    owner = accounts_access.get_own_organisation(request.user, data.pop("owner_id"))
    return Status(201, services.instrument_create(actor=request.user, owner=owner, **data))


@router.post(
    "/instruments/{pk}/status",
    response={200: InstrumentOut, **ERRORS},
    summary="变更仪器状态（开放/维护/停用）",
)
def change_instrument_status(request: HttpRequest, pk: int, payload: InstrumentStatusIn) -> Any:
    return services.instrument_set_status(
        actor=request.user, instrument=access.get_instrument(pk), status=payload.status
    )


@router.get(
    "/instruments/{pk}/bookings",
    auth=PUBLIC,
    response={200: list[BookingOut], **ERRORS},
    summary="仪器预约日历（占用中的时段）",
)
def instrument_calendar(request: HttpRequest, pk: int, limit: int = 100, offset: int = 0) -> Any:
    instrument = access.get_instrument(pk)
    return _page(
        Booking.objects.filter(
            instrument=instrument, status__in=HOLDING, end_at__gte=timezone.now()
        ),
        limit,
        offset,
    )


@router.post("/instruments/{pk}/bookings", response={201: BookingOut, **ERRORS}, summary="预约仪器")
def create_booking(request: HttpRequest, pk: int, payload: BookingIn) -> Status[Any]:
    booking = services.booking_create(
        actor=request.user,
        instrument=access.get_instrument(pk),
        user_org=accounts_access.get_own_organisation(request.user, payload.user_org_id),
        start_at=payload.start_at,
        end_at=payload.end_at,
        purpose=payload.purpose,
        samples=payload.samples,
    )
    return Status(201, booking)


@router.post(
    "/bookings/{pk}/status",
    response={200: BookingOut, **ERRORS},
    summary="确认、拒绝或取消预约",
)
def change_booking(request: HttpRequest, pk: int, payload: BookingDecisionIn) -> Any:
    booking = access.get_booking_for_user(request.user, pk)
    return services.booking_transition(
        actor=request.user, booking=booking, to_status=payload.status, reason=payload.reason
    )


@router.post(
    "/bookings/{pk}/service-record",
    response={201: ServiceRecordOut, **ERRORS},
    summary="登记服务记录（管理单位）",
)
def record_service(request: HttpRequest, pk: int, payload: ServiceRecordIn) -> Status[Any]:
    booking = access.get_booking_for_user(request.user, pk)
    record = services.service_record_create(actor=request.user, booking=booking, **payload.dict())
    return Status(201, record)


@router.post(
    "/service-records/{pk}/acceptance",
    response={200: ServiceRecordOut, **ERRORS},
    summary="用户验收服务记录",
)
def accept_service(request: HttpRequest, pk: int, payload: AcceptanceIn) -> Any:
    record = access.get_record_for_user(request.user, pk)
    return services.service_record_transition(
        actor=request.user,
        record=record,
        to_status=payload.status,
        rating=payload.rating,
        comment=payload.comment,
    )


@router.get(
    "/instrument-subsidies/preview",
    response={200: SubsidyPreviewOut, **ERRORS},
    summary="按规则试算年度共享补贴",
)
def preview_subsidy(request: HttpRequest, unit_id: int, year: int) -> Any:
    unit = accounts_access.get_own_organisation(request.user, unit_id)
    result = services.subsidy_compute(unit=unit, year=year)
    return {**result.__dict__, "unit_id": unit.pk}


@router.get(
    "/instrument-subsidies", response={200: list[SubsidyOut], **ERRORS}, summary="共享补贴申请"
)
def list_subsidies(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    if accounts_access.is_bureau_staff(request.user):
        return _page(
            SubsidyClaim.objects.all(),
            limit,
            offset,
        )
    return _page(
        SubsidyClaim.objects.filter(unit__in=accounts_access.organisations_of(request.user)),
        limit,
        offset,
    )


@router.post(
    "/instrument-subsidies", response={201: SubsidyOut, **ERRORS}, summary="申报年度共享补贴"
)
def submit_subsidy(request: HttpRequest, payload: SubsidyIn) -> Status[Any]:
    unit = accounts_access.get_own_organisation(request.user, payload.unit_id)
    return Status(
        201, services.subsidy_claim_submit(actor=request.user, unit=unit, year=payload.year)
    )


@router.post(
    "/instrument-subsidies/{pk}/decision",
    response={200: SubsidyOut, **ERRORS},
    summary="审核共享补贴（科技局）",
)
def decide_subsidy(request: HttpRequest, pk: int, payload: SubsidyDecisionIn) -> Any:
    claim = access.get_subsidy_for_user(request.user, pk)
    if payload.decision not in ("approve", "reject"):
        raise ApplicationError("decision 应为 approve 或 reject。", code="validation_error")
    to = SubsidyStatus.APPROVED if payload.decision == "approve" else SubsidyStatus.REJECTED
    return services.subsidy_claim_transition(
        actor=request.user, claim=claim, to_status=to, reason=payload.reason
    )
