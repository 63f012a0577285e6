"""合同登记编号 (RULES.md §1.7): 14 digits under the 2001 rules (YY · province · city ·
registration point · 6-digit serial); the 16-digit layout of the newer form is not
published, so we use YYYY · province · city · point · 6-digit serial and store the number
as an opaque string. The layout is chosen by the rule set in force on the registration date.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings

from techmarket.contracts.models import NumberCounter
from techmarket.contracts.rules import rules_for
from techmarket.core.errors import ApplicationError

NUMBER_RE = re.compile(r"^\d{14}$|^\d{16}$")


def number_prefix(registered_on: date, digits: int) -> str:
    region = settings.CONTRACTS_REGISTRY_REGION_CODE[:4]
    point = f"{int(settings.CONTRACTS_REGISTRY_POINT):02d}"
    year = f"{registered_on.year % 100:02d}" if digits == 14 else f"{registered_on.year:04d}"
    return f"{year}{region}{point}"


def next_registration_number(registered_on: date) -> str:
    """Issue the next number (call inside a transaction: the counter row is locked)."""
    digits = rules_for(registered_on).number_digits
    if digits not in (14, 16):
        raise ApplicationError("登记编号位数配置错误：只能为14或16位。", code="number_layout")
    prefix = number_prefix(registered_on, digits)
    NumberCounter.objects.get_or_create(prefix=prefix)
    counter = NumberCounter.objects.select_for_update().get(prefix=prefix)
    counter.last_serial += 1
    if counter.last_serial > 999_999:
        raise ApplicationError("本年度登记编号已用尽。", code="number_exhausted")
    counter.save(update_fields=["last_serial"])
    number = f"{prefix}{counter.last_serial:06d}"
    assert NUMBER_RE.match(number), number  # noqa: S101 - layout guard
    return number


def is_valid_number(value: str) -> bool:
    return bool(NUMBER_RE.match((value or "").strip()))
