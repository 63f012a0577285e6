"""登记证明: a PDF showing both amounts and a verification code, and its public check.

The code is an HMAC-SHA256 (key CONTRACTS_CERTIFICATE_KEY, outside the database) of the
certificate's data, so a code does not survive any change of the data it certifies, and a
code cannot be made without the key.
"""

from __future__ import annotations

import hmac
import io
import json
from dataclasses import dataclass

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from techmarket.contracts.models import Contract
from techmarket.contracts.rules import rules_by_key
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.errors import ApplicationError
from techmarket.core.money import format_wan, format_yuan

FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship


def certificate_data(contract: Contract) -> dict[str, str]:
    return {
        "number": contract.registration_number or "",
        "version": str(contract.certificate_version),
        "project": contract.project_name,
        "type": contract.contract_type,
        "seller": contract.seller_name,
        "seller_uscc": contract.seller_uscc,
        "buyer": contract.buyer_name,
        "buyer_uscc": contract.buyer_uscc,
        "contract_amount": f"{contract.contract_amount:.2f}",
        "tech_amount": f"{contract.tech_amount:.2f}",
        "registered_on": contract.registered_on.isoformat() if contract.registered_on else "",
    }


def verification_code(contract: Contract) -> str:
    payload = json.dumps(certificate_data(contract), ensure_ascii=False, sort_keys=True)
    digest = hmac.new(
        settings.CONTRACTS_CERTIFICATE_KEY.encode(), payload.encode(), "sha256"
    ).hexdigest()
    raw = digest[:16].upper()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@dataclass(frozen=True)
class Verification:
    contract: Contract
    message: str


def verify_certificate(*, number: str, code: str) -> Verification:
    """Refuse, in Chinese, an unknown number, a wrong or outdated code, a cancelled contract."""
    number = (number or "").strip()
    contract = Contract.objects.filter(registration_number=number).first()
    if contract is None:
        raise ApplicationError(
            f"登记编号“{number}”不存在。", code="certificate_unknown", status=404
        )
    if not hmac.compare_digest(normalise_code(code), verification_code(contract)):
        raise ApplicationError(
            "验证码与登记编号不符：该登记证明可能被篡改或已因变更登记而作废。",
            code="certificate_code_mismatch",
            status=400,
        )
    if contract.status == ContractStatus.CANCELLED:
        raise ApplicationError(
            f"登记编号“{number}”的合同已于 {contract.cancelled_on} 注销登记，证明失效。",
            code="certificate_cancelled",
            status=410,
        )
    return Verification(
        contract,
        f"登记证明有效：{contract.project_name}，技术交易额 {format_wan(contract.tech_amount)}。",
    )


def certificate_pdf(contract: Contract) -> bytes:
    if contract.status != ContractStatus.REGISTERED:
        raise ApplicationError(
            "只有已登记的合同才能出具登记证明。", code="certificate_unavailable", status=409
        )
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"技术合同登记证明 {contract.registration_number}")
    width, height = A4
    pdf.setFont(FONT, 20)
    pdf.drawCentredString(width / 2, height - 80, "技术合同认定登记证明")
    pdf.setFont(FONT, 11)
    rule_set = rules_by_key(contract.rule_version)
    lines = [
        ("合同登记编号", contract.registration_number or ""),
        ("证明版本", f"第 {contract.certificate_version} 版"),
        ("项目名称", contract.project_name),
        ("合同类别", contract.get_contract_type_display()),
        ("卖方", f"{contract.seller_name}（{contract.seller_uscc}）"),
        ("买方", f"{contract.buyer_name}（{contract.buyer_uscc or '—'}）"),
        ("签订日期", contract.signed_on.isoformat()),
        ("有效期", f"{contract.valid_from.isoformat()} 至 {contract.valid_until.isoformat()}"),
        ("技术领域", contract.get_field_display()),
        (
            "合同成交额",
            f"{format_yuan(contract.contract_amount)}（{format_wan(contract.contract_amount)}）",
        ),
        (
            "技术交易额",
            f"{format_yuan(contract.tech_amount)}（{format_wan(contract.tech_amount)}）",
        ),
        ("登记日期", contract.registered_on.isoformat() if contract.registered_on else ""),
        ("登记机构", settings.CONTRACTS_REGISTRY_NAME),
        ("适用规则", rule_set.name),
        ("验证码", verification_code(contract)),
    ]
    y = height - 130
    for label, value in lines:
        pdf.drawString(70, y, f"{label}：")
        pdf.drawString(170, y, value[:48])
        y -= 24
    pdf.setFont(FONT, 9)
    pdf.drawString(
        70, y - 20, "可在平台“登记证明验证”页面输入合同登记编号与验证码核验本证明的真实性。"
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
