from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms

from techmarket.core.money import WAN, yuan_to_wan
from techmarket.core.taxonomy import SUBFIELD_CHOICES
from techmarket.listings.models import Achievement, Demand, TransferMode

SPLIT = re.compile(r"[;；,，、\s]+")
LIST_SPLIT = re.compile(r"[;；,，、\n]+")


def _split(text: str, pattern: re.Pattern[str] = SPLIT) -> list[str]:
    return [item.strip() for item in pattern.split(text or "") if item.strip()]


class _ListingForm(forms.ModelForm):
    amount_wan = forms.DecimalField(
        label="金额（万元）",
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=4,
        help_text="留空表示面议",
    )
    amount_field = "price"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        amount = getattr(self.instance, self.amount_field, None)
        if amount is not None:
            self.initial["amount_wan"] = yuan_to_wan(amount)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "amount_wan"}
        amount = self.cleaned_data.get("amount_wan")
        data[self.amount_field] = None if amount is None else amount * WAN
        return data


class AchievementForm(_ListingForm):
    keywords_text = forms.CharField(label="关键词", required=False, help_text="用分号或空格分隔")
    patents_text = forms.CharField(
        label="专利申请号", required=False, help_text="多个用分号分隔，如 ZL201811564288.X"
    )
    transfer_modes = forms.MultipleChoiceField(
        label="转化方式",
        choices=TransferMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subfield = forms.ChoiceField(
        label="技术子领域", required=False, choices=[("", "—"), *SUBFIELD_CHOICES]
    )

    class Meta:
        model = Achievement
        fields = [
            "title", "abstract", "field", "subfield", "maturity", "ip_type", "owner_type",
            "owner_display", "industry_code", "region_code", "region_name", "contact_name",
            "contact_phone", "contact_email",
        ]  # fmt: skip
        widgets = {"abstract": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount_wan"].label = "意向价格（万元）"
        if self.instance.pk:
            self.initial["keywords_text"] = "；".join(self.instance.keywords)
            self.initial["patents_text"] = "；".join(self.instance.patent_numbers)
            self.initial["transfer_modes"] = self.instance.transfer_modes

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["keywords"] = _split(data.pop("keywords_text", ""))
        data["patent_numbers"] = _split(data.pop("patents_text", ""), LIST_SPLIT)
        return data


class DemandForm(_ListingForm):
    amount_field = "budget"
    cooperation_modes = forms.MultipleChoiceField(
        label="合作方式",
        choices=TransferMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Demand
        fields = [
            "title", "description", "industry", "industry_code", "field", "deadline",
            "confidential", "region_code", "region_name", "contact_name", "contact_phone",
            "contact_email",
        ]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount_wan"].label = "预算（万元）"
        if self.instance.pk:
            self.initial["cooperation_modes"] = self.instance.cooperation_modes


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=[("achievements", "科技成果"), ("demands", "技术需求")]
    )
    file = forms.FileField(label="文件（.xlsx / .csv / .jsonl）")
    submit = forms.BooleanField(label="导入后直接提交审核", required=False, initial=True)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（PDF 或图片）")
