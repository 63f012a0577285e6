from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from techmarket.core.errors import ApplicationError


class ApplicationErrorMiddleware:
    """Render a refusal a view did not handle itself as a page with its Chinese message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        titles = {403: "无权操作", 404: "页面不存在", 409: "操作与当前状态冲突"}
        return render(
            request,
            "error.html",
            {"title": titles.get(exception.status, "无法完成操作"), "message": exception.message},
            status=exception.status,
        )


NUL_MESSAGE = "请求中含有不允许的空字符（\\x00），请检查输入。"


class RejectNullCharactersMiddleware:
    """Refuse input containing NUL characters before it reaches a view.

    PostgreSQL text cannot hold NUL, so such a value would otherwise become a 500 deep
    inside a query; forms already refuse it, this covers the API and query strings too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_characters", "message": NUL_MESSAGE, "fields": {}}, status=400
                )
            return render(
                request, "error.html", {"title": "请求无效", "message": NUL_MESSAGE}, status=400
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("application/json"):
            body = request.body
            return b"\\u0000" in body or b"\x00" in body
        return False
