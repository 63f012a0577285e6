"""Navigation links of the statistics app (contract: accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [("技术交易统计", "stats:public")]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("统计看板", "stats:dashboard", frozenset({Role.BUREAU_STAFF})),
]
