from __future__ import annotations

from django.db import models


class ChallengeMode(models.TextChoices):
    JIEBANG = "jiebang", "揭榜挂帅"
    HORSE_RACE = "horse_race", "赛马"


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "揭榜申报中"
    APPLICATIONS_CLOSED = "applications_closed", "申报截止"
    UNDER_REVIEW = "under_review", "评审中"
    AWARDED = "awarded", "已公示立项"
    IN_PROGRESS = "in_progress", "实施中"
    COMPLETED = "completed", "已验收"
    TERMINATED = "terminated", "已终止"
    WITHDRAWN = "withdrawn", "已撤榜"


S = ChallengeStatus
CHALLENGE_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.PUBLISHED, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.APPLICATIONS_CLOSED, S.WITHDRAWN}),
    S.APPLICATIONS_CLOSED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.AWARDED, S.WITHDRAWN}),
    S.AWARDED: frozenset({S.IN_PROGRESS, S.TERMINATED}),
    S.IN_PROGRESS: frozenset({S.COMPLETED, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "已申报"
    WITHDRAWN = "withdrawn", "已撤回"
    SELECTED = "selected", "入选"
    NOT_SELECTED = "not_selected", "未入选"


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "待评审"
    SUBMITTED = "submitted", "已评审"
    REPLACED = "replaced", "已更换"


class AwardStatus(models.TextChoices):
    ACTIVE = "active", "实施中"
    ELIMINATED = "eliminated", "已淘汰"
    TERMINATED = "terminated", "已终止"
    COMPLETED = "completed", "已验收"


class MilestoneStatus(models.TextChoices):
    PENDING = "pending", "待提交"
    SUBMITTED = "submitted", "待验收"
    ACCEPTED = "accepted", "已通过"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已取消"
