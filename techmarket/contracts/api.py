"""/api/v1/contracts: apply, review actions, amendment, certificate, verification."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Router, Status
from ninja.files import UploadedFile

from techmarket.accounts import access as accounts_access
from techmarket.contracts import access, imports, services
from techmarket.contracts.certificates import certificate_pdf, verification_code, verify_certificate
from techmarket.contracts.models import Contract
from techmarket.contracts.prefill import listing_prefill
from techmarket.contracts.rules import working_days_between
from techmarket.contracts.schemas import (
    AmendIn,
    ContractIn,
    ContractOut,
    ContractPage,
    DecisionIn,
    ImportOut,
    PrefillOut,
    VerifyOut,
)
from techmarket.contracts.tax import tax_hints
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError, NotFound

router = Router(tags=["技术合同登记"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
ACTIONS = {
    "accept": ContractStatus.ACCEPTED,
    "register": ContractStatus.REGISTERED,
    "return": ContractStatus.RETURNED,
    "refuse": ContractStatus.REFUSED,
    "cancel": ContractStatus.CANCELLED,
}


def _out(contract: Contract, *, full: bool = True) -> dict[str, Any]:
    data = {f.name: getattr(contract, f.name) for f in Contract._meta.concrete_fields}
    data.update(
        id=contract.pk,
        contract_type_label=contract.get_contract_type_display(),
        status_label=contract.get_status_display(),
        verification_code=verification_code(contract)
        if contract.status == ContractStatus.REGISTERED
        else None,
        deadline_working_days_left=working_days_between(timezone.localdate(), contract.deadline)
        if contract.deadline and contract.status == ContractStatus.ACCEPTED
        else None,
    )
    if full:
        data["cost_items"] = list(contract.cost_items.all())
        data["tax_hints"] = tax_hints(contract)
    return data


def _input(payload: ContractIn) -> services.ContractInput:
    raw = payload.dict(exclude={"organisation_id", "cost_items", "payment_schedule"})
    return services.ContractInput(
        **raw,
        payment_schedule=[
            {"due": p.due.isoformat(), "amount": str(p.amount), "note": p.note}
            for p in payload.payment_schedule
        ],
        cost_items=services.cost_lines([c.dict() for c in payload.cost_items]),
    )


@router.get("/contracts", response={200: ContractPage, **ERRORS}, summary="我可见的技术合同")
def list_contracts(
    request: HttpRequest, status: str = "", limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    queryset = access.contracts_visible_to(request.user).order_by("-created_at", "-id")
    if status:
        queryset = queryset.filter(status=status)
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    items = [_out(c, full=False) for c in queryset[offset : offset + limit]]
    return {"count": queryset.count(), "items": items}


@router.post("/contracts", response={201: ContractOut, **ERRORS}, summary="申请登记（卖方）")
def apply_contract(request: HttpRequest, payload: ContractIn) -> Status:
    actor = accounts_access.actor(request)
    if payload.organisation_id is not None:
        organisation = next(
            (o for o in accounts_access.organisations_of(actor) if o.pk == payload.organisation_id),
            None,
        )
    else:
        organisation = accounts_access.primary_organisation(actor)
    if organisation is None:
        raise NotFound("找不到您所属的该机构。")
    contract = services.contract_apply(
        actor=actor, organisation=organisation, data=_input(payload), request=request
    )
    return Status(201, _out(contract))


@router.post(
    "/contracts/import",
    response={200: ImportOut, 422: ImportOut, **ERRORS},
    summary="导入历史技术合同（xlsx，全部通过才导入；422 时返回错误报告）",
)
def import_contracts(request: HttpRequest, file: File[UploadedFile]) -> Status:
    report = imports.contracts_import(actor=accounts_access.actor(request), file=file)
    body = {
        "created": report.created,
        "errors": [{"row": r, "column": c, "message": m} for r, c, m in report.errors],
    }
    return Status(422 if report.errors else 200, body)


@router.get(
    "/contracts/prefill", response={200: PrefillOut, **ERRORS}, summary="从已发布的成果或需求预填"
)
def prefill(request: HttpRequest, source_kind: str, source_id: int) -> dict[str, Any]:
    actor = accounts_access.actor(request)
    return {"values": listing_prefill(actor=actor, kind=source_kind, listing_id=source_id)}


@router.get(
    "/contracts/verify",
    response={200: VerifyOut, 400: ErrorOut, 404: ErrorOut, 410: ErrorOut},
    auth=PUBLIC,
    summary="验证登记证明（公开）",
)
def verify(request: HttpRequest, number: str, code: str) -> dict[str, Any]:
    result = verify_certificate(number=number, code=code)
    c = result.contract
    return {
        "valid": True,
        "message": result.message,
        "registration_number": c.registration_number or "",
        "project_name": c.project_name,
        "seller_name": c.seller_name,
        "buyer_name": c.buyer_name,
        "contract_amount": c.contract_amount,
        "tech_amount": c.tech_amount,
        "registered_on": c.registered_on,
    }


@router.get("/contracts/{contract_id}", response={200: ContractOut, **ERRORS}, summary="合同详情")
def get_contract(request: HttpRequest, contract_id: int) -> dict[str, Any]:
    return _out(access.get_contract_for_user(request.user, contract_id))


@router.post(
    "/contracts/{contract_id}/resubmit",
    response={200: ContractOut, **ERRORS},
    summary="补正后重新提交（卖方）",
)
def resubmit(request: HttpRequest, contract_id: int, payload: ContractIn) -> dict[str, Any]:
    contract = access.get_contract_for_user(request.user, contract_id, write=True)
    contract = services.contract_resubmit(
        actor=accounts_access.actor(request),
        contract=contract,
        data=_input(payload),
        request=request,
    )
    return _out(contract)


@router.post(
    "/contracts/{contract_id}/scan",
    response={200: ContractOut, **ERRORS},
    summary="上传合同文本扫描件（卖方，PDF/PNG/JPEG）",
)
def upload_scan(request: HttpRequest, contract_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    contract = access.get_contract_for_user(request.user, contract_id, write=True)
    contract = services.contract_attach_scan(
        actor=accounts_access.actor(request), contract=contract, scan=file, request=request
    )
    return _out(contract)


@router.post(
    "/contracts/{contract_id}/actions/{action}",
    response={200: ContractOut, **ERRORS},
    summary="登记机构办理：accept 受理 / register 登记 / return 退回补正 / refuse 不予登记 / cancel 注销",
)
def act(request: HttpRequest, contract_id: int, action: str, payload: DecisionIn) -> dict[str, Any]:
    contract = access.get_contract_for_user(request.user, contract_id)
    if action not in ACTIONS:
        raise ApplicationError(
            f"未知的办理操作“{action}”，可选：{'、'.join(ACTIONS)}。", code="unknown_action"
        )
    contract = services.contract_transition(
        actor=accounts_access.actor(request),
        contract=contract,
        to_status=ACTIONS[action],
        reason=payload.reason,
        refusal_reason=payload.refusal_reason,
        request=request,
    )
    return _out(contract)


@router.post(
    "/contracts/{contract_id}/amend", response={200: ContractOut, **ERRORS}, summary="变更登记"
)
def amend(request: HttpRequest, contract_id: int, payload: AmendIn) -> dict[str, Any]:
    contract = access.get_contract_for_user(request.user, contract_id)
    changes = payload.dict(exclude={"reason", "cost_items"}, exclude_none=True)
    if "payment_schedule" in changes:
        changes["payment_schedule"] = [
            {"due": str(p["due"]), "amount": str(p["amount"]), "note": p.get("note", "")}
            for p in changes["payment_schedule"]
        ]
    contract = services.contract_amend(
        actor=accounts_access.actor(request),
        contract=contract,
        reason=payload.reason,
        changes=changes,
        cost_items=services.cost_lines([c.dict() for c in payload.cost_items])
        if payload.cost_items is not None
        else None,
        request=request,
    )
    return _out(contract)


@router.get(
    "/contracts/{contract_id}/certificate",
    response={200: None, **ERRORS},
    summary="登记证明 PDF",
)
def certificate(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access.get_contract_for_user(request.user, contract_id)
    response = HttpResponse(certificate_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{contract.registration_number}.pdf"'
    )
    return response
