from __future__ import annotations

from typing import Any

from techmarket.accounts.access import has_role
from techmarket.accounts.models import Role
from techmarket.core.errors import PermissionRefused

BROKER_ROLES = (Role.BROKER, Role.BUREAU_STAFF)


def can_use_workspace(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, *BROKER_ROLES)


def ensure_can_use_workspace(user: Any) -> None:
    if not can_use_workspace(user):
        raise PermissionRefused("只有技术经纪人或科技局工作人员可以使用撮合工作台。")
