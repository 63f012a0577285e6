from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_audit_guard(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from django.conf import settings
    from django.db import connections

    from techmarket.core.audit import install_guard

    if getattr(settings, "AUDIT_DB_GUARD", True):
        install_guard(connections[using])


class CoreConfig(AppConfig):
    name = "techmarket.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        post_migrate.connect(_install_audit_guard, sender=self)
