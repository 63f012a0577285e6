"""Typed access to the vouchers/instruments settings (read at call time, so a deployment's
environment and a test's override both apply). Sources: docs/vouchers.md."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

FRAUD_CHECKS = ("related_party", "duplicate_invoice", "contract_parties", "expired_voucher")


def _decimal(name: str) -> Decimal:
    return Decimal(str(getattr(settings, name)))


def default_per_enterprise_cap() -> Decimal:
    return _decimal("VOUCHERS_DEFAULT_PER_ENTERPRISE_CAP")


def default_copay_ratio() -> Decimal:
    return _decimal("VOUCHERS_DEFAULT_COPAY_RATIO")


def default_validity_days() -> int:
    return int(settings.VOUCHERS_DEFAULT_VALIDITY_DAYS)


def number_prefix() -> str:
    return str(settings.VOUCHERS_NUMBER_PREFIX)


def fraud_check_enabled(name: str) -> bool:
    return name in set(settings.VOUCHERS_FRAUD_CHECKS)


def instrument_min_original_value() -> Decimal:
    return _decimal("INSTRUMENTS_MIN_ORIGINAL_VALUE")


def instrument_subsidy_rate() -> Decimal:
    return _decimal("INSTRUMENTS_SUBSIDY_RATE")


def instrument_subsidy_cap() -> Decimal:
    return _decimal("INSTRUMENTS_SUBSIDY_CAP")
