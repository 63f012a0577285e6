"""Navigation links of the challenges app (contract: techmarket/accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [("揭榜挂帅", "challenges:list")]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    (
        "我的揭榜",
        "challenges:my_applications",
        frozenset({Role.ORG_ADMIN, Role.MEMBER}),
    ),
    ("我的评审", "challenges:my_reviews", frozenset({Role.EXPERT})),
    ("榜单管理", "challenges:manage_list", frozenset({Role.BUREAU_STAFF})),
]
