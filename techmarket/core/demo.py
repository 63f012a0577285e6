"""Demo data: `techmarket demo` loads it into an empty database (`make run` does so).

Each app may have a ``demo.py`` with ``load(context: DemoContext) -> None``; they run in
INSTALLED_APPS order after the accounts are created, and may add lines to the printout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from techmarket.core.discovery import app_modules
from techmarket.core.identifiers import USCC_CHARSET, uscc_check_char

ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def make_uscc(prefix: str, region: str, serial: int) -> str:
    """A well-formed USCC whose organisation-code part also passes GB 11714."""
    body = f"{serial:08d}"
    total = sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_check = "X" if check == 10 else "0" if check == 11 else str(check)
    first17 = f"{prefix}{region}{body}{org_check}"
    assert all(c in USCC_CHARSET for c in first17)  # noqa: S101 - programming error guard
    return first17 + uscc_check_char(first17)


@dataclass
class DemoContext:
    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    shared_data_dir: Any = None


def load_all(context: DemoContext) -> DemoContext:
    with transaction.atomic():
        for _config, module in app_modules("demo"):
            loader = getattr(module, "load", None)
            if loader is not None:
                loader(context)
    return context
