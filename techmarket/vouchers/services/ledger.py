"""The append-only ledger: every change of a stored balance posts entries here in the
same transaction; ``ledger_differences`` recomputes balances from the entries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from techmarket.core.money import to_yuan
from techmarket.vouchers.models import (
    LedgerEntry,
    PayableAccount,
    Programme,
    Redemption,
    Voucher,
)
from techmarket.vouchers.workflow import LedgerAccount

ZERO = Decimal("0.00")


def post(
    *,
    account: str,
    kind: str,
    amount: Decimal,
    programme: Programme,
    actor: Any = None,
    voucher: Voucher | None = None,
    payee: Any = None,
    redemption: Redemption | None = None,
    memo: str = "",
) -> LedgerEntry:
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        programme=programme,
        voucher=voucher,
        payee=payee,
        redemption=redemption,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        memo=memo[:200],
    )


@dataclass(frozen=True)
class Difference:
    what: str
    stored: Decimal
    derived: Decimal

    def __str__(self) -> str:
        return f"{self.what}：账面 {self.stored}，账本合计 {self.derived}，差额 {self.stored - self.derived}"


def _sums(account: str, key: str, scope: dict[str, Any]) -> dict[Any, Decimal]:
    rows = (
        LedgerEntry.objects.filter(account=account, **scope)
        .values(key)
        .annotate(total=Sum("amount"))
        .values_list(key, "total")
    )
    return {k: to_yuan(v or ZERO) for k, v in rows}


def ledger_differences(programme: Programme | None = None) -> list[Difference]:
    """Every stored balance (of one programme, or of all) that does not equal the sum of
    its ledger entries."""
    scope: dict[str, Any] = {"programme": programme} if programme is not None else {}
    problems: list[Difference] = []
    budget = _sums(LedgerAccount.BUDGET, "programme", scope)
    programmes = Programme.objects.filter(pk=programme.pk) if programme else Programme.objects.all()
    for row in programmes:
        derived = budget.get(row.pk, ZERO)
        if row.budget_remaining != derived:
            problems.append(
                Difference(f"专项“{row.name}”可分配预算", row.budget_remaining, derived)
            )
    vouchers = _sums(LedgerAccount.VOUCHER, "voucher", scope)
    for voucher in Voucher.objects.filter(**scope):
        derived = vouchers.get(voucher.pk, ZERO)
        if voucher.balance != derived:
            problems.append(Difference(f"创新券 {voucher.number} 余额", voucher.balance, derived))
    payable_rows = (
        LedgerEntry.objects.filter(account=LedgerAccount.PAYABLE, **scope)
        .values("programme", "payee")
        .annotate(total=Sum("amount"))
        .values_list("programme", "payee", "total")
    )
    payables = {(p, o): to_yuan(t or ZERO) for p, o, t in payable_rows}
    seen = set()
    for account in PayableAccount.objects.filter(**scope).select_related("payee", "programme"):
        key = (account.programme_id, account.payee_id)
        seen.add(key)
        derived = payables.get(key, ZERO)
        if account.balance != derived:
            problems.append(
                Difference(
                    f"专项“{account.programme.name}”对“{account.payee.name}”应付款",
                    account.balance,
                    derived,
                )
            )
    for key, total in payables.items():
        if key not in seen and total != ZERO:
            problems.append(Difference(f"应付款账户 {key} 缺失", ZERO, total))
    return problems
