from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import signed_in_client

pytestmark = pytest.mark.django_db


def _achievement(owner: Any, status: str = "published") -> Any:
    from techmarket.listings.models import Achievement

    return Achievement.objects.create(
        owner=owner,
        title="耐高温陶瓷涂层制备技术",
        abstract="一种涂层",
        field="04",
        ip_type="invention",
        status=status,
    )


def _demand(owner: Any) -> Any:
    from techmarket.listings.models import Demand

    return Demand.objects.create(
        owner=owner, title="焊缝缺陷自动识别", description="需求", field="08", status="published"
    )


def test_the_achievement_holder_prefills_project_and_field(org_admin: Any, enterprise: Any) -> None:
    achievement = _achievement(enterprise)
    client = signed_in_client(Client(), org_admin)
    page = client.get(
        "/contracts/apply/", {"source_kind": "achievement", "source_id": achievement.pk}
    ).content.decode()
    assert "已根据平台上的成果/需求预填" in page
    assert 'value="耐高温陶瓷涂层制备技术"' in page
    assert f'value="achievement:{achievement.pk}"' in page


def test_a_demand_prefills_the_buyer(org_admin: Any, other_enterprise: Any) -> None:
    demand = _demand(other_enterprise)
    client = signed_in_client(Client(), org_admin)
    body = client.get(
        "/api/v1/contracts/prefill", {"source_kind": "demand", "source_id": demand.pk}
    ).json()
    assert body["values"]["buyer_name"] == other_enterprise.name
    assert body["values"]["buyer_uscc"] == other_enterprise.uscc
    assert body["values"]["project_name"] == "焊缝缺陷自动识别"


def test_someone_elses_achievement_cannot_be_registered_by_us(
    org_admin: Any, other_enterprise: Any
) -> None:
    achievement = _achievement(other_enterprise)
    client = signed_in_client(Client(), org_admin)
    response = client.get(
        "/api/v1/contracts/prefill", {"source_kind": "achievement", "source_id": achievement.pk}
    )
    assert response.status_code == 403
    assert "只有该成果的持有机构" in response.json()["message"]


def test_an_unpublished_listing_is_not_found(org_admin: Any, enterprise: Any) -> None:
    achievement = _achievement(enterprise, status="draft")
    client = signed_in_client(Client(), org_admin)
    response = client.get(
        "/api/v1/contracts/prefill", {"source_kind": "achievement", "source_id": achievement.pk}
    )
    assert response.status_code == 404
