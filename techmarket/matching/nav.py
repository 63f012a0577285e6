"""Navigation links of the matching app (contract: techmarket/accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = []

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("撮合工作台", "matching:workspace", frozenset({Role.BROKER, Role.BUREAU_STAFF})),
    (
        "对接记录",
        "matching:contacts",
        frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER, Role.BUREAU_STAFF}),
    ),
]
