import pytest

from conftest import signed_in_client
from techmarket.matching import services
from techmarket.matching.models import MatchFeedback
from techmarket.matching.tests import factories


@pytest.fixture(autouse=True)
def _fresh_index():
    services.invalidate_index()
    yield
    services.invalidate_index()


def test_a_broker_browses_explained_matches_and_marks_one_useful(
    client, broker, university, enterprise
):
    seal = factories.achievement(
        university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，可在250℃下长期工作。"
    )
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐温不低于200℃。")
    client = signed_in_client(client, broker)
    page = client.get(f"/matching/workspace/?demand={need.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "推荐成果：阀门密封圈老化" in html
    assert "耐高温氟橡胶密封圈" in html
    assert "满足指标：需求耐温≥200℃，成果为250℃" in html
    assert "语义索引正在建立" in html
    response = client.post(
        f"/matching/workspace/{need.pk}/{seal.pk}/feedback/",
        {"useful": "1", "rank": "1", "score": "1.5"},
    )
    assert response.status_code == 302
    feedback = MatchFeedback.objects.get()
    assert (feedback.demand_id, feedback.achievement_id, feedback.useful) == (
        need.pk,
        seal.pk,
        True,
    )
    assert "已标记有用" in client.get(f"/matching/workspace/?demand={need.pk}").content.decode()


def test_an_enterprise_member_may_not_use_the_workspace(client, org_member):
    client = signed_in_client(client, org_member)
    response = client.get("/matching/workspace/")
    assert response.status_code == 403
    assert "只有技术经纪人或科技局工作人员可以使用撮合工作台" in response.content.decode()
