from __future__ import annotations

import pytest

from conftest import signed_in_client
from techmarket.core.discovery import app_modules


def test_discovery_finds_per_app_modules_in_installed_order():
    labels = [config.label for config, _module in app_modules("nav")]
    assert labels[:2] == ["core", "accounts"] or labels[:2] == ["accounts", "core"]
    assert "listings" not in [c.label for c, _m in app_modules("no_such_module")]


@pytest.mark.django_db
def test_workspace_links_come_from_each_apps_nav_module(client, auditor):
    page = signed_in_client(client, auditor).get("/").content.decode()
    assert "审计日志" in page  # contributed by core/nav.py
    assert "机构认证审核" not in page  # accounts/nav.py, bureau staff only
