from __future__ import annotations

from django.db import models


class ListingStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    PUBLISHED = "published", "已发布"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"
    CLOSED = "closed", "已成交"
    EXPIRED = "expired", "已过期"


LISTING_TRANSITIONS: dict[str, frozenset[str]] = {
    ListingStatus.DRAFT: frozenset({ListingStatus.SUBMITTED}),
    ListingStatus.SUBMITTED: frozenset({ListingStatus.PUBLISHED, ListingStatus.RETURNED}),
    ListingStatus.RETURNED: frozenset({ListingStatus.SUBMITTED}),
    ListingStatus.PUBLISHED: frozenset(
        {ListingStatus.WITHDRAWN, ListingStatus.CLOSED, ListingStatus.EXPIRED}
    ),
    ListingStatus.WITHDRAWN: frozenset(),
    ListingStatus.CLOSED: frozenset(),
    ListingStatus.EXPIRED: frozenset(),
}
