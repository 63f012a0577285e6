from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class TechMarketAdminSite(admin.AdminSite):
    """Django admin for the system administrator only, signed in through our own login
    (with its second factor). The audit log is deliberately not registered here."""

    site_header = "TechMarket 系统管理"
    site_title = "TechMarket 系统管理"
    index_title = "系统管理"

    def has_permission(self, request: HttpRequest) -> bool:
        from techmarket.accounts.access import is_system_admin

        return bool(
            request.user.is_active and request.user.is_staff and is_system_admin(request.user)
        )

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        return redirect(f"/accounts/login/?next={request.GET.get('next', '/admin/')}")


class TechMarketAdminConfig(AdminConfig):
    default_site = "techmarket.core.admin_site.TechMarketAdminSite"
