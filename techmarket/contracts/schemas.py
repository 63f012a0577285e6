from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ninja import Schema


class CostItemIn(Schema):
    kind: str
    description: str = ""
    quantity: int = 1
    amount: Decimal


class PaymentIn(Schema):
    due: date
    amount: Decimal
    note: str = ""


class ContractIn(Schema):
    project_name: str
    contract_type: str
    buyer_name: str
    buyer_uscc: str = ""
    buyer_region_code: str = ""
    buyer_country_code: str = "156"
    buyer_nature: str
    seller_nature: str = ""
    signed_on: date
    valid_from: date
    valid_until: date
    field: str
    ip_type: str
    contract_amount: Decimal
    payment_mode: str
    payment_schedule: list[PaymentIn] = []
    royalty_rate: Decimal | None = None
    exclusive_years: int | None = None
    related_party_full: bool = False
    expected_investment: Decimal | None = None
    expected_output: Decimal | None = None
    cost_items: list[CostItemIn] = []
    organisation_id: int | None = None
    source_kind: str = ""
    source_id: int | None = None


class CostItemOut(Schema):
    kind: str
    description: str
    quantity: int
    amount: Decimal
    allowed_amount: Decimal


class TaxHintOut(Schema):
    title: str
    text: str
    source: str
    applies: bool


class ContractOut(Schema):
    id: int
    project_name: str
    contract_type: str
    contract_type_label: str
    status: str
    status_label: str
    status_reason: str
    refusal_reason: str
    seller_name: str
    seller_uscc: str
    seller_region_code: str
    buyer_name: str
    buyer_uscc: str
    buyer_region_code: str
    signed_on: date
    valid_from: date
    valid_until: date
    field: str
    ip_type: str
    contract_amount: Decimal
    non_tech_total: Decimal
    carrier_allowed_total: Decimal
    tech_amount: Decimal
    payment_mode: str
    payment_schedule: list[dict[str, Any]]
    submitted_on: date | None
    accepted_on: date | None
    deadline: date | None
    deadline_working_days_left: int | None = None
    rule_version: str
    registered_on: date | None
    registration_number: str | None
    certificate_version: int
    scan_sha256: str = ""
    verification_code: str | None = None
    cost_items: list[CostItemOut] = []
    tax_hints: list[TaxHintOut] = []


class ContractPage(Schema):
    count: int
    items: list[ContractOut]


class DecisionIn(Schema):
    reason: str = ""
    refusal_reason: str = ""


class AmendIn(Schema):
    reason: str
    project_name: str | None = None
    buyer_name: str | None = None
    valid_until: date | None = None
    contract_amount: Decimal | None = None
    payment_mode: str | None = None
    payment_schedule: list[PaymentIn] | None = None
    royalty_rate: Decimal | None = None
    cost_items: list[CostItemIn] | None = None


class VerifyOut(Schema):
    valid: bool
    message: str
    registration_number: str
    project_name: str
    seller_name: str
    buyer_name: str
    contract_amount: Decimal
    tech_amount: Decimal
    registered_on: date | None


class PrefillOut(Schema):
    values: dict[str, Any]


class ImportErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportOut(Schema):
    created: int
    errors: list[ImportErrorOut]
