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

# Moves the owning organisation makes; the others belong to bureau staff (review) or to
# the system (expiry of a demand past its deadline).
OWNER_MOVES = frozenset({ListingStatus.SUBMITTED, ListingStatus.WITHDRAWN, ListingStatus.CLOSED})
REVIEW_MOVES = frozenset({ListingStatus.PUBLISHED, ListingStatus.RETURNED})
SYSTEM_MOVES = frozenset({ListingStatus.EXPIRED})
# Statuses in which the owner may still edit the content.
EDITABLE_STATUSES = frozenset({ListingStatus.DRAFT, ListingStatus.RETURNED})
