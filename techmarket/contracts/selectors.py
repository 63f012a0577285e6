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

from django.db.models import Count, QuerySet, Sum

from techmarket.contracts import summary
from techmarket.contracts.models import (
    CIVIL_CODE_CATEGORY,
    LEGACY_CATEGORY,
    Contract,
    ContractType,
    PartyNature,
    TurnoverCell,
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
    for part in turnover("year", start, end):
        row.add(part.count, part.contract_amount, part.tech_amount)
    return row


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _split(start: date | None, end: date | None) -> list[tuple[str, date | None, date | None]]:
    """Whole months come from the monthly summary, the partial months at either end from
    the contracts themselves (a few thousand rows at most)."""
    cell_lo = None if start is None else (start if start.day == 1 else _next_month(start))
    cell_hi = None if end is None else end.replace(day=1)
    if cell_lo is not None and cell_hi is not None and cell_lo >= cell_hi:
        return [("raw", start, end)]
    parts: list[tuple[str, date | None, date | None]] = []
    if start is not None and start != cell_lo:
        parts.append(("raw", start, cell_lo))
    parts.append(("cells", cell_lo, cell_hi))
    if end is not None and end != cell_hi:
        parts.append(("raw", cell_hi, end))
    return parts


# The summary dimension each statistics dimension is folded from.
BASE = {
    "month": "type", "quarter": "type", "year": "type", "category": "type",
    "legacy_category": "type", "type": "type", "field": "field", "district": "district",
    "seller_type": "seller_nature", "buyer_type": "buyer_nature", "flow": "flow",
    "buyer_province": "flow",
}  # fmt: skip
TIME_DIMENSIONS = frozenset({"month", "quarter", "year"})


def _raw_groups(
    dimension: str, lo: date | None, hi: date | None
) -> Iterator[tuple[Any, dict[str, Any]]]:
    queryset = registered(lo, hi)
    if dimension in TIME_DIMENSIONS:
        for item in _sums(queryset, "registered_on"):
            yield item["registered_on"], item
        return
    base = BASE[dimension]
    if base == "flow":
        for item in _sums(queryset, "seller_region_code", "buyer_region_code"):
            yield summary.flow_key(item["seller_region_code"], item["buyer_region_code"]), item
        return
    column = summary.COLUMNS[base]
    for item in _sums(queryset, column):
        yield item[column], item


def _cell_groups(
    dimension: str, lo: date | None, hi: date | None
) -> Iterator[tuple[Any, dict[str, Any]]]:
    cells = TurnoverCell.objects.filter(dimension=BASE[dimension])
    if lo is not None:
        cells = cells.filter(month__gte=lo)
    if hi is not None:
        cells = cells.filter(month__lt=hi)
    group = "month" if dimension in TIME_DIMENSIONS else "key"
    for item in (
        cells.order_by()
        .values(group)
        .annotate(n=Sum("count"), ca=Sum("contract_amount"), ta=Sum("tech_amount"))
    ):
        yield item[group], item


def _label(dimension: str, raw: Any) -> tuple[str, str] | None:
    """The (key, label) a base value is counted under, or None when it is not counted."""
    if dimension in TIME_DIMENSIONS:
        day: date = raw
        if dimension == "month":
            return f"{day:%Y-%m}", f"{day.year}年{day.month}月"
        if dimension == "quarter":
            q = (day.month - 1) // 3 + 1
            return f"{day.year}-Q{q}", f"{day.year}年第{q}季度"
        return str(day.year), f"{day.year}年"
    if dimension in ("category", "legacy_category", "type"):
        mapping = {
            "category": CIVIL_CODE_CATEGORY,
            "legacy_category": LEGACY_CATEGORY,
            "type": {k: str(v) for k, v in ContractType.choices},
        }[dimension]
        label = mapping.get(raw, raw)
        return label, label
    if dimension == "field":
        return raw, field_name(raw) or raw
    if dimension == "district":
        return raw, DISTRICTS.get(raw) or f"{PROVINCES.get(raw[:2], '')}{raw}"
    if dimension in ("seller_type", "buyer_type"):
        group = NATURE_GROUP.get(raw) or str(dict(PartyNature.choices).get(raw, raw))
        return group, group
    seller_buyer, _, province = str(raw).partition(":")
    if dimension == "flow":
        key = {"11": "local", "10": "output", "01": "inflow"}.get(seller_buyer, "elsewhere")
        return key, FLOW_LABELS.get(key, "外地之间（历史导入）")
    if seller_buyer != "10":  # buyer_province: where the technology went
        return None
    return province or "abroad", PROVINCES.get(province, province or "境外")


FLOW_ORDER = ("local", "output", "inflow")
FLOW_LABELS = {
    "local": "本地转化（买卖双方均在本地）",
    "output": "技术输出（卖方在本地、买方在外地）",
    "inflow": "技术吸纳（买方在本地、卖方在外地）",
}


def _fold(rows: dict[str, Row], key: str, label: str, item: dict[str, Any]) -> None:
    rows.setdefault(key, Row(key, label)).add(item["n"], item["ca"], item["ta"])


def turnover(dimension: str, start: date | None, end: date | None) -> list[Row]:
    """Count, 成交额 and 技术交易额 of registered contracts grouped by ``dimension``,
    registered in [start, end)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension}")
    rows: dict[str, Row] = {}
    for kind, lo, hi in _split(start, end):
        groups = (
            _cell_groups(dimension, lo, hi) if kind == "cells" else _raw_groups(dimension, lo, hi)
        )
        for raw, item in groups:
            labelled = _label(dimension, raw)
            if labelled is not None:
                _fold(rows, labelled[0], labelled[1], item)
    rows = {key: row for key, row in rows.items() if row.count}  # cancelled to zero
    if dimension in TIME_DIMENSIONS:
        return [rows[k] for k in sorted(rows)]
    if dimension == "flow":
        for key in FLOW_ORDER:
            rows.setdefault(key, Row(key, FLOW_LABELS[key]))
        return [rows[k] for k in FLOW_ORDER] + [r for k, r in rows.items() if k not in FLOW_ORDER]
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
