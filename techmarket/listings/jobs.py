"""Background imports: an uploaded file becomes an ImportJob that a task runs, writing
its progress so the page (and the API) can show a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from techmarket.core.errors import ApplicationError
from techmarket.listings import access
from techmarket.listings.importing import ImportRejected, import_file, max_bytes
from techmarket.listings.models import ImportJob

ALLOWED_SUFFIXES = (".xlsx", ".csv", ".jsonl")


def import_job_create(
    *, actor: Any, organisation: Any, kind: str, upload: UploadedFile, submit: bool
) -> ImportJob:
    """Store the upload and queue its import (after the commit)."""
    access.ensure_can_create(actor, organisation)
    name = upload.name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ApplicationError(
            f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx、.csv 或 .jsonl 文件。",
            code="file_type",
            fields={"file": "文件类型不支持"},
        )
    if (upload.size or 0) > max_bytes():
        raise ApplicationError(
            f"文件超过上限 {max_bytes() / 1048576:.0f} MB。",
            code="file_too_large",
            fields={"file": "文件过大"},
        )
    if kind not in ("achievements", "demands"):
        raise ApplicationError("类型应为科技成果或技术需求。", code="invalid_kind")
    job = ImportJob(
        kind=kind, organisation=organisation, actor=actor, original_name=name[:200], submit=submit
    )
    job.file.save(f"import{suffix}", upload, save=False)
    job.save()
    from techmarket.listings.tasks import run_import_job

    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def import_job_run(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("organisation", "actor").get(pk=job_id)
    if job.state not in (ImportJob.State.QUEUED,):
        return job
    job.state = ImportJob.State.RUNNING
    job.save(update_fields=["state"])

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done, total=total or done)

    try:
        result = import_file(
            job.kind,
            Path(job.file.path),
            organisation=job.organisation,
            actor=job.actor,
            submit=job.submit,
            progress=progress,
        )
    except ImportRejected as rejected:
        job.state = ImportJob.State.REJECTED
        job.message = rejected.message
        job.errors = [e.__dict__ for e in rejected.errors]
    except ApplicationError as error:
        job.state = ImportJob.State.FAILED
        job.message = error.message
    else:
        job.state = ImportJob.State.DONE
        job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
        job.total = job.processed = result.total
        job.message = (
            f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，"
            f"未变化 {result.unchanged} 条。"
        )
    job.finished_at = timezone.now()
    job.save()
    return job
