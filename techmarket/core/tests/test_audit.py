from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from techmarket.core import audit
from techmarket.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def _three_events() -> list[AuditEvent]:
    return [
        audit.record("test.one", summary="第一条", changes={"金额": "10.00"}),
        audit.record("test.two", summary="第二条", object_type="x", object_id=7),
        audit.record("test.three", summary="第三条", success=False),
    ]


def _raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_events_are_chained_and_the_chain_verifies() -> None:
    first, second, third = _three_events()
    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert [e.seq for e in AuditEvent.objects.order_by("seq")] == [1, 2, 3]
    assert list(audit.verify_chain()) == []
    call_command("audit_verify")  # exits 0


def test_an_edited_event_is_detected_and_named() -> None:
    _three_events()
    _raw("UPDATE core_auditevent SET summary = %s WHERE seq = 2", ["被篡改"])
    problems = list(audit.verify_chain())
    assert problems[0].seq == 2
    assert "内容" in problems[0].message
    with pytest.raises(CommandError, match="序号 2"):
        call_command("audit_verify")


def test_a_deleted_event_is_detected() -> None:
    _three_events()
    _raw("DELETE FROM core_auditevent WHERE seq = 2", [])
    problems = list(audit.verify_chain())
    assert problems[0].seq == 2
    with pytest.raises(CommandError, match="序号 2"):
        call_command("audit_verify")


def test_a_deleted_last_event_is_detected() -> None:
    _three_events()
    _raw("DELETE FROM core_auditevent WHERE seq = 3", [])
    problems = list(audit.verify_chain())
    assert problems
    assert problems[0].seq == 3


def test_reordered_events_are_detected() -> None:
    _three_events()
    # Swap the positions of events 2 and 3 (a DBA "reordering" history).
    _raw("UPDATE core_auditevent SET seq = -2 WHERE seq = 2", [])
    _raw("UPDATE core_auditevent SET seq = 2 WHERE seq = 3", [])
    _raw("UPDATE core_auditevent SET seq = 3 WHERE seq = -2", [])
    problems = list(audit.verify_chain())
    assert problems[0].seq == 2
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_a_rewritten_hash_without_the_key_is_detected() -> None:
    _three_events()
    _raw("UPDATE core_auditevent SET hash = %s WHERE seq = 3", ["f" * 64])
    assert list(audit.verify_chain())


def test_the_database_refuses_updates_and_early_deletes_once_guarded() -> None:
    event = audit.record("test.guarded", summary="受保护")
    audit.install_guard()
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw("UPDATE core_auditevent SET summary = %s WHERE seq = %s", ["x", event.seq])
        with pytest.raises(DatabaseError), transaction.atomic():
            _raw("DELETE FROM core_auditevent WHERE seq = %s", [event.seq])
    finally:
        audit.remove_guard()
    assert AuditEvent.objects.get(seq=event.seq).summary == "受保护"


def test_head_follows_the_tip() -> None:
    events = _three_events()
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (3, events[-1].hash)
