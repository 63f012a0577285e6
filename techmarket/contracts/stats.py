"""Figures that technology-contract registration feeds to the dashboard (stats/figures.py)."""

from __future__ import annotations

from datetime import date

from techmarket.contracts.selectors import totals
from techmarket.stats.figures import Figure

GROUP = "技术合同登记"


def dashboard_figures(*, start: date, end: date) -> list[Figure]:
    row = totals(start, end)
    return [
        Figure("contracts.count", "登记技术合同数", row.count, "项", GROUP),
        Figure("contracts.contract_amount", "技术合同成交额", row.contract_amount, "元", GROUP),
        Figure("contracts.tech_amount", "技术交易额", row.tech_amount, "元", GROUP),
    ]
