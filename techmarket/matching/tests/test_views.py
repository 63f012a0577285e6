from conftest import _user, signed_in_client
from techmarket.listings.models import ContactRequest
from techmarket.matching.models import MatchFeedback
from techmarket.matching.tests import factories


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


def _market(university, enterprise, *, confidential=False):
    seal = factories.achievement(
        university,
        "耐高温氟橡胶密封圈",
        "氟橡胶密封圈，可在250℃下长期工作。",
        contact_name="陈老师",
        contact_phone="022-11112222",
    )
    need = factories.demand(
        enterprise,
        "阀门密封圈老化",
        "阀门密封圈需耐温不低于200℃。",
        confidential=confidential,
        contact_name="王经理",
        contact_phone="022-33334444",
    )
    return seal, need


def test_a_broker_starts_contact_and_both_sides_see_it(
    client, broker, university, enterprise, org_admin
):
    from techmarket.core.models import AuditEvent, Notification
    from techmarket.matching.models import MatchContact

    supplier = _user("supplier", university, "org_admin")
    seal, need = _market(university, enterprise)
    broker_client = signed_in_client(client, broker)
    response = broker_client.post(
        f"/matching/workspace/{need.pk}/{seal.pk}/contact/", {"message": "请尽快联系"}
    )
    assert response.status_code == 302
    contact = MatchContact.objects.get()
    assert (contact.demand_id, contact.achievement_id, contact.broker_id) == (
        need.pk,
        seal.pk,
        broker.pk,
    )
    assert contact.contact_request is None  # a public demand needs no consent
    event = AuditEvent.objects.get(action="matching.contact")
    assert event.object_id == str(contact.pk)
    page = broker_client.get(f"/matching/workspace/?demand={need.pk}").content.decode()
    assert "已发起对接" in page

    enterprise_note = Notification.objects.get(user=org_admin)
    assert enterprise_note.title == "撮合对接：您的需求“阀门密封圈老化”"
    assert "耐高温氟橡胶密封圈" in enterprise_note.body
    assert "请尽快联系" in enterprise_note.body
    supplier_note = Notification.objects.get(user=supplier)
    assert "需求方：甲企业有限公司" in supplier_note.body
    assert supplier_note.url == "/matching/contacts/"

    client.post("/accounts/logout/")
    for user in (org_admin, supplier):
        listing = signed_in_client(client, user).get("/matching/contacts/").content.decode()
        assert "阀门密封圈老化" in listing
        assert "耐高温氟橡胶密封圈" in listing
        assert "甲企业有限公司" in listing
        assert "王经理 022-33334444" in listing
        assert "陈老师 022-11112222" in listing
        client.post("/accounts/logout/")


def test_a_confidential_demand_stays_hidden_until_the_enterprise_accepts(
    client, broker, university, enterprise, org_admin
):
    from techmarket.core.models import Notification

    supplier = _user("supplier", university, "org_admin")
    seal, need = _market(university, enterprise, confidential=True)
    signed_in_client(client, broker).post(f"/matching/workspace/{need.pk}/{seal.pk}/contact/")
    client.post("/accounts/logout/")
    request = ContactRequest.objects.get()
    assert (request.demand_id, request.organisation_id, request.state) == (
        need.pk,
        university.pk,
        ContactRequest.State.PENDING,
    )
    supplier_note = Notification.objects.get(user=supplier)
    assert "甲企业有限公司" not in supplier_note.title + supplier_note.body
    assert "需求方同意后" in supplier_note.body

    supplier_client = signed_in_client(client, supplier)
    hidden = supplier_client.get("/matching/contacts/").content.decode()
    assert "阀门密封圈老化" in hidden
    assert "甲企业有限公司" not in hidden
    assert "王经理" not in hidden
    assert "保密需求：需求方同意后可见企业名称和联系方式" in hidden
    client.post("/accounts/logout/")

    owner = signed_in_client(client, org_admin)
    owner_page = owner.get("/matching/contacts/").content.decode()
    assert "需求方待回复" in owner_page
    assert "同意对方查看" in owner_page
    owner.post(f"/listings/contact/{request.pk}/decide/", {"accept": "1"})
    client.post("/accounts/logout/")

    shown = signed_in_client(client, supplier).get("/matching/contacts/").content.decode()
    assert "甲企业有限公司" in shown
    assert "王经理 022-33334444" in shown
    assert "需求方已同意" in shown


def test_a_contact_is_started_once_and_only_by_a_broker(
    client, broker, university, enterprise, org_member
):
    from techmarket.matching.models import MatchContact

    seal, need = _market(university, enterprise)
    broker_client = signed_in_client(client, broker)
    url = f"/matching/workspace/{need.pk}/{seal.pk}/contact/"
    broker_client.post(url)
    again = broker_client.post(url, follow=True).content.decode()
    assert "该需求与该成果已于" in again
    assert "不能重复发起" in again
    assert MatchContact.objects.count() == 1
    client.post("/accounts/logout/")
    refused = signed_in_client(client, org_member).post(url)
    assert refused.status_code == 403
    assert MatchContact.objects.count() == 1


def test_no_contact_for_a_withdrawn_achievement(client, broker, university, enterprise):
    from techmarket.listings.workflow import ListingStatus
    from techmarket.matching.models import MatchContact

    seal, need = _market(university, enterprise)
    seal.status = ListingStatus.WITHDRAWN
    seal.save()
    response = signed_in_client(client, broker).post(
        f"/matching/workspace/{need.pk}/{seal.pk}/contact/"
    )
    assert response.status_code == 404
    assert not MatchContact.objects.exists()


def test_the_workspace_finds_demands_by_keyword_and_pages_the_rest(
    client, broker, university, enterprise
):
    import datetime as dt

    from django.utils import timezone

    from techmarket.matching.views import WORKSPACE_PAGE_SIZE

    now = timezone.now()
    seal = factories.achievement(university, "耐高温氟橡胶密封圈", "氟橡胶密封圈，耐温250℃。")
    oldest = factories.demand(
        enterprise,
        "阀门密封圈高温老化",
        "阀门密封圈半年就老化泄漏。",
        published_at=now - dt.timedelta(days=400),
    )
    for i in range(WORKSPACE_PAGE_SIZE):
        factories.demand(
            enterprise,
            f"仓库盘点效率低（{i}号仓）",
            "盘点要停业三天。",
            published_at=now - dt.timedelta(days=i),
        )
    client = signed_in_client(client, broker)

    first = client.get("/matching/workspace/").content.decode()
    assert "阀门密封圈高温老化" not in first  # older than a page of newer demands
    assert f"共 {WORKSPACE_PAGE_SIZE + 1} 条 · 第 1/2 页" in first
    assert "阀门密封圈高温老化" in client.get("/matching/workspace/?page=2").content.decode()

    found = client.get("/matching/workspace/", {"q": "密封圈 老化"}).content.decode()
    assert "“密封圈 老化”：共 1 条" in found
    assert "阀门密封圈高温老化" in found
    assert "仓库盘点效率低" not in found
    # opening a demand from the hits keeps the search
    assert (
        f'href="?q=%E5%AF%86%E5%B0%81%E5%9C%88+%E8%80%81%E5%8C%96&amp;demand={oldest.pk}"' in found
    )
    none = client.get("/matching/workspace/", {"q": "石墨烯"}).content.decode()
    assert "没有与“石墨烯”相关的已发布需求。" in none

    client.post(f"/matching/workspace/{oldest.pk}/{seal.pk}/contact/", {"message": ""})
    opened = client.get("/matching/workspace/", {"q": "密封圈", "demand": oldest.pk})
    html = opened.content.decode()
    assert "已对接 1" in html
    assert "推荐成果：阀门密封圈高温老化" in html
