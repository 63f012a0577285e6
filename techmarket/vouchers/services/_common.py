from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from techmarket.accounts.services import record_status_change
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.money import to_yuan
from techmarket.core.workflow import ensure_transition_allowed


def move(
    obj: Any,
    *,
    transitions: Any,
    choices: type[models.TextChoices],
    to_status: str,
    actor: Any,
    reason: str = "",
    organisation: Any = None,
    action: str,
    summary: str,
    changes: dict[str, Any] | None = None,
    extra_fields: tuple[str, ...] = (),
) -> None:
    """Check the move, set the status, and write the status-change row and audit event."""
    ensure_transition_allowed(transitions, choices, obj.status, to_status)
    from_status = obj.status
    obj.status = to_status
    fields = ["status", *extra_fields]
    if hasattr(obj, "updated_at"):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    record_status_change(
        obj=obj, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    labels = dict(choices.choices)
    audit.record(
        action,
        actor=actor,
        organisation=organisation,
        obj=obj,
        summary=f"{summary}：{labels.get(from_status, from_status)} → {labels[to_status]}"
        + (f"（{reason}）" if reason else ""),
        changes={"status": [from_status, to_status], **(changes or {})},
    )


# Far above any real programme, far below what a MoneyField (16 digits) can store: an
# absurd number is refused in Chinese instead of overflowing the column.
MAX_AMOUNT = Decimal("1000000000000")


def bounded(value: Decimal | int | str | float, *, field: str, label: str) -> Decimal:
    """Parse an amount in yuan and refuse, in Chinese, one that is not a sane number."""
    try:
        amount = to_yuan(value)
    except (ValueError, InvalidOperation) as exc:
        raise ApplicationError(
            f"{label}“{value}”不是有效金额。", code="validation_error", fields={field: "应为数字"}
        ) from exc
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ApplicationError(
            f"{label}超出允许范围（不超过 1 万亿元）。",
            code="validation_error",
            fields={field: "超出范围"},
        )
    return amount


def notify_organisation(organisation: Any, *, title: str, body: str = "", url: str = "") -> None:
    """Tell the administrators and members of ``organisation`` (in-platform + email)."""
    from techmarket.accounts.selectors import members_to_notify
    from techmarket.core.notifications import notify

    notify(members_to_notify(organisation), title=title, body=body, url=url, kind="vouchers")
