"""Navigation links of the listings app (contract: techmarket/accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [
    ("科技成果", "listings:achievement_list"),
    ("技术需求", "listings:demand_list"),
]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("我的成果/需求", "listings:mine", frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER})),
    ("成果需求审核", "listings:review_queue", frozenset({Role.BUREAU_STAFF})),
]
