"""Property-based run over the whole API: whatever the input, never a 5xx."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from techmarket.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture
def api_key(org_admin: Any, enterprise: Any) -> str:
    from techmarket.accounts.services import api_key_create

    return api_key_create(actor=org_admin, organisation=enterprise, name="fuzz").raw


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@SETTINGS
def test_no_server_error_anonymous(case: Any) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@SETTINGS
def test_no_server_error_with_an_api_key(case: Any, api_key: str) -> None:
    response = case.call(headers={"X-API-Key": api_key})
    case.validate_response(response, checks=[not_a_server_error])
