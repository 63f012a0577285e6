"""Background tasks (Django's task API): thin wrappers around services."""

from __future__ import annotations

from django_tasks import task

from techmarket.listings import jobs, services


@task()
def run_import_job(job_id: int) -> str:
    return jobs.import_job_run(job_id).state


@task()
def expire_demands() -> int:
    return services.expire_demands()
