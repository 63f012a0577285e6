"""Technology contracts as the registry records them (RULES.md §1.1, §1.3, §1.6)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from techmarket.contracts.workflow import ContractStatus, RefusalReason
from techmarket.core.models import TimeStampedModel
from techmarket.core.money import MoneyField
from techmarket.core.taxonomy import FIELD_CHOICES


class ContractType(models.TextChoices):
    """RULES.md §1.1 recommended enum: serves the 2001 and the Civil-Code taxonomy."""

    DEV_COMMISSIONED = "dev_commissioned", "技术开发（委托开发）"
    DEV_COOPERATIVE = "dev_cooperative", "技术开发（合作开发）"
    TRANSFER_PATENT = "transfer_patent", "技术转让（专利权转让）"
    TRANSFER_PATENT_APPLICATION = "transfer_patent_application", "技术转让（专利申请权转让）"
    TRANSFER_TECH_SECRET = "transfer_tech_secret", "技术转让（技术秘密转让）"
    TRANSFER_OTHER_IP = "transfer_other_ip", "技术转让（其他知识产权转让）"
    LICENSE_PATENT = "license_patent", "技术许可（专利实施许可）"
    LICENSE_TECH_SECRET = "license_tech_secret", "技术许可（技术秘密使用许可）"
    LICENSE_OTHER_IP = "license_other_ip", "技术许可（其他知识产权许可）"
    CONSULTING = "consulting", "技术咨询"
    SERVICE = "service", "技术服务"
    SERVICE_TRAINING = "service_training", "技术服务（技术培训）"
    SERVICE_INTERMEDIARY = "service_intermediary", "技术服务（技术中介）"


# Category of each type under the Civil Code (5 classes) and under the 2001 rules, where
# licences count as 转让 and training / intermediary are registered separately.
CIVIL_CODE_CATEGORY: dict[str, str] = {
    "dev_commissioned": "技术开发",
    "dev_cooperative": "技术开发",
    "transfer_patent": "技术转让",
    "transfer_patent_application": "技术转让",
    "transfer_tech_secret": "技术转让",
    "transfer_other_ip": "技术转让",
    "license_patent": "技术许可",
    "license_tech_secret": "技术许可",
    "license_other_ip": "技术许可",
    "consulting": "技术咨询",
    "service": "技术服务",
    "service_training": "技术服务",
    "service_intermediary": "技术服务",
}
LEGACY_CATEGORY: dict[str, str] = {
    **CIVIL_CODE_CATEGORY,
    "license_patent": "技术转让",
    "license_tech_secret": "技术转让",
    "license_other_ip": "技术转让",
    "service_training": "技术培训",
    "service_intermediary": "技术中介",
}
TRANSFER_TYPES = frozenset(t for t, c in LEGACY_CATEGORY.items() if c == "技术转让")


class PartyNature(models.TextChoices):
    """Buyer / seller nature codes of the registration form (RULES.md §1.6)."""

    ORGAN = "010", "机关法人"
    RESEARCH = "021", "科研机构"
    UNIVERSITY = "022", "高等院校"
    MEDICAL = "023", "医疗卫生"
    SOCIETY = "030", "社团法人"
    STATE_OWNED = "110", "国有企业"
    LIMITED = "150", "有限责任公司"
    JOINT_STOCK = "160", "股份有限公司"
    PRIVATE = "170", "私营企业"
    HMT = "200", "港澳台投资企业"
    FOREIGN = "300", "外商投资企业"
    INDIVIDUAL = "400", "个人"
    OTHER = "900", "其他"


class IpType(models.TextChoices):
    INVENTION = "invention", "发明专利"
    UTILITY = "utility", "实用新型专利"
    DESIGN = "design", "外观设计专利"
    SOFTWARE = "software", "计算机软件著作权"
    IC_LAYOUT = "ic_layout", "集成电路布图设计专有权"
    PLANT_VARIETY = "plant_variety", "植物新品种权"
    BIOMEDICINE = "biomedicine", "生物医药新品种"
    SECRET = "secret", "技术秘密"
    NONE = "none", "未涉及知识产权"


class PaymentMode(models.TextChoices):
    """Civil Code art. 846."""

    LUMP_SUM_ONCE = "lump_sum_once", "一次总算、一次总付"
    LUMP_SUM_INSTALMENTS = "lump_sum_instalments", "一次总算、分期支付"
    ROYALTY = "royalty", "提成支付"
    ROYALTY_ENTRY_FEE = "royalty_entry_fee", "提成支付附加预付入门费"


class CostKind(models.TextChoices):
    """Non-technical cost items (RULES.md §1.3); the carrier kinds may be added back."""

    EQUIPMENT = "equipment", "购置设备、仪器"
    MATERIALS = "materials", "零部件、原材料"
    OTHER = "other", "其他非技术性费用"
    CARRIER_DOCUMENT = "carrier_document", "技术载体：技术文件（试验、存档所需份数）"
    CARRIER_MEDIA = "carrier_media", "技术载体：软件介质、动植物品种、微生物菌种"
    CARRIER_EQUIPMENT = "carrier_equipment", "技术载体：成套设备或试验装置"


CARRIER_KINDS = frozenset(
    {CostKind.CARRIER_DOCUMENT, CostKind.CARRIER_MEDIA, CostKind.CARRIER_EQUIPMENT}
)


class Contract(TimeStampedModel):
    seller_org = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="contracts_sold",
        verbose_name="申请机构（卖方）",
        null=True,
        blank=True,
    )
    buyer_org = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        related_name="contracts_bought",
        verbose_name="买方机构（平台用户）",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    project_name = models.CharField("项目名称", max_length=200)
    contract_type = models.CharField(
        "合同类别", max_length=32, choices=ContractType.choices, db_index=True
    )
    seller_name = models.CharField("卖方名称", max_length=200)
    seller_uscc = models.CharField("卖方统一社会信用代码", max_length=18)
    seller_region_code = models.CharField("卖方行政区划代码", max_length=6, db_index=True)
    seller_nature = models.CharField("卖方性质", max_length=4, choices=PartyNature.choices)
    buyer_name = models.CharField("买方名称", max_length=200)
    buyer_uscc = models.CharField("买方统一社会信用代码", max_length=18, blank=True)
    buyer_country_code = models.CharField("买方国别代码", max_length=3, default="156")
    buyer_region_code = models.CharField("买方行政区划代码", max_length=6, blank=True)
    buyer_nature = models.CharField("买方性质", max_length=4, choices=PartyNature.choices)
    signed_on = models.DateField("签订日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止")
    field = models.CharField("技术领域", max_length=2, choices=FIELD_CHOICES, db_index=True)
    ip_type = models.CharField("知识产权类型", max_length=20, choices=IpType.choices)
    contract_amount = MoneyField("合同成交额（元）")
    non_tech_total = MoneyField("非技术性费用合计（元）", default=Decimal("0"))
    carrier_allowed_total = MoneyField("不予扣除的技术载体费用（元）", default=Decimal("0"))
    tech_amount = MoneyField("技术交易额（元）")
    expected_investment = MoneyField("预计新增投入（元）", null=True, blank=True)
    expected_output = MoneyField("预计新增产值（元）", null=True, blank=True)
    payment_mode = models.CharField("支付方式", max_length=24, choices=PaymentMode.choices)
    payment_schedule = models.JSONField("支付安排", default=list, blank=True)
    royalty_rate = models.DecimalField(
        "提成比例（%）", max_digits=5, decimal_places=2, null=True, blank=True
    )
    exclusive_years = models.PositiveSmallIntegerField("许可/转让年限（年）", null=True, blank=True)
    related_party_full = models.BooleanField("买卖双方为100%关联方", default=False)
    scan = models.FileField("合同文本扫描件", upload_to="contracts/%Y/%m/", blank=True)
    scan_sha256 = models.CharField(max_length=64, blank=True)
    source_kind = models.CharField("来源", max_length=20, blank=True)  # achievement / demand
    source_id = models.BigIntegerField("来源编号", null=True, blank=True)
    imported = models.BooleanField("历史导入", default=False)

    status = models.CharField(
        "状态",
        max_length=20,
        choices=ContractStatus.choices,
        default=ContractStatus.SUBMITTED,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    refusal_reason = models.CharField(
        "不予登记理由", max_length=24, choices=RefusalReason.choices, blank=True
    )
    submitted_on = models.DateField("申请日期", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deadline = models.DateField("办结期限", null=True, blank=True)
    rule_version = models.CharField("适用规则", max_length=8, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    registration_number = models.CharField(
        "合同登记编号", max_length=16, null=True, blank=True, unique=True
    )
    certificate_version = models.PositiveSmallIntegerField("证明版本", default=0)
    cancelled_on = models.DateField("注销日期", null=True, blank=True)

    class Meta:
        verbose_name = "技术合同"
        verbose_name_plural = "技术合同"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contract_amount__gte=0), name="contract_amount_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(tech_amount__gte=0) & Q(tech_amount__lte=models.F("contract_amount")),
                name="contract_tech_amount_within_contract_amount",
            ),
            models.CheckConstraint(
                condition=Q(non_tech_total__gte=0) & Q(carrier_allowed_total__gte=0),
                name="contract_costs_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(status="registered") | Q(registration_number__isnull=False),
                name="contract_registered_has_number",
            ),
        ]
        indexes = [
            # Covers the turnover sums (no table lookups): the dashboard's all-years and
            # by-month queries read only this index (docs/benchmarks.md).
            models.Index(
                fields=["status", "registered_on", "contract_amount", "tech_amount"],
                name="contract_turnover_idx",
            ),
            models.Index(fields=["registered_on"], name="contract_registered_on_idx"),
        ]

    def __str__(self) -> str:
        return self.project_name

    @property
    def civil_code_category(self) -> str:
        return CIVIL_CODE_CATEGORY.get(self.contract_type, "")

    @property
    def legacy_category(self) -> str:
        return LEGACY_CATEGORY.get(self.contract_type, "")


class CostItem(models.Model):
    """One itemised non-technical cost; carriers within the reasonable quantity are
    deducted and then added back (RULES.md §1.3)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="cost_items")
    kind = models.CharField("类别", max_length=24, choices=CostKind.choices)
    description = models.CharField("说明", max_length=200)
    quantity = models.PositiveIntegerField("数量", default=1)
    amount = MoneyField("金额（元）")
    allowed_amount = MoneyField("不予扣除部分（元）", default=Decimal("0"))

    class Meta:
        verbose_name = "非技术性费用"
        verbose_name_plural = "非技术性费用"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(allowed_amount__gte=0)
                & Q(allowed_amount__lte=models.F("amount")),
                name="costitem_amounts_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Amendment(models.Model):
    """变更登记: what changed in a registered contract, and why."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reason = models.TextField("变更原因")
    changes = models.JSONField("变更内容", default=dict)
    certificate_version = models.PositiveSmallIntegerField("新证明版本")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "变更登记"
        verbose_name_plural = "变更登记"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.contract_id} v{self.certificate_version}"


class NumberCounter(models.Model):
    """The last serial issued under one number prefix (year + registry), row-locked."""

    prefix = models.CharField(max_length=10, unique=True)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "登记编号计数器"
        verbose_name_plural = "登记编号计数器"

    def __str__(self) -> str:
        return f"{self.prefix}:{self.last_serial}"


class TurnoverCell(models.Model):
    """Monthly sums of registered contracts per dimension value, kept in the same
    transaction as every registration, amendment, cancellation and import (services call
    ``contracts.summary``), so the dashboard reads a few hundred rows instead of 10^6.
    ``techmarket contracts_rebuild_summary`` recomputes it from the contracts."""

    month = models.DateField("月份")  # the first day of the month
    dimension = models.CharField("维度", max_length=16)
    key = models.CharField("取值", max_length=32)
    count = models.IntegerField("合同数", default=0)
    contract_amount = MoneyField("合同成交额（元）", max_digits=18, default=Decimal("0"))
    tech_amount = MoneyField("技术交易额（元）", max_digits=18, default=Decimal("0"))

    class Meta:
        verbose_name = "成交额月度汇总"
        verbose_name_plural = "成交额月度汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "month", "key"], name="turnover_cell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.dimension}={self.key}"
