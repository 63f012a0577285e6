"""Demo expert library: the demo user "expert" plus expert2..expert5, all verified."""

from __future__ import annotations

from django.utils import timezone

from techmarket.accounts.demo import DEMO_PASSWORD
from techmarket.accounts.models import Membership, Role, User
from techmarket.core.demo import DemoContext
from techmarket.experts.models import ExpertConflict, ExpertProfile, ExpertStatus

# (username, full name, organisation key, title, fields, sub-fields, keywords)
EXPERTS = [
    ("expert", "郑专家", "university", "教授", ["04", "08"], ["0401", "0804"], ["涂层", "高温合金", "热障"]),
    ("expert2", "冯研究员", "institute", "研究员", ["04"], ["0403"], ["复合材料", "涂层"]),
    ("expert3", "褚高工", "service", "正高级工程师", ["08"], ["0801", "0804"], ["机器人", "巡检", "视觉"]),
    ("expert4", "卫教授", "other", "教授", ["04", "06"], ["0401", "0603"], ["涂层", "储能", "电池"]),
    ("expert5", "蒋博士", "service", "高级工程师", ["08", "01"], ["0801", "0101"], ["机器人", "软件", "涂层"]),
]  # fmt: skip


def load(context: DemoContext) -> None:
    now = timezone.now()
    for username, full_name, org_key, title, fields, subfields, keywords in EXPERTS:
        organisation = context.organisations[org_key]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username,
                password=DEMO_PASSWORD,
                full_name=full_name,
                email=f"{username}@demo.techmarket.cn",
            )
            Membership.objects.create(user=user, organisation=organisation, role=Role.EXPERT)
            context.users[username] = (user, Role.EXPERT, False)
        profile = ExpertProfile.objects.create(
            user=user,
            name=full_name,
            organisation=organisation,
            title=title,
            fields=fields,
            subfields=subfields,
            keywords=keywords,
            bio=f"{organisation.name}{title}，长期从事{'、'.join(keywords)}研究。",
            email=user.email,
            status=ExpertStatus.VERIFIED,
            verified_at=now,
        )
        if username == "expert4":
            ExpertConflict.objects.create(
                expert=profile, person_name="王企业", reason="曾为其公司顾问"
            )
    ExpertProfile.objects.create(
        name="沈待审", organisation_name="北方工业大学", title="副教授", fields=["01"],
        keywords=["软件"], status=ExpertStatus.PENDING,
    )  # fmt: skip
    context.notes.append(
        "专家库：expert、expert2…expert5（评审专家，密码同上），另有 1 名待审核专家。"
    )
