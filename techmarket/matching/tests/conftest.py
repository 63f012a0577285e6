import pytest
from django.core.cache import cache

from techmarket.matching import services


@pytest.fixture(autouse=True)
def _fresh_index():
    """Each test starts and ends without an in-process index or cached match lists: the
    index is global to the process, and a test's database is not the previous one's."""
    services.invalidate_index()
    cache.clear()
    yield
    services.invalidate_index()
    cache.clear()
