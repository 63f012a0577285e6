from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from techmarket.core.models import TimeStampedModel
from techmarket.core.money import MoneyField
from techmarket.core.taxonomy import FIELD_CHOICES
from techmarket.listings.workflow import ListingStatus


class Maturity(models.TextChoices):
    LAB = "lab", "实验室阶段"
    SMALL_PILOT = "small_pilot", "小试"
    PILOT = "pilot", "中试"
    INDUSTRIAL = "industrial", "产业化"


class IpType(models.TextChoices):
    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    SOFTWARE = "software", "软件著作权"
    SECRET = "secret", "技术秘密"
    PLANT_VARIETY = "plant_variety", "植物新品种"
    IC_LAYOUT = "ic_layout", "集成电路布图设计"
    NONE = "none", "无"


class TransferMode(models.TextChoices):
    TRANSFER = "transfer", "转让"
    LICENSE = "license", "许可"
    EQUITY = "equity", "作价入股"
    CO_DEVELOPMENT = "co_development", "合作开发"
    SERVICE = "service", "技术服务"


class OwnerType(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "个人"
    OTHER = "other", "其他"


def mode_flags(modes: list[str] | None) -> dict[str, bool]:
    """The ``mode_<value>`` flag columns of a list of transfer/cooperation modes."""
    chosen = set(modes or [])
    return {f"mode_{value}": value in chosen for value in TransferMode.values}


MODE_FLAG_FIELDS = tuple(mode_flags([]))


class NullsLastIndex(models.Index):
    """An index read in the order of ``ORDER BY x ... NULLS LAST``.

    PostgreSQL only reads an index in that order when the index says NULLS LAST. SQLite
    refuses NULLS LAST in an index definition; there the index is created without it
    (SQLite's DESC order already puts NULLs last, so the descending sort still reads it)."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = [
            models.OrderBy(e.expression, descending=e.descending)
            if isinstance(e, models.OrderBy)
            else e
            for e in self.expressions
        ]
        index = models.Index(*plain, name=self.name, condition=self.condition)
        return index.create_sql(model, schema_editor, using=using, **kwargs)


def _mode_indexes(prefix: str) -> list[models.Index]:
    # One small partial index per mode: the public list filtered by a mode (newest
    # first) and its count read only the rows that offer that mode.
    return [
        models.Index(
            fields=["status", "published_at", "id"],
            condition=Q(**{f"mode_{value}": True}),
            name=f"{prefix}_mode_{value}",
        )
        for value in TransferMode.values
    ]


def _amount_sort_indexes(prefix: str, amount: str) -> list[models.Index]:
    # The exact ORDER BY of the price/budget sorts (面议 = NULL last, newest id first).
    return [
        NullsLastIndex(
            F("status"), F(amount).asc(nulls_last=True), F("id").desc(), name=f"{prefix}_amount_asc"
        ),
        NullsLastIndex(
            F("status"),
            F(amount).desc(nulls_last=True),
            F("id").desc(),
            name=f"{prefix}_amount_desc",
        ),
    ]


class Listing(TimeStampedModel):
    """What achievements and demands share: owner, workflow, region, import identity."""

    owner = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="所属机构"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    external_id = models.CharField("外部编号", max_length=100, blank=True)
    # FORMAT.md sets no length; 500 admits any real title (patent titles stay under 100)
    title = models.CharField("标题", max_length=500)
    region_code = models.CharField("行政区划代码", max_length=6, blank=True)
    region_name = models.CharField("地区", max_length=200, blank=True)
    contact_name = models.CharField("联系人", max_length=100, blank=True)
    contact_phone = models.CharField("联系电话", max_length=40, blank=True)
    contact_email = models.EmailField("联系邮箱", blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    # SHA-256 of the normalised imported values: a re-import of an unchanged row is a no-op.
    import_fingerprint = models.CharField("导入指纹", max_length=64, blank=True, editable=False)
    # Copies of the modes list (transfer_modes / cooperation_modes) as flags, so the mode
    # filter and its counts are index lookups instead of substring scans of JSON text.
    # Kept in sync by save() and by the bulk import, which writes them itself.
    mode_transfer = models.BooleanField("转让", default=False, editable=False)
    mode_license = models.BooleanField("许可", default=False, editable=False)
    mode_equity = models.BooleanField("作价入股", default=False, editable=False)
    mode_co_development = models.BooleanField("合作开发", default=False, editable=False)
    mode_service = models.BooleanField("技术服务", default=False, editable=False)

    modes_field: ClassVar[str] = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def sync_mode_flags(self) -> None:
        for name, value in mode_flags(getattr(self, self.modes_field)).items():
            setattr(self, name, value)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.sync_mode_flags()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.modes_field in update_fields:
            kwargs["update_fields"] = {*update_fields, *MODE_FLAG_FIELDS}
        super().save(*args, **kwargs)


class Achievement(Listing):
    """科技成果."""

    abstract = models.TextField("成果简介")
    keywords = models.JSONField("关键词", default=list, blank=True)
    field = models.CharField("技术领域", max_length=2, choices=FIELD_CHOICES, db_index=True)
    subfield = models.CharField("技术子领域", max_length=4, blank=True)
    industry_code = models.CharField("国民经济行业（GB/T 4754-2017）", max_length=5, blank=True)
    maturity = models.CharField("成熟度", max_length=20, choices=Maturity.choices, blank=True)
    ip_type = models.CharField("知识产权类型", max_length=20, choices=IpType.choices, blank=True)
    patent_numbers = models.JSONField("专利号", default=list, blank=True)
    transfer_modes = models.JSONField("转化方式", default=list, blank=True)
    price = MoneyField("意向价格（元）", null=True, blank=True, help_text="空表示面议")
    owner_display = models.CharField("成果持有人", max_length=500, blank=True)
    owner_type = models.CharField(
        "持有人类型", max_length=20, choices=OwnerType.choices, blank=True, db_index=True
    )

    modes_field = "transfer_modes"

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_id"],
                condition=~models.Q(external_id=""),
                name="achievement_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0),
                name="achievement_price_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "field", "published_at"]),
            models.Index(fields=["status", "published_at"], name="achievement_status_pub"),
            # The public list's order (newest first, id breaking ties) read straight off
            # the index, also when many rows share a publication time (bulk imports).
            models.Index(fields=["status", "published_at", "id"], name="achievement_status_pub_id"),
            *_amount_sort_indexes("achievement", "price"),
            *_mode_indexes("ach"),
            # count and latest change of the published rows, from the index alone: the
            # matching index's freshness check runs it on every match and search
            models.Index(fields=["status", "updated_at"], name="achievement_status_updated"),
        ]


class Demand(Listing):
    """企业技术需求."""

    description = models.TextField("需求描述")
    industry = models.CharField("所属行业", max_length=200, blank=True)
    industry_code = models.CharField("国民经济行业（GB/T 4754-2017）", max_length=5, blank=True)
    field = models.CharField("技术领域", max_length=2, choices=FIELD_CHOICES, blank=True)
    budget = MoneyField("预算（元）", null=True, blank=True, help_text="空表示面议")
    deadline = models.DateField("截止日期", null=True, blank=True)
    cooperation_modes = models.JSONField("合作方式", default=list, blank=True)
    confidential = models.BooleanField(
        "保密需求", default=False, help_text="公开页面隐藏企业名称和联系方式"
    )

    modes_field = "cooperation_modes"

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "external_id"],
                condition=~models.Q(external_id=""),
                name="demand_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="demand_budget_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            models.Index(fields=["status", "published_at", "id"], name="demand_status_pub_id"),
            *_amount_sort_indexes("demand", "budget"),
            *_mode_indexes("dem"),
            models.Index(fields=["status", "updated_at"], name="demand_status_updated"),
        ]


class Comparator(models.TextChoices):
    LE = "le", "≤"
    LT = "lt", "<"
    GE = "ge", "≥"
    GT = "gt", ">"
    EQ = "eq", "="
    RANGE = "range", "范围"


class TechnicalIndicator(models.Model):
    """One structured indicator row, e.g. 工作温度 ≤ 250 ℃ (of an achievement or a demand)."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    name = models.CharField("指标名称", max_length=100)
    comparator = models.CharField("比较", max_length=8, choices=Comparator.choices)
    value = models.DecimalField("数值", max_digits=20, decimal_places=6)
    value_max = models.DecimalField(
        "上限（范围）", max_digits=20, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField("单位", max_length=32, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "技术指标"
        verbose_name_plural = "技术指标"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(achievement__isnull=False) & models.Q(demand__isnull=True))
                | (models.Q(achievement__isnull=True) & models.Q(demand__isnull=False)),
                name="indicator_belongs_to_one_listing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_comparator_display()} {self.value} {self.unit}".strip()


def attachment_path(instance: ListingAttachment, filename: str) -> str:
    owner = "achievement" if instance.achievement_id else "demand"
    listing_id = instance.achievement_id or instance.demand_id
    return f"listings/{owner}/{listing_id}/{instance.sha256[:16]}{instance.extension}"


class ListingAttachment(models.Model):
    """A PDF or image of an achievement or demand, stored under MEDIA_ROOT (never served
    directly: the attachment view checks access first)."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    demand = models.ForeignKey(
        Demand, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField("上传时间", default=timezone.now)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(achievement__isnull=False) & models.Q(demand__isnull=True))
                | (models.Q(achievement__isnull=True) & models.Q(demand__isnull=False)),
                name="attachment_belongs_to_one_listing",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """One uploaded import file run in the background, with its progress and outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        REJECTED = "rejected", "未导入（有错误）"
        FAILED = "failed", "失败"

    kind = models.CharField("类型", max_length=20)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    file = models.FileField(upload_to="listings/imports/%Y/%m/", max_length=300)
    original_name = models.CharField("文件名", max_length=200)
    submit = models.BooleanField("导入后提交审核", default=False)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField("总行数", default=0)
    processed = models.PositiveIntegerField("已处理", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未变化", default=0)
    message = models.TextField("说明", blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = "导入任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name}"

    @property
    def percent(self) -> int:
        if self.state in {self.State.DONE, self.State.REJECTED}:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0


class ContactRequest(models.Model):
    """A supplier asks to see a confidential demand's enterprise and contact; the
    enterprise accepts or declines."""

    class State(models.TextChoices):
        PENDING = "pending", "待回复"
        ACCEPTED = "accepted", "已同意"
        DECLINED = "declined", "已拒绝"

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="contact_requests")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField("留言", blank=True)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_at = models.DateTimeField("回复时间", null=True, blank=True)

    class Meta:
        verbose_name = "联系申请"
        verbose_name_plural = "联系申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["demand", "organisation"], name="contact_request_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.demand_id}"
