from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from techmarket.accounts import access
from techmarket.accounts.models import Role

# (label, url name, roles that see it; empty = every signed-in user)
WORKSPACE_LINKS: list[tuple[str, str, frozenset[str]]] = [
    ("工作台", "accounts:workspace", frozenset()),
    (
        "本机构",
        "accounts:organisation",
        frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER, Role.EXPERT}),
    ),
    ("机构认证审核", "accounts:verification_queue", frozenset({Role.BUREAU_STAFF})),
    ("账户安全管理", "accounts:security", frozenset({Role.SECURITY_ADMIN})),
    ("审计日志", "core:audit_log", frozenset({Role.AUDITOR})),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"workspace_links": [], "user_roles": [], "user_organisation": None}
    roles = access.roles_of(user)
    links = [
        {"label": label, "url": reverse(name)}
        for label, name, needed in WORKSPACE_LINKS
        if not needed or roles & needed
    ]
    if Role.SYSTEM_ADMIN in roles:
        links.append({"label": "系统管理", "url": reverse("admin:index")})
    return {
        "workspace_links": links,
        "user_roles": sorted(Role(r).label for r in roles),
        "user_organisation": access.primary_organisation(user),
    }
