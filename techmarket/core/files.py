"""Uploaded attachments: type decided from the content, size-limited, stored under
MEDIA_ROOT (outside the web root) and served only through views that checked access."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from techmarket.core.errors import ApplicationError

# magic bytes → (kind, extension, content type)
SIGNATURES: list[tuple[bytes, str, str, str]] = [
    (b"%PDF-", "pdf", ".pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "png", ".png", "image/png"),
    (b"\xff\xd8\xff", "jpeg", ".jpg", "image/jpeg"),
    (b"GIF87a", "gif", ".gif", "image/gif"),
    (b"GIF89a", "gif", ".gif", "image/gif"),
    (b"PK\x03\x04", "zip", ".zip", "application/zip"),  # also xlsx/docx containers
]
KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "zip": "ZIP",
}
DEFAULT_KINDS = frozenset({"pdf", "png", "jpeg"})


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    extension: str
    content_type: str
    size: int
    sha256: str


def sniff(head: bytes) -> tuple[str, str, str] | None:
    for magic, kind, extension, content_type in SIGNATURES:
        if head.startswith(magic):
            return kind, extension, content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp", ".webp", "image/webp"
    return None


def check_upload(
    upload: UploadedFile,
    *,
    kinds: frozenset[str] = DEFAULT_KINDS,
    max_bytes: int | None = None,
) -> CheckedFile:
    """Refuse, in Chinese, a file whose content is not an allowed type or is too large.

    The name and the browser's declared type are ignored: a renamed .exe is refused.
    """
    limit = max_bytes or int(getattr(settings, "ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))
    size = upload.size or 0
    if size > limit:
        raise ApplicationError(
            f"文件“{upload.name}”大小为 {size / 1048576:.1f} MB，超过上限 {limit / 1048576:.0f} MB。",
            code="file_too_large",
            fields={"file": "文件过大"},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    allowed = "、".join(KIND_LABELS.get(k, k) for k in sorted(kinds))
    if found is None or found[0] not in kinds:
        raise ApplicationError(
            f"文件“{upload.name}”的内容不是允许的类型（允许：{allowed}）。",
            code="file_type",
            fields={"file": f"只接受 {allowed}"},
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    kind, extension, content_type = found
    return CheckedFile(kind, extension, content_type, size, digest.hexdigest())


def safe_download_name(name: str) -> str:
    return PurePath(name).name.replace("\r", "").replace("\n", "") or "attachment"


def serve_protected(field: FieldFile, download_name: str, *, inline: bool = False) -> FileResponse:
    """Stream a stored file; call only after access.py allowed the user to see it."""
    content_type = mimetypes.guess_type(download_name)[0] or "application/octet-stream"
    response = FileResponse(field.open("rb"), content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = (
        f"{disposition}; filename*=UTF-8''{quote(safe_download_name(download_name))}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
