"""The contract between the statistics dashboard and the other apps.

An app that has figures for the bureau's dashboard provides ``techmarket/<app>/stats.py``
with ``dashboard_figures(*, start: date, end: date) -> list[Figure]`` (``end`` exclusive).
The dashboard discovers those modules; it never imports another app's models itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from techmarket.core.discovery import app_modules


@dataclass(frozen=True)
class Figure:
    key: str  # stable, e.g. "vouchers.redeemed_amount"
    label: str  # Chinese, e.g. "创新券兑付金额"
    value: Decimal | int
    unit: str  # e.g. "元", "项", "张", "小时"
    group: str  # dashboard section, e.g. "科技创新券"


FigureSource = Callable[..., list[Figure]]


def figure_sources() -> list[tuple[str, FigureSource]]:
    sources: list[tuple[str, FigureSource]] = []
    for config, module in app_modules("stats"):
        source = getattr(module, "dashboard_figures", None)
        if source is not None:
            sources.append((config.label, source))
    return sources


def collect_figures(*, start: date, end: date) -> list[Figure]:
    figures: list[Figure] = []
    for _label, source in figure_sources():
        figures.extend(source(start=start, end=end))
    return figures
