"""The filters and per-option counts of the public lists (selectors.py), read through the
API as a visitor does, after imports and edits."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from conftest import signed_in_client
from techmarket.listings.importing import import_file
from techmarket.listings.tests import factories
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db
S = ListingStatus


def _mode_counts(client: Any, path: str, **params: Any) -> tuple[list[str], dict[str, int]]:
    body = client.get(path, params).json()
    facet = next(f for f in body["facets"] if f["name"] == "mode")
    titles = sorted(i["title"] for i in body["items"])
    assert body["count"] == len(titles)
    return titles, {o["value"]: o["count"] for o in facet["options"]}


def test_the_mode_filter_and_counts_follow_imports(
    client: Any, university: Any, tmp_path: Any, settings: Any
) -> None:
    settings.LISTINGS_FACET_CACHE_SECONDS = 0

    def jsonl(records: list[dict[str, Any]], name: str) -> Any:
        path = tmp_path / name
        path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
        return path

    base = {"abstract": "简介", "field": "先进制造与自动化"}
    first = [
        {**base, "id": "M1", "title": "转让与服务", "transfer_modes": ["转让", "技术服务"]},
        {**base, "id": "M2", "title": "只许可", "transfer_modes": ["许可"]},
        {**base, "id": "M3", "title": "无方式"},
    ]
    import_file("achievements", jsonl(first, "a.jsonl"), organisation=university, publish=True)
    titles, counts = _mode_counts(client, "/api/v1/achievements", mode="transfer")
    assert titles == ["转让与服务"]
    assert counts == {"transfer": 1, "license": 1, "equity": 0, "co_development": 0, "service": 1}
    # A re-import that changes the modes (the bulk update path) moves the records.
    second = [
        {**first[0], "transfer_modes": ["许可"]},
        {**first[1], "transfer_modes": ["转让", "作价入股"]},
        first[2],
    ]
    result = import_file(
        "achievements", jsonl(second, "b.jsonl"), organisation=university, publish=True
    )
    assert (result.updated, result.unchanged) == (2, 1)
    titles, counts = _mode_counts(client, "/api/v1/achievements", mode="transfer")
    assert titles == ["只许可"]
    assert counts == {"transfer": 1, "license": 1, "equity": 1, "co_development": 0, "service": 0}
    titles, _ = _mode_counts(client, "/api/v1/achievements", mode="license")
    assert titles == ["转让与服务"]
    # Counts of the mode facet follow the other filters.
    _, counts = _mode_counts(client, "/api/v1/achievements", q="只许可")
    assert counts == {"transfer": 1, "license": 0, "equity": 1, "co_development": 0, "service": 0}
    titles, _ = _mode_counts(client, "/api/v1/achievements", mode="赠送")
    assert titles == []


def test_the_mode_filter_follows_an_edit_that_changes_modes(
    client: Any, org_admin: Any, bureau_staff: Any, settings: Any
) -> None:
    settings.LISTINGS_FACET_CACHE_SECONDS = 0
    signed_in_client(client, org_admin)
    created = client.post(
        "/api/v1/achievements",
        {"title": "可改方式", "abstract": "简介", "field": "04", "transfer_modes": ["transfer"]},
        content_type="application/json",
    ).json()
    pk = created["id"]
    edited = client.put(
        f"/api/v1/achievements/{pk}",
        {"title": "可改方式", "abstract": "简介", "field": "04", "transfer_modes": ["equity"]},
        content_type="application/json",
    )
    assert edited.status_code == 200, edited.content
    client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "submitted"},
        content_type="application/json",
    )
    client.logout()
    signed_in_client(client, bureau_staff)
    published = client.post(
        f"/api/v1/achievements/{pk}/transitions",
        {"to_status": "published"},
        content_type="application/json",
    )
    assert published.status_code == 200, published.content
    client.logout()
    assert _mode_counts(client, "/api/v1/achievements", mode="transfer")[0] == []
    titles, counts = _mode_counts(client, "/api/v1/achievements", mode="equity")
    assert titles == ["可改方式"]
    assert counts["equity"] == 1
    assert counts["transfer"] == 0


def test_demands_filter_and_count_by_cooperation_mode(
    client: Any, enterprise: Any, settings: Any
) -> None:
    settings.LISTINGS_FACET_CACHE_SECONDS = 0
    factories.demand(
        enterprise, title="合作开发", status=S.PUBLISHED, cooperation_modes=["co_development"]
    )
    factories.demand(
        enterprise,
        title="两种",
        status=S.PUBLISHED,
        cooperation_modes=["co_development", "service"],
    )
    factories.demand(enterprise, title="草稿", cooperation_modes=["service"])
    titles, counts = _mode_counts(client, "/api/v1/demands", mode="co_development")
    assert titles == ["两种", "合作开发"]
    assert counts["co_development"] == 2
    assert counts["service"] == 1
    assert counts["transfer"] == 0
    titles, _ = _mode_counts(client, "/api/v1/demands", mode="service")
    assert titles == ["两种"]


def test_price_sorts_put_negotiable_last_both_ways(client: Any, university: Any) -> None:
    for title, price in (("面议甲", None), ("十万", "100000"), ("面议乙", None), ("一万", "10000")):
        factories.achievement(
            university, title=title, status=S.PUBLISHED, price=price and Decimal(price)
        )
    ascending = client.get("/api/v1/achievements", {"sort": "price_asc"}).json()["items"]
    descending = client.get("/api/v1/achievements", {"sort": "price_desc"}).json()["items"]
    # 面议 (no price) last; among equal prices the newer record first.
    assert [i["title"] for i in ascending] == ["一万", "十万", "面议乙", "面议甲"]
    assert [i["title"] for i in descending] == ["十万", "一万", "面议乙", "面议甲"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_mode_flags_of_rows_written_before_it(
    client: Any, university: Any, enterprise: Any
) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("listings", "0005_mode_flags_and_amount_sort_indexes")]
    after = [("listings", "0006_backfill_mode_flags")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    # The historical models have no save(): these rows carry lists but no flags yet.
    old_apps.get_model("listings", "Achievement").objects.create(
        owner_id=university.pk,
        title="旧成果",
        abstract="简介",
        field="04",
        status=S.PUBLISHED,
        transfer_modes=["license", "service"],
    )
    old_apps.get_model("listings", "Demand").objects.create(
        owner_id=enterprise.pk,
        title="旧需求",
        description="描述",
        status=S.PUBLISHED,
        cooperation_modes=["equity"],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    assert _mode_counts(client, "/api/v1/achievements", mode="service")[0] == ["旧成果"]
    assert _mode_counts(client, "/api/v1/achievements", mode="transfer")[0] == []
    assert _mode_counts(client, "/api/v1/demands", mode="equity")[0] == ["旧需求"]
