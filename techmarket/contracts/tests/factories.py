from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from techmarket.contracts.amounts import CostLine
from techmarket.contracts.services import ContractInput
from techmarket.core.demo import make_uscc

BUYER_USCC = make_uscc("91", "320500", 55500001)


def contract_input(**overrides: Any) -> ContractInput:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "project_name": "高精度减速器技术开发",
        "contract_type": "dev_commissioned",
        "buyer_name": "苏州精工机械有限公司",
        "buyer_uscc": BUYER_USCC,
        "buyer_region_code": "320505",
        "buyer_nature": "150",
        "signed_on": today - timedelta(days=3),
        "valid_from": today - timedelta(days=3),
        "valid_until": today + timedelta(days=365),
        "field": "08",
        "ip_type": "invention",
        "contract_amount": Decimal("1000000.00"),
        "payment_mode": "lump_sum_instalments",
        "payment_schedule": [
            {"due": str(today + timedelta(days=30)), "amount": "400000"},
            {"due": str(today + timedelta(days=200)), "amount": "600000"},
        ],
        "cost_items": [CostLine("equipment", "采购测试台", Decimal("200000"), 1)],
    }
    values.update(overrides)
    return ContractInput(**values)


def api_payload(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    payload: dict[str, Any] = {
        "project_name": "高精度减速器技术开发",
        "contract_type": "dev_commissioned",
        "buyer_name": "苏州精工机械有限公司",
        "buyer_uscc": BUYER_USCC,
        "buyer_region_code": "320505",
        "buyer_nature": "150",
        "signed_on": str(today - timedelta(days=3)),
        "valid_from": str(today - timedelta(days=3)),
        "valid_until": str(today + timedelta(days=365)),
        "field": "08",
        "ip_type": "invention",
        "contract_amount": "1000000.00",
        "payment_mode": "lump_sum_once",
        "payment_schedule": [],
        "cost_items": [
            {"kind": "equipment", "description": "采购测试台", "amount": "200000", "quantity": 1}
        ],
    }
    payload.update(overrides)
    return payload


def a_weekday(year: int = 2026, month: int = 6, day: int = 1) -> date:
    return date(year, month, day)
