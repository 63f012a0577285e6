"""Two registry clerks registering at the same moment get different numbers, and one
contract registered twice at once is registered once (PostgreSQL: real row locks)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from conftest import is_postgres
from techmarket.contracts import services
from techmarket.contracts.models import Contract
from techmarket.contracts.tests.factories import contract_input
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.errors import ApplicationError

pytestmark = pytest.mark.django_db(transaction=True)


def _run_together(*jobs: Any) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index: int, job: Any) -> None:
        barrier.wait()
        try:
            results[index] = job()
        except ApplicationError as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_registrations_get_distinct_numbers(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    if not is_postgres():
        pytest.skip("row-lock concurrency is tested on PostgreSQL")
    contracts = []
    for _ in range(4):
        contract = services.contract_apply(
            actor=org_admin, organisation=enterprise, data=contract_input()
        )
        services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.ACCEPTED
        )
        contracts.append(contract)
    _run_together(
        *[
            (lambda c=c: services.contract_transition(
                actor=bureau_staff, contract=c, to_status=ContractStatus.REGISTERED))
            for c in contracts
        ]
    )  # fmt: skip
    numbers = set(Contract.objects.values_list("registration_number", flat=True))
    assert len(numbers) == 4
    assert None not in numbers


def test_registering_the_same_contract_twice_at_once_registers_it_once(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    if not is_postgres():
        pytest.skip("row-lock concurrency is tested on PostgreSQL")
    contract = services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input()
    )
    services.contract_transition(
        actor=bureau_staff, contract=contract, to_status=ContractStatus.ACCEPTED
    )
    results = _run_together(
        lambda: services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.REGISTERED
        ),
        lambda: services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.REGISTERED
        ),
    )
    refused = [r for r in results if isinstance(r, ApplicationError)]
    assert len(refused) == 1
    assert "变更登记" in refused[0].message
    contract.refresh_from_db()
    assert contract.certificate_version == 1
