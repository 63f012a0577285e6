"""xlsx/jsonl export of listings in the import format (so export → import round-trips),
the downloadable import template with its sheet of allowed values, and the error report."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from techmarket.core.exports import xlsx_bytes
from techmarket.core.money import yuan_to_wan
from techmarket.core.taxonomy import FIELD_BY_CODE, FIELDS
from techmarket.listings.importing import SHEET_TITLES, RowError, columns_for
from techmarket.listings.models import Achievement, IpType, Maturity, OwnerType, TransferMode

MODE_LABELS = dict(TransferMode.choices)


def _wan(value: Any) -> Any:
    return None if value is None else float(yuan_to_wan(value))


def record_of(listing: Any) -> dict[str, Any]:
    """One listing as a FORMAT.md record (plus our optional keys)."""
    common = {
        "id": listing.external_id or f"TM{listing.pk}",
        "title": listing.title,
        "region": listing.region_name or None,
        "region_code": listing.region_code or None,
        "industry_code": listing.industry_code or None,
        "contact_name": listing.contact_name or None,
        "contact_phone": listing.contact_phone or None,
        "contact_email": listing.contact_email or None,
    }
    if isinstance(listing, Achievement):
        return {
            **common,
            "abstract": listing.abstract,
            "keywords": list(listing.keywords),
            "field": FIELD_BY_CODE[listing.field].name,
            "subfield": listing.subfield or None,
            "owner_type": listing.get_owner_type_display() or None,
            "owner": listing.owner_display or None,
            "maturity": listing.get_maturity_display() or None,
            "ip": listing.get_ip_type_display() or None,
            "patent_numbers": list(listing.patent_numbers),
            "transfer_modes": [MODE_LABELS[m] for m in listing.transfer_modes],
            "price_wan": _wan(listing.price),
        }
    return {
        **common,
        "description": listing.description,
        "industry": listing.industry or None,
        "field": FIELD_BY_CODE[listing.field].name if listing.field else None,
        "budget_wan": _wan(listing.budget),
        "deadline_months": None,
        "deadline": listing.deadline.isoformat() if listing.deadline else None,
        "cooperation_modes": [MODE_LABELS[m] for m in listing.cooperation_modes],
        "confidential": listing.confidential,
    }


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def table_rows(kind: str, listings: Iterable[Any]) -> Iterator[list[Any]]:
    keys = [key for key, _label, _required in columns_for(kind)]
    for listing in listings:
        record = record_of(listing)
        yield [_cell(record.get(key)) for key in keys]


def export_xlsx(kind: str, listings: Iterable[Any]) -> bytes:
    headers = [label for _key, label, _required in columns_for(kind)]
    return xlsx_bytes(SHEET_TITLES[kind], headers, table_rows(kind, listings))


def export_jsonl(listings: Iterable[Any]) -> Iterator[str]:
    for listing in listings:
        yield json.dumps(record_of(listing), ensure_ascii=False) + "\n"


def allowed_values(kind: str) -> list[tuple[str, list[str]]]:
    values = [
        ("技术领域", [f.name for f in FIELDS]),
        ("技术子领域", [f"{code} {name}" for f in FIELDS for code, name in f.subfields]),
    ]
    modes = [str(label) for label in TransferMode.labels]
    if kind == "achievements":
        values += [
            ("持有人类型", [str(v) for v in OwnerType.labels]),
            ("成熟度", [str(v) for v in Maturity.labels]),
            ("知识产权类型", [str(v) for v in IpType.labels]),
            ("转化方式（可多选，用分号分隔）", modes),
        ]
    else:
        values += [("合作方式（可多选，用分号分隔）", modes), ("保密需求", ["是", "否"])]
    return values


EXAMPLES = {
    "achievements": {
        "id": "CG-2026-001",
        "title": "耐高温聚酰亚胺薄膜连续制备技术",
        "abstract": "采用两步法连续流延工艺制备聚酰亚胺薄膜，长期使用温度250℃……",
        "keywords": "聚酰亚胺；薄膜；耐高温",
        "field": "新材料",
        "subfield": "0403",
        "owner_type": "科研院所",
        "owner": "某某材料研究院",
        "maturity": "中试",
        "ip": "发明专利",
        "patent_numbers": "ZL201811564288.X",
        "transfer_modes": "转让；许可",
        "price_wan": 120,
        "region": "天津市滨海新区",
        "region_code": "120116",
    },
    "demands": {
        "id": "XQ-2026-001",
        "title": "印染废水深度脱色",
        "description": "日排废水5000吨，生化出水色度约80倍，要求降到30倍以下……",
        "industry": "印染",
        "field": "资源与环境",
        "region": "浙江省绍兴市",
        "budget_wan": 80,
        "deadline_months": 6,
        "cooperation_modes": "合作开发；技术服务",
        "confidential": "否",
    },
}


def template_xlsx(kind: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = SHEET_TITLES[kind]
    columns = columns_for(kind)
    sheet.append([label + ("*" if required else "") for _key, label, required in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = EXAMPLES[kind]
    sheet.append([example.get(key) for key, _label, _required in columns])
    for index in range(len(columns)):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = 18
    allowed = workbook.create_sheet("允许值")
    allowed.append(["列", "允许的值"])
    for name, options in allowed_values(kind):
        for option in options:
            allowed.append([name, option])
    notes = workbook.create_sheet("说明")
    for line in (
        "带 * 的列必填；第2行是示例，导入前请删除或替换。",
        "编号在本机构内唯一：再次导入同一编号会更新该记录，不会重复创建。",
        "金额单位为万元；面议请留空。多个值（关键词、专利号、方式）用分号分隔。",
        "任何一行有错误时整个文件都不会导入，并给出错误报告（行、列、值、原因）。",
    ):
        notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_report_xlsx(errors: Iterable[RowError | dict[str, Any]]) -> bytes:
    def rows() -> Iterator[list[Any]]:
        for error in errors:
            data = error if isinstance(error, dict) else error.__dict__
            yield [data["row"] or "—", data["column"], data["value"], data["message"]]

    return xlsx_bytes("错误报告", ["行号", "列", "值", "错误说明"], rows())
