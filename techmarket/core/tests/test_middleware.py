from __future__ import annotations

from typing import Any

from django.test import Client


def test_nul_characters_in_a_query_string_are_refused_with_the_error_shape(db: Any) -> None:
    # Found by schemathesis on PostgreSQL: NUL in ?q= reached the database as a 500.
    response = Client().get("/api/v1/organisations", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"


def test_nul_characters_in_a_json_body_are_refused(db: Any) -> None:
    response = Client().post(
        "/api/v1/registrations", '{"name": "a\\u0000b"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "空字符" in response.json()["message"]


def test_nul_characters_on_a_page_get_a_chinese_page(db: Any) -> None:
    response = Client().get("/accounts/bureau/verification/", {"q": "\x00"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_vendored_static_assets_are_served(db: Any) -> None:
    # Regression: the project-level static folder was not on STATICFILES_DIRS, so the
    # portal rendered without its stylesheet and htmx (404s).
    from django.test import Client as LiveClient

    client = LiveClient()
    page = client.get("/").content.decode()
    for asset in ("/static/techmarket/site.css", "/static/techmarket/htmx.min.js"):
        assert asset in page
        response = client.get(asset)
        assert response.status_code == 200, asset
