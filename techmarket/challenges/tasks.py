"""Background tasks (Django's task API): thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from techmarket.challenges import services


@task()
def challenge_reminders() -> dict[str, int]:
    """Close challenges past their deadline and send deadline reminders."""
    closed = services.close_expired_challenges()
    reminded = services.send_deadline_reminders()
    milestones = services.send_milestone_reminders()
    reviews = services.send_review_reminders()
    return {"closed": closed, "reminded": reminded, "milestones": milestones, "reviews": reviews}
