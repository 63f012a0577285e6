"""合同成交额 → 技术交易额 (RULES.md §1.3):

    技术交易额 = 成交额 − Σ 非技术性费用 + Σ 合理数量的技术载体费用

Documents, software media, plant or animal varieties and strains in the quantity declared
are added back in full (the registry judges "as many as needed"); complete equipment or test
apparatus is added back for at most ``carrier_equipment_max_sets`` sets (normally 1–2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from techmarket.contracts.models import CARRIER_KINDS, CostKind
from techmarket.contracts.rules import RuleSet
from techmarket.core.errors import ApplicationError
from techmarket.core.money import CENT, to_yuan


@dataclass(frozen=True)
class CostLine:
    kind: str
    description: str
    amount: Decimal
    quantity: int = 1


@dataclass(frozen=True)
class Amounts:
    contract_amount: Decimal
    non_tech_total: Decimal
    carrier_allowed_total: Decimal
    tech_amount: Decimal
    allowed_per_line: tuple[Decimal, ...]


def allowed_carrier_amount(line: CostLine, rule_set: RuleSet) -> Decimal:
    if line.kind not in CARRIER_KINDS:
        return Decimal("0.00")
    if (
        line.kind == CostKind.CARRIER_EQUIPMENT
        and line.quantity > rule_set.carrier_equipment_max_sets
    ):
        per_set = line.amount / line.quantity
        return to_yuan(per_set * rule_set.carrier_equipment_max_sets).quantize(CENT)
    return to_yuan(line.amount)


def compute_amounts(
    *, contract_amount: Decimal, lines: list[CostLine], rule_set: RuleSet
) -> Amounts:
    contract_amount = to_yuan(contract_amount)
    if contract_amount <= 0:
        raise ApplicationError(
            "合同成交额必须大于零。", code="amount_invalid", fields={"contract_amount": "应大于零"}
        )
    for line in lines:
        if line.amount < 0 or line.quantity < 1:
            raise ApplicationError(
                f"非技术性费用“{line.description}”的金额不能为负、数量至少为1。",
                code="cost_invalid",
                fields={"cost_items": "金额或数量有误"},
            )
    non_tech = sum((to_yuan(line.amount) for line in lines), Decimal("0.00"))
    allowed = tuple(allowed_carrier_amount(line, rule_set) for line in lines)
    allowed_total = sum(allowed, Decimal("0.00"))
    if non_tech > contract_amount:
        raise ApplicationError(
            f"非技术性费用合计 {non_tech:,.2f} 元超过合同成交额 {contract_amount:,.2f} 元。",
            code="costs_exceed_amount",
            fields={"cost_items": "非技术性费用合计不能超过合同成交额"},
        )
    tech = contract_amount - non_tech + allowed_total
    return Amounts(contract_amount, non_tech, allowed_total, tech, allowed)
