from __future__ import annotations

from django.conf import settings
from django.db import models


class ListingKind(models.TextChoices):
    ACHIEVEMENT = "achievement", "科技成果"
    DEMAND = "demand", "技术需求"


class Embedding(models.Model):
    """A listing's sentence vector (and token vectors) for one embedding model.

    Derived data: rebuilt from the listing's text by `techmarket reindex` or the background
    task; `text_hash` tells whether it still matches the listing's current text."""

    kind = models.CharField("类型", max_length=20, choices=ListingKind.choices)
    listing_id = models.PositiveBigIntegerField("记录编号")
    model_name = models.CharField("向量模型", max_length=100)
    text_hash = models.CharField("文本摘要", max_length=40)
    dim = models.PositiveSmallIntegerField("维度")
    vector = models.BinaryField("句向量（float32）")
    tokens = models.BinaryField("词元向量（float16）", blank=True, default=b"")
    sparse = models.BinaryField("潜在词项（稀疏）", blank=True, default=b"")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "语义向量"
        verbose_name_plural = "语义向量"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "listing_id", "model_name"], name="embedding_one_per_model"
            ),
            models.CheckConstraint(condition=models.Q(dim__gt=0), name="embedding_dim_positive"),
        ]
        # The index fingerprint (services.current_index) counts the vectors and reads their
        # latest update on every call; without this covering index that query reads every
        # row, token vectors included (~0.3 s for the 2,263 demo listings).
        indexes = [models.Index(fields=["model_name", "updated_at"], name="embedding_fingerprint")]

    def __str__(self) -> str:
        return f"{self.kind}#{self.listing_id} {self.model_name}"


class MatchFeedback(models.Model):
    """A broker's judgement of one suggested match, kept for later learning-to-rank."""

    demand_id = models.PositiveBigIntegerField("需求编号")
    achievement_id = models.PositiveBigIntegerField("成果编号")
    useful = models.BooleanField("有用")
    rank = models.PositiveSmallIntegerField("当时排名")
    score = models.FloatField("当时得分")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="标记人"
    )
    created_at = models.DateTimeField("标记时间", auto_now_add=True)

    class Meta:
        verbose_name = "匹配反馈"
        verbose_name_plural = "匹配反馈"
        constraints = [
            models.UniqueConstraint(
                fields=["demand_id", "achievement_id", "actor"], name="feedback_one_per_actor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand_id}→{self.achievement_id} {'有用' if self.useful else '无用'}"


class MatchContact(models.Model):
    """撮合对接: a broker puts a demand's enterprise in touch with an achievement's owner.

    For a confidential demand the supplier learns the enterprise only when the enterprise
    accepts the listings app's contact request (``contact_request``), as for any supplier."""

    demand = models.ForeignKey(
        "listings.Demand", on_delete=models.PROTECT, related_name="+", verbose_name="技术需求"
    )
    achievement = models.ForeignKey(
        "listings.Achievement", on_delete=models.PROTECT, related_name="+", verbose_name="科技成果"
    )
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    message = models.TextField("留言", blank=True)
    contact_request = models.ForeignKey(
        "listings.ContactRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="联系申请（保密需求）",
    )
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "撮合对接"
        verbose_name_plural = "撮合对接"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "achievement"], name="match_contact_once")
        ]

    def __str__(self) -> str:
        return f"需求#{self.demand_id} ↔ 成果#{self.achievement_id}"
