"""Import achievements and demands from JSONL (the record format of
shared/data/FORMAT.md, as-is), xlsx (our template) or csv — all or nothing.

``import_file`` parses and checks every row first; any invalid row raises
``ImportRejected`` with the error rows (row, column, value, Chinese message) and
nothing is written. A valid file is written in one transaction with bulk inserts and
updates; rows are identified by their external id within the organisation, so a second
import of the same file creates nothing (counted as unchanged).
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.identifiers import validate_patent_number
from techmarket.core.models import StatusChange
from techmarket.core.money import WAN
from techmarket.core.regions import province_code_for_name, validate_region_code
from techmarket.core.taxonomy import FIELD_BY_CODE, FIELD_BY_NAME, SUBFIELD_NAMES
from techmarket.listings import access
from techmarket.listings.models import (
    MODE_FLAG_FIELDS,
    Achievement,
    Demand,
    IpType,
    Maturity,
    OwnerType,
    TransferMode,
    mode_flags,
)
from techmarket.listings.signals import send_bulk_changed_on_commit
from techmarket.listings.workflow import ListingStatus

Progress = Callable[[int, int], None]

# (canonical key = the JSONL key, Chinese column header, required)
ACHIEVEMENT_COLUMNS: list[tuple[str, str, bool]] = [
    ("id", "编号", True),
    ("title", "成果名称", True),
    ("abstract", "成果简介", True),
    ("keywords", "关键词", False),
    ("field", "技术领域", True),
    ("subfield", "技术子领域", False),
    ("owner_type", "持有人类型", False),
    ("owner", "成果持有人", False),
    ("maturity", "成熟度", False),
    ("ip", "知识产权类型", False),
    ("patent_numbers", "专利申请号", False),
    ("transfer_modes", "转化方式", False),
    ("price_wan", "意向价格（万元）", False),
    ("region", "地区", False),
    ("region_code", "行政区划代码", False),
    ("industry_code", "国民经济行业代码", False),
    ("contact_name", "联系人", False),
    ("contact_phone", "联系电话", False),
    ("contact_email", "联系邮箱", False),
]
DEMAND_COLUMNS: list[tuple[str, str, bool]] = [
    ("id", "编号", True),
    ("title", "需求名称", True),
    ("description", "需求描述", True),
    ("industry", "所属行业", False),
    ("industry_code", "国民经济行业代码", False),
    ("field", "技术领域", False),
    ("region", "地区", False),
    ("region_code", "行政区划代码", False),
    ("budget_wan", "预算（万元）", False),
    ("deadline_months", "期限（月）", False),
    ("deadline", "截止日期", False),
    ("cooperation_modes", "合作方式", False),
    ("confidential", "保密需求", False),
    ("contact_name", "联系人", False),
    ("contact_phone", "联系电话", False),
    ("contact_email", "联系邮箱", False),
]
SHEET_TITLES = {"achievements": "科技成果", "demands": "技术需求"}
LIST_SPLIT = re.compile(r"[;；,，、\n]+")
NEGOTIABLE = {"", "面议", "议价", "null", "none"}
TRUE_WORDS = {"是", "true", "1", "yes", "y", "保密"}
FALSE_WORDS = {"否", "false", "0", "no", "n", "", "公开"}


def columns_for(kind: str) -> list[tuple[str, str, bool]]:
    return ACHIEVEMENT_COLUMNS if kind == "achievements" else DEMAND_COLUMNS


def _choice_map(choices: Any) -> dict[str, str]:
    mapping = {str(label): str(value) for value, label in choices}
    mapping.update({str(value): str(value) for value, _ in choices})
    return mapping


MATURITY = _choice_map(Maturity.choices)
IP_TYPES = _choice_map(IpType.choices)
OWNER_TYPES = _choice_map(OwnerType.choices)
MODES = _choice_map(TransferMode.choices)
OWNER_LABELS = [str(v) for v in OwnerType.labels]
MATURITY_LABELS = [str(v) for v in Maturity.labels]
IP_LABELS = [str(v) for v in IpType.labels]
MODE_LABELS_TEXT = "、".join(str(v) for v in TransferMode.labels)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str


class ImportRejected(ApplicationError):
    """Nothing was imported; ``errors`` says which row and column is wrong and why."""

    def __init__(self, errors: list[RowError], *, total: int | None = None) -> None:
        self.errors = errors
        self.total_errors = total if total is not None else len(errors)
        first = errors[0] if errors else None
        where = f"第{first.row}行“{first.column}”：{first.message}" if first else ""
        super().__init__(
            f"文件有 {self.total_errors} 处错误，未导入任何记录。{where}",
            code="import_rejected",
            fields={"file": [e.__dict__ for e in errors[:50]]},
        )


@dataclass
class ImportResult:
    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def max_bytes() -> int:
    return int(getattr(settings, "LISTINGS_IMPORT_MAX_BYTES", 256 * 1024 * 1024))


def max_errors() -> int:
    return int(getattr(settings, "LISTINGS_IMPORT_MAX_ERRORS", 1000))


# ---- reading the three formats into (row number, {canonical key: raw value}) -------


def _file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(0, "文件", "", message)])


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                # utf-8-sig: a file saved by Windows Notepad starts with a byte-order mark
                record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError:
                yield number, RowError(number, "整行", "", "该行不是 UTF-8 编码的文本。")
                continue
            except json.JSONDecodeError as exc:
                yield (
                    number,
                    RowError(
                        number,
                        "整行",
                        raw[:60].decode("utf-8", "replace"),
                        f"不是有效的 JSON：{exc.msg}",
                    ),
                )
                continue
            if not isinstance(record, dict):
                yield number, RowError(number, "整行", "", "每行应为一个 JSON 对象。")
                continue
            yield number, record


def _header_map(kind: str, headers: list[Any]) -> dict[int, str]:
    by_label = {}
    for key, label, _required in columns_for(kind):
        by_label[label] = key
        by_label[key] = key
    # Accept the bare FORMAT.md spellings of headers too ("ip", "price_wan" ...).
    by_label.update({"ip": "ip", "owner": "owner"})
    mapping = {}
    for index, header in enumerate(headers):
        text = re.sub(r"\s+", "", str(header or "")).replace("*", "")
        text = text.replace("(", "（").replace(")", "）")
        if text in by_label:
            mapping[index] = by_label[text]
    return mapping


def _check_headers(kind: str, mapping: dict[int, str]) -> None:
    present = set(mapping.values())
    missing = [
        label for key, label, required in columns_for(kind) if required and key not in present
    ]
    if missing:
        raise _file_error(
            f"缺少必填列：{'、'.join(missing)}。请使用下载的导入模板（第一行为列名）。"
        )


def _read_table(
    kind: str, rows: Iterator[list[Any]], first_row: int = 1
) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    try:
        headers = next(rows)
    except StopIteration:
        raise _file_error("文件是空的。") from None
    mapping = _header_map(kind, list(headers))
    _check_headers(kind, mapping)
    for number, values in enumerate(rows, start=first_row + 1):
        if not any(v not in (None, "") for v in values):
            continue
        record = {key: values[i] if i < len(values) else None for i, key in mapping.items()}
        yield number, record


def _read_xlsx(kind: str, path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _file_error(
            "文件不是有效的 Excel 工作簿（.xlsx）。请用 Excel 或 WPS 另存为 .xlsx 后重试。"
        ) from exc
    try:
        title = SHEET_TITLES[kind]
        sheet = workbook[title] if title in workbook.sheetnames else workbook.worksheets[0]
        yield from _read_table(kind, (list(r) for r in sheet.iter_rows(values_only=True)))
    finally:
        workbook.close()


def _read_csv(kind: str, path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        hint = ""
        try:
            data.decode("gb18030")
            hint = "文件似乎是 GBK/GB18030 编码（Excel 默认的“CSV（逗号分隔）”）。"
        except UnicodeDecodeError:
            pass
        raise _file_error(
            f"CSV 文件不是 UTF-8 编码。{hint}请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”，"
            "或直接上传 .xlsx 文件。"
        ) from None
    yield from _read_table(kind, iter(csv.reader(io.StringIO(text))))


def read_records(kind: str, path: Path) -> Iterator[tuple[int, dict[str, Any] | RowError]]:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return _read_jsonl(path)
    if suffix == ".xlsx":
        return _read_xlsx(kind, path)
    if suffix == ".csv":
        return _read_csv(kind, path)
    raise _file_error(
        f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx、.csv 或 .jsonl 文件。"
    )


# ---- checking one record ------------------------------------------------------------


class _Row:
    def __init__(self, kind: str, number: int, record: dict[str, Any]) -> None:
        self.kind = kind
        self.number = number
        self.record = record
        self.errors: list[RowError] = []
        self.labels = {key: label for key, label, _ in columns_for(kind)}

    def error(self, key: str, message: str) -> None:
        value = self.record.get(key)
        shown = "" if value is None else str(value)[:100]
        self.errors.append(RowError(self.number, self.labels.get(key, key), shown, message))

    def text(self, key: str, *, required: bool = False, max_length: int = 0) -> str:
        value = self.record.get(key)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.error(key, "必填项不能为空。")
        if max_length and len(text) > max_length:
            self.error(key, f"长度不能超过{max_length}个字符（当前{len(text)}）。")
        return text

    def items(self, key: str) -> list[str]:
        value = self.record.get(key)
        if value is None:
            return []
        if isinstance(value, list):
            return [str(v).strip() for v in value if v is not None and str(v).strip()]
        if isinstance(value, str):
            return [v.strip() for v in LIST_SPLIT.split(value) if v.strip()]
        self.error(key, "应为列表（多个值用分号分隔）。")
        return []

    def choice(self, key: str, mapping: dict[str, str], allowed: list[str]) -> str:
        text = self.text(key)
        if not text:
            return ""
        if text not in mapping:
            self.error(key, f"“{text}”不是允许的值，可选：{'、'.join(allowed)}。")
            return ""
        return mapping[text]

    def wan(self, key: str) -> Decimal | None:
        value = self.record.get(key)
        if value is None or (isinstance(value, str) and value.strip().lower() in NEGOTIABLE):
            return None
        if isinstance(value, bool):
            self.error(key, "应为数字（万元），面议请留空。")
            return None
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.error(key, "应为数字（万元），面议请留空。")
            return None
        if not amount.is_finite() or amount < 0:
            self.error(key, "金额不能为负数；面议请留空。")
            return None
        if amount > Decimal("1e9"):
            self.error(key, "金额过大。")
            return None
        return (amount * WAN).quantize(Decimal("0.01"))

    def field_code(self, required: bool) -> str:
        text = self.text("field", required=required)
        if not text:
            return ""
        if text in FIELD_BY_NAME:
            return FIELD_BY_NAME[text].code
        if text in FIELD_BY_CODE:
            return text
        self.error("field", f"“{text}”不是技术领域，可选：{'、'.join(FIELD_BY_NAME)}。")
        return ""

    def region(self) -> tuple[str, str]:
        name = self.text("region", max_length=_limit("region_name"))
        code = self.text("region_code")
        if code:
            try:
                code = validate_region_code(code)
            except ValidationError as exc:
                self.error("region_code", exc.messages[0])
                code = ""
        elif name:
            province = province_code_for_name(name)
            code = f"{province}0000" if province else ""
        return code, name


def _modes(row: _Row, key: str) -> list[str]:
    values = []
    for item in row.items(key):
        if item not in MODES:
            row.error(key, f"“{item}”不是允许的方式，可选：{MODE_LABELS_TEXT}。")
        else:
            values.append(MODES[item])
    return list(dict.fromkeys(values))


def _limit(name: str, model: type[models.Model] | None = None) -> int:
    """A text column's length: the import refuses what the database could not store."""
    column = (model or Achievement)._meta.get_field(name)
    return int(getattr(column, "max_length", 0) or 0)


def _common(row: _Row, values: dict[str, Any]) -> None:
    code, name = row.region()
    values["region_code"], values["region_name"] = code, name
    industry = row.text("industry_code").upper()
    if industry and not re.fullmatch(r"[A-T]|[A-T]?\d{2,4}", industry):
        row.error("industry_code", "应为 GB/T 4754-2017 代码：门类字母或2–4位数字，如 C3511。")
    values["industry_code"] = industry
    values["contact_name"] = row.text("contact_name", max_length=_limit("contact_name"))
    values["contact_phone"] = row.text("contact_phone", max_length=_limit("contact_phone"))
    email = row.text("contact_email", max_length=254)
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        row.error("contact_email", "邮箱格式不正确。")
    values["contact_email"] = email


def check_achievement(row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": row.text("title", required=True, max_length=_limit("title")),
        "abstract": row.text("abstract", required=True),
        "keywords": row.items("keywords"),
        "field": row.field_code(required=True),
        "owner_type": row.choice("owner_type", OWNER_TYPES, OWNER_LABELS),
        "owner_display": row.text("owner", max_length=_limit("owner_display", Achievement)),
        "maturity": row.choice("maturity", MATURITY, MATURITY_LABELS),
        "ip_type": row.choice("ip", IP_TYPES, IP_LABELS),
        "transfer_modes": _modes(row, "transfer_modes"),
        "price": row.wan("price_wan"),
    }
    subfield = row.text("subfield")
    if subfield:
        found = subfield if subfield in SUBFIELD_NAMES else ""
        found = found or next((c for c, n in SUBFIELD_NAMES.items() if n == subfield), "")
        if not found:
            row.error("subfield", f"“{subfield}”不是技术子领域。")
        elif values["field"] and found[:2] != values["field"]:
            row.error("subfield", "技术子领域不属于该行的技术领域。")
        subfield = found
    values["subfield"] = subfield
    numbers = []
    for raw in row.items("patent_numbers"):
        try:
            numbers.append(validate_patent_number(raw))
        except ValidationError as exc:
            row.error("patent_numbers", exc.messages[0])
    # FORMAT.md's optional ``patent_number`` (one number as published, older ones without
    # a check digit): kept when it is a valid application number, otherwise ignored.
    extra = row.record.get("patent_number")
    if extra and not numbers:
        with contextlib.suppress(ValidationError):
            numbers.append(validate_patent_number(str(extra)))
    values["patent_numbers"] = numbers
    _common(row, values)
    return values


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def check_demand(row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": row.text("title", required=True, max_length=_limit("title")),
        "description": row.text("description", required=True),
        "industry": row.text("industry", max_length=_limit("industry", Demand)),
        "field": row.field_code(required=False),
        "budget": row.wan("budget_wan"),
        "cooperation_modes": _modes(row, "cooperation_modes"),
    }
    confidential = row.record.get("confidential")
    if isinstance(confidential, bool):
        values["confidential"] = confidential
    else:
        text = "" if confidential is None else str(confidential).strip().lower()
        if text in TRUE_WORDS:
            values["confidential"] = True
        elif text in FALSE_WORDS:
            values["confidential"] = False
        else:
            row.error("confidential", "应填“是”或“否”。")
    months = row.record.get("deadline_months")
    values["deadline_months"] = None
    if months not in (None, ""):
        try:
            number = Decimal(str(months))
            if number < 0 or number > 600:
                raise InvalidOperation
            values["deadline_months"] = int(number)
        except InvalidOperation:
            row.error("deadline_months", "应为0–600之间的月数。")
    deadline = row.record.get("deadline")
    values["deadline"] = None
    if isinstance(deadline, dt.datetime):
        values["deadline"] = deadline.date()
    elif isinstance(deadline, dt.date):
        values["deadline"] = deadline
    elif deadline not in (None, ""):
        try:
            values["deadline"] = dt.date.fromisoformat(str(deadline).strip()[:10])
        except ValueError:
            row.error("deadline", "日期格式应为 YYYY-MM-DD。")
    _common(row, values)
    return values


def fingerprint(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# ---- the import ---------------------------------------------------------------------


@dataclass
class _Checked:
    number: int
    external_id: str
    values: dict[str, Any]
    fingerprint: str


def check_file(kind: str, path: Path, *, progress: Progress | None = None) -> list[_Checked]:
    """Parse and check every row; raise ImportRejected listing the errors, if any."""
    if kind not in SHEET_TITLES:
        raise ApplicationError("类型应为 achievements 或 demands。", code="invalid_kind")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _file_error("找不到要导入的文件。") from exc
    if size > max_bytes():
        raise _file_error(
            f"文件大小 {size / 1048576:.1f} MB 超过上限 {max_bytes() / 1048576:.0f} MB。"
        )
    return check_records(kind, read_records(kind, path), progress=progress)


def check_records(
    kind: str,
    records: Iterable[tuple[int, dict[str, Any] | RowError]],
    *,
    progress: Progress | None = None,
) -> list[_Checked]:
    checker = check_achievement if kind == "achievements" else check_demand
    errors: list[RowError] = []
    error_count = 0
    checked: list[_Checked] = []
    seen: dict[str, int] = {}
    for number, record in records:
        if isinstance(record, RowError):
            error_count += 1
            if len(errors) < max_errors():
                errors.append(record)
            continue
        row = _Row(kind, number, record)
        external_id = row.text("id", required=True, max_length=100)
        if external_id in seen:
            row.error("id", f"编号重复：与第{seen[external_id]}行相同。")
        seen.setdefault(external_id, number)
        values = checker(row)
        if row.errors:
            error_count += len(row.errors)
            errors.extend(row.errors[: max(0, max_errors() - len(errors))])
            continue
        if not errors:
            checked.append(_Checked(number, external_id, values, fingerprint(values)))
        if progress is not None and number % 5000 == 0:
            progress(number, 0)
    if error_count:
        raise ImportRejected(errors, total=error_count)
    if not checked:
        raise _file_error("文件中没有可导入的记录。")
    return checked


def import_file(
    kind: str,
    path: Path,
    *,
    organisation: Any,
    actor: Any = None,
    publish: bool = False,
    submit: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import every row of ``path`` for ``organisation``, or nothing.

    ``publish=True`` publishes the rows directly (demo and evaluation tooling; audited
    as a system import, so it is refused when an ``actor`` is given). ``submit=True``
    puts new and draft rows into the review queue.
    """
    path = Path(path)
    if actor is not None:
        access.ensure_can_create(actor, organisation)
        if publish:
            raise ApplicationError(
                "只有系统导入（命令行或演示数据）可以直接发布；机构导入须经科技局审核。",
                code="publish_refused",
                status=403,
            )
    rows = check_file(kind, path, progress=progress)
    return _write(
        kind,
        rows,
        organisation=organisation,
        actor=actor,
        publish=publish,
        submit=submit,
        progress=progress,
        source=path.name,
    )


def import_records(
    kind: str,
    records: Iterable[dict[str, Any]],
    *,
    organisation: Any,
    publish: bool = False,
    source: str = "",
) -> ImportResult:
    """A system import of records already in memory (demo data, tools): same checks,
    same all-or-nothing write as ``import_file``."""
    rows = check_records(kind, enumerate(records, start=1))
    return _write(
        kind,
        rows,
        organisation=organisation,
        actor=None,
        publish=publish,
        submit=False,
        progress=None,
        source=source or "内置数据",
    )


def _insert_rows(model: type[Any], rows: list[dict[str, Any]]) -> None:
    """INSERT many rows with one executemany: the ORM's bulk_create spends most of a
    100k-row import building model instances and SQL; values still go through each
    field's own ``get_db_prep_save`` (JSON, decimals, datetimes as the ORM stores them)."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    # Only model metadata (table and column names, quoted) enters the SQL; values are
    # parameters.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    defaults = {f.attname: f.get_default() for f in fields}
    params = []
    for row in rows:
        params.append(
            [
                f.get_db_prep_save(
                    row[f.attname] if f.attname in row else row.get(f.name, defaults[f.attname]),
                    connection,
                )
                for f in fields
            ]
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _target_status(publish: bool, submit: bool) -> str:
    if publish:
        return ListingStatus.PUBLISHED
    return ListingStatus.SUBMITTED if submit else ListingStatus.DRAFT


@transaction.atomic
def _write(
    kind: str,
    rows: list[_Checked],
    *,
    organisation: Any,
    actor: Any,
    publish: bool,
    submit: bool,
    progress: Progress | None,
    source: str,
) -> ImportResult:
    model: type[Achievement] | type[Demand] = Achievement if kind == "achievements" else Demand
    now = timezone.now()
    today = timezone.localdate()
    target = _target_status(publish, submit)
    existing = {
        ext: (pk, fp, status, created)
        for ext, pk, fp, status, created in model.objects.filter(owner=organisation)
        .exclude(external_id="")
        .values_list("external_id", "pk", "import_fingerprint", "status", "created_at")
    }
    result = ImportResult(kind=kind)
    new_rows: list[dict[str, Any]] = []
    changed: list[Any] = []
    moved: list[tuple[int, str]] = []  # (pk, from status) of rows whose status changes
    columns: set[str] = set()
    total = len(rows)
    for index, item in enumerate(rows, start=1):
        values = dict(item.values)
        months = values.pop("deadline_months", None)
        found = existing.get(item.external_id)
        if model is Demand and values.get("deadline") is None and months is not None:
            base_day = timezone.localdate(found[3]) if found else today
            values["deadline"] = _add_months(base_day, months)
        if found is None:
            status = target
            new_rows.append(
                {
                    "owner_id": organisation.pk,
                    "created_by_id": getattr(actor, "pk", None),
                    "external_id": item.external_id,
                    "status": status,
                    "status_reason": "系统导入" if publish else "",
                    "published_at": now if status == ListingStatus.PUBLISHED else None,
                    "import_fingerprint": item.fingerprint,
                    "created_at": now,
                    "updated_at": now,
                    **values,
                    # Raw INSERTs skip save(): the mode flags are written here.
                    **mode_flags(values.get(model.modes_field)),
                }
            )
            continue
        pk, old_fp, old_status, _created = found
        result.ids.append(pk)
        new_status = old_status
        if publish and old_status != ListingStatus.PUBLISHED:
            new_status = ListingStatus.PUBLISHED
        elif submit and old_status in (ListingStatus.DRAFT, ListingStatus.RETURNED):
            new_status = ListingStatus.SUBMITTED
        if old_fp == item.fingerprint and new_status == old_status:
            result.unchanged += 1
            continue
        obj = model(pk=pk, import_fingerprint=item.fingerprint, status=new_status, **values)
        columns.update(values)
        if model.modes_field in values:
            # bulk_update skips save(): the mode flags follow the list here.
            obj.sync_mode_flags()
            columns.update(MODE_FLAG_FIELDS)
        columns.update({"import_fingerprint", "status"})
        if new_status != old_status:
            moved.append((pk, old_status))
            if new_status == ListingStatus.PUBLISHED:
                obj.published_at = now
                columns.add("published_at")
        obj.updated_at = now
        columns.add("updated_at")
        changed.append(obj)
        result.updated += 1
        if progress is not None and index % 5000 == 0:
            progress(index, total)
    batch = 2000
    for start in range(0, len(new_rows), batch):
        _insert_rows(model, new_rows[start : start + batch])
        result.created += len(new_rows[start : start + batch])
        if progress is not None:
            progress(min(total, result.unchanged + result.updated + result.created), total)
    if len(new_rows) >= 10_000:
        # Fresh statistics, so the planner uses the list indexes right after a big import.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    new_ids: list[int] = []
    if new_rows:
        wanted = {row["external_id"] for row in new_rows}
        new_ids = [
            pk
            for ext, pk in model.objects.filter(owner=organisation)
            .exclude(external_id="")
            .values_list("external_id", "pk")
            .iterator(chunk_size=10000)
            if ext in wanted
        ]
        result.ids.extend(new_ids)
    if changed:
        # Objects of one bulk_update must carry the same columns.
        for obj in changed:
            for name in ("published_at",):
                if name in columns and getattr(obj, name) is None:
                    setattr(obj, name, now)
        model.objects.bulk_update(changed, sorted(columns), batch_size=500)
    content_type = ContentType.objects.get_for_model(model)
    who = actor if getattr(actor, "is_authenticated", False) else None
    reason = f"批量导入（{source}）"
    change_rows = [
        {"content_type_id": content_type.pk, "object_id": str(pk), "from_status": "",
         "to_status": target, "actor_id": getattr(who, "pk", None), "reason": reason,
         "created_at": now}
        for pk in new_ids
    ] + [
        {"content_type_id": content_type.pk, "object_id": str(pk), "from_status": old,
         "to_status": target, "actor_id": getattr(who, "pk", None), "reason": reason,
         "created_at": now}
        for pk, old in moved
    ]  # fmt: skip
    for start in range(0, len(change_rows), 5000):
        _insert_rows(StatusChange, change_rows[start : start + 5000])
    label = "科技成果" if model is Achievement else "技术需求"
    audit.record(
        f"{model._meta.model_name}.import",
        actor=actor,
        organisation=organisation,
        object_type=model._meta.label_lower,
        summary=(
            f"{'系统' if actor is None else ''}导入{label}（{source}）：新增 {result.created}，"
            f"更新 {result.updated}，未变化 {result.unchanged}"
            + ("，已直接发布" if publish else "，已提交审核" if submit else "")
        ),
        changes={
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "status": target,
        },
        actor_name="" if actor is not None else "系统导入",
    )
    send_bulk_changed_on_commit(model, new_ids + [obj.pk for obj in changed])
    if progress is not None:
        progress(total, total)
    return result
