"""Historical import of registered contracts from xlsx: all rows or none, with a report
that names the row, the column and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from techmarket.contracts import access, summary
from techmarket.contracts.models import Contract, ContractType, IpType, PartyNature, PaymentMode
from techmarket.contracts.numbers import is_valid_number
from techmarket.contracts.rules import rules_for
from techmarket.contracts.workflow import ContractStatus
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.identifiers import validate_uscc
from techmarket.core.money import to_yuan
from techmarket.core.regions import validate_region_code
from techmarket.core.taxonomy import FIELD_BY_CODE, FIELD_BY_NAME

COLUMNS = [
    "合同登记编号", "登记日期", "项目名称", "合同类别", "卖方名称", "卖方统一社会信用代码",
    "卖方行政区划代码", "卖方性质", "买方名称", "买方统一社会信用代码", "买方行政区划代码",
    "买方性质", "签订日期", "有效期起", "有效期止", "技术领域", "知识产权类型",
    "合同成交额（元）", "技术交易额（元）", "支付方式",
]  # fmt: skip
MAX_ROWS = 100_000


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def _choice(value: Any, choices: Any) -> str:
    text = str(value or "").strip()
    for code, label in choices:
        if text in (code, label):
            return str(code)
    raise ValueError(f"“{text}”不是有效的取值")


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


def _amount(value: Any) -> Decimal:
    try:
        amount = to_yuan(value)
    except (ValueError, InvalidOperation) as exc:
        raise ValueError(f"“{value}”不是有效金额") from exc
    if amount < 0:
        raise ValueError("金额不能为负")
    return amount


def _field(value: Any) -> str:
    text = str(value or "").strip()
    if text in FIELD_BY_CODE:
        return text
    if text in FIELD_BY_NAME:
        return FIELD_BY_NAME[text].code
    raise ValueError(f"“{text}”不是技术领域代码或名称")


def _row_contract(values: dict[str, Any]) -> tuple[Contract | None, list[tuple[str, str]]]:
    errors: list[tuple[str, str]] = []
    parsed: dict[str, Any] = {}

    def take(column: str, parse: Any) -> None:
        try:
            parsed[column] = parse(values.get(column))
        except (ValueError, ValidationError, TypeError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            errors.append((column, message))

    def required(value: Any) -> str:
        text = str(value or "").strip()
        if not text:
            raise ValueError("必填")
        return text

    def number(value: Any) -> str:
        text = str(value or "").strip()
        if not is_valid_number(text):
            raise ValueError("登记编号应为14位或16位数字")
        return text

    take("合同登记编号", number)
    take("登记日期", _date)
    take("项目名称", required)
    take("合同类别", lambda v: _choice(v, ContractType.choices))
    take("卖方名称", required)
    take("卖方统一社会信用代码", validate_uscc)
    take("卖方行政区划代码", validate_region_code)
    take("卖方性质", lambda v: _choice(v, PartyNature.choices))
    take("买方名称", required)
    take("买方统一社会信用代码", lambda v: validate_uscc(v) if v else "")
    take("买方行政区划代码", lambda v: validate_region_code(str(v)) if v else "")
    take("买方性质", lambda v: _choice(v, PartyNature.choices))
    take("签订日期", _date)
    take("有效期起", _date)
    take("有效期止", _date)
    take("技术领域", _field)
    take("知识产权类型", lambda v: _choice(v or "none", IpType.choices))
    take("合同成交额（元）", _amount)
    take("技术交易额（元）", _amount)
    take("支付方式", lambda v: _choice(v or "lump_sum_once", PaymentMode.choices))
    if errors:
        return None, errors
    if parsed["技术交易额（元）"] > parsed["合同成交额（元）"]:
        return None, [("技术交易额（元）", "技术交易额不能大于合同成交额")]
    registered_on = parsed["登记日期"]
    contract = Contract(
        project_name=parsed["项目名称"],
        contract_type=parsed["合同类别"],
        seller_name=parsed["卖方名称"],
        seller_uscc=parsed["卖方统一社会信用代码"],
        seller_region_code=parsed["卖方行政区划代码"],
        seller_nature=parsed["卖方性质"],
        buyer_name=parsed["买方名称"],
        buyer_uscc=parsed["买方统一社会信用代码"],
        buyer_region_code=parsed["买方行政区划代码"],
        buyer_nature=parsed["买方性质"],
        signed_on=parsed["签订日期"],
        valid_from=parsed["有效期起"],
        valid_until=parsed["有效期止"],
        field=parsed["技术领域"],
        ip_type=parsed["知识产权类型"],
        contract_amount=parsed["合同成交额（元）"],
        tech_amount=parsed["技术交易额（元）"],
        non_tech_total=parsed["合同成交额（元）"] - parsed["技术交易额（元）"],
        payment_mode=parsed["支付方式"],
        status=ContractStatus.REGISTERED,
        submitted_on=registered_on,
        accepted_on=registered_on,
        registered_on=registered_on,
        registration_number=parsed["合同登记编号"],
        rule_version=rules_for(registered_on).key,
        certificate_version=1,
        imported=True,
    )
    return contract, []


def contracts_import(*, actor: Any, file: IO[bytes]) -> ImportReport:
    """Import every row or none; the report lists each problem by row and column."""
    access.ensure_registry_staff(actor)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise ApplicationError("文件不是有效的 xlsx 工作簿。", code="import_not_xlsx") from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(rows, ())]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ApplicationError(
            f"表头缺少以下列：{'、'.join(missing)}。请使用导入模板。", code="import_header"
        )
    report = ImportReport()
    contracts: list[Contract] = []
    numbers: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        if raw is None or all(v in (None, "") for v in raw):
            continue
        if index > MAX_ROWS + 1:
            report.errors.append((index, "", f"一次最多导入 {MAX_ROWS} 行"))
            break
        values = dict(zip(header, raw, strict=False))
        contract, errors = _row_contract(values)
        report.errors.extend((index, column, message) for column, message in errors)
        if contract is not None:
            number = contract.registration_number or ""
            if number in numbers:
                report.errors.append(
                    (index, "合同登记编号", f"与第 {numbers[number]} 行的编号重复")
                )
            numbers[number] = index
            contracts.append(contract)
    existing = set(
        Contract.objects.filter(registration_number__in=list(numbers)).values_list(
            "registration_number", flat=True
        )
    )
    for number in sorted(n for n in existing if n):
        report.errors.append((numbers[number], "合同登记编号", f"编号 {number} 已在系统中登记"))
    if report.errors:
        report.errors.sort()
        return report
    if not contracts:
        raise ApplicationError("文件中没有数据行。", code="import_empty")
    with transaction.atomic():
        Contract.objects.bulk_create(contracts, batch_size=2000)
        summary.add(contracts)
        audit.record(
            "contract.imported",
            actor=actor,
            object_type="contracts.contract",
            summary=f"导入历史技术合同 {len(contracts)} 份",
            changes={"count": len(contracts)},
        )
    report.created = len(contracts)
    return report
