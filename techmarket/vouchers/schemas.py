from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class ProgrammeIn(Schema):
    name: str
    year: int
    total_budget: Decimal
    apply_start: date
    apply_end: date
    settlement_mode: str
    per_enterprise_cap: Decimal | None = None
    copay_ratio: Decimal | None = None
    validity_days: int | None = None
    eligible_enterprise_types: list[str] | None = None
    accepted_provider_regions: list[str] | None = None


class ProgrammeOut(Schema):
    id: int
    name: str
    year: int
    total_budget: Decimal
    budget_remaining: Decimal
    per_enterprise_cap: Decimal
    copay_ratio: Decimal
    eligible_enterprise_types: list[str]
    accepted_provider_regions: list[str]
    settlement_mode: str
    apply_start: date
    apply_end: date
    validity_days: int
    status: str


class ApplicationIn(Schema):
    enterprise_id: int
    requested_amount: Decimal
    purpose: str


class ApplicationOut(Schema):
    id: int
    programme_id: int
    enterprise_id: int
    requested_amount: Decimal
    approved_amount: Decimal | None
    purpose: str
    status: str
    status_reason: str


class DecisionIn(Schema):
    decision: str  # "approve" | "reject"
    reason: str = ""
    approved_amount: Decimal | None = None


class VoucherOut(Schema):
    id: int
    number: str
    programme_id: int
    holder_id: int
    face_value: Decimal
    balance: Decimal
    valid_until: date
    status: str


class ProviderIn(Schema):
    organisation_id: int
    service_scope: str


class ProviderOut(Schema):
    id: int
    organisation_id: int
    service_scope: str
    status: str


class ProductIn(Schema):
    name: str
    category: str
    price: Decimal
    unit: str = "次"
    lead_time_days: int = 7
    description: str = ""


class ProductOut(Schema):
    id: int
    provider_id: int
    name: str
    category: str
    price: Decimal
    unit: str
    lead_time_days: int
    description: str
    is_active: bool


class OrderIn(Schema):
    product_id: int
    quantity: int = 1
    requirements: str = ""


class OrderOut(Schema):
    id: int
    voucher_id: int
    product_id: int
    provider_id: int
    enterprise_id: int
    quantity: int
    fee: Decimal
    status: str
    contract_party_a: str
    contract_party_b: str
    invoice_number: str
    rating: int | None
    comment: str


class ConfirmIn(Schema):
    rating: int
    comment: str = ""


class RedemptionIn(Schema):
    amount: Decimal | None = None


class RedemptionOut(Schema):
    id: int
    order_id: int
    voucher_id: int
    claimant_id: int
    payee_id: int
    amount: Decimal
    status: str
    status_reason: str
    batch_id: int | None
    created_at: datetime


class SettlementIn(Schema):
    programme_id: int


class SettlementOut(Schema):
    id: int
    number: str
    programme_id: int
    total: Decimal
    created_at: datetime


class LedgerEntryOut(Schema):
    id: int
    account: str
    kind: str
    amount: Decimal
    programme_id: int
    voucher_id: int | None
    payee_id: int | None
    redemption_id: int | None
    memo: str
    created_at: datetime
