from __future__ import annotations

from decimal import Decimal

from django import template

from techmarket.core.money import format_wan, format_yuan

register = template.Library()


@register.filter
def wan(value: Decimal | None) -> str:
    return format_wan(value, negotiable="—")


@register.filter
def yuan(value: Decimal | None) -> str:
    return "—" if value is None else format_yuan(value)


@register.filter
def yi(value: Decimal | int | None) -> str:
    """亿元 with two decimals (the unit bureaus report turnover in)."""
    if value is None:
        return "—"
    return f"{Decimal(value) / Decimal(100_000_000):,.2f}亿元"


@register.filter
def wan2(value: Decimal | int | None) -> str:
    """万元 with two decimals, for statistics tables."""
    if value is None:
        return "—"
    return f"{Decimal(value) / Decimal(10_000):,.2f}万元"


@register.filter
def amount(value: Decimal | int | None) -> str:
    """亿元 (2 decimals) from 1亿 up, 万元 below: how bureaus quote turnover."""
    if value is None:
        return "—"
    if abs(Decimal(value)) >= Decimal(100_000_000):
        return yi(value)
    return wan2(value).replace(".00万元", "万元")
