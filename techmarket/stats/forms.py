from __future__ import annotations

from decimal import Decimal

from django import forms


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label="指标")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    value = forms.DecimalField(
        label="目标值", max_digits=20, decimal_places=2, min_value=Decimal("0.01"),
        help_text="金额类指标以亿元填写，其他指标按其单位填写",
    )  # fmt: skip

    def __init__(
        self, *args: object, catalogue: dict[str, tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.catalogue = catalogue
        self.fields["indicator"].choices = [  # type: ignore[attr-defined]
            (key, f"{label}（{'亿元' if unit == '元' else unit}）")
            for key, (label, unit) in catalogue.items()
        ]

    def value_in_unit(self) -> Decimal:
        value: Decimal = self.cleaned_data["value"]
        _label, unit = self.catalogue[self.cleaned_data["indicator"]]
        return value * Decimal(100_000_000) if unit == "元" else value
