from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from techmarket.accounts import access
from techmarket.accounts.models import Role
from techmarket.core.discovery import app_modules
from techmarket.core.selectors import unread_notification_count


def public_links() -> list[dict[str, str]]:
    return [
        {"label": label, "url": reverse(name)}
        for _config, module in app_modules("nav")
        for label, name in getattr(module, "PUBLIC_LINKS", [])
    ]


def workspace_links(roles: set[str]) -> list[dict[str, str]]:
    return [
        {"label": label, "url": reverse(name)}
        for _config, module in app_modules("nav")
        for label, name, needed in getattr(module, "WORKSPACE_LINKS", [])
        if not needed or roles & needed
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    public = public_links()
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "public_links": public,
            "workspace_links": [],
            "user_roles": [],
            "user_organisation": None,
            "unread_notifications": 0,
        }
    roles = access.roles_of(user)
    links = workspace_links(roles)
    if Role.SYSTEM_ADMIN in roles:
        links.append({"label": "系统管理", "url": reverse("admin:index")})
    return {
        "public_links": public,
        "workspace_links": links,
        "user_roles": sorted(Role(r).label for r in roles),
        "user_organisation": access.primary_organisation(user),
        "unread_notifications": unread_notification_count(user),
    }
