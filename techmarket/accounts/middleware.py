from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_AUTH_AT = "techmarket_auth_at"


class SessionLifetimeMiddleware:
    """Absolute session lifetime (12 h by default), on top of the idle timeout.

    The idle timeout is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST
    renews the deadline on every request, so 30 idle minutes end the session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            auth_at = request.session.get(SESSION_AUTH_AT)
            limit = settings.SESSION_ABSOLUTE_HOURS * 3600
            if auth_at is None or time.time() - float(auth_at) > limit:
                from techmarket.accounts.services import logout_recorded

                logout_recorded(user=user, request=request, reason="会话超过最长时限")
                logout(request)
                messages.info(
                    request, f"登录已超过{settings.SESSION_ABSOLUTE_HOURS}小时，请重新登录。"
                )
        return self.get_response(request)
