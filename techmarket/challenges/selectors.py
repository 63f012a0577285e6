from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from techmarket.challenges.access import PUBLIC_STATUSES, org_ids_of
from techmarket.challenges.models import Application, Challenge, ReviewAssignment
from techmarket.challenges.workflow import AssignmentStatus


def public_challenges() -> QuerySet[Challenge]:
    return Challenge.objects.filter(status__in=PUBLIC_STATUSES).order_by("-published_at", "-id")


def applications_of(user: Any) -> QuerySet[Application]:
    return (
        Application.objects.filter(parties__organisation_id__in=org_ids_of(user))
        .select_related("challenge", "lead")
        .distinct()
    )


def assignments_of(user: Any) -> QuerySet[ReviewAssignment]:
    return (
        ReviewAssignment.objects.filter(expert__user=user)
        .exclude(status=AssignmentStatus.REPLACED)
        .select_related("application__challenge")
    )


def anonymised_reviews(application: Application) -> list[dict[str, Any]]:
    """What an applicant sees: scores and comments, never who wrote them."""
    reviews = application.assignments.filter(status=AssignmentStatus.SUBMITTED).order_by("id")
    return [
        {"label": f"评审专家{i}", "total": a.total, "comment": a.comment}
        for i, a in enumerate(reviews, start=1)
    ]
