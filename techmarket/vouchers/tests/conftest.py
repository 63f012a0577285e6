from __future__ import annotations

import tempfile
from typing import Any

import pytest

from techmarket.vouchers.tests.factories import World, make_world


@pytest.fixture(autouse=True)
def _media(settings: Any) -> Any:
    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        yield


@pytest.fixture
def world(bureau_staff: Any, org_admin: Any, enterprise: Any) -> World:
    return make_world(bureau_staff, org_admin, enterprise)
