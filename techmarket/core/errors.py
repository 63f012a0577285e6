"""The one error type that services raise for refusals a user can act on."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A refusal with a Chinese message that views, the API and the CLI show as-is.

    ``code`` is a stable machine-readable identifier; ``fields`` maps form/API field
    names to messages. The API renders ``{"code", "message", "fields"}`` with ``status``.
    """

    status = 400

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        fields: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}
        if status is not None:
            self.status = status


class PermissionRefused(ApplicationError):
    """The actor may see the object but not do this to it (HTTP 403)."""

    status = 403

    def __init__(self, message: str = "您没有执行此操作的权限。", **kwargs: Any) -> None:
        kwargs.setdefault("code", "permission_denied")
        super().__init__(message, **kwargs)


class NotFound(ApplicationError):
    """The object does not exist or the actor may not know that it does (HTTP 404)."""

    status = 404

    def __init__(self, message: str = "找不到该对象，或您无权查看。", **kwargs: Any) -> None:
        kwargs.setdefault("code", "not_found")
        super().__init__(message, **kwargs)
