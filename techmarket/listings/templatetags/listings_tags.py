from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from techmarket.core.money import format_wan
from techmarket.core.taxonomy import SUBFIELD_NAMES
from techmarket.listings.models import TransferMode
from techmarket.listings.workflow import ListingStatus

register = template.Library()
MODE_LABELS = dict(TransferMode.choices)
STATUS_LABELS = dict(ListingStatus.choices)


@register.filter
def wan(value: Decimal | None) -> str:
    return format_wan(value)


@register.filter
def modes(values: list[str]) -> str:
    return "、".join(str(MODE_LABELS.get(v, v)) for v in values or []) or "—"


@register.filter
def subfield_name(code: str) -> str:
    return SUBFIELD_NAMES.get(code, code)


@register.filter
def status_label(value: str) -> str:
    return str(STATUS_LABELS.get(value, value or "—"))


@register.filter(name="attr")
def attr(obj: Any, name: str) -> Any:
    return str(getattr(obj, name, "") or "")
