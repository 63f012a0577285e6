from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from techmarket.accounts import access as accounts_access
from techmarket.contracts import selectors as contract_stats
from techmarket.core.errors import ApplicationError
from techmarket.core.exports import xlsx_response
from techmarket.stats import access, national, services
from techmarket.stats.forms import TargetForm
from techmarket.stats.reports import dashboard_xlsx, monthly_report_pdf
from techmarket.stats.selectors import dashboard, indicator_catalogue

WAN = Decimal(10_000)


def _year(request: HttpRequest) -> int:
    text = request.GET.get("year", "")
    today = timezone.localdate()
    return int(text) if text.isdigit() and 2000 <= int(text) <= today.year + 1 else today.year


def _chart_rows(rows: list[Any]) -> list[dict[str, Any]]:
    return [
        {"name": r.label, "value": float((r.contract_amount / WAN).quantize(Decimal("0.01")))}
        for r in rows
    ]


def _national() -> dict[str, Any]:
    years = national.years()
    latest = years[-1]
    province = settings.STATS_NATIONAL_PROVINCE
    top = national.ranking(latest)
    return {
        "latest": latest,
        "province": province,
        "ranking": top,
        "total": national.national_total(latest),
        "attribution": national.ATTRIBUTION,
        "chart": {
            "years": [y for y, _ in national.province_series(province)],
            "province": [float(v or 0) for _, v in national.province_series(province)],
            "ranking_names": [r.province for r in top[:15]],
            "ranking_values": [float(r.turnover_wan or 0) for r in top[:15]],
        },
    }


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    access.ensure_can_view_dashboard(request.user)
    year = _year(request)
    catalogue = indicator_catalogue()
    form = TargetForm(request.POST or None, catalogue=catalogue, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            services.target_set(
                actor=accounts_access.actor(request),
                indicator=form.cleaned_data["indicator"],
                year=form.cleaned_data["year"],
                value=form.value_in_unit(),
                request=request,
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "年度目标已保存。")
            return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    data = dashboard(year)
    panel = _national()
    charts = {
        "series": data["series"],
        "category": _chart_rows(data["breakdowns"]["category"][1]),
        "field": _chart_rows(data["breakdowns"]["field"][1]),
        "district": _chart_rows(data["breakdowns"]["district"][1]),
        "national": panel["chart"],
    }
    today = timezone.localdate()
    return render(
        request,
        "stats/dashboard.html",
        {
            **data,
            "form": form,
            "charts": charts,
            "national": panel,
            "years_choice": list(range(today.year, today.year - 6, -1)),
            "last_month": (today.replace(day=1) - date.resolution).strftime("%Y-%m"),
        },
    )


def public_summary_view(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    years = contract_stats.turnover("year", date(today.year - 4, 1, 1), None)
    return render(
        request,
        "stats/public.html",
        {
            "years": years,
            "ytd": contract_stats.totals(date(today.year, 1, 1), None),
            "today": today,
            "is_staff": access.can_view_dashboard(request.user),
        },
    )


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    access.ensure_can_view_dashboard(request.user)
    year = _year(request)
    return xlsx_response(f"技术市场统计{year}.xlsx", dashboard_xlsx(year))


@login_required
def monthly_report_view(request: HttpRequest) -> HttpResponse:
    access.ensure_can_view_dashboard(request.user)
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        last = timezone.localdate().replace(day=1) - date.resolution
        year, month = last.year, last.month
    response = HttpResponse(monthly_report_pdf(year, month), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="report-{year}-{month:02d}.pdf"'
    return response
