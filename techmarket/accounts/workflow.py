from __future__ import annotations

from django.db import models


class OrganisationStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    VERIFIED = "verified", "已认证"
    REJECTED = "rejected", "未通过"


ORGANISATION_TRANSITIONS: dict[str, frozenset[str]] = {
    OrganisationStatus.PENDING: frozenset(
        {OrganisationStatus.VERIFIED, OrganisationStatus.REJECTED}
    ),
    # A rejected organisation corrects its data and applies again.
    OrganisationStatus.REJECTED: frozenset({OrganisationStatus.PENDING}),
    OrganisationStatus.VERIFIED: frozenset(),
}
