"""推荐成果 on demand pages and 潜在需求方 on achievement pages, through HTTP."""

from conftest import _user, signed_in_client
from techmarket.listings.models import ContactRequest
from techmarket.listings.workflow import ListingStatus
from techmarket.matching import services
from techmarket.matching.tests import factories


def _seals(university):
    hot = factories.achievement(
        university, "耐高温氟橡胶密封圈", "改性氟橡胶密封圈，可在250℃下长期工作，用于阀门。"
    )
    factories.indicator(hot, "耐温", "ge", "250", "℃")
    warm = factories.achievement(
        university, "硅橡胶阀门密封圈", "硅橡胶密封圈，用于阀门与泵，长期工作温度150℃。"
    )
    factories.indicator(warm, "耐温", "ge", "150", "℃")
    return hot, warm


def _section(client, kind, pk):
    response = client.get(f"/matching/sections/{kind}/{pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_demand_page_shows_recommended_achievements_with_reasons(client, university, enterprise):
    hot, _warm = _seals(university)
    factories.achievement(university, "锂电池极片视觉检测", "深度学习检测极片表面缺陷。")
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐温不低于200℃。")
    factories.indicator(need, "耐温", "ge", "200", "℃")

    page = client.get(f"/demands/{need.pk}/").content.decode()
    # the listings page carries the section's placeholder, filled in by htmx after load
    assert f'hx-get="/matching/sections/demand/{need.pk}/"' in page
    assert "正在计算推荐成果" in page

    html = _section(client, "demand", need.pk)
    assert "推荐成果" in html
    assert html.index("耐高温氟橡胶密封圈") < html.index("硅橡胶阀门密封圈")
    assert f'href="/achievements/{hot.pk}/"' in html
    assert "✓ 满足指标：需求耐温≥200℃，成果为250℃" in html
    assert "✗ 未满足指标：需求耐温≥200℃，成果为150℃" in html
    assert "<mark>密封圈</mark>" in html  # matched concepts highlighted
    assert "语义索引正在建立，当前为关键词匹配结果（已完成 0/4）" in html


def test_a_withdrawn_achievement_never_shows_even_after_the_list_was_cached(
    client, university, enterprise
):
    hot, _warm = _seals(university)
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐温不低于200℃。")
    first = _section(client, "demand", need.pk)
    assert "耐高温氟橡胶密封圈" in first
    assert "硅橡胶阀门密封圈" in first
    # a withdrawal that bypasses timestamps and signals; the index catches up, the page
    # must not wait for it
    type(hot).objects.filter(pk=hot.pk).update(status=ListingStatus.WITHDRAWN)
    again = _section(client, "demand", need.pk)
    assert "耐高温氟橡胶密封圈" not in again
    assert "硅橡胶阀门密封圈" in again


def test_a_newly_published_achievement_appears_on_a_cached_demand_page(
    client, university, enterprise
):
    _hot, _warm = _seals(university)
    need = factories.demand(enterprise, "印染废水脱色", "印染废水色度高，需要深度脱色。")
    assert "印染废水臭氧催化脱色" not in _section(client, "demand", need.pk)
    factories.achievement(
        university, "印染废水臭氧催化脱色", "臭氧催化氧化印染废水，色度降至20倍。"
    )
    assert "印染废水臭氧催化脱色" in _section(client, "demand", need.pk)


def test_unpublished_listings_have_no_match_section(client, university, enterprise, org_admin):
    draft = factories.demand(
        enterprise, "阀门密封圈老化", "阀门密封圈。", status=ListingStatus.DRAFT, published_at=None
    )
    _seals(university)
    assert client.get(f"/matching/sections/demand/{draft.pk}/").status_code == 404
    owner = signed_in_client(client, org_admin)
    page = owner.get(f"/demands/{draft.pk}/").content.decode()
    assert "推荐成果" not in page
    assert owner.get(f"/matching/sections/demand/{draft.pk}/").content == b""


def test_potential_demands_hide_a_confidential_enterprise(
    client, university, enterprise, other_enterprise, org_admin
):
    hot, _warm = _seals(university)
    factories.demand(
        enterprise,
        "阀门密封圈高温老化",
        "阀门密封圈在高温下老化，需要耐高温密封圈。",
        confidential=True,
    )
    factories.demand(other_enterprise, "泵用密封圈泄漏", "泵用密封圈高温泄漏，需要新的密封圈。")

    html = _section(client, "achievement", hot.pk)
    assert "潜在需求方" in html
    assert "阀门密封圈高温老化" in html
    assert "保密需求（企业名称不公开）" in html
    assert "甲企业有限公司" not in html  # the confidential demand's enterprise
    assert "乙企业有限公司" in html  # a public demand's enterprise

    # its own members see it, as on the demand page
    own = _section(signed_in_client(client, org_admin), "achievement", hot.pk)
    assert "甲企业有限公司" in own


def test_a_supplier_sees_the_confidential_enterprise_once_it_accepted(
    client, university, enterprise
):
    hot, _warm = _seals(university)
    secret = factories.demand(
        enterprise, "阀门密封圈高温老化", "阀门密封圈高温老化。", confidential=True
    )
    supplier = _user("supplier", university, "org_admin")
    supplier_client = signed_in_client(client, supplier)
    assert "甲企业有限公司" not in _section(supplier_client, "achievement", hot.pk)
    ContactRequest.objects.create(
        demand=secret,
        organisation=university,
        requested_by=supplier,
        state=ContactRequest.State.ACCEPTED,
    )
    assert "甲企业有限公司" in _section(supplier_client, "achievement", hot.pk)


def test_the_semantic_notice_goes_once_vectors_are_computed(client, university, enterprise):
    _seals(university)
    need = factories.demand(enterprise, "阀门密封圈老化", "阀门密封圈需耐温不低于200℃。")
    assert "语义索引正在建立" in _section(client, "demand", need.pk)
    services.embed_pending()
    html = _section(client, "demand", need.pk)
    assert "语义索引正在建立" not in html
    assert "语义" in html  # the reasons now include semantic similarity
    assert "耐高温氟橡胶密封圈" in html
