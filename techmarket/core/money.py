"""Money: Decimal yuan with 2 places in storage; 万元 where Chinese practice shows it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

CENT = Decimal("0.01")
WAN = Decimal(10_000)


def to_yuan(value: Decimal | int | str | float) -> Decimal:
    """Parse and round to the cent (floats are converted through str, never binary)."""
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except InvalidOperation as exc:
        raise ValueError(f"金额“{value}”不是有效数字") from exc
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def wan_to_yuan(value: Decimal | int | str | float) -> Decimal:
    return to_yuan(Decimal(str(value)) * WAN)


def yuan_to_wan(value: Decimal) -> Decimal:
    return (value / WAN).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()


def format_wan(value: Decimal | None, *, negotiable: str = "面议") -> str:
    """“12.5万元”, or “面议” when there is no amount."""
    if value is None:
        return negotiable
    wan = yuan_to_wan(value)
    text = f"{wan:,f}".rstrip("0").rstrip(".") if "." in f"{wan:f}" else f"{wan:,f}"
    return f"{text}万元"


def format_yuan(value: Decimal) -> str:
    return f"{to_yuan(value):,.2f}元"


class MoneyField(models.DecimalField):
    """Yuan with two decimal places; up to 10^14 yuan."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
