"""Demo 榜单 at every stage: open, under review, in progress with a tranche paid,
completed — run through the same services a bureau uses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from techmarket.challenges import services
from techmarket.challenges.models import Challenge
from techmarket.core.demo import DemoContext
from techmarket.listings.models import Demand
from techmarket.listings.workflow import ListingStatus


def _challenge(staff: Any, title: str, task: str, demand: Demand | None, **kw: Any) -> Challenge:
    today = timezone.now().date()
    data: dict[str, Any] = {
        "title": title,
        "task": task,
        "eligibility": "在津注册的企业、高校、科研院所，或由其牵头的联合体；具备研发基础。",
        "application_deadline": timezone.now() + timedelta(days=21),
        "completion_deadline": today + timedelta(days=540),
        "government_amount": Decimal("2000000"),
        "cofund_ratio": Decimal("1.00"),
        "field": "04",
        "keywords": ["涂层", "高温合金"],
        "demands": [demand] if demand else [],
        "reviewers_per_application": 3,
        "indicators": [
            {"name": "涂层寿命（1100℃）", "comparator": "ge", "target": Decimal(1000),
             "unit": "小时", "verification": "第三方检测机构热循环试验报告"},
            {"name": "结合强度", "comparator": "ge", "target": Decimal(40), "unit": "MPa",
             "verification": "GB/T 8642 拉伸法"},
        ],
        "milestones": [
            {"name": "小试样品", "due_date": today + timedelta(days=120), "share": Decimal(30),
             "acceptance_criteria": "样品寿命 ≥ 500 小时"},
            {"name": "中试验证", "due_date": today + timedelta(days=300), "share": Decimal(40),
             "acceptance_criteria": "中试线连续运行 30 天"},
            {"name": "最终验收", "due_date": today + timedelta(days=520), "share": Decimal(30),
             "acceptance_criteria": "全部技术指标达标"},
        ],
    }  # fmt: skip
    data.update(kw)
    challenge = services.challenge_create(actor=staff, **data)
    return services.challenge_transition(actor=staff, challenge=challenge, to_status="published")


def _to_review(staff: Any, challenge: Challenge) -> None:
    Challenge.objects.filter(pk=challenge.pk).update(
        application_deadline=timezone.now() - timedelta(hours=1)
    )
    challenge.refresh_from_db()
    services.challenge_transition(actor=staff, challenge=challenge, to_status="applications_closed")
    services.challenge_transition(actor=staff, challenge=challenge, to_status="under_review")
    services.reviewers_assign(actor=staff, challenge=challenge)


def _review_all(challenge: Challenge, base: int) -> None:
    criteria = list(challenge.rubric.all())
    for application in challenge.applications.all():
        assignments = application.assignments.select_related("expert__user")
        for i, assignment in enumerate(a for a in assignments if a.expert.user is not None):
            assert assignment.expert.user is not None  # noqa: S101 - filtered just above
            score = base + 3 * i - (5 if application.lead.type == "institute" else 0)
            services.review_submit(
                actor=assignment.expert.user,
                assignment=assignment,
                scores={c.pk: score for c in criteria},
                comment="技术路线可行，研发基础扎实。" if score >= 80 else "方案需进一步细化。",
            )


def load(context: DemoContext) -> None:
    staff = context.users["bureau"][0]
    enterprise = context.organisations["enterprise"]
    university = context.organisations["university"]
    institute = context.organisations["institute"]
    uni_admin = context.users["university"][0]
    inst_admin = context.users["institute"][0]
    demand = Demand.objects.create(
        owner=enterprise,
        title="燃气轮机叶片热障涂层寿命提升",
        description="现有热障涂层在 1100℃ 热循环下寿命约 400 小时，需提升到 1000 小时以上。",
        field="04",
        status=ListingStatus.PUBLISHED,
        published_at=timezone.now(),
    )

    # 1. open for applications
    open_one = _challenge(staff, "燃气轮机叶片长寿命热障涂层（揭榜挂帅）", "", demand)
    services.application_submit(
        actor=uni_admin, challenge=open_one, lead=university, members=[institute],
        technical_plan="梯度结构 + 等离子物理气相沉积，联合体分工：津海大学负责材料设计，研究院负责中试。",
        team=[{"name": "陈转移", "title": "教授"}], budget="1800000",
    )  # fmt: skip

    # 2. under review (赛马)
    review = _challenge(
        staff, "变电站智能巡检机器人（赛马）", "研制可在变电站全天候自主巡检的机器人。", None,
        mode="horse_race", max_teams=2, field="08", keywords=["机器人", "巡检", "涂层"],
        review_deadline=timezone.now().date() + timedelta(days=10),
    )  # fmt: skip
    services.application_submit(actor=uni_admin, challenge=review, lead=university,
                                technical_plan="多传感器融合导航。", budget="900000")  # fmt: skip
    services.application_submit(actor=inst_admin, challenge=review, lead=institute,
                                technical_plan="激光雷达 + 红外测温。", budget="950000")  # fmt: skip
    _to_review(staff, review)
    _review_all(review, 82)

    # 3. in progress with the first tranche paid; 4. completed
    for title, finish in (
        ("高温合金构件防护涂层（揭榜挂帅）", False),
        ("耐磨涂层国产化（揭榜挂帅）", True),
    ):
        challenge = _challenge(staff, title, "替代进口耐磨涂层，满足批量生产。", None)
        application = services.application_submit(
            actor=uni_admin, challenge=challenge, lead=university,
            technical_plan="超音速火焰喷涂工艺优化。", budget="1500000",
        )  # fmt: skip
        services.application_submit(actor=inst_admin, challenge=challenge, lead=institute,
                                    technical_plan="激光熔覆。", budget="1600000")  # fmt: skip
        _to_review(staff, challenge)
        _review_all(challenge, 85)
        (award,) = services.challenge_award(
            actor=staff, challenge=challenge, winners=[(application, Decimal("1500000"))],
            reason="综合得分第一，研发基础与资金保障能力最强。",
        )  # fmt: skip
        services.challenge_transition(actor=staff, challenge=challenge, to_status="in_progress")
        milestones = list(award.milestones.all()) if finish else list(award.milestones.all())[:1]
        for milestone in milestones:
            services.milestone_submit(
                actor=uni_admin, milestone=milestone, evidence=f"{milestone.name}完成，附检测报告。"
            )
            services.milestone_accept(actor=staff, milestone=milestone, reason="材料齐全，达标。")
        if finish:
            services.challenge_complete(actor=staff, challenge=challenge)
    context.notes.append(
        "揭榜挂帅：4 个榜单（申报中、评审中、实施中已拨付首笔、已验收）；bureau 在“榜单管理”操作，"
        "university 在“我的揭榜”，expert…expert5 在“我的评审”。"
    )
