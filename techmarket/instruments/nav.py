"""Navigation links of the instruments app (contract: techmarket/accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [("仪器共享", "instruments:catalogue")]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("仪器预约与服务", "instruments:mine", frozenset({Role.ORG_ADMIN, Role.MEMBER})),
    ("共享补贴审核", "instruments:bureau", frozenset({Role.BUREAU_STAFF})),
]
