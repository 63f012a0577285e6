"""Find the optional per-app modules through which apps plug into shared pages and commands.

An app contributes by shipping a module of a known name: ``demo.py`` (demo data),
``stats.py`` (dashboard figures), ``nav.py`` (navigation links), ``listing_sections.py``
(sections below an achievement's or demand's detail page), ``worker_start.py`` (work to
queue again when `techmarket serve --with-worker` starts). The shared code discovers
them here instead of importing another app's internals.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(submodule: str) -> list[tuple[AppConfig, ModuleType]]:
    """``techmarket.<app>.<submodule>`` for every installed project app that has one, in
    INSTALLED_APPS order. An ImportError inside such a module is raised, not hidden."""
    found: list[tuple[AppConfig, ModuleType]] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("techmarket."):
            continue
        name = f"{config.name}.{submodule}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append((config, module))
    return found
