from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms

from techmarket.contracts.amounts import CostLine
from techmarket.contracts.models import (
    ContractType,
    CostKind,
    IpType,
    PartyNature,
    PaymentMode,
)
from techmarket.contracts.services import ContractInput
from techmarket.contracts.workflow import RefusalReason
from techmarket.core.taxonomy import FIELD_CHOICES

COST_ROWS = 4
DATE = forms.DateInput(attrs={"type": "date"})


class ContractForm(forms.Form):
    project_name = forms.CharField(label="项目名称", max_length=200)
    contract_type = forms.ChoiceField(label="合同类别", choices=ContractType.choices)
    field = forms.ChoiceField(label="技术领域", choices=FIELD_CHOICES)
    ip_type = forms.ChoiceField(label="知识产权类型", choices=IpType.choices)
    seller_nature = forms.ChoiceField(
        label="卖方性质", choices=[("", "按机构类型"), *list(PartyNature.choices)], required=False
    )
    buyer_name = forms.CharField(label="买方名称", max_length=200)
    buyer_uscc = forms.CharField(label="买方统一社会信用代码", max_length=18, required=False)
    buyer_region_code = forms.CharField(label="买方行政区划代码", max_length=6, required=False)
    buyer_nature = forms.ChoiceField(label="买方性质", choices=PartyNature.choices)
    signed_on = forms.DateField(label="签订日期", widget=DATE)
    valid_from = forms.DateField(label="有效期起", widget=DATE)
    valid_until = forms.DateField(label="有效期止", widget=DATE)
    contract_amount = forms.DecimalField(label="合同成交额（元）", max_digits=16, decimal_places=2)
    payment_mode = forms.ChoiceField(label="支付方式", choices=PaymentMode.choices)
    payment_schedule = forms.CharField(
        label="支付安排",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行一期：日期 金额，如 2026-12-31 400000",
    )
    royalty_rate = forms.DecimalField(
        label="提成比例（%）", max_digits=5, decimal_places=2, required=False
    )
    exclusive_years = forms.IntegerField(label="许可/转让年限（年）", required=False, min_value=0)
    expected_investment = forms.DecimalField(
        label="预计新增投入（元）", max_digits=16, decimal_places=2, required=False,
        help_text="技术转让、许可合同必填",
    )  # fmt: skip
    expected_output = forms.DecimalField(
        label="预计新增产值（元）", max_digits=16, decimal_places=2, required=False
    )
    related_party_full = forms.BooleanField(label="买卖双方为100%关联方", required=False)
    scan = forms.FileField(label="合同文本扫描件（PDF/PNG/JPEG）", required=False)
    source = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(COST_ROWS):
            self.fields[f"cost_{i}_kind"] = forms.ChoiceField(
                label=f"非技术性费用{i + 1} 类别",
                choices=[("", "—"), *list(CostKind.choices)],
                required=False,
            )
            self.fields[f"cost_{i}_description"] = forms.CharField(
                label=f"非技术性费用{i + 1} 说明", required=False, max_length=200
            )
            self.fields[f"cost_{i}_quantity"] = forms.IntegerField(
                label=f"非技术性费用{i + 1} 数量", required=False, min_value=1
            )
            self.fields[f"cost_{i}_amount"] = forms.DecimalField(
                label=f"非技术性费用{i + 1} 金额（元）", required=False, max_digits=16,
                decimal_places=2,
            )  # fmt: skip

    def clean_payment_schedule(self) -> list[dict[str, str]]:
        entries = []
        for line in (self.cleaned_data.get("payment_schedule") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                raise forms.ValidationError(f"“{line}”应为：日期 金额")
            entries.append({"due": parts[0], "amount": parts[1], "note": " ".join(parts[2:])})
        return entries

    def to_input(self) -> ContractInput:
        data = self.cleaned_data
        lines = []
        for i in range(COST_ROWS):
            kind = data.get(f"cost_{i}_kind")
            amount = data.get(f"cost_{i}_amount")
            if kind and amount is not None:
                lines.append(
                    CostLine(
                        kind,
                        data.get(f"cost_{i}_description") or CostKind(kind).label,
                        Decimal(amount),
                        data.get(f"cost_{i}_quantity") or 1,
                    )
                )
        source_kind, _, source_id = (data.get("source") or "").partition(":")
        return ContractInput(
            project_name=data["project_name"],
            contract_type=data["contract_type"],
            buyer_name=data["buyer_name"],
            buyer_uscc=(data.get("buyer_uscc") or "").strip(),
            buyer_region_code=(data.get("buyer_region_code") or "").strip(),
            buyer_nature=data["buyer_nature"],
            seller_nature=data.get("seller_nature") or "",
            signed_on=data["signed_on"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            field=data["field"],
            ip_type=data["ip_type"],
            contract_amount=data["contract_amount"],
            payment_mode=data["payment_mode"],
            payment_schedule=data["payment_schedule"],
            royalty_rate=data.get("royalty_rate"),
            exclusive_years=data.get("exclusive_years"),
            related_party_full=bool(data.get("related_party_full")),
            expected_investment=data.get("expected_investment"),
            expected_output=data.get("expected_output"),
            cost_items=lines,
            source_kind=source_kind if source_id.isdigit() else "",
            source_id=int(source_id) if source_id.isdigit() else None,
        )


class SourceForm(forms.Form):
    source_kind = forms.ChoiceField(
        label="来源", choices=[("achievement", "已发布的科技成果"), ("demand", "已发布的技术需求")]
    )
    source_id = forms.IntegerField(label="成果或需求编号", min_value=1)


class DecisionForm(forms.Form):
    reason = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    refusal_reason = forms.ChoiceField(
        label="不予登记理由", required=False, choices=[("", "—"), *list(RefusalReason.choices)]
    )


class AmendForm(forms.Form):
    reason = forms.CharField(label="变更原因", widget=forms.Textarea(attrs={"rows": 2}))
    project_name = forms.CharField(label="新的项目名称", required=False, max_length=200)
    buyer_name = forms.CharField(label="新的买方名称", required=False, max_length=200)
    valid_until = forms.DateField(label="新的有效期止", required=False, widget=DATE)
    contract_amount = forms.DecimalField(
        label="新的合同成交额（元）", required=False, max_digits=16, decimal_places=2
    )

    def changes(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("project_name", "buyer_name", "valid_until", "contract_amount"):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                out[name] = value
        if "contract_amount" in out:
            # A new amount replaces the old payment plan: one lump sum unless re-entered.
            out["payment_mode"] = "lump_sum_once"
            out["payment_schedule"] = []
        return out


class VerifyForm(forms.Form):
    number = forms.CharField(label="合同登记编号", max_length=16)
    code = forms.CharField(label="验证码", max_length=24)


class ImportForm(forms.Form):
    file = forms.FileField(label="历史合同 xlsx 文件")


def initial_dates() -> dict[str, date]:
    from django.utils import timezone

    today = timezone.localdate()
    return {"signed_on": today, "valid_from": today}
