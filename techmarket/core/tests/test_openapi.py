from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.test import Client

from techmarket.core.management.commands.export_openapi import openapi_document

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def test_the_committed_openapi_document_is_current() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_document(), (
        "The API changed but docs/openapi.json was not updated: run `make openapi` and commit it."
    )


def test_the_api_serves_its_document_and_a_docs_page(db: object) -> None:
    client = Client()
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert "/api/v1/organisations" in document.json()["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "swagger-ui-bundle.js" in docs.content.decode()  # vendored, no CDN
    assert "cdn" not in docs.content.decode().lower()
