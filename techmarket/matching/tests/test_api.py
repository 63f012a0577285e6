from techmarket.listings.workflow import ListingStatus
from techmarket.matching.tests import factories


def test_demand_matches_come_with_reasons(client, university, enterprise):
    seal = factories.achievement(
        university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，可在250℃下长期工作。"
    )
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐温不低于200℃。")
    response = client.get(f"/api/v1/demands/{need.pk}/matches")
    assert response.status_code == 200
    body = response.json()
    assert body["semantic_ready"] is False  # no vectors yet: lexical matching meanwhile
    top = body["items"][0]
    assert top["id"] == seal.pk
    assert top["indicators_met"] == ["需求耐温≥200℃，成果为250℃"]
    assert any("共同关键概念" in r for r in top["reasons"])


def test_an_unpublished_demand_has_no_matches_page(client, enterprise):
    draft = factories.demand(enterprise, "草稿需求", "尚未发布。", status=ListingStatus.DRAFT)
    response = client.get(f"/api/v1/demands/{draft.pk}/matches")
    assert response.status_code == 404
    assert response.json()["message"] == "找不到该技术需求，或它尚未发布。"


def test_achievement_matches_list_potential_demands(client, university, enterprise):
    seal = factories.achievement(university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，耐高温。")
    need = factories.demand(enterprise, "阀门密封圈老化", "高温阀门密封圈老化泄漏。")
    response = client.get(f"/api/v1/achievements/{seal.pk}/matches")
    assert response.status_code == 200
    assert response.json()["items"][0]["id"] == need.pk


def test_search_api_highlights_and_counts(client, university):
    factories.achievement(university, "石墨烯导热膜", "高导热石墨烯膜，用于手机散热。", field="04")
    response = client.get("/api/v1/search", {"q": "石墨烯 散热"})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1
    assert "<mark>石墨烯</mark>" in body["items"][0]["snippet"]
    assert body["facets"]["field"] == {"新材料": 1}
