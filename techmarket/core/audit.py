"""The hash-chained audit log: append, verify, and the database guard.

Every write service calls :func:`record` inside its transaction. Appends are ordered
by a row lock on :class:`AuditChainHead`, so the chain never forks.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from techmarket.core.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _hmac_sm3(key: str, message: str) -> str:
    # SM3 (GB/T 32905-2016) through OpenSSL 3, as the national standard asks for audit
    # integrity at MLPS level 3.
    return hmac.new(key.encode(), message.encode(), "sm3").hexdigest()


def _plain(value: Any) -> Any:
    """Turn ``value`` into JSON-native data, so what is hashed is what is stored."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _payload(event: AuditEvent) -> str:
    created = event.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    body = [
        event.seq,
        created,
        event.actor_id,
        event.actor_name,
        event.organisation_id,
        event.ip,
        event.action,
        event.object_type,
        event.object_id,
        event.success,
        event.summary,
        event.changes,
    ]
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    return _hmac_sm3(settings.AUDIT_HMAC_KEY, prev_hash + _payload(event))


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # Behind nginx the real address arrives in X-Real-IP (set by our config, not the client).
    ip = request.META.get("HTTP_X_REAL_IP") if settings.PRODUCTION else None
    return ip or request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: Any = None,
    organisation: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    success: bool = True,
    summary: str = "",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    ip: str | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the chain (inside the caller's transaction, if any)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_name=actor_name or (actor.get_username() if actor is not None else ""),
            organisation_id=getattr(organisation, "pk", organisation),
            ip=ip or client_ip(request),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            success=success,
            summary=summary[:500],
            changes=_plain(changes or {}),
            prev_hash=head.hash,
        )
        event.hash = compute_hash(event, head.hash)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Yield every broken link, in chain order. No problems means the chain is intact."""
    expected_seq = 1
    prev_hash = GENESIS
    queryset = AuditEvent.objects.order_by("seq")
    for event in queryset.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainProblem(
                expected_seq,
                f"缺少序号 {expected_seq}–{event.seq - 1} 的事件（被删除）",
            )
        if event.prev_hash != prev_hash:
            yield ChainProblem(event.seq, "前序哈希不符：事件被删除、插入或调换了顺序")
        if compute_hash(event, event.prev_hash) != event.hash:
            yield ChainProblem(event.seq, "内容哈希不符：事件内容被修改")
        expected_seq = event.seq + 1
        prev_hash = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        yield ChainProblem(
            expected_seq,
            f"链尾不符：链头记录到序号 {head.seq}，实际最后一条为 {expected_seq - 1}（末尾事件被删除）",
        )


GUARD_SQL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_update
           BEFORE UPDATE ON core_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS core_auditevent_no_early_delete
           BEFORE DELETE ON core_auditevent
           WHEN OLD.created_at > datetime('now', '-{days} days')
           BEGIN SELECT RAISE(ABORT, 'audit events younger than the retention period'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION core_auditevent_guard() RETURNS trigger AS $$
           BEGIN
             IF TG_OP = 'UPDATE' THEN
               RAISE EXCEPTION 'audit events are append-only';
             END IF;
             IF OLD.created_at > now() - interval '{days} days' THEN
               RAISE EXCEPTION 'audit events younger than the retention period';
             END IF;
             RETURN OLD;
           END $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent",
        """CREATE TRIGGER core_auditevent_guard BEFORE UPDATE OR DELETE ON core_auditevent
           FOR EACH ROW EXECUTE FUNCTION core_auditevent_guard()""",
    ],
}

UNGUARD_SQL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS core_auditevent_no_update",
        "DROP TRIGGER IF EXISTS core_auditevent_no_early_delete",
    ],
    "postgresql": ["DROP TRIGGER IF EXISTS core_auditevent_guard ON core_auditevent"],
}


def install_guard(using_connection: Any = None) -> None:
    """Make the database itself refuse UPDATE, and DELETE of events inside retention."""
    conn = using_connection or connection
    days = max(int(settings.AUDIT_RETENTION_DAYS), 180)
    with conn.cursor() as cursor:
        for sql in GUARD_SQL.get(conn.vendor, []):
            cursor.execute(sql.replace("{days}", str(days)))


def remove_guard(using_connection: Any = None) -> None:
    conn = using_connection or connection
    with conn.cursor() as cursor:
        for sql in UNGUARD_SQL.get(conn.vendor, []):
            cursor.execute(sql)
