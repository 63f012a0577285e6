from __future__ import annotations

from django.conf import settings
from django.db import models

from techmarket.core.models import TimeStampedModel


class ExpertStatus(models.TextChoices):
    PENDING = "pending", "待审核"
    VERIFIED = "verified", "已审核"
    REJECTED = "rejected", "未通过"


class ExpertProfile(TimeStampedModel):
    """One person in the expert library (评审专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_profile",
        verbose_name="平台账户",
    )
    name = models.CharField("姓名", max_length=100)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
        verbose_name="所在机构",
    )
    organisation_name = models.CharField("机构名称（未入驻）", max_length=200, blank=True)
    title = models.CharField("职称", max_length=100, blank=True)
    fields = models.JSONField("技术领域", default=list, blank=True)
    subfields = models.JSONField("技术子领域", default=list, blank=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    bio = models.TextField("简介", blank=True)
    email = models.EmailField("邮箱", blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    available = models.BooleanField("可接受评审", default=True)
    status = models.CharField(
        "审核状态",
        max_length=20,
        choices=ExpertStatus.choices,
        default=ExpertStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    verified_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == ExpertStatus.VERIFIED

    @property
    def organisation_display(self) -> str:
        return self.organisation.name if self.organisation is not None else self.organisation_name


class ExpertConflict(models.Model):
    """A conflict the expert declared: an organisation or a named person."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="回避机构",
    )
    person_name = models.CharField("回避人员", max_length=100, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "申报回避"
        verbose_name_plural = "申报回避"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(person_name=""),
                name="expert_conflict_names_someone",
            )
        ]

    def __str__(self) -> str:
        return self.person_name or str(self.organisation)
