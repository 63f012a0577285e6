from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class InstrumentIn(Schema):
    owner_id: int
    name: str
    model_number: str
    maker: str
    original_value: Decimal
    location: str = ""
    fee_standard: str = ""
    hourly_fee: Decimal = Decimal(0)
    opening_hours: str = "工作日 9:00–17:00"


class InstrumentOut(Schema):
    id: int
    owner_id: int
    name: str
    model_number: str
    maker: str
    original_value: Decimal
    location: str
    fee_standard: str
    hourly_fee: Decimal
    opening_hours: str
    status: str


class BookingIn(Schema):
    user_org_id: int
    start_at: datetime
    end_at: datetime
    purpose: str
    samples: int = 0


class BookingOut(Schema):
    id: int
    instrument_id: int
    user_org_id: int
    start_at: datetime
    end_at: datetime
    purpose: str
    samples: int
    status: str


class BookingDecisionIn(Schema):
    status: str  # confirmed | rejected | cancelled
    reason: str = ""


class ServiceRecordIn(Schema):
    machine_hours: Decimal
    fee: Decimal
    invoice_number: str
    samples: int | None = None


class ServiceRecordOut(Schema):
    id: int
    instrument_id: int
    booking_id: int | None
    user_org_id: int
    served_on: date
    machine_hours: Decimal
    samples: int
    fee: Decimal
    invoice_number: str
    related_party: bool
    related_reason: str
    status: str


class AcceptanceIn(Schema):
    status: str  # accepted | disputed
    rating: int | None = None
    comment: str = ""


class SubsidyPreviewOut(Schema):
    unit_id: int
    year: int
    eligible_fees: Decimal
    excluded_fees: Decimal
    record_count: int
    rate: Decimal
    cap: Decimal
    amount: Decimal


class SubsidyIn(Schema):
    unit_id: int
    year: int


class SubsidyOut(Schema):
    id: int
    unit_id: int
    year: int
    eligible_fees: Decimal
    excluded_fees: Decimal
    record_count: int
    rate: Decimal
    cap: Decimal
    amount: Decimal
    status: str
    status_reason: str


class SubsidyDecisionIn(Schema):
    decision: str
    reason: str = ""


class InstrumentStatusIn(Schema):
    status: str  # available | maintenance | retired
