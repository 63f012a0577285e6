from __future__ import annotations

from django.db import models


class InstrumentStatus(models.TextChoices):
    AVAILABLE = "available", "开放共享"
    MAINTENANCE = "maintenance", "维护中"
    RETIRED = "retired", "已停用"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    REJECTED = "rejected", "已拒绝"
    CANCELLED = "cancelled", "已取消"
    COMPLETED = "completed", "已完成"


# Bookings in these states hold their slot on the calendar.
HOLDING = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.COMPLETED)

BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    BookingStatus.REQUESTED: frozenset(
        {BookingStatus.CONFIRMED, BookingStatus.REJECTED, BookingStatus.CANCELLED}
    ),
    BookingStatus.CONFIRMED: frozenset({BookingStatus.COMPLETED, BookingStatus.CANCELLED}),
    BookingStatus.REJECTED: frozenset(),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.COMPLETED: frozenset(),
}


class RecordStatus(models.TextChoices):
    RECORDED = "recorded", "待用户验收"
    ACCEPTED = "accepted", "用户已验收"
    DISPUTED = "disputed", "用户有异议"


RECORD_TRANSITIONS: dict[str, frozenset[str]] = {
    RecordStatus.RECORDED: frozenset({RecordStatus.ACCEPTED, RecordStatus.DISPUTED}),
    RecordStatus.DISPUTED: frozenset({RecordStatus.ACCEPTED}),
    RecordStatus.ACCEPTED: frozenset(),
}


class SubsidyStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已核准"
    REJECTED = "rejected", "已驳回"


SUBSIDY_TRANSITIONS: dict[str, frozenset[str]] = {
    SubsidyStatus.SUBMITTED: frozenset({SubsidyStatus.APPROVED, SubsidyStatus.REJECTED}),
    SubsidyStatus.APPROVED: frozenset(),
    SubsidyStatus.REJECTED: frozenset(),
}
