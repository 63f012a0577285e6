"""消息中心: a user's own notifications, read state, links that stay on the platform."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from conftest import signed_in_client
from techmarket.core.models import Notification
from techmarket.core.notifications import notify


def test_the_header_counts_unread_messages_and_the_inbox_lists_only_ones_own(
    client: Any, org_admin: Any, org_member: Any
) -> None:
    notify([org_admin], title="合同登记已通过", body="证书可下载。", url="/contracts/", kind="t")
    notify([org_admin], title="创新券已到账", url="/vouchers/", kind="t")
    notify([org_member], title="别人的消息", kind="t")
    signed_in_client(client, org_admin)

    home = client.get("/").content.decode()
    assert 'aria-label="消息中心，2 条未读"' in home

    inbox = client.get(reverse("core:notifications")).content.decode()
    assert "合同登记已通过" in inbox
    assert "证书可下载。" in inbox
    assert "创新券已到账" in inbox
    assert "别人的消息" not in inbox
    assert inbox.count("未读</span>") == 2


def test_opening_a_message_marks_it_read_and_goes_to_its_page(client: Any, org_admin: Any) -> None:
    (n,) = notify([org_admin], title="联系申请", url="/matching/contacts/", kind="t")
    signed_in_client(client, org_admin)

    response = client.get(reverse("core:notification_open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/matching/contacts/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert 'aria-label="消息中心，0 条未读"' in client.get("/").content.decode()
    unread = client.get(reverse("core:notifications"), {"show": "unread"}).content.decode()
    assert "没有未读消息。" in unread


def test_a_message_linking_off_the_platform_stays_in_the_inbox(client: Any, org_admin: Any) -> None:
    (n,) = notify([org_admin], title="外部链接", url="https://evil.example.com/x", kind="t")
    signed_in_client(client, org_admin)
    response = client.get(reverse("core:notification_open", args=[n.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:notifications')}#n{n.pk}"


def test_another_users_message_cannot_be_opened_or_marked(
    client: Any, org_admin: Any, org_member: Any
) -> None:
    (theirs,) = notify([org_member], title="别人的消息", url="/x/", kind="t")
    signed_in_client(client, org_admin)
    assert client.get(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    client.post(reverse("core:notifications_read_all"))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_says_how_many_and_needs_a_post(client: Any, org_admin: Any) -> None:
    notify([org_admin, org_admin], title="提醒", kind="t")
    signed_in_client(client, org_admin)
    assert client.get(reverse("core:notifications_read_all")).status_code == 405
    page = client.post(reverse("core:notifications_read_all"), follow=True).content.decode()
    assert "已将 2 条消息标为已读。" in page
    assert not Notification.objects.filter(user=org_admin, read_at__isnull=True).exists()
    page = client.post(reverse("core:notifications_read_all"), follow=True).content.decode()
    assert "没有未读消息。" in page


def test_the_inbox_needs_a_signed_in_user(client: Any, db: Any) -> None:
    response = client.get(reverse("core:notifications"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_inbox_pages_by_twenty_and_keeps_the_filter(client: Any, org_admin: Any) -> None:
    for i in range(25):
        notify([org_admin], title=f"第{i}条提醒", kind="t")
    signed_in_client(client, org_admin)
    first = client.get(reverse("core:notifications")).content.decode()
    assert "共 25 条 · 第 1/2 页" in first
    assert 'href="?page=2"' in first
    unread = client.get(reverse("core:notifications"), {"show": "unread"}).content.decode()
    assert 'href="?show=unread&page=2"' in unread
    second = client.get(reverse("core:notifications"), {"page": 2}).content.decode()
    assert "第 2/2 页" in second
    assert "第0条提醒" in second  # oldest last


def test_a_title_longer_than_the_column_is_shortened_not_refused(org_admin: Any) -> None:
    # "撮合对接：您的需求“<a 200-character title>”" is longer than the 200 characters the
    # column holds: PostgreSQL refused it and the contact failed with it
    long_title = "撮合对接：您的需求“" + "高" * 200 + "”"
    (note,) = notify([org_admin], title=long_title, body="正文")
    note.refresh_from_db()
    limit = Notification._meta.get_field("title").max_length
    assert len(note.title) == limit
    assert note.title.endswith("…")
    assert note.title.startswith("撮合对接：您的需求“高高")
