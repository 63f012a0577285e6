"""Navigation links of the expert library."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = []

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("专家库", "experts:list", frozenset({Role.BUREAU_STAFF})),
    ("我的专家资料", "experts:me", frozenset({Role.EXPERT})),
]
