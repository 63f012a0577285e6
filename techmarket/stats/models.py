from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Target(models.Model):
    """An annual target the bureau sets for one dashboard indicator (a Figure key),
    e.g. 全年登记技术合同成交额 45 亿元. Values are in the indicator's unit (元, 项...)."""

    indicator = models.CharField("指标", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("目标值", max_digits=20, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    label = models.CharField("指标名称", max_length=100)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "年度目标"
        verbose_name_plural = "年度目标"
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(condition=Q(value__gt=0), name="target_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.label}"
