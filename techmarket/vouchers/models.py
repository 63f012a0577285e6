"""Innovation vouchers (科技创新券): providers, catalogue, programmes, vouchers, orders,
redemptions, settlements, and the append-only ledger every amount is traceable in."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from techmarket.accounts.models import Organisation
from techmarket.core.models import TimeStampedModel
from techmarket.core.money import MoneyField
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    LedgerAccount,
    LedgerKind,
    OrderStatus,
    ProgrammeStatus,
    ProviderStatus,
    RedemptionStatus,
    SettlementMode,
    VoucherStatus,
)

ZERO = Decimal("0")


class Provider(TimeStampedModel):
    """A verified organisation admitted (入库) by the bureau as a service provider."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="voucher_provider"
    )
    service_scope = models.TextField("服务范围")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ProviderStatus.choices,
        default=ProviderStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "服务机构"
        verbose_name_plural = "服务机构"
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def is_approved(self) -> bool:
        return self.status == ProviderStatus.APPROVED


class ProductCategory(models.TextChoices):
    TESTING = "testing", "检验检测"
    ANALYSIS = "analysis", "分析测试"
    DESIGN = "design", "研发设计"
    RND = "rnd", "合作研发/委托开发"
    SOLUTION = "solution", "技术解决方案"
    PILOT = "pilot", "中试熟化"
    COMPUTE = "compute", "智算服务"
    OTHER = "other", "其他"


class ServiceProduct(TimeStampedModel):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="products")
    name = models.CharField("服务名称", max_length=200)
    category = models.CharField("服务类别", max_length=20, choices=ProductCategory.choices)
    price = MoneyField("价格（元）")
    unit = models.CharField("计价单位", max_length=40, default="次")
    lead_time_days = models.PositiveIntegerField("服务周期（天）", default=7)
    description = models.TextField("服务内容", blank=True)
    is_active = models.BooleanField("上架", default=True)

    class Meta:
        verbose_name = "服务产品"
        verbose_name_plural = "服务产品"
        ordering = ["provider__organisation__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="vouchers_product_price_gte_0")
        ]

    def __str__(self) -> str:
        return self.name


class Programme(TimeStampedModel):
    """One year's voucher scheme: budget, caps, ratio, eligibility, settlement mode."""

    name = models.CharField("专项名称", max_length=200)
    year = models.PositiveIntegerField("年度")
    total_budget = MoneyField("总预算（元）")
    budget_remaining = MoneyField("可分配预算（元）", default=ZERO)
    per_enterprise_cap = MoneyField("单个企业上限（元）")
    copay_ratio = models.DecimalField(
        "创新券支付比例上限",
        max_digits=4,
        decimal_places=3,
        help_text="创新券最多支付服务费的比例，如 0.5",
    )
    eligible_enterprise_types = models.JSONField("可申领的机构类型", default=list)
    accepted_provider_regions = models.JSONField(
        "认可的服务机构地区（省级代码，空为不限）", default=list, blank=True
    )
    settlement_mode = models.CharField("兑付方式", max_length=20, choices=SettlementMode.choices)
    apply_start = models.DateField("申领开始")
    apply_end = models.DateField("申领截止")
    validity_days = models.PositiveIntegerField("有效期（天）")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "创新券专项"
        verbose_name_plural = "创新券专项"
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_remaining__gte=0), name="vouchers_programme_budget_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(budget_remaining__lte=F("total_budget")),
                name="vouchers_programme_budget_lte_total",
            ),
            models.CheckConstraint(
                condition=Q(copay_ratio__gt=0) & Q(copay_ratio__lte=1),
                name="vouchers_programme_ratio_0_1",
            ),
            models.CheckConstraint(
                condition=Q(per_enterprise_cap__gt=0), name="vouchers_programme_cap_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(apply_end__gte=F("apply_start")), name="vouchers_programme_window"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def budget_used(self) -> Decimal:
        return self.total_budget - self.budget_remaining

    @property
    def eligible_type_labels(self) -> str:
        from techmarket.accounts.models import OrganisationType

        labels = dict(OrganisationType.choices)
        return "、".join(str(labels.get(t, t)) for t in self.eligible_enterprise_types)


class VoucherApplication(TimeStampedModel):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_amount = MoneyField("申领金额（元）")
    approved_amount = MoneyField("核定金额（元）", null=True, blank=True)
    purpose = models.TextField("用途说明")
    status = models.CharField(
        "审核状态",
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = "创新券申领"
        verbose_name_plural = "创新券申领"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gt=0), name="vouchers_application_requested_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True)
                | (Q(approved_amount__gt=0) & Q(approved_amount__lte=F("requested_amount"))),
                name="vouchers_application_approved_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.programme}"


class Voucher(TimeStampedModel):
    number = models.CharField("券号", max_length=40, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="vouchers")
    holder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="vouchers")
    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="voucher"
    )
    face_value = MoneyField("面额（元）")
    balance = MoneyField("余额（元）")
    valid_until = models.DateField("有效期至")
    status = models.CharField(
        "状态",
        max_length=20,
        choices=VoucherStatus.choices,
        default=VoucherStatus.ACTIVE,
        db_index=True,
    )

    class Meta:
        verbose_name = "创新券"
        verbose_name_plural = "创新券"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(face_value__gt=0), name="vouchers_voucher_face_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="vouchers_voucher_balance_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(balance__lte=F("face_value")),
                name="vouchers_voucher_balance_lte_face",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_expired_on(self, day: object) -> bool:
        return self.valid_until < day  # type: ignore[operator]


class Order(TimeStampedModel):
    """An enterprise's purchase of a service product, paid partly with a voucher."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="orders")
    product = models.ForeignKey(ServiceProduct, on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    enterprise = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_orders"
    )
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField("数量", default=1)
    fee = MoneyField("服务费总额（元）")
    requirements = models.TextField("服务需求", blank=True)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.ORDERED,
        db_index=True,
    )
    # delivery evidence (provider)
    contract_party_a = models.CharField("合同甲方（委托方）", max_length=200, blank=True)
    contract_party_b = models.CharField("合同乙方（服务方）", max_length=200, blank=True)
    contract_file = models.FileField("服务合同", upload_to="vouchers/evidence/%Y/", blank=True)
    report_file = models.FileField("服务报告", upload_to="vouchers/evidence/%Y/", blank=True)
    invoice_number = models.CharField("发票号码", max_length=40, blank=True, db_index=True)
    payment_proof_file = models.FileField("付款凭证", upload_to="vouchers/evidence/%Y/", blank=True)
    delivered_at = models.DateTimeField("交付时间", null=True, blank=True)
    # confirmation (enterprise)
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    comment = models.TextField("评价", blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "服务订单"
        verbose_name_plural = "服务订单"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(fee__gt=0), name="vouchers_order_fee_gt_0"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="vouchers_order_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"订单 {self.pk} · {self.product}"


class SettlementBatch(TimeStampedModel):
    number = models.CharField("批次号", max_length=40, unique=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="batches")
    total = MoneyField("合计（元）")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "结算批次"
        verbose_name_plural = "结算批次"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="vouchers_batch_total_gte_0")
        ]

    def __str__(self) -> str:
        return self.number


class Redemption(TimeStampedModel):
    """A claim against a voucher for a confirmed order, by the party the mode names."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="redemptions")
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    claimant = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_claims"
    )
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    amount = MoneyField("兑付金额（元）")
    idempotency_key = models.CharField("幂等键", max_length=80)
    # The order's invoice number, normalised, while the duplicate-invoice check is on
    # (NULL when it is off): the database then refuses a second live claim of one invoice
    # even when two claims race.
    invoice_key = models.CharField(  # noqa: DJ001 - NULL is exempt from the unique constraint
        "发票号码（查重）", max_length=40, null=True, blank=True
    )
    request_fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        "状态",
        max_length=20,
        choices=RedemptionStatus.choices,
        default=RedemptionStatus.CLAIMED,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    batch = models.ForeignKey(
        SettlementBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions",
    )

    class Meta:
        verbose_name = "兑付申请"
        verbose_name_plural = "兑付申请"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="vouchers_redemption_amount_gt_0"
            ),
            models.UniqueConstraint(
                fields=["claimant", "idempotency_key"], name="vouchers_redemption_idempotency"
            ),
            # One live claim per order: a rejected one may be followed by a corrected one.
            models.UniqueConstraint(
                fields=["order"],
                condition=~Q(status="rejected"),
                name="vouchers_redemption_one_live_per_order",
            ),
            models.UniqueConstraint(
                fields=["invoice_key"],
                condition=~Q(status="rejected"),
                name="vouchers_redemption_invoice_once",
            ),
        ]

    def __str__(self) -> str:
        return f"兑付 {self.pk} · {self.amount}"


class PayableAccount(models.Model):
    """What the programme owes one payee (enterprise or provider); settled in batches."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="payables")
    payee = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    balance = MoneyField("应付余额（元）", default=ZERO)

    class Meta:
        verbose_name = "应付款账户"
        verbose_name_plural = "应付款账户"
        constraints = [
            models.UniqueConstraint(fields=["programme", "payee"], name="vouchers_payable_unique"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="vouchers_payable_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.payee} · {self.balance}"


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    def update(self, **kwargs: object) -> int:
        raise TypeError("账本只能追加，不能修改。")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("账本只能追加，不能删除。")


class LedgerEntry(models.Model):
    """Append-only: the database refuses UPDATE (and DELETE on PostgreSQL), see
    migration 0002; balances are sums of these rows, checked by ``ledger_check``."""

    account = models.CharField("账户", max_length=20, choices=LedgerAccount.choices)
    kind = models.CharField("类别", max_length=20, choices=LedgerKind.choices)
    amount = MoneyField("金额（元，收入为正）")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    voucher = models.ForeignKey(
        Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payee = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    memo = models.CharField("摘要", max_length=200, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = "账本分录"
        verbose_name_plural = "账本分录"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="vouchers_ledger_nonzero"),
            models.CheckConstraint(
                condition=~Q(account="voucher") | Q(voucher__isnull=False),
                name="vouchers_ledger_voucher_account",
            ),
            models.CheckConstraint(
                condition=~Q(account="payable") | Q(payee__isnull=False),
                name="vouchers_ledger_payable_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_account_display()} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise TypeError("账本只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TypeError("账本只能追加，不能删除。")
