from __future__ import annotations

from typing import Any

from techmarket.accounts.services import record_status_change
from techmarket.challenges.models import Challenge
from techmarket.challenges.workflow import CHALLENGE_TRANSITIONS, ChallengeStatus
from techmarket.core import audit
from techmarket.core.workflow import ensure_transition_allowed


def move(challenge: Challenge, to_status: str, *, actor: Any, reason: str = "") -> Challenge:
    """Write one move of a locked challenge: status, status-change row, audit event."""
    ensure_transition_allowed(CHALLENGE_TRANSITIONS, ChallengeStatus, challenge.status, to_status)
    from_status = challenge.status
    challenge.status = to_status
    challenge.status_reason = reason
    challenge.save(update_fields=["status", "status_reason", "updated_at"])
    record_status_change(
        obj=challenge, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    labels = dict(ChallengeStatus.choices)
    audit.record(
        f"challenge.{to_status}",
        actor=actor,
        obj=challenge,
        summary=f"榜单“{challenge.title}”：{labels[from_status]} → {labels[to_status]}"
        + (f"（{reason}）" if reason else ""),
        changes={"status": [from_status, to_status], "reason": reason},
    )
    return challenge


def lock(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge.pk)
