"""Figures that technology-contract registration feeds to the dashboard (stats/figures.py)."""

from __future__ import annotations

from datetime import date

from techmarket.contracts.models import Contract
from techmarket.contracts.selectors import totals
from techmarket.contracts.workflow import ContractStatus
from techmarket.stats.figures import Figure

GROUP = "技术合同登记"


def dashboard_figures(*, start: date, end: date) -> list[Figure]:
    row = totals(start, end)
    pending = Contract.objects.filter(
        status__in=[ContractStatus.SUBMITTED, ContractStatus.ACCEPTED]
    ).count()
    return [
        Figure("contracts.count", "登记技术合同数", row.count, "项", GROUP),
        Figure("contracts.contract_amount", "技术合同成交额", row.contract_amount, "元", GROUP),
        Figure("contracts.tech_amount", "技术交易额", row.tech_amount, "元", GROUP),
        Figure("contracts.pending", "待办登记申请（当前）", pending, "项", GROUP),
    ]
