"""Every write of technology-contract registration. HTML, API and CLI call these."""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields, replace
from dataclasses import field as dc_field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from techmarket.accounts.models import Organisation, OrganisationType
from techmarket.accounts.selectors import members_to_notify
from techmarket.accounts.services import record_status_change
from techmarket.contracts import access, summary
from techmarket.contracts.amounts import CostLine, compute_amounts
from techmarket.contracts.models import (
    TRANSFER_TYPES,
    Amendment,
    Contract,
    ContractType,
    CostItem,
    CostKind,
    IpType,
    PartyNature,
    PaymentMode,
)
from techmarket.contracts.numbers import next_registration_number
from techmarket.contracts.rules import RuleSet, deadline_for, rules_for
from techmarket.contracts.workflow import CONTRACT_TRANSITIONS, ContractStatus, RefusalReason
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.files import check_upload
from techmarket.core.identifiers import validate_uscc
from techmarket.core.money import to_yuan
from techmarket.core.notifications import notify
from techmarket.core.regions import validate_region_code
from techmarket.core.taxonomy import FIELD_BY_CODE
from techmarket.core.workflow import ensure_transition_allowed

NATURE_OF_ORG_TYPE: dict[str, str] = {
    OrganisationType.ENTERPRISE: PartyNature.LIMITED,
    OrganisationType.UNIVERSITY: PartyNature.UNIVERSITY,
    OrganisationType.INSTITUTE: PartyNature.RESEARCH,
    OrganisationType.SERVICE: PartyNature.LIMITED,
    OrganisationType.GOVERNMENT: PartyNature.ORGAN,
    OrganisationType.OTHER: PartyNature.SOCIETY,
}


@dataclass
class ContractInput:
    """What the seller declares (RULES.md §1.6). Seller identity comes from its organisation."""

    project_name: str
    contract_type: str
    buyer_name: str
    buyer_nature: str
    signed_on: date
    valid_from: date
    valid_until: date
    field: str
    ip_type: str
    contract_amount: Decimal
    payment_mode: str
    buyer_uscc: str = ""
    buyer_region_code: str = ""
    buyer_country_code: str = "156"
    seller_nature: str = ""
    payment_schedule: list[dict[str, Any]] = dc_field(default_factory=list)
    royalty_rate: Decimal | None = None
    exclusive_years: int | None = None
    related_party_full: bool = False
    expected_investment: Decimal | None = None
    expected_output: Decimal | None = None
    cost_items: list[CostLine] = dc_field(default_factory=list)
    source_kind: str = ""
    source_id: int | None = None


def today() -> date:
    return timezone.localdate()


def _bad(message: str, field_name: str, code: str = "validation_error") -> ApplicationError:
    return ApplicationError(message, code=code, fields={field_name: message})


def _clean_schedule(data: ContractInput, amount: Decimal) -> list[dict[str, str]]:
    schedule: list[dict[str, str]] = []
    for entry in data.payment_schedule:
        try:
            due = date.fromisoformat(str(entry.get("due", "")))
            value = to_yuan(entry.get("amount", "0"))
        except ValueError as exc:
            raise _bad(
                "支付安排中的日期应为 YYYY-MM-DD、金额应为数字。", "payment_schedule"
            ) from exc
        if value <= 0:
            raise _bad("支付安排中每期金额应大于零。", "payment_schedule")
        schedule.append(
            {
                "due": due.isoformat(),
                "amount": f"{value:.2f}",
                "note": str(entry.get("note", ""))[:100],
            }
        )
    total = sum((Decimal(e["amount"]) for e in schedule), Decimal("0"))
    mode = data.payment_mode
    if mode == PaymentMode.LUMP_SUM_ONCE and len(schedule) > 1:
        raise _bad("“一次总算、一次总付”只能有一期付款。", "payment_schedule")
    if mode == PaymentMode.LUMP_SUM_INSTALMENTS and len(schedule) < 2:
        raise _bad("“一次总算、分期支付”应至少填写两期付款安排。", "payment_schedule")
    if (
        mode in (PaymentMode.LUMP_SUM_ONCE, PaymentMode.LUMP_SUM_INSTALMENTS)
        and schedule
        and total != amount
    ):
        raise _bad(
            f"各期付款合计 {total:,.2f} 元应等于合同成交额 {amount:,.2f} 元。", "payment_schedule"
        )
    if mode in (PaymentMode.ROYALTY, PaymentMode.ROYALTY_ENTRY_FEE):
        if data.royalty_rate is None or not (Decimal("0") < data.royalty_rate <= Decimal("100")):
            raise _bad("提成支付须填写提成比例（0–100%）。", "royalty_rate")
        if schedule and total > amount:
            raise _bad("入门费及已约定的付款合计不能超过合同成交额。", "payment_schedule")
    return schedule


def _validate(data: ContractInput, rule_set: RuleSet) -> None:
    if not data.project_name.strip():
        raise _bad("请填写项目名称。", "project_name")
    if data.contract_type not in ContractType.values:
        raise _bad("合同类别无效。", "contract_type")
    if data.contract_type not in rule_set.allowed_types:
        raise _bad(
            f"按{rule_set.name}，不能登记为“{ContractType(data.contract_type).label}”。",
            "contract_type",
            "type_not_in_rules",
        )
    if data.field not in FIELD_BY_CODE:
        raise _bad("请选择技术领域。", "field")
    if data.ip_type not in IpType.values:
        raise _bad("知识产权类型无效。", "ip_type")
    if data.payment_mode not in PaymentMode.values:
        raise _bad("支付方式无效。", "payment_mode")
    if data.buyer_nature not in PartyNature.values:
        raise _bad("买方性质代码无效。", "buyer_nature")
    if data.seller_nature and data.seller_nature not in PartyNature.values:
        raise _bad("卖方性质代码无效。", "seller_nature")
    if not data.buyer_name.strip():
        raise _bad("请填写买方名称。", "buyer_name")
    domestic = data.buyer_country_code == "156"
    try:
        if domestic and data.buyer_nature != PartyNature.INDIVIDUAL:
            data.buyer_uscc = validate_uscc(data.buyer_uscc)
        if domestic:
            data.buyer_region_code = validate_region_code(data.buyer_region_code)
    except ValidationError as exc:
        name = "buyer_uscc" if "信用代码" in exc.messages[0] else "buyer_region_code"
        raise _bad(f"买方：{exc.messages[0]}", name) from exc
    if data.valid_until < data.valid_from:
        raise _bad("合同有效期的终止日期不能早于起始日期。", "valid_until")
    if data.signed_on > today():
        raise _bad("签订日期不能晚于今天：合同成立后才能申请登记。", "signed_on")
    if data.valid_until < data.signed_on:
        raise _bad("合同有效期已在签订前届满。", "valid_until")
    if (
        rule_set.transfer_requires_expectations
        and data.contract_type in TRANSFER_TYPES
        and (data.expected_investment is None or data.expected_output is None)
    ):
        raise _bad("技术转让（许可）合同须填写预计新增投入和预计新增产值。", "expected_investment")


def _apply_fields(contract: Contract, data: ContractInput, rule_set: RuleSet) -> list[CostLine]:
    amounts = compute_amounts(
        contract_amount=data.contract_amount, lines=data.cost_items, rule_set=rule_set
    )
    contract.project_name = data.project_name.strip()
    contract.contract_type = data.contract_type
    contract.buyer_name = data.buyer_name.strip()
    contract.buyer_uscc = data.buyer_uscc
    contract.buyer_region_code = data.buyer_region_code
    contract.buyer_country_code = data.buyer_country_code
    contract.buyer_nature = data.buyer_nature
    if data.seller_nature:
        contract.seller_nature = data.seller_nature
    contract.signed_on = data.signed_on
    contract.valid_from = data.valid_from
    contract.valid_until = data.valid_until
    contract.field = data.field
    contract.ip_type = data.ip_type
    contract.contract_amount = amounts.contract_amount
    contract.non_tech_total = amounts.non_tech_total
    contract.carrier_allowed_total = amounts.carrier_allowed_total
    contract.tech_amount = amounts.tech_amount
    contract.payment_mode = data.payment_mode
    contract.payment_schedule = _clean_schedule(data, amounts.contract_amount)
    contract.royalty_rate = data.royalty_rate
    contract.exclusive_years = data.exclusive_years
    contract.related_party_full = data.related_party_full
    contract.expected_investment = data.expected_investment
    contract.expected_output = data.expected_output
    contract.source_kind = data.source_kind
    contract.source_id = data.source_id
    return data.cost_items


def _save_cost_items(contract: Contract, lines: list[CostLine], rule_set: RuleSet) -> None:
    amounts = compute_amounts(
        contract_amount=contract.contract_amount, lines=lines, rule_set=rule_set
    )
    contract.cost_items.all().delete()
    CostItem.objects.bulk_create(
        CostItem(
            contract=contract,
            kind=line.kind,
            description=line.description[:200],
            quantity=line.quantity,
            amount=to_yuan(line.amount),
            allowed_amount=allowed,
        )
        for line, allowed in zip(lines, amounts.allowed_per_line, strict=True)
    )


def _attach_scan(contract: Contract, scan: UploadedFile | None) -> None:
    if scan is None:
        return
    checked = check_upload(scan, kinds=frozenset({"pdf", "png", "jpeg"}))
    contract.scan.save(f"contract-{contract.pk}{checked.extension}", scan, save=False)
    contract.scan_sha256 = checked.sha256


def _buyer_org(data: ContractInput) -> Organisation | None:
    if not data.buyer_uscc:
        return None
    return Organisation.objects.filter(uscc=data.buyer_uscc).first()


def _seller_users(contract: Contract) -> list[Any]:
    return members_to_notify(contract.seller_org)


@transaction.atomic
def contract_apply(
    *,
    actor: Any,
    organisation: Organisation,
    data: ContractInput,
    scan: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Contract:
    """The seller files a registration application (RULES.md §1.4: the seller registers)."""
    access.ensure_can_apply(actor, organisation)
    rule_set = rules_for(today())
    data = replace(data)
    _validate(data, rule_set)
    contract = Contract(
        seller_org=organisation,
        buyer_org=_buyer_org(data),
        created_by=actor,
        seller_name=organisation.name,
        seller_uscc=organisation.uscc,
        seller_region_code=organisation.region_code,
        seller_nature=data.seller_nature or NATURE_OF_ORG_TYPE.get(organisation.type, "900"),
        status=ContractStatus.SUBMITTED,
        submitted_on=today(),
    )
    lines = _apply_fields(contract, data, rule_set)
    contract.save()
    _save_cost_items(contract, lines, rule_set)
    if scan is not None:
        _attach_scan(contract, scan)
        contract.save(update_fields=["scan", "scan_sha256"])
    record_status_change(obj=contract, from_status="", to_status=contract.status, actor=actor)
    audit.record(
        "contract.submitted",
        actor=actor,
        organisation=organisation,
        obj=contract,
        summary=f"申请登记技术合同“{contract.project_name}”，成交额 {contract.contract_amount} 元",
        changes={"contract_amount": contract.contract_amount, "tech_amount": contract.tech_amount},
        request=request,
    )
    return contract


@transaction.atomic
def contract_resubmit(
    *,
    actor: Any,
    contract: Contract,
    data: ContractInput | None = None,
    scan: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Contract:
    """补正: the seller corrects a returned application and files it again."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    access.ensure_can_resubmit(actor, locked)
    ensure_transition_allowed(
        CONTRACT_TRANSITIONS, ContractStatus, locked.status, ContractStatus.SUBMITTED
    )
    rule_set = rules_for(today())
    if data is not None:
        data = replace(data)
        _validate(data, rule_set)
        lines = _apply_fields(locked, data, rule_set)
        locked.buyer_org = _buyer_org(data)
        locked.save()
        _save_cost_items(locked, lines, rule_set)
    _attach_scan(locked, scan)
    return _move(
        actor=actor,
        contract=locked,
        to_status=ContractStatus.SUBMITTED,
        reason="补正后重新提交",
        request=request,
    )


@transaction.atomic
def contract_attach_scan(
    *, actor: Any, contract: Contract, scan: UploadedFile, request: HttpRequest | None = None
) -> Contract:
    """The seller attaches (or replaces) the contract scan while the registry has not decided."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    access.ensure_can_resubmit(actor, locked)
    if locked.status not in (ContractStatus.SUBMITTED, ContractStatus.RETURNED):
        raise ApplicationError(
            "只有待受理或退回补正的申请可以上传合同扫描件。", code="scan_locked", status=409
        )
    _attach_scan(locked, scan)
    locked.save(update_fields=["scan", "scan_sha256", "updated_at"])
    audit.record(
        "contract.scan_attached",
        actor=actor,
        organisation=locked.seller_org,
        obj=locked,
        summary=f"上传技术合同“{locked.project_name}”扫描件",
        changes={"sha256": locked.scan_sha256},
        request=request,
    )
    return locked


def _move(
    *,
    actor: Any,
    contract: Contract,
    to_status: str,
    reason: str = "",
    request: HttpRequest | None = None,
    on: date | None = None,
) -> Contract:
    """Write the move of a locked ``contract`` (status row, audit, notification)."""
    day = on or today()
    from_status = contract.status
    contract.status = to_status
    contract.status_reason = reason
    if to_status == ContractStatus.SUBMITTED:
        contract.submitted_on = day
        contract.accepted_on = None
        contract.deadline = None
        contract.refusal_reason = ""
    elif to_status == ContractStatus.ACCEPTED:
        # A correction (补正) restarts the acceptance date, hence the deadline.
        contract.accepted_on = day
        contract.deadline, rule_set = deadline_for(
            accepted_on=day, tech_amount=contract.tech_amount
        )
        contract.rule_version = rule_set.key
    elif to_status == ContractStatus.REGISTERED and from_status != ContractStatus.REGISTERED:
        contract.registered_on = day
        contract.rule_version = rules_for(day).key
        contract.registration_number = next_registration_number(day)
        contract.certificate_version = 1
    elif to_status == ContractStatus.CANCELLED:
        contract.cancelled_on = day
    contract.save()
    if to_status == ContractStatus.REGISTERED and from_status != ContractStatus.REGISTERED:
        summary.add([contract])
    elif to_status == ContractStatus.CANCELLED:
        summary.remove([contract])
    record_status_change(
        obj=contract, from_status=from_status, to_status=to_status, actor=actor, reason=reason
    )
    labels = dict(ContractStatus.choices)
    audit.record(
        f"contract.{to_status}",
        actor=actor,
        organisation=contract.seller_org,
        obj=contract,
        summary=f"技术合同“{contract.project_name}”：{labels.get(from_status, from_status)} → {labels[to_status]}"
        + (f"（{reason}）" if reason else ""),
        changes={
            "status": [from_status, to_status],
            "reason": reason,
            "registration_number": contract.registration_number or "",
        },
        request=request,
    )
    if from_status != to_status and to_status != ContractStatus.SUBMITTED:
        notify(
            _seller_users(contract),
            title=f"技术合同“{contract.project_name}”{labels[to_status]}",
            body=reason,
            url=f"/contracts/{contract.pk}/",
            kind="contract",
        )
    return contract


@transaction.atomic
def contract_transition(
    *,
    actor: Any,
    contract: Contract,
    to_status: str,
    reason: str = "",
    refusal_reason: str = "",
    request: HttpRequest | None = None,
    on: date | None = None,
) -> Contract:
    """The registry's moves: accept, register, return (补正), refuse (不予登记), cancel (注销)."""
    access.ensure_registry_staff(actor)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if to_status == ContractStatus.SUBMITTED:
        raise ApplicationError("重新提交应由卖方在补正后办理。", code="resubmit_by_seller")
    if to_status == locked.status == ContractStatus.REGISTERED:
        raise ApplicationError("已登记的合同请通过“变更登记”修改。", code="use_amendment")
    ensure_transition_allowed(CONTRACT_TRANSITIONS, ContractStatus, locked.status, to_status)
    reason = (reason or "").strip()
    if to_status == ContractStatus.RETURNED and not reason:
        raise _bad("退回补正必须写明需要补正的内容。", "reason", "reason_required")
    if to_status == ContractStatus.CANCELLED and not reason:
        raise _bad("注销登记必须写明原因（合同解除、撤销或无效等）。", "reason", "reason_required")
    if to_status == ContractStatus.REFUSED:
        if refusal_reason not in RefusalReason.values:
            options = "、".join(str(label) for label in RefusalReason.labels)
            raise _bad(
                f"不予登记须从规定的理由中选择一项：{options}。",
                "refusal_reason",
                "refusal_reason_required",
            )
        locked.refusal_reason = refusal_reason
        label = RefusalReason(refusal_reason).label
        reason = f"{label}。{reason}" if reason else label
    return _move(
        actor=actor, contract=locked, to_status=to_status, reason=reason, request=request, on=on
    )


AMENDABLE = frozenset(
    {
        "project_name",
        "buyer_name",
        "valid_until",
        "contract_amount",
        "payment_mode",
        "payment_schedule",
        "royalty_rate",
    }
)


@transaction.atomic
def contract_amend(
    *,
    actor: Any,
    contract: Contract,
    reason: str,
    changes: dict[str, Any],
    cost_items: list[CostLine] | None = None,
    request: HttpRequest | None = None,
) -> Contract:
    """变更登记: staff record a change of a registered contract; the certificate gets a new
    version, so the old certificate's code no longer verifies."""
    access.ensure_registry_staff(actor)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    ensure_transition_allowed(
        CONTRACT_TRANSITIONS, ContractStatus, locked.status, ContractStatus.REGISTERED
    )
    reason = (reason or "").strip()
    if not reason:
        raise _bad("变更登记必须写明变更原因。", "reason", "reason_required")
    unknown = set(changes) - AMENDABLE
    if unknown:
        raise _bad(f"以下内容不能通过变更登记修改：{'、'.join(sorted(unknown))}。", "changes")
    if not changes and cost_items is None:
        raise _bad("没有需要变更的内容。", "changes")
    data = ContractInput(
        **{
            f.name: getattr(locked, f.name)
            for f in fields(ContractInput)
            if hasattr(locked, f.name) and f.name not in {"cost_items", "source_kind", "source_id"}
        },
    )
    data.cost_items = (
        cost_items
        if cost_items is not None
        else [
            CostLine(i.kind, i.description, i.amount, i.quantity) for i in locked.cost_items.all()
        ]
    )
    before = {name: str(getattr(locked, name)) for name in changes}
    for name, value in changes.items():
        setattr(data, name, value)
    if "contract_amount" in changes:
        data.contract_amount = to_yuan(changes["contract_amount"])
    rule_set = rules_for(locked.registered_on or today())
    snapshot = copy.copy(locked)
    old_tech = locked.tech_amount
    data.signed_on = min(data.signed_on, today())
    _validate(data, rule_set)
    lines = _apply_fields(locked, data, rule_set)
    locked.source_kind, locked.source_id = contract.source_kind, contract.source_id
    locked.certificate_version += 1
    locked.save()
    _save_cost_items(locked, lines, rule_set)
    summary.replace(snapshot, locked)
    after = {name: str(getattr(locked, name)) for name in changes}
    diff = {name: [before[name], after[name]] for name in changes}
    if old_tech != locked.tech_amount:
        diff["tech_amount"] = [str(old_tech), str(locked.tech_amount)]
    Amendment.objects.create(
        contract=locked,
        actor=actor,
        reason=reason,
        changes=diff,
        certificate_version=locked.certificate_version,
    )
    record_status_change(
        obj=locked,
        from_status=ContractStatus.REGISTERED,
        to_status=ContractStatus.REGISTERED,
        actor=actor,
        reason=f"变更登记：{reason}",
    )
    audit.record(
        "contract.amended",
        actor=actor,
        organisation=locked.seller_org,
        obj=locked,
        summary=f"技术合同“{locked.project_name}”变更登记（第 {locked.certificate_version} 版证明）：{reason}",
        changes=diff,
        request=request,
    )
    notify(
        _seller_users(locked),
        title=f"技术合同“{locked.project_name}”已办理变更登记",
        body=reason,
        url=f"/contracts/{locked.pk}/",
        kind="contract",
    )
    return locked


def cost_lines(raw: list[dict[str, Any]]) -> list[CostLine]:
    """Parse cost items from a form or API payload."""
    lines: list[CostLine] = []
    for entry in raw:
        kind = str(entry.get("kind", ""))
        if kind not in CostKind.values:
            raise _bad(f"非技术性费用类别“{kind}”无效。", "cost_items")
        try:
            amount = to_yuan(entry.get("amount", "0"))
            quantity = int(entry.get("quantity", 1) or 1)
        except ValueError as exc:
            raise _bad("非技术性费用的金额或数量不是有效数字。", "cost_items") from exc
        lines.append(
            CostLine(
                kind, str(entry.get("description", "")) or CostKind(kind).label, amount, quantity
            )
        )
    return lines
