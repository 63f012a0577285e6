"""Background tasks (Django's task API): thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from techmarket.matching import services


@task()
def embed_pending_task() -> int:
    """Embed every published listing whose vector is missing or stale (resumable)."""
    return services.embed_pending()
