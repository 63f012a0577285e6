"""Navigation links of the vouchers app (contract: techmarket/accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [("科技创新券", "vouchers:programmes")]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("我的创新券", "vouchers:mine", frozenset({Role.ORG_ADMIN, Role.MEMBER})),
    ("创新券管理", "vouchers:bureau", frozenset({Role.BUREAU_STAFF})),
]
