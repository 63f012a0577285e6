from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from techmarket.instruments import services
from techmarket.instruments.models import Instrument
from techmarket.vouchers.tests.factories import make_provider


@dataclass
class Lab:
    staff: Any
    owner: Any
    owner_admin: Any
    instrument: Instrument
    user_org: Any
    user_admin: Any


@pytest.fixture
def lab(bureau_staff: Any, org_admin: Any, enterprise: Any) -> Lab:
    owner, admin, _provider = make_provider(bureau_staff, name="滨海分析测试中心", serial=71)
    instrument = services.instrument_create(
        actor=admin, owner=owner, name="场发射扫描电镜", model_number="SU8010", maker="日立",
        original_value="3200000", location="分析楼 101", fee_standard="400 元/机时",
        hourly_fee="400",
    )  # fmt: skip
    return Lab(bureau_staff, owner, admin, instrument, enterprise, org_admin)


def slot(days: int, hour: int, hours: int = 2) -> tuple[Any, Any]:
    start = (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + timedelta(hours=hours)
