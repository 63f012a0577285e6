"""Dashboard figures of instrument sharing (contract: techmarket/stats/figures.py)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, Sum

from techmarket.instruments.models import Instrument, ServiceRecord, SubsidyClaim
from techmarket.instruments.workflow import InstrumentStatus, SubsidyStatus
from techmarket.stats.figures import Figure

GROUP = "大型仪器共享"


def dashboard_figures(*, start: date, end: date) -> list[Figure]:
    records = ServiceRecord.objects.filter(served_on__gte=start, served_on__lt=end)
    hours = records.aggregate(s=Sum("machine_hours"))["s"] or Decimal(0)
    external = records.exclude(user_org=F("instrument__owner")).aggregate(s=Sum("machine_hours"))[
        "s"
    ] or Decimal(0)
    share = (external * 100 / hours).quantize(Decimal("0.1")) if hours else Decimal(0)
    fees = records.aggregate(s=Sum("fee"))["s"] or Decimal(0)
    last_day = end - timedelta(days=1)
    subsidies = SubsidyClaim.objects.filter(
        status=SubsidyStatus.APPROVED, year__gte=start.year, year__lte=last_day.year
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return [
        Figure(
            "instruments.count",
            "开放共享仪器",
            Instrument.objects.filter(status=InstrumentStatus.AVAILABLE).count(),
            "台",
            GROUP,
        ),
        Figure("instruments.machine_hours", "服务机时", hours, "小时", GROUP),
        Figure("instruments.external_share", "对外服务机时占比", share, "%", GROUP),
        Figure("instruments.service_fees", "共享服务收入", fees, "元", GROUP),
        Figure("instruments.subsidies", "核准的共享补贴", subsidies, "元", GROUP),
    ]
