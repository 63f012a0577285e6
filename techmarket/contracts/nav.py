"""Navigation links of technology-contract registration (contract: accounts/nav.py)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = [("登记证明验证", "contracts:verify")]

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    (
        "技术合同登记",
        "contracts:list",
        frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER, Role.BUREAU_STAFF}),
    ),
]
