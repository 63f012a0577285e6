"""The dashboard's figures: live turnover of registered contracts, figures fed by other
apps through stats/figures.py, targets, progress, forecast and change on previous year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from techmarket.contracts import selectors as contract_stats
from techmarket.stats.figures import Figure, collect_figures
from techmarket.stats.models import Target


@dataclass
class Indicator:
    key: str
    label: str
    unit: str
    group: str
    value: Decimal
    previous: Decimal
    change_pct: Decimal | None
    target: Decimal | None
    progress_pct: Decimal | None
    forecast: Decimal | None
    forecast_pct: Decimal | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def period(year: int, as_of: date | None = None) -> tuple[date, date, date]:
    """(1 January, the exclusive end of the year-to-date, the day the pace is measured on)."""
    today = as_of or timezone.localdate()
    start = date(year, 1, 1)
    if year < today.year:
        last = date(year, 12, 31)
    elif year > today.year:
        last = start - timedelta(days=1)
    else:
        last = today
    return start, last + timedelta(days=1), last


def _same_day_previous_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def indicator_catalogue() -> dict[str, tuple[str, str]]:
    """Every figure key the apps provide, with its label and unit (targets can be set on any)."""
    today = timezone.localdate()
    figures = collect_figures(start=today, end=today)
    return {f.key: (f.label, f.unit) for f in figures}


def indicators(year: int, as_of: date | None = None) -> list[Indicator]:
    start, end, last = period(year, as_of)
    current = collect_figures(start=start, end=end)
    previous = {
        f.key: f
        for f in collect_figures(
            start=date(year - 1, 1, 1), end=_same_day_previous_year(last) + timedelta(days=1)
        )
    }
    targets = {t.indicator: t.value for t in Target.objects.filter(year=year)}
    elapsed = max((last - start).days + 1, 0)
    days_in_year = (date(year + 1, 1, 1) - start).days
    result = []
    for figure in current:
        value = Decimal(figure.value)
        prev_figure: Figure | None = previous.get(figure.key)
        prev = Decimal(prev_figure.value) if prev_figure else Decimal(0)
        target = targets.get(figure.key)
        forecast = (
            (value * days_in_year / elapsed).quantize(Decimal("0.01"), ROUND_HALF_UP)
            if elapsed
            else None
        )
        result.append(
            Indicator(
                key=figure.key,
                label=figure.label,
                unit=figure.unit,
                group=figure.group,
                value=value,
                previous=prev,
                change_pct=_pct(value - prev, prev) if prev else None,
                target=target,
                progress_pct=_pct(value, target) if target else None,
                forecast=forecast,
                forecast_pct=_pct(forecast, target) if target and forecast is not None else None,
            )
        )
    return result


BREAKDOWNS = (
    "category",
    "field",
    "district",
    "seller_type",
    "buyer_type",
    "flow",
    "buyer_province",
)


def monthly_series(year: int) -> dict[str, Any]:
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    this_year = {
        r.key: r for r in contract_stats.turnover("month", date(year, 1, 1), date(year + 1, 1, 1))
    }
    last_year = {
        r.key[5:]: r
        for r in contract_stats.turnover("month", date(year - 1, 1, 1), date(year, 1, 1))
    }
    wan = Decimal(10_000)

    def amounts(rows: dict[str, Any], keys: list[str], attr: str) -> list[float]:
        return [
            float((getattr(rows[k], attr) / wan).quantize(Decimal("0.01"))) if k in rows else 0.0
            for k in keys
        ]

    return {
        "months": [f"{m}月" for m in range(1, 13)],
        "contract_amount": amounts(this_year, months, "contract_amount"),
        "tech_amount": amounts(this_year, months, "tech_amount"),
        "count": [this_year[k].count if k in this_year else 0 for k in months],
        "previous_contract_amount": amounts(last_year, [k[5:] for k in months], "contract_amount"),
    }


def dashboard(year: int, as_of: date | None = None) -> dict[str, Any]:
    start, end, _last = period(year, as_of)
    return {
        "year": year,
        "indicators": indicators(year, as_of),
        "totals": contract_stats.totals(start, end),
        "quarters": contract_stats.turnover("quarter", start, end),
        "months": contract_stats.turnover("month", start, end),
        "years": contract_stats.turnover("year", None, None),
        "breakdowns": {
            name: (contract_stats.DIMENSIONS[name], contract_stats.turnover(name, start, end))
            for name in BREAKDOWNS
        },
        "series": monthly_series(year),
    }
