"""Large research-instrument sharing (大型科研仪器开放共享): catalogue, bookings,
service records with the user's acceptance, and annual subsidy claims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from techmarket.accounts.models import Organisation
from techmarket.core.models import TimeStampedModel
from techmarket.core.money import MoneyField
from techmarket.instruments.workflow import (
    BookingStatus,
    InstrumentStatus,
    RecordStatus,
    SubsidyStatus,
)


class Instrument(TimeStampedModel):
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="instruments")
    name = models.CharField("仪器名称", max_length=200)
    model_number = models.CharField("规格型号", max_length=100)
    maker = models.CharField("生产厂商", max_length=200)
    original_value = MoneyField("原值（元）")
    location = models.CharField("放置地点", max_length=200)
    fee_standard = models.CharField("收费标准", max_length=300)
    hourly_fee = MoneyField("机时费（元/小时）")
    opening_hours = models.CharField("开放时间", max_length=200, default="工作日 9:00–17:00")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=InstrumentStatus.choices,
        default=InstrumentStatus.AVAILABLE,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "大型科研仪器"
        verbose_name_plural = "大型科研仪器"
        ordering = ["owner__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(original_value__gt=0), name="instruments_original_value_gt_0"
            ),
            models.CheckConstraint(condition=Q(hourly_fee__gte=0), name="instruments_fee_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name


class Booking(TimeStampedModel):
    """A slot on an instrument's calendar. Overlapping holding bookings are refused by a
    locked check in the service and, on PostgreSQL, by an exclusion constraint (0002)."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="bookings")
    user_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="instrument_bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    start_at = models.DateTimeField("开始时间")
    end_at = models.DateTimeField("结束时间")
    purpose = models.CharField("用途", max_length=300)
    samples = models.PositiveIntegerField("样品数", default=0)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=BookingStatus.choices,
        default=BookingStatus.REQUESTED,
        db_index=True,
    )
    status_reason = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "仪器预约"
        verbose_name_plural = "仪器预约"
        ordering = ["start_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_at__gt=F("start_at")), name="instruments_booking_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["instrument", "start_at"])]

    def __str__(self) -> str:
        return f"{self.instrument} {self.start_at:%Y-%m-%d %H:%M}"


class ServiceRecord(TimeStampedModel):
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="service_records"
    )
    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="service_record"
    )
    user_org = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="instrument_services"
    )
    served_on = models.DateField("服务日期")
    machine_hours = models.DecimalField("机时（小时）", max_digits=8, decimal_places=2)
    samples = models.PositiveIntegerField("样品数", default=0)
    fee = MoneyField("服务费（元）")
    invoice_number = models.CharField("发票号码", max_length=40)
    related_party = models.BooleanField("关联单位", default=False)
    related_reason = models.CharField("关联原因", max_length=200, blank=True)
    status = models.CharField(
        "验收状态",
        max_length=20,
        choices=RecordStatus.choices,
        default=RecordStatus.RECORDED,
        db_index=True,
    )
    user_rating = models.PositiveSmallIntegerField("用户评价", null=True, blank=True)
    user_comment = models.CharField("验收意见", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "仪器服务记录"
        verbose_name_plural = "仪器服务记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(machine_hours__gt=0), name="instruments_hours_gt_0"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="instruments_record_fee_gte_0"),
            models.UniqueConstraint(
                fields=["instrument", "invoice_number"], name="instruments_invoice_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} · {self.user_org} · {self.served_on}"

    @property
    def is_external(self) -> bool:
        return self.user_org_id != self.instrument.owner_id


class SubsidyClaim(TimeStampedModel):
    """A managing unit's annual subsidy: ≤ rate × eligible fees, ≤ yearly cap (snapshot)."""

    unit = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="instrument_subsidies"
    )
    year = models.PositiveIntegerField("年度")
    eligible_fees = MoneyField("符合条件的服务费（元）")
    excluded_fees = MoneyField("不予计入的服务费（元）")
    record_count = models.PositiveIntegerField("计入的服务记录数")
    rate = models.DecimalField("补贴比例", max_digits=4, decimal_places=3)
    cap = MoneyField("年度上限（元）")
    amount = MoneyField("补贴金额（元）")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=SubsidyStatus.choices,
        default=SubsidyStatus.SUBMITTED,
        db_index=True,
    )
    status_reason = models.CharField("审核意见", max_length=300, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "仪器共享补贴申请"
        verbose_name_plural = "仪器共享补贴申请"
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=~Q(status="rejected"),
                name="instruments_one_live_claim_per_year",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="instruments_subsidy_gte_0"),
            models.CheckConstraint(
                condition=Q(amount__lte=F("cap")), name="instruments_subsidy_lte_cap"
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=F("eligible_fees")),
                name="instruments_subsidy_lte_fees",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"
