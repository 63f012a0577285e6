"""Shared helpers for the per-app workflows (a dict of allowed moves and a function)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from techmarket.core.errors import ApplicationError


def ensure_transition_allowed(
    transitions: Mapping[Any, frozenset[Any]],
    choices: type[models.TextChoices],
    current: str,
    target: str,
) -> None:
    """Refuse, in Chinese, a move that ``transitions`` does not allow, naming the allowed ones."""
    allowed = transitions.get(current, frozenset())
    if target in allowed:
        return
    labels = dict(choices.choices)
    current_label = labels.get(current, current)
    target_label = labels.get(target, target)
    if allowed:
        options = "、".join(str(labels.get(s, s)) for s in sorted(allowed))
        hint = f"当前状态只能变更为：{options}。"
    else:
        hint = "当前状态不能再变更。"
    raise ApplicationError(
        f"状态为“{current_label}”时不能变更为“{target_label}”。{hint}",
        code="invalid_transition",
        status=409,
    )
