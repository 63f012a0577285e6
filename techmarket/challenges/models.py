from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from techmarket.challenges.workflow import (
    ApplicationStatus,
    AssignmentStatus,
    AwardStatus,
    ChallengeMode,
    ChallengeStatus,
    MilestoneStatus,
)
from techmarket.core.models import TimeStampedModel
from techmarket.core.money import MoneyField
from techmarket.core.taxonomy import FIELD_CHOICES

ORG = "accounts.Organisation"
USER = settings.AUTH_USER_MODEL


class Challenge(TimeStampedModel):
    """榜单: a task posed by an enterprise demand (or the bureau), run by bureau staff."""

    title = models.CharField("榜单名称", max_length=200)
    task = models.TextField("任务描述")
    eligibility = models.TextField("揭榜条件", blank=True)
    field = models.CharField("技术领域", max_length=2, choices=FIELD_CHOICES, blank=True)
    subfields = models.JSONField("技术子领域", default=list, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    mode = models.CharField(
        "组织方式", max_length=20, choices=ChallengeMode.choices, default=ChallengeMode.JIEBANG
    )
    max_teams = models.PositiveSmallIntegerField("立项团队数", default=1)
    demands = models.ManyToManyField(
        "listings.Demand", blank=True, related_name="challenges", verbose_name="来源需求"
    )
    enterprise = models.ForeignKey(
        ORG, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="出题企业",
    )  # fmt: skip
    application_deadline = models.DateTimeField("申报截止时间")
    completion_deadline = models.DateField("完成期限")
    review_deadline = models.DateField("评审截止日期", null=True, blank=True)
    government_amount = MoneyField("政府资助金额（元）", default=Decimal(0))
    cofund_ratio = models.DecimalField(
        "企业配套比例", max_digits=5, decimal_places=2, default=Decimal("1.00"),
        help_text="企业配套资金与政府资助之比，如 1.00 表示 1:1",
    )  # fmt: skip
    blind_review = models.BooleanField("盲评（对专家隐藏申报单位）", default=True)
    reviewers_per_application = models.PositiveSmallIntegerField("每项申报评审专家数", default=5)
    status = models.CharField(
        "状态", max_length=24, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT,
        db_index=True,
    )  # fmt: skip
    status_reason = models.TextField("说明", blank=True)
    decision_reason = models.TextField("立项决定理由", blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True, db_index=True)
    awarded_at = models.DateTimeField("立项时间", null=True, blank=True)
    reminded_days = models.JSONField("已发送的截止提醒（天）", default=list, blank=True)

    class Meta:
        verbose_name = "榜单"
        verbose_name_plural = "榜单"
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(government_amount__gte=0), name="challenge_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cofund_ratio__gte=0), name="challenge_cofund_not_negative"
            ),
            models.CheckConstraint(condition=Q(max_teams__gte=1), name="challenge_teams_min_1"),
            models.CheckConstraint(
                condition=Q(reviewers_per_application__gte=1), name="challenge_reviewers_min_1"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def enterprise_amount(self) -> Decimal:
        return (self.government_amount * self.cofund_ratio).quantize(Decimal("0.01"))


class ChallengeIndicator(models.Model):
    """A technical indicator with its target value and how it will be checked."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("指标名称", max_length=100)
    comparator = models.CharField("比较", max_length=4, default="ge")
    target = models.DecimalField("目标值", max_digits=20, decimal_places=6)
    unit = models.CharField("单位", max_length=32, blank=True)
    verification = models.CharField("考核方式", max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    COMPARATORS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "="}

    def __str__(self) -> str:
        sign = self.COMPARATORS.get(self.comparator, self.comparator)
        return f"{self.name} {sign} {self.target.normalize():f} {self.unit}".strip()


class MilestoneTemplate(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("里程碑", max_length=100)
    due_date = models.DateField("到期日")
    share = models.DecimalField("资金占比（%）", max_digits=5, decimal_places=2)
    acceptance_criteria = models.TextField("验收标准", blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=100), name="milestone_template_share"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RubricCriterion(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="rubric")
    name = models.CharField("评审要素", max_length=100)
    weight = models.DecimalField("权重（%）", max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="rubric_weight_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.weight.normalize():f}%）"


class Application(TimeStampedModel):
    """揭榜申报, by one organisation or a consortium led by one."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="applications")
    lead = models.ForeignKey(
        ORG, on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    technical_plan = models.TextField("技术方案")
    team = models.JSONField("团队成员", default=list, blank=True)
    milestone_commitments = models.TextField("里程碑承诺", blank=True)
    budget = MoneyField("预算（元）", default=Decimal(0))
    status = models.CharField(
        "状态", max_length=20, choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED, db_index=True,
    )  # fmt: skip
    final_score = models.DecimalField(
        "综合得分", max_digits=7, decimal_places=2, null=True, blank=True
    )
    decision_reason = models.TextField("评审结论", blank=True)

    class Meta:
        verbose_name = "揭榜申报"
        verbose_name_plural = "揭榜申报"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="application_budget_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.lead} · {self.challenge}"

    @property
    def code(self) -> str:
        return f"申报-{self.pk:05d}"


class PartyRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    MEMBER = "member", "联合体成员"


class ApplicationParty(models.Model):
    """An organisation taking part in an application. The database allows each
    organisation in at most one active application per challenge (lead or member)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(ORG, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=PartyRole.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "organisation"],
                condition=Q(active=True),
                name="one_application_per_applicant_per_challenge",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.organisation_id}"


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="challenges/applications/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ReviewAssignment(TimeStampedModel):
    """An expert asked to review one application; the review itself lives on the row."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    expert = models.ForeignKey(
        "experts.ExpertProfile", on_delete=models.PROTECT, related_name="assignments"
    )
    status = models.CharField(
        max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    automatic = models.BooleanField(default=True)
    match_score = models.FloatField(default=0)
    scores = models.JSONField("分项得分", default=dict, blank=True)
    total = models.DecimalField("加权得分", max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField("评审意见", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField("评审提醒时间", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "expert"],
                condition=~Q(status="replaced"),
                name="one_live_assignment_per_expert",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | (Q(total__gte=0) & Q(total__lte=100)),
                name="review_total_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} → {self.application_id}"


class Award(TimeStampedModel):
    """A funded team: the money disbursed never exceeds the award (CHECK + row lock)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="awards")
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    amount = MoneyField("资助金额（元）")
    disbursed = MoneyField("已拨付（元）", default=Decimal(0))
    status = models.CharField(
        max_length=12, choices=AwardStatus.choices, default=AwardStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "立项"
        verbose_name_plural = "立项"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=F("amount")),
                name="award_disbursed_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application.lead} · {self.challenge}"

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.disbursed


class Milestone(TimeStampedModel):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("里程碑", max_length=100)
    due_date = models.DateField("到期日")
    share = models.DecimalField("资金占比（%）", max_digits=5, decimal_places=2)
    amount = MoneyField("拨付金额（元）")
    acceptance_criteria = models.TextField("验收标准", blank=True)
    status = models.CharField(
        max_length=12, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    evidence = models.TextField("完成情况", blank=True)
    evidence_file = models.FileField(upload_to="challenges/evidence/%Y/%m/", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField("验收意见", blank=True)
    reminded_at = models.DateTimeField("到期提醒时间", null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="milestone_amount_gte_0")
        ]

    def __str__(self) -> str:
        return self.name


class Tranche(models.Model):
    """A ledger entry: money released for one accepted milestone (once, ever)."""

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="tranches")
    milestone = models.OneToOneField(Milestone, on_delete=models.PROTECT, related_name="tranche")
    amount = MoneyField("金额（元）")
    released_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "拨付记录"
        verbose_name_plural = "拨付记录"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.milestone_id}: {self.amount}"
