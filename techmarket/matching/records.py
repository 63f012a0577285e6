"""Plain records the matching engine works on, independent of Django models.

The listings app's rows and the JSONL records of ../shared/data/FORMAT.md both map to these,
so the evaluation harness and the product run the very same ranking code.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any


@dataclass(frozen=True)
class Indicator:
    """A structured technical indicator: 工作温度 ≥ 200 ℃."""

    name: str
    comparator: str  # ge, gt, le, lt, eq, range
    value: float
    unit: str
    value_max: float | None = None


@dataclass
class AchievementRecord:
    id: str
    title: str
    abstract: str
    keywords: list[str] = dc_field(default_factory=list)
    field: str = ""
    subfield: str = ""
    maturity: str = ""  # 实验室阶段 / 小试 / 中试 / 产业化
    ip_type: str = ""
    transfer_modes: list[str] = dc_field(default_factory=list)  # 转让, 许可, ...
    price_wan: float | None = None
    region: str = ""
    indicators: list[Indicator] = dc_field(default_factory=list)

    def passage_text(self) -> str:
        text = f"{self.title}。{self.abstract}"
        if self.keywords:
            text += "。关键词：" + "、".join(self.keywords)
        return text

    def index_text(self) -> str:
        # the title counts twice in BM25: it is the densest statement of what the thing does
        return f"{self.title} {self.title} {self.abstract} {' '.join(self.keywords)}"


@dataclass
class DemandRecord:
    id: str
    title: str
    description: str
    industry: str = ""
    field: str = ""
    region: str = ""
    budget_wan: float | None = None
    deadline_months: float | None = None
    cooperation_modes: list[str] = dc_field(default_factory=list)
    indicators: list[Indicator] = dc_field(default_factory=list)

    def query_text(self) -> str:
        if self.description.startswith(self.title.rstrip("…. ")):
            return self.description
        return f"{self.title}。{self.description}"


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    return [str(v) for v in value if v]


def achievement_from_json(obj: dict[str, Any]) -> AchievementRecord:
    return AchievementRecord(
        id=_text(obj["id"]),
        title=_text(obj.get("title")),
        abstract=_text(obj.get("abstract")),
        keywords=_list(obj.get("keywords")),
        field=_text(obj.get("field")),
        maturity=_text(obj.get("maturity")),
        ip_type=_text(obj.get("ip")),
        transfer_modes=_list(obj.get("transfer_modes")),
        price_wan=_num(obj.get("price_wan")),
        region=_text(obj.get("region")),
    )


def demand_from_json(obj: dict[str, Any]) -> DemandRecord:
    return DemandRecord(
        id=_text(obj["id"]),
        title=_text(obj.get("title")),
        description=_text(obj.get("description")),
        industry=_text(obj.get("industry")),
        region=_text(obj.get("region")),
        budget_wan=_num(obj.get("budget_wan")),
        deadline_months=_num(obj.get("deadline_months")),
        cooperation_modes=_list(obj.get("cooperation_modes")),
    )
