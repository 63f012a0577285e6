from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.models import AuditEvent, StatusChange
from techmarket.listings import services
from techmarket.listings.models import Achievement, Demand
from techmarket.listings.signals import listing_changed
from techmarket.listings.tests import factories
from techmarket.listings.workflow import LISTING_TRANSITIONS, ListingStatus

pytestmark = pytest.mark.django_db

S = ListingStatus
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


def _actor_for(target: str, owner: Any, staff: Any) -> tuple[Any, bool]:
    if target in (S.PUBLISHED, S.RETURNED):
        return staff, False
    if target == S.EXPIRED:
        return None, True
    return owner, False


@pytest.mark.parametrize(("start", "target"), ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_workflow_says(
    start: str, target: str, org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    listing = factories.achievement(enterprise, status=start)
    actor, system = _actor_for(target, org_admin, bureau_staff)
    allowed = target in LISTING_TRANSITIONS[start]
    if target == S.DRAFT or (system and target not in (S.EXPIRED,)):
        allowed = False
    if allowed:
        moved = services.listing_transition(
            actor=actor, listing=listing, to_status=target, reason="原因", system=system
        )
        assert moved.status == target
        change = StatusChange.objects.get(
            content_type=ContentType.objects.get_for_model(Achievement), object_id=str(listing.pk)
        )
        assert (change.from_status, change.to_status, change.reason) == (start, target, "原因")
        assert AuditEvent.objects.filter(action=f"achievement.{target}").exists()
    else:
        with pytest.raises(ApplicationError) as info:
            services.listing_transition(
                actor=actor, listing=listing, to_status=target, reason="原因", system=system
            )
        assert info.value.message  # Chinese explanation
        listing.refresh_from_db()
        assert listing.status == start


def test_a_refused_move_says_which_moves_are_allowed(org_admin: Any, enterprise: Any) -> None:
    listing = factories.achievement(enterprise, status=S.DRAFT)
    with pytest.raises(ApplicationError) as info:
        services.listing_transition(actor=org_admin, listing=listing, to_status=S.CLOSED)
    assert "只能变更为：待审核" in info.value.message


def test_returning_needs_a_reason(bureau_staff: Any, enterprise: Any) -> None:
    listing = factories.demand(enterprise, status=S.SUBMITTED)
    with pytest.raises(ApplicationError, match="退回必须填写原因"):
        services.listing_transition(actor=bureau_staff, listing=listing, to_status=S.RETURNED)


def test_only_bureau_staff_publish(org_admin: Any, enterprise: Any) -> None:
    listing = factories.achievement(enterprise, status=S.SUBMITTED)
    with pytest.raises(PermissionRefused, match="科技局"):
        services.listing_transition(actor=org_admin, listing=listing, to_status=S.PUBLISHED)


def test_another_organisation_cannot_submit_or_edit(outsider: Any, enterprise: Any) -> None:
    listing = factories.achievement(enterprise)
    with pytest.raises(PermissionRefused):
        services.listing_transition(actor=outsider, listing=listing, to_status=S.SUBMITTED)
    with pytest.raises(PermissionRefused):
        services.listing_update(actor=outsider, listing=listing, data={"title": "改"})


def test_an_unverified_organisation_cannot_create(
    pending_admin: Any, pending_enterprise: Any
) -> None:
    with pytest.raises(PermissionRefused, match="尚未通过认证"):
        services.listing_create(
            actor=pending_admin,
            organisation=pending_enterprise,
            model=Achievement,
            data={"title": "x", "abstract": "y", "field": "01"},
        )


def test_create_validates_patent_numbers_and_sends_the_signal_after_commit(
    org_admin: Any, enterprise: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[tuple[Any, bool]] = []

    def handler(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
        received.append((instance.pk, created))

    listing_changed.connect(handler)
    try:
        with pytest.raises(ApplicationError, match="校验位错误"):
            services.listing_create(
                actor=org_admin,
                organisation=enterprise,
                model=Achievement,
                data={
                    "title": "x",
                    "abstract": "y",
                    "field": "01",
                    "patent_numbers": ["ZL2019 1 0123456.7"],
                },
            )
        with django_capture_on_commit_callbacks(execute=True):
            created = services.listing_create(
                actor=org_admin,
                organisation=enterprise,
                model=Achievement,
                data={
                    "title": "耐高温涂层",
                    "abstract": "工作温度可达250℃。",
                    "field": "04",
                    "patent_numbers": ["ZL2015 1 0958772.0"],
                    "price": "1200000",
                },
                indicators=[{"name": "工作温度", "comparator": "le", "value": 250, "unit": "℃"}],
            )
    finally:
        listing_changed.disconnect(handler)
    assert created.patent_numbers == ["ZL201510958772.0"]
    assert str(created.indicators.get()) == "工作温度 ≤ 250.000000 ℃"
    assert received == [(created.pk, True)]


def test_expire_demands_moves_only_published_demands_past_their_deadline(
    enterprise: Any,
) -> None:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    due = factories.demand(enterprise, status=S.PUBLISHED, deadline=yesterday)
    fresh = factories.demand(enterprise, status=S.PUBLISHED, deadline=timezone.localdate())
    draft = factories.demand(enterprise, status=S.DRAFT, deadline=yesterday)
    assert services.expire_demands() == 1
    statuses = dict(Demand.objects.values_list("pk", "status"))
    assert statuses == {due.pk: S.EXPIRED, fresh.pk: S.PUBLISHED, draft.pk: S.DRAFT}
