"""Authentication and the one error shape of the API (``{"code","message","fields"}``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, SessionAuth

from techmarket.core.errors import ApplicationError


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, Any] = {}


class OrganisationKeyAuth(APIKeyHeader):
    """``X-API-Key: tmk_...`` — an organisation's key for machine clients."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from techmarket.accounts.services import api_key_authenticate

        api_key = api_key_authenticate(key or "")
        if api_key is None:
            return None
        user = api_key.created_by
        user.api_key_organisation_id = api_key.organisation_id  # type: ignore[attr-defined]
        request.user = user
        return api_key


class BrowserSession(SessionAuth):
    """The browser's session (CSRF-protected for unsafe methods)."""


class OptionalAuth:
    """Lets anonymous visitors through while still recognising a session or a key."""

    def __call__(self, request: HttpRequest) -> Any:
        for backend in AUTH:
            result = backend(request)
            if result:
                return result
        return True  # anonymous


AUTH = [OrganisationKeyAuth(), BrowserSession()]
PUBLIC = [OptionalAuth()]


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        return error_response(api, request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, str] = {}
        for error in exc.errors:
            loc = [
                str(part)
                for part in error.get("loc", [])
                if part not in ("body", "payload", "query", "path")
            ]
            fields[".".join(loc) or "__all__"] = _chinese_validation_message(error)
        first = next(iter(fields.items()), ("", "请求格式不正确"))
        return error_response(
            api,
            request,
            422,
            "validation_error",
            f"请求数据有误：{first[0]} {first[1]}".strip(),
            fields,
        )

    @api.exception_handler(AuthenticationError)
    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(
            api,
            request,
            401,
            "not_authenticated",
            "请先登录，或在请求头 X-API-Key 中提供有效的 API 密钥。",
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        messages = {
            403: "您没有执行此操作的权限。",
            404: "找不到该对象。",
            405: "不支持该请求方法。",
        }
        message = messages.get(exc.status_code, str(exc) or "请求无法处理。")
        return error_response(api, request, exc.status_code, "http_error", message)


def _chinese_validation_message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必填项"
    if kind.startswith("string_too_long"):
        return f"最多 {ctx.get('max_length', '')} 个字符"
    if kind.startswith("string_too_short"):
        return f"至少 {ctx.get('min_length', '')} 个字符"
    if kind in {"int_parsing", "int_type"}:
        return "应为整数"
    if kind in {"decimal_parsing", "float_parsing", "decimal_type"}:
        return "应为数字"
    if kind == "enum" or kind == "literal_error":
        return f"取值无效，可选：{ctx.get('expected', '')}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期格式应为 YYYY-MM-DD"
    if kind == "json_invalid":
        return "请求体不是有效的 JSON"
    return str(error.get("msg", "格式不正确"))
