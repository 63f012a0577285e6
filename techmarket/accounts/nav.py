"""Navigation links of the accounts app (see techmarket/core/discovery.py).

Every app may ship a ``nav.py`` like this one:
- ``PUBLIC_LINKS``: (label, url name) shown to everyone in the main navigation;
- ``WORKSPACE_LINKS``: (label, url name, roles that see it; empty = every signed-in user).
"""

from __future__ import annotations

from techmarket.accounts.models import Role

PUBLIC_LINKS: list[tuple[str, str]] = []

WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("工作台", "accounts:workspace", frozenset()),
    (
        "本机构",
        "accounts:organisation",
        frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER, Role.EXPERT}),
    ),
    ("机构认证审核", "accounts:verification_queue", frozenset({Role.BUREAU_STAFF})),
    ("账户安全管理", "accounts:security", frozenset({Role.SECURITY_ADMIN})),
]
