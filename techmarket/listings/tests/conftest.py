from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    # Facet counts are cached per filter combination; each test starts from nothing.
    cache.clear()
    yield
    cache.clear()
