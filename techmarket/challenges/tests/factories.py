"""Test data for challenges: real rows through the services where it matters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from django.utils import timezone

from conftest import _org, _user
from techmarket.challenges import services
from techmarket.challenges.models import Application, Challenge
from techmarket.experts.models import ExpertProfile, ExpertStatus
from techmarket.listings.models import Demand
from techmarket.listings.workflow import ListingStatus

_serial = count(100)


def org(name: str, org_type: str = "university") -> Any:
    return _org(name, org_type, next(_serial))


def user(username: str, organisation: Any, role: str = "org_admin") -> Any:
    return _user(username, organisation, role)


def published_demand(owner: Any, **kw: Any) -> Demand:
    data = {
        "title": "高温合金叶片涂层寿命提升",
        "description": "需要将涂层在 1100℃ 下的寿命提升到 1000 小时以上。",
        "field": "04",
        "owner": owner,
        "status": ListingStatus.PUBLISHED,
        "published_at": timezone.now(),
    }
    data.update(kw)
    return Demand.objects.create(**data)


def challenge(staff: Any, *, publish: bool = True, **kw: Any) -> Challenge:
    data: dict[str, Any] = {
        "title": "高温涂层揭榜挂帅",
        "task": "研制 1100℃ 长寿命热障涂层",
        "application_deadline": timezone.now() + timedelta(days=10),
        "completion_deadline": (timezone.now() + timedelta(days=400)).date(),
        "government_amount": Decimal("1000000"),
        "field": "04",
        "keywords": ["涂层", "高温合金"],
        "indicators": [
            {"name": "涂层寿命", "comparator": "ge", "target": Decimal(1000), "unit": "小时",
             "verification": "第三方检测报告"}
        ],
        "milestones": [
            {"name": "小试", "due_date": (timezone.now() + timedelta(days=100)).date(),
             "share": Decimal(30), "acceptance_criteria": "样品寿命 ≥ 500 小时"},
            {"name": "中试", "due_date": (timezone.now() + timedelta(days=200)).date(),
             "share": Decimal(40), "acceptance_criteria": "中试线"},
            {"name": "验收", "due_date": (timezone.now() + timedelta(days=380)).date(),
             "share": Decimal(30), "acceptance_criteria": "寿命 ≥ 1000 小时"},
        ],
    }  # fmt: skip
    data.update(kw)
    created = services.challenge_create(actor=staff, **data)
    if publish:
        created = services.challenge_transition(
            actor=staff, challenge=created, to_status="published"
        )
    return created


def application(challenge: Challenge, applicant: Any, lead: Any, **kw: Any) -> Application:
    data: dict[str, Any] = {"technical_plan": "等离子喷涂 + 梯度结构", "budget": "800000"}
    data.update(kw)
    return services.application_submit(actor=applicant, challenge=challenge, lead=lead, **data)


def expert(
    name: str, organisation: Any = None, *, user_obj: Any = None, **kw: Any
) -> ExpertProfile:
    data: dict[str, Any] = {
        "fields": ["04"],
        "subfields": [],
        "keywords": ["涂层"],
        "status": ExpertStatus.VERIFIED,
    }
    data.update(kw)
    return ExpertProfile.objects.create(name=name, organisation=organisation, user=user_obj, **data)


def close_deadline(challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(
        application_deadline=timezone.now() - timedelta(minutes=1)
    )
    challenge.refresh_from_db()
