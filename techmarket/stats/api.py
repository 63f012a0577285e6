"""/api/v1/stats/...: every dashboard figure, through the same selectors as the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from techmarket.accounts import access as accounts_access
from techmarket.contracts import selectors as contract_stats
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError
from techmarket.stats import access, national, services
from techmarket.stats.figures import collect_figures
from techmarket.stats.models import Target
from techmarket.stats.selectors import indicators

router = Router(tags=["统计"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut}


class RowOut(Schema):
    key: str
    label: str
    count: int
    contract_amount: Decimal
    tech_amount: Decimal


class TurnoverOut(Schema):
    dimension: str
    dimension_label: str
    start: date | None
    end: date | None
    rows: list[RowOut]


class IndicatorOut(Schema):
    key: str
    label: str
    unit: str
    group: str
    value: Decimal
    previous: Decimal
    change_pct: Decimal | None
    target: Decimal | None
    progress_pct: Decimal | None
    forecast: Decimal | None
    forecast_pct: Decimal | None


class SummaryOut(Schema):
    year: int
    indicators: list[IndicatorOut]


class FigureOut(Schema):
    key: str
    label: str
    value: Decimal
    unit: str
    group: str


class TargetIn(Schema):
    indicator: str
    year: int
    value: Decimal


class TargetOut(Schema):
    indicator: str
    label: str
    year: int
    value: Decimal
    unit: str


class NationalRowOut(Schema):
    province: str
    year: int
    turnover_wan: Decimal | None


class NationalOut(Schema):
    attribution: str
    year: int
    total_wan: Decimal
    rows: list[NationalRowOut]


def _year(year: int | None) -> int:
    if year is None:
        return timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise ApplicationError(
            "年度应在 2000–2100 之间。", code="year_invalid", fields={"year": "年度无效"}
        )
    return year


@router.get(
    "/summary", response={200: SummaryOut, **ERRORS}, summary="年度指标、目标、进度、预测与同比"
)
def summary(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    access.ensure_can_view_dashboard(request.user)
    return {"year": _year(year), "indicators": [i.as_dict() for i in indicators(_year(year))]}


@router.get(
    "/turnover",
    response={200: TurnoverOut, **ERRORS},
    summary="技术合同成交额分组统计（month/quarter/year/district/category/legacy_category/type/field/seller_type/buyer_type/flow/buyer_province）",
)
def turnover(
    request: HttpRequest,
    dimension: str = "month",
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    access.ensure_can_view_dashboard(request.user)
    if dimension not in contract_stats.DIMENSIONS:
        raise ApplicationError(
            f"分组维度“{dimension}”无效，可选：{'、'.join(contract_stats.DIMENSIONS)}。",
            code="unknown_dimension",
        )
    rows = contract_stats.turnover(dimension, start, end)
    return {
        "dimension": dimension,
        "dimension_label": contract_stats.DIMENSIONS[dimension],
        "start": start,
        "end": end,
        "rows": [r.as_dict() for r in rows],
    }


@router.get(
    "/figures", response={200: list[FigureOut], **ERRORS}, summary="各业务模块提供的看板数字"
)
def figures(request: HttpRequest, start: date, end: date) -> list[Any]:
    access.ensure_can_view_dashboard(request.user)
    return list(collect_figures(start=start, end=end))


@router.get("/targets", response={200: list[TargetOut], **ERRORS}, summary="年度目标")
def list_targets(request: HttpRequest, year: int | None = None) -> list[Target]:
    access.ensure_can_view_dashboard(request.user)
    return list(Target.objects.filter(year=_year(year)))


@router.put("/targets", response={200: TargetOut, **ERRORS}, summary="设定年度目标（科技局）")
def put_target(request: HttpRequest, payload: TargetIn) -> Target:
    return services.target_set(
        actor=accounts_access.actor(request),
        indicator=payload.indicator,
        year=payload.year,
        value=payload.value,
        request=request,
    )


@router.get(
    "/national", response={200: NationalOut}, auth=PUBLIC, summary="全国各省技术市场成交额（公开）"
)
def national_panel(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    years = national.years()
    chosen = year if year in years else years[-1]
    return {
        "attribution": national.ATTRIBUTION,
        "year": chosen,
        "total_wan": national.national_total(chosen),
        "rows": national.ranking(chosen),
    }


@router.get(
    "/public", response={200: list[RowOut]}, auth=PUBLIC, summary="历年登记技术合同成交额（公开）"
)
def public(request: HttpRequest) -> list[dict[str, Any]]:
    return [r.as_dict() for r in contract_stats.turnover("year", None, None)]
