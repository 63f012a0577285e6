"""撮合对接: a broker starts contact between a demand's enterprise and an achievement's
owner. The write service of the broker workspace's "发起对接" (kept apart from
services.py, which holds the index and the matching itself)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse

from techmarket.accounts.selectors import members_to_notify
from techmarket.core import audit
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.notifications import notify
from techmarket.listings import services as listings_services
from techmarket.listings.models import Achievement, Demand
from techmarket.matching import access, selectors
from techmarket.matching.models import MatchContact


@transaction.atomic
def contact_start(
    *,
    actor: Any,
    demand: Demand,
    achievement: Achievement,
    message: str = "",
    request: HttpRequest | None = None,
) -> MatchContact:
    """Record the contact, notify both organisations, audit it. For a confidential demand
    the supplier gets the listings app's contact request, which the enterprise must accept
    before the supplier sees its name and contact."""
    access.ensure_can_use_workspace(actor)
    # Lock the demand: two brokers starting the same contact wait for each other.
    locked = selectors.published_demands().select_for_update().filter(pk=demand.pk).first()
    if locked is None or not selectors.published_ids("achievement", [achievement.pk]):
        raise NotFound("只能为已发布的需求和成果发起对接。")
    if locked.owner_id == achievement.owner_id:
        raise ApplicationError("需求方与成果持有方是同一机构，无需对接。", code="same_organisation")
    existing = MatchContact.objects.filter(demand=locked, achievement=achievement).first()
    if existing is not None:
        raise ApplicationError(
            f"该需求与该成果已于{existing.created_at:%Y-%m-%d}发起过对接，不能重复发起。",
            code="duplicate_contact",
            status=409,
        )
    message = (message or "").strip()[:1000]
    contact_request = None
    if locked.confidential:
        contact_request = listings_services.contact_request_for_supplier(
            actor=actor,
            demand=locked,
            organisation=achievement.owner,
            message=f"技术经纪人推荐对接成果“{achievement.title}”。{message}",
            request=request,
        )
    contact = MatchContact.objects.create(
        demand=locked,
        achievement=achievement,
        broker=actor,
        message=message,
        contact_request=contact_request,
    )
    audit.record(
        "matching.contact",
        actor=actor,
        obj=contact,
        summary=f"发起对接：需求#{locked.pk}“{locked.title}” ↔ 成果#{achievement.pk}“{achievement.title}”",
        request=request,
    )
    _notify(contact, locked, achievement)
    return contact


def _notify(contact: MatchContact, demand: Demand, achievement: Achievement) -> None:
    url = reverse("matching:contacts")
    broker = contact.broker.full_name or contact.broker.username
    note = f"留言：{contact.message}" if contact.message else ""
    holder = achievement.owner_display or achievement.owner.name
    enterprise_body = f"技术经纪人{broker}建议贵单位与成果“{achievement.title}”（{holder}）对接。"
    supplier_body = f"技术经纪人{broker}建议贵单位与技术需求“{demand.title}”的发布方对接。"
    if demand.confidential:
        enterprise_body += "该需求为保密需求：贵单位同意后，对方才能看到企业名称和联系方式。"
        supplier_body += "该需求为保密需求：需求方同意后，您才能看到企业名称和联系方式。"
    else:
        supplier_body += f"需求方：{demand.owner.name}。"
    notify(
        members_to_notify(demand.owner_id),
        title=f"撮合对接：您的需求“{demand.title}”",
        body=f"{enterprise_body}{note}",
        url=url,
        kind="matching.contact",
    )
    notify(
        members_to_notify(achievement.owner_id),
        title=f"撮合对接：您的成果“{achievement.title}”",
        body=f"{supplier_body}{note}",
        url=url,
        kind="matching.contact",
    )
