"""Who may see and change instrument records (the only place these checks live)."""

from __future__ import annotations

from typing import Any

from techmarket.accounts import access as accounts_access
from techmarket.core.errors import NotFound
from techmarket.instruments.models import Booking, Instrument, ServiceRecord, SubsidyClaim
from techmarket.vouchers.access import acts_for, ensure_acts_for, ensure_bureau_staff

__all__ = ["acts_for", "ensure_acts_for", "ensure_bureau_staff"]


def can_view_booking(user: Any, booking: Booking) -> bool:
    return (
        accounts_access.is_bureau_staff(user)
        or accounts_access.is_member(user, booking.user_org)
        or accounts_access.is_member(user, booking.instrument.owner)
    )


def get_instrument(pk: int) -> Instrument:
    instrument = Instrument.objects.select_related("owner").filter(pk=pk).first()
    if instrument is None:
        raise NotFound("找不到该仪器。")
    return instrument


def get_booking_for_user(user: Any, pk: int) -> Booking:
    booking = Booking.objects.select_related("instrument__owner", "user_org").filter(pk=pk).first()
    if booking is None or not can_view_booking(user, booking):
        raise NotFound("找不到该预约，或您无权查看。")
    return booking


def get_record_for_user(user: Any, pk: int) -> ServiceRecord:
    record = (
        ServiceRecord.objects.select_related("instrument__owner", "user_org").filter(pk=pk).first()
    )
    if record is None or not (
        accounts_access.is_bureau_staff(user)
        or accounts_access.is_member(user, record.user_org)
        or accounts_access.is_member(user, record.instrument.owner)
    ):
        raise NotFound("找不到该服务记录，或您无权查看。")
    return record


def get_subsidy_for_user(user: Any, pk: int) -> SubsidyClaim:
    claim = SubsidyClaim.objects.select_related("unit").filter(pk=pk).first()
    if claim is None or not (
        accounts_access.is_bureau_staff(user) or accounts_access.is_member(user, claim.unit)
    ):
        raise NotFound("找不到该补贴申请，或您无权查看。")
    return claim
