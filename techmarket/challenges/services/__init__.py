"""Every write of the challenges app (one module per stage)."""

from techmarket.challenges.services.applications import (
    application_submit,
    application_update,
    application_withdraw,
)
from techmarket.challenges.services.challenge import (
    challenge_create,
    challenge_transition,
    challenge_update,
    close_expired_challenges,
    send_deadline_reminders,
    send_milestone_reminders,
    send_review_reminders,
)
from techmarket.challenges.services.execution import (
    award_eliminate,
    challenge_complete,
    milestone_accept,
    milestone_reject,
    milestone_submit,
)
from techmarket.challenges.services.review import (
    assignment_replace,
    challenge_award,
    conflicts_of,
    ranking,
    review_submit,
    reviewers_assign,
)

__all__ = [
    "application_submit",
    "application_update",
    "application_withdraw",
    "assignment_replace",
    "award_eliminate",
    "challenge_award",
    "challenge_complete",
    "challenge_create",
    "challenge_transition",
    "challenge_update",
    "close_expired_challenges",
    "conflicts_of",
    "milestone_accept",
    "milestone_reject",
    "milestone_submit",
    "ranking",
    "review_submit",
    "reviewers_assign",
    "send_deadline_reminders",
    "send_milestone_reminders",
    "send_review_reminders",
]
