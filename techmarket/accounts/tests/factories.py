from __future__ import annotations

from typing import Any

from techmarket.core.demo import make_uscc

_serial = [50000000]


def registration_payload(**overrides: Any) -> dict[str, Any]:
    _serial[0] += 1
    data: dict[str, Any] = {
        "name": f"测试科技有限公司{_serial[0]}",
        "type": "enterprise",
        "uscc": make_uscc("91", "120116", _serial[0]),
        "region_code": "120116",
        "address": "天津市滨海新区测试路1号",
        "legal_representative": "张三",
        "contact_name": "李四",
        "contact_phone": "13800000000",
        "contact_email": "contact@example.com",
        "admin_username": f"admin{_serial[0]}",
        "admin_password": "Str0ng-Passw0rd",
        "admin_full_name": "王五",
        "admin_email": "admin@example.com",
        "admin_phone": "13900000000",
    }
    data.update(overrides)
    return data
