"""Reads of registered contracts: the turnover statistics (RULES.md §1.1, §1.6 dimensions).

Grouping is done on plain columns (the registration date, codes) and folded into months,
quarters or categories in Python: the same SQL on SQLite and PostgreSQL, and at most a few
hundred groups per query whatever the number of contracts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr

from techmarket.contracts.models import (
    CIVIL_CODE_CATEGORY,
    LEGACY_CATEGORY,
    Contract,
    ContractType,
    PartyNature,
)
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.regions import PROVINCES
from techmarket.core.taxonomy import field_name

ZERO = Decimal("0.00")

# Districts of the demo city (Tianjin, GB/T 2260); other codes show as province + code.
DISTRICTS: dict[str, str] = {
    "120101": "和平区", "120102": "河东区", "120103": "河西区", "120104": "南开区",
    "120105": "河北区", "120106": "红桥区", "120110": "东丽区", "120111": "西青区",
    "120112": "津南区", "120113": "北辰区", "120114": "武清区", "120115": "宝坻区",
    "120116": "滨海新区", "120117": "宁河区", "120118": "静海区", "120119": "蓟州区",
}  # fmt: skip

NATURE_GROUP: dict[str, str] = {
    "010": "机关", "021": "科研机构", "022": "高等院校", "023": "医疗卫生", "030": "社团",
    "110": "企业", "150": "企业", "160": "企业", "170": "企业", "200": "企业", "300": "企业",
    "400": "个人", "900": "其他",
}  # fmt: skip

DIMENSIONS = {
    "month": "按月",
    "quarter": "按季度",
    "year": "按年",
    "district": "按区（卖方所在地）",
    "category": "按合同类别",
    "legacy_category": "按合同类别（2001 规则口径）",
    "type": "按合同细类",
    "field": "按技术领域",
    "seller_type": "按卖方性质",
    "buyer_type": "按买方性质",
    "flow": "按技术流向",
    "buyer_province": "按买方省份（技术输出去向）",
}


@dataclass
class Row:
    key: str
    label: str
    count: int = 0
    contract_amount: Decimal = ZERO
    tech_amount: Decimal = ZERO

    def add(self, count: int, contract_amount: Decimal | None, tech_amount: Decimal | None) -> None:
        self.count += count
        self.contract_amount += contract_amount or ZERO
        self.tech_amount += tech_amount or ZERO

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "count": self.count,
            "contract_amount": self.contract_amount,
            "tech_amount": self.tech_amount,
        }


def registered(start: date | None = None, end: date | None = None) -> QuerySet[Contract]:
    """Registered contracts with a registration date in [start, end)."""
    queryset = Contract.objects.filter(status=ContractStatus.REGISTERED)
    if start is not None:
        queryset = queryset.filter(registered_on__gte=start)
    if end is not None:
        queryset = queryset.filter(registered_on__lt=end)
    return queryset


def _sums(
    queryset: QuerySet[Contract], *group: Any, **annotations: Any
) -> Iterator[dict[str, Any]]:
    if annotations:
        queryset = queryset.annotate(**annotations)
    return iter(
        queryset.order_by()
        .values(*group)
        .annotate(n=Count("id"), ca=Sum("contract_amount"), ta=Sum("tech_amount"))
    )


def totals(start: date | None, end: date | None) -> Row:
    row = Row("total", "合计")
    values = registered(start, end).aggregate(
        n=Count("id"), ca=Sum("contract_amount"), ta=Sum("tech_amount")
    )
    row.add(values["n"], values["ca"], values["ta"])
    return row


def _local_prefix() -> str:
    return str(settings.CONTRACTS_REGISTRY_REGION_CODE)[:4]


def _fold(rows: dict[str, Row], key: str, label: str, item: dict[str, Any]) -> None:
    rows.setdefault(key, Row(key, label)).add(item["n"], item["ca"], item["ta"])


def turnover(dimension: str, start: date | None, end: date | None) -> list[Row]:
    """Count, 成交额 and 技术交易额 of registered contracts grouped by ``dimension``."""
    queryset = registered(start, end)
    rows: dict[str, Row] = {}
    if dimension in ("month", "quarter", "year"):
        for item in _sums(queryset, "registered_on"):
            day: date = item["registered_on"]
            if dimension == "month":
                key, label = f"{day:%Y-%m}", f"{day.year}年{day.month}月"
            elif dimension == "quarter":
                q = (day.month - 1) // 3 + 1
                key, label = f"{day.year}-Q{q}", f"{day.year}年第{q}季度"
            else:
                key, label = str(day.year), f"{day.year}年"
            _fold(rows, key, label, item)
        return [rows[k] for k in sorted(rows)]
    if dimension in ("category", "legacy_category", "type"):
        mapping = {
            "category": CIVIL_CODE_CATEGORY,
            "legacy_category": LEGACY_CATEGORY,
            "type": {k: str(v) for k, v in ContractType.choices},
        }[dimension]
        for item in _sums(queryset, "contract_type"):
            label = mapping.get(item["contract_type"], item["contract_type"])
            _fold(rows, label, label, item)
    elif dimension == "field":
        for item in _sums(queryset, "field"):
            _fold(rows, item["field"], field_name(item["field"]) or item["field"], item)
    elif dimension == "district":
        for item in _sums(queryset, "seller_region_code"):
            code = item["seller_region_code"]
            label = DISTRICTS.get(code) or f"{PROVINCES.get(code[:2], '')}{code}"
            _fold(rows, code, label, item)
    elif dimension in ("seller_type", "buyer_type"):
        column = "seller_nature" if dimension == "seller_type" else "buyer_nature"
        labels = dict(PartyNature.choices)
        for item in _sums(queryset, column):
            code = item[column]
            group = NATURE_GROUP.get(code, str(labels.get(code, code)))
            _fold(rows, group, group, item)
    elif dimension == "flow":
        local = _local_prefix()
        seller_local = Q(seller_region_code__startswith=local)
        buyer_local = Q(buyer_region_code__startswith=local)
        parts = [
            ("local", "本地转化（买卖双方均在本地）", seller_local & buyer_local),
            ("output", "技术输出（卖方在本地、买方在外地）", seller_local & ~buyer_local),
            ("inflow", "技术吸纳（买方在本地、卖方在外地）", ~seller_local & buyer_local),
        ]
        for key, label, condition in parts:
            values = queryset.filter(condition).aggregate(
                n=Count("id"), ca=Sum("contract_amount"), ta=Sum("tech_amount")
            )
            _fold(rows, key, label, values)
        return list(rows.values())
    elif dimension == "buyer_province":
        local = _local_prefix()
        outflow = queryset.filter(seller_region_code__startswith=local).exclude(
            buyer_region_code__startswith=local
        )
        for item in _sums(outflow, "province", province=Substr("buyer_region_code", 1, 2)):
            code = item["province"] or ""
            label = PROVINCES.get(code, code if code else "境外")
            _fold(rows, code or "abroad", label, item)
    else:
        raise ValueError(f"unknown dimension {dimension}")
    return sorted(rows.values(), key=lambda r: r.contract_amount, reverse=True)


EXPORT_HEADERS = [
    "合同登记编号", "登记日期", "项目名称", "合同类别", "卖方", "卖方统一社会信用代码",
    "卖方行政区划", "买方", "买方统一社会信用代码", "买方行政区划", "技术领域",
    "合同成交额（元）", "技术交易额（元）", "状态",
]  # fmt: skip


def export_rows(queryset: QuerySet[Contract]) -> Iterator[list[Any]]:
    types = dict(ContractType.choices)
    statuses = dict(ContractStatus.choices)
    columns = (
        "registration_number", "registered_on", "project_name", "contract_type", "seller_name",
        "seller_uscc", "seller_region_code", "buyer_name", "buyer_uscc", "buyer_region_code",
        "field", "contract_amount", "tech_amount", "status",
    )  # fmt: skip
    for values in (
        queryset.order_by("registered_on", "id").values_list(*columns).iterator(chunk_size=5000)
    ):
        row = list(values)
        row[3] = types.get(row[3], row[3])
        row[10] = field_name(row[10])
        row[13] = statuses.get(row[13], row[13])
        yield row
