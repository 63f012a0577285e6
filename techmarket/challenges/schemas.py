from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

MAX_YUAN = Decimal("1e13")


class IndicatorIO(Schema):
    name: str = Field(..., max_length=100)
    comparator: str = Field("ge", pattern="^(ge|gt|le|lt|eq)$")
    target: Decimal = Field(..., ge=Decimal("-1e13"), le=Decimal("1e13"))
    unit: str = ""
    verification: str = ""


class MilestoneTemplateIO(Schema):
    name: str = Field(..., max_length=100)
    due_date: date
    share: Decimal = Field(..., gt=0, le=100)
    acceptance_criteria: str = ""


class RubricIO(Schema):
    id: int | None = None
    name: str = Field(..., max_length=100)
    weight: Decimal = Field(..., gt=0, le=100)


class ChallengeIn(Schema):
    title: str = Field(..., max_length=200)
    task: str = ""
    eligibility: str = ""
    field: str = ""
    subfields: list[str] = []
    keywords: list[str] = []
    mode: str = Field("jiebang", pattern="^(jiebang|horse_race)$")
    max_teams: int = Field(1, ge=1, le=50)
    demand_ids: list[int] = []
    application_deadline: datetime
    completion_deadline: date
    review_deadline: date | None = None
    government_amount: Decimal = Field(..., ge=0, le=MAX_YUAN)
    cofund_ratio: Decimal | None = Field(None, ge=0, le=100)
    blind_review: bool = True
    reviewers_per_application: int | None = Field(None, ge=1, le=50)
    indicators: list[IndicatorIO] = []
    milestones: list[MilestoneTemplateIO] | None = None
    rubric: list[RubricIO] | None = None


class ChallengePatchIn(Schema):
    title: str | None = None
    task: str | None = None
    eligibility: str | None = None
    field: str | None = None
    subfields: list[str] | None = None
    keywords: list[str] | None = None
    mode: str | None = Field(None, pattern="^(jiebang|horse_race)$")
    max_teams: int | None = Field(None, ge=1, le=50)
    application_deadline: datetime | None = None
    completion_deadline: date | None = None
    review_deadline: date | None = None
    government_amount: Decimal | None = Field(None, ge=0, le=MAX_YUAN)
    cofund_ratio: Decimal | None = Field(None, ge=0, le=100)
    blind_review: bool | None = None
    reviewers_per_application: int | None = Field(None, ge=1, le=50)
    indicators: list[IndicatorIO] | None = None
    milestones: list[MilestoneTemplateIO] | None = None
    rubric: list[RubricIO] | None = None


class ChallengeOut(Schema):
    id: int
    title: str
    task: str
    eligibility: str
    field: str
    keywords: list[str]
    mode: str
    max_teams: int
    status: str
    application_deadline: datetime
    completion_deadline: date
    review_deadline: date | None
    government_amount: Decimal
    cofund_ratio: Decimal
    blind_review: bool
    reviewers_per_application: int
    published_at: datetime | None
    decision_reason: str
    indicators: list[IndicatorIO]
    milestones: list[MilestoneTemplateIO]
    rubric: list[RubricIO]

    @staticmethod
    def resolve_indicators(obj: Any) -> list[Any]:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_rubric(obj: Any) -> list[Any]:
        return list(obj.rubric.all())


class TransitionIn(Schema):
    to_status: str
    reason: str = ""


class TeamMember(Schema):
    name: str
    title: str = ""
    role: str = ""


class ApplicationIn(Schema):
    lead_id: int
    member_ids: list[int] = []
    technical_plan: str
    team: list[TeamMember] = []
    milestone_commitments: str = ""
    budget: Decimal = Field(Decimal(0), ge=0, le=MAX_YUAN)


class ApplicationPatchIn(Schema):
    technical_plan: str | None = None
    team: list[TeamMember] | None = None
    milestone_commitments: str | None = None
    budget: Decimal | None = Field(None, ge=0, le=MAX_YUAN)


class ApplicationOut(Schema):
    id: int
    challenge_id: int
    lead_id: int
    lead_name: str
    member_ids: list[int]
    technical_plan: str
    team: list[TeamMember]
    milestone_commitments: str
    budget: Decimal
    status: str
    final_score: Decimal | None
    decision_reason: str

    @staticmethod
    def resolve_lead_name(obj: Any) -> str:
        return obj.lead.name

    @staticmethod
    def resolve_member_ids(obj: Any) -> list[int]:
        return list(obj.parties.filter(role="member").values_list("organisation_id", flat=True))


class BlindApplicationOut(Schema):
    """What an expert sees of an application under blind review."""

    id: int
    code: str
    technical_plan: str
    milestone_commitments: str
    budget: Decimal
    lead_name: str | None = None


class AnonymousReviewOut(Schema):
    label: str
    total: Decimal | None
    comment: str


class ReasonIn(Schema):
    reason: str = ""


class AssignmentOut(Schema):
    id: int
    application_id: int
    challenge_id: int
    status: str
    total: Decimal | None

    @staticmethod
    def resolve_challenge_id(obj: Any) -> int:
        return int(obj.application.challenge_id)


class StaffAssignmentOut(AssignmentOut):
    expert_id: int
    expert_name: str
    automatic: bool
    match_score: float

    @staticmethod
    def resolve_expert_name(obj: Any) -> str:
        return obj.expert.name


class AssignReportOut(Schema):
    assigned: int
    shortfalls: dict[int, int]


class ReplaceIn(Schema):
    expert_id: int
    reason: str


class ReviewIn(Schema):
    scores: dict[str, Decimal]
    comment: str


class RankedOut(Schema):
    application_id: int
    lead_name: str
    score: Decimal | None
    reviews: int
    expected: int


class WinnerIn(Schema):
    application_id: int
    amount: Decimal = Field(..., gt=0, le=MAX_YUAN)


class AwardIn(Schema):
    winners: list[WinnerIn]
    reason: str


class MilestoneOut(Schema):
    id: int
    name: str
    due_date: date
    share: Decimal = Field(..., gt=0, le=100)
    amount: Decimal
    status: str
    evidence: str
    decision_reason: str


class AwardOut(Schema):
    id: int
    application_id: int
    amount: Decimal
    disbursed: Decimal
    status: str
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_milestones(obj: Any) -> list[Any]:
        return list(obj.milestones.all())


class EvidenceIn(Schema):
    evidence: str


class DecisionIn(Schema):
    reason: str = ""
    terminate: bool = False


class TrancheOut(Schema):
    id: int
    milestone_id: int
    amount: Decimal
    created_at: datetime
