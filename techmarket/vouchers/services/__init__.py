"""Every write of the vouchers app (HTML, API and CLI call these)."""

from techmarket.vouchers.services.catalogue import (
    product_create,
    product_set_active,
    provider_apply,
    provider_transition,
)
from techmarket.vouchers.services.ledger import ledger_differences
from techmarket.vouchers.services.orders import (
    ClaimResult,
    Evidence,
    order_create,
    order_transition,
    redemption_claim,
    redemption_transition,
    settlement_batch_create,
    settlement_xlsx,
)
from techmarket.vouchers.services.programmes import (
    application_submit,
    application_transition,
    programme_create,
    programme_transition,
    voucher_transition,
    vouchers_expire,
)

__all__ = [
    "ClaimResult",
    "Evidence",
    "application_submit",
    "application_transition",
    "ledger_differences",
    "order_create",
    "order_transition",
    "product_create",
    "product_set_active",
    "programme_create",
    "programme_transition",
    "provider_apply",
    "provider_transition",
    "redemption_claim",
    "redemption_transition",
    "settlement_batch_create",
    "settlement_xlsx",
    "voucher_transition",
    "vouchers_expire",
]
