"""Navigation links of the core app (see techmarket/accounts/nav.py for the contract)."""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = []

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("审计日志", "core:audit_log", frozenset({Role.AUDITOR})),
]
