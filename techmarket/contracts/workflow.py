"""The registration workflow (RULES.md §1.4–1.5)."""

from __future__ import annotations

from django.db import models


class ContractStatus(models.TextChoices):
    SUBMITTED = "submitted", "待受理"
    ACCEPTED = "accepted", "已受理"
    RETURNED = "returned", "退回补正"
    REGISTERED = "registered", "已登记"
    REFUSED = "refused", "不予登记"
    CANCELLED = "cancelled", "已注销"


CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    ContractStatus.SUBMITTED: frozenset(
        {ContractStatus.ACCEPTED, ContractStatus.RETURNED, ContractStatus.REFUSED}
    ),
    ContractStatus.ACCEPTED: frozenset(
        {ContractStatus.REGISTERED, ContractStatus.RETURNED, ContractStatus.REFUSED}
    ),
    ContractStatus.RETURNED: frozenset({ContractStatus.SUBMITTED}),
    # 变更登记 keeps the contract registered (a new certificate version); 注销登记 ends it.
    ContractStatus.REGISTERED: frozenset({ContractStatus.REGISTERED, ContractStatus.CANCELLED}),
    ContractStatus.REFUSED: frozenset(),
    ContractStatus.CANCELLED: frozenset(),
}


class RefusalReason(models.TextChoices):
    """不予登记 reasons: 火炬中心 FAQ 2021-01-13 (RULES.md §1.5) plus the regional additions."""

    INVALID = "invalid", "合同无效或尚未生效"
    NOT_TECHNOLOGY = "not_technology", "非技术合同"
    UNCLEAR_TERMS = "unclear_terms", "当事人、技术标的、价款、报酬或使用费不明确"
    NOT_APPROVED = "not_approved", "依法须经批准而未经批准"
    NAME_MISMATCH = "name_mismatch", "合同名称与权利义务不一致且经要求未改正"
    MONOPOLY = "monopoly", "含有非法垄断技术、妨碍技术进步的条款"
    DOCUMENTS_MISSING = "documents_missing", "应提交的证明文件缺失或不符合要求"
    SEALS = "seals", "签章不全或签章与书面名称不一致"
    SUBJECT_UNCLEAR = "subject_unclear", "技术标的不明确，登记人员无法理解其技术内容"
    INFRINGEMENT = "infringement", "侵害他人技术成果"
    OTHER = "other", "其他"
