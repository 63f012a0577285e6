"""The monthly turnover summary (``TurnoverCell``): incremental updates inside the
services' transactions, and a full rebuild from the contracts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, CharField, Count, F, Sum, Value, When
from django.db.models.functions import Cast, Concat, Substr

from techmarket.contracts.models import Contract, TurnoverCell
from techmarket.contracts.workflow import ContractStatus

# dimension → the contract column it groups by ("flow" is computed: see flow_key)
COLUMNS = {
    "type": "contract_type",
    "field": "field",
    "district": "seller_region_code",
    "seller_nature": "seller_nature",
    "buyer_nature": "buyer_nature",
}
DIMENSIONS = (*COLUMNS, "flow")

Delta = dict[tuple[date, str, str], list[Decimal | int]]


def local_prefix() -> str:
    return str(settings.CONTRACTS_REGISTRY_REGION_CODE)[:4]


def flow_key(seller_region: str, buyer_region: str) -> str:
    """ "SB:PP": seller local (1/0), buyer local (1/0), buyer province code."""
    local = local_prefix()
    return (
        f"{int(seller_region.startswith(local))}{int(buyer_region.startswith(local))}:"
        f"{buyer_region[:2]}"
    )


def cell_keys(contract: Contract) -> list[tuple[str, str]]:
    keys = [(dimension, str(getattr(contract, column))) for dimension, column in COLUMNS.items()]
    keys.append(("flow", flow_key(contract.seller_region_code, contract.buyer_region_code)))
    return keys


def _collect(contracts: Iterable[Contract], sign: int, into: Delta) -> Delta:
    for contract in contracts:
        if contract.registered_on is None:
            continue
        month = contract.registered_on.replace(day=1)
        for dimension, key in cell_keys(contract):
            cell = into.setdefault((month, dimension, key), [0, Decimal(0), Decimal(0)])
            cell[0] += sign
            cell[1] += sign * contract.contract_amount
            cell[2] += sign * contract.tech_amount
    return into


def _apply(delta: Delta) -> None:
    if not delta:
        return
    with transaction.atomic():
        TurnoverCell.objects.bulk_create(
            [TurnoverCell(month=m, dimension=d, key=k) for (m, d, k) in delta],
            ignore_conflicts=True,
            batch_size=1000,
        )
        # Always the same order, so concurrent registrations never deadlock.
        for (month, dimension, key), (n, ca, ta) in sorted(delta.items()):
            TurnoverCell.objects.filter(month=month, dimension=dimension, key=key).update(
                count=F("count") + n,
                contract_amount=F("contract_amount") + ca,
                tech_amount=F("tech_amount") + ta,
            )


def add(contracts: Iterable[Contract]) -> None:
    """Count newly registered (or imported) contracts."""
    _apply(_collect(contracts, 1, {}))


def remove(contracts: Iterable[Contract]) -> None:
    """Un-count cancelled contracts."""
    _apply(_collect(contracts, -1, {}))


def replace(old: Contract, new: Contract) -> None:
    """An amendment: un-count the old values and count the new ones, in one update."""
    _apply(_collect([new], 1, _collect([old], -1, {})))


def rebuild() -> int:
    """Recompute every cell from the registered contracts; returns the number of cells."""
    month_text = Substr(Cast("registered_on", CharField()), 1, 7)
    local = local_prefix()
    flow = Concat(
        Case(When(seller_region_code__startswith=local, then=Value("1")), default=Value("0")),
        Case(When(buyer_region_code__startswith=local, then=Value("1")), default=Value("0")),
        Value(":"),
        Substr("buyer_region_code", 1, 2),
        output_field=CharField(),
    )
    registered = Contract.objects.filter(status=ContractStatus.REGISTERED).order_by()
    cells: list[TurnoverCell] = []
    expressions: dict[str, models.Expression | F] = {d: F(c) for d, c in COLUMNS.items()}
    expressions["flow"] = flow
    for dimension, expression in expressions.items():
        grouped = (
            registered.annotate(m=month_text, k=expression)
            .values("m", "k")
            .annotate(n=Count("id"), ca=Sum("contract_amount"), ta=Sum("tech_amount"))
        )
        for row in grouped.iterator():
            year, month = (int(p) for p in row["m"].split("-"))
            cells.append(
                TurnoverCell(
                    month=date(year, month, 1),
                    dimension=dimension,
                    key=row["k"] or "",
                    count=row["n"],
                    contract_amount=row["ca"] or 0,
                    tech_amount=row["ta"] or 0,
                )
            )
    with transaction.atomic():
        TurnoverCell.objects.all().delete()
        TurnoverCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


def cells_by_dimension() -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in TurnoverCell.objects.values("dimension").annotate(n=Count("id")):
        counts[row["dimension"]] = row["n"]
    return dict(counts)
