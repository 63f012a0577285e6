"""The monthly PDF report and the xlsx export of the dashboard tables."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from techmarket.contracts import selectors as contract_stats
from techmarket.core.exports import Sheet, xlsx_workbook_bytes
from techmarket.core.money import format_wan
from techmarket.stats.selectors import BREAKDOWNS, dashboard, indicators

FONT = "STSong-Light"


def _value(value: Decimal, unit: str) -> str:
    return format_wan(value) if unit == "元" else f"{value:,.0f}{unit}"


def monthly_report_pdf(year: int, month: int) -> bytes:
    """登记情况月报: the month, the year to date against targets, the month by category and field."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    as_of = date.fromordinal(end.toordinal() - 1)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"技术合同登记月报 {year}年{month}月")
    _width, height = A4
    y = height - 60

    def line(text: str, size: int = 10, indent: int = 50) -> None:
        nonlocal y
        if y < 60:
            pdf.showPage()
            y = height - 60
        pdf.setFont(FONT, size)
        pdf.drawString(indent, y, text)
        y -= size + 8

    line(f"{settings.CONTRACTS_REGISTRY_NAME} 技术合同登记月报（{year}年{month}月）", 16)
    month_total = contract_stats.totals(start, end)
    line(
        f"本月登记技术合同 {month_total.count} 项，合同成交额 {format_wan(month_total.contract_amount)}，"
        f"技术交易额 {format_wan(month_total.tech_amount)}。",
        11,
    )
    line("一、年度累计与目标", 12)
    for item in indicators(year, as_of):
        text = f"{item.label}：{_value(item.value, item.unit)}"
        if item.change_pct is not None:
            text += f"，同比 {item.change_pct:+}%"
        if item.target:
            text += f"；目标 {_value(item.target, item.unit)}，完成 {item.progress_pct}%"
            if item.forecast is not None:
                text += f"，按当前进度预计全年 {_value(item.forecast, item.unit)}"
        line(text, 10, 60)
    for dimension in ("category", "field", "flow"):
        line(f"本月{contract_stats.DIMENSIONS[dimension]}", 12)
        for row in contract_stats.turnover(dimension, start, end):
            line(
                f"{row.label}：{row.count} 项，成交额 {format_wan(row.contract_amount)}，"
                f"技术交易额 {format_wan(row.tech_amount)}",
                10,
                60,
            )
    line("本报告由网上技术市场根据已登记合同实时数据生成。", 8)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def dashboard_xlsx(year: int) -> bytes:
    data = dashboard(year)
    sheets: list[Sheet] = []

    def sheet(title: str, headers: list[str], rows: list[list[object]]) -> None:
        sheets.append((title, headers, rows))

    sheet(
        "指标",
        ["指标", "单位", "本年累计", "上年同期", "同比(%)", "年度目标", "完成(%)", "预计全年"],
        [
            [
                i.label,
                i.unit,
                i.value,
                i.previous,
                i.change_pct,
                i.target,
                i.progress_pct,
                i.forecast,
            ]
            for i in data["indicators"]
        ],
    )
    headers = ["分组", "合同数", "合同成交额（元）", "技术交易额（元）"]
    for name, rows in (
        ("按月", data["months"]),
        ("按季度", data["quarters"]),
        ("按年", data["years"]),
    ):
        sheet(name, headers, [[r.label, r.count, r.contract_amount, r.tech_amount] for r in rows])
    for name in BREAKDOWNS:
        title, rows = data["breakdowns"][name]
        sheet(title, headers, [[r.label, r.count, r.contract_amount, r.tech_amount] for r in rows])
    return xlsx_workbook_bytes(sheets)
