"""Who may see and change expert profiles."""

from __future__ import annotations

from typing import Any

from techmarket.accounts.access import is_bureau_staff
from techmarket.core.errors import NotFound, PermissionRefused
from techmarket.experts.models import ExpertProfile


def ensure_can_manage_experts(user: Any) -> None:
    if not is_bureau_staff(user):
        raise PermissionRefused("只有科技局工作人员可以管理专家库。")


def expert_of(user: Any) -> ExpertProfile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ExpertProfile.objects.filter(user=user).first()


def get_expert_for_user(user: Any, pk: int, *, write: bool = False) -> ExpertProfile:
    """Staff see every profile; an expert sees only their own."""
    expert = ExpertProfile.objects.select_related("organisation").filter(pk=pk).first()
    own = expert is not None and expert.user_id is not None and expert.user_id == user.pk
    if expert is None or not (own or is_bureau_staff(user)):
        raise NotFound("找不到该专家，或您无权查看。")
    if write and not (own or is_bureau_staff(user)):
        raise PermissionRefused("只能修改本人的专家资料。")
    return expert
