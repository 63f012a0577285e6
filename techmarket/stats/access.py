"""Who sees the statistics: bureau staff see the dashboard and set targets; the public
summary page shows only aggregate turnover."""

from __future__ import annotations

from typing import Any

from techmarket.accounts import access as accounts_access
from techmarket.core.errors import PermissionRefused


def can_view_dashboard(user: Any) -> bool:
    return accounts_access.is_bureau_staff(user)


def ensure_can_view_dashboard(user: Any) -> None:
    if not can_view_dashboard(user):
        raise PermissionRefused("只有科技局工作人员可以查看统计看板。", code="stats_staff_only")


def ensure_can_set_targets(user: Any) -> None:
    if not accounts_access.is_bureau_staff(user):
        raise PermissionRefused("只有科技局工作人员可以设定年度目标。", code="stats_staff_only")
