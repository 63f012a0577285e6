from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from techmarket.accounts import access as accounts_access
from techmarket.contracts import access, imports, selectors, services
from techmarket.contracts.certificates import certificate_pdf, verification_code, verify_certificate
from techmarket.contracts.forms import (
    AmendForm,
    ContractForm,
    DecisionForm,
    ImportForm,
    SourceForm,
    VerifyForm,
    initial_dates,
)
from techmarket.contracts.prefill import listing_prefill
from techmarket.contracts.rules import rules_by_key, rules_for, working_days_between
from techmarket.contracts.tax import tax_hints
from techmarket.contracts.workflow import CONTRACT_TRANSITIONS, ContractStatus, RefusalReason
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.exports import xlsx_bytes, xlsx_response
from techmarket.core.files import serve_protected
from techmarket.core.models import StatusChange


def _form_errors(form: Any, error: ApplicationError) -> None:
    for name, message in error.fields.items():
        if name in form.fields:
            form.add_error(name, message)
    form.add_error(None, error.message)


@login_required
def contract_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = access.contracts_visible_to(user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    staff = access.is_registry_staff(user)
    if staff and not status:
        status = "open"
    if status == "open":
        queryset = queryset.filter(status__in=[ContractStatus.SUBMITTED, ContractStatus.ACCEPTED])
    elif status in ContractStatus.values:
        queryset = queryset.filter(status=status)
    q = request.GET.get("q", "").strip()
    if q:
        queryset = queryset.filter(project_name__icontains=q) | queryset.filter(
            registration_number=q
        )
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = []
    for contract in page:
        left = None
        if contract.deadline and contract.status == ContractStatus.ACCEPTED:
            left = working_days_between(today, contract.deadline)
        rows.append((contract, left))
    return render(
        request,
        "contracts/list.html",
        {
            "rows": rows,
            "page": page,
            "status": status,
            "q": q,
            "statuses": ContractStatus.choices,
            "staff": staff,
            "can_apply": bool(accounts_access.organisations_of(user)) and not staff,
        },
    )


def _applicant_organisation(request: HttpRequest) -> Any:
    organisation = accounts_access.primary_organisation(request.user)
    if organisation is None:
        raise NotFound("您不属于任何机构，不能申请登记。")
    return organisation


@login_required
def contract_apply_view(request: HttpRequest) -> HttpResponse:
    organisation = _applicant_organisation(request)
    initial: dict[str, Any] = dict(initial_dates())
    source_form = SourceForm(request.GET or None)
    if request.method == "GET" and source_form.is_valid():
        try:
            initial.update(
                listing_prefill(
                    actor=request.user,
                    kind=source_form.cleaned_data["source_kind"],
                    listing_id=source_form.cleaned_data["source_id"],
                )
            )
            messages.info(request, "已根据平台上的成果/需求预填项目名称、技术领域和当事人。")
        except ApplicationError as error:
            messages.error(request, error.message)
    form = ContractForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_apply(
                actor=accounts_access.actor(request),
                organisation=organisation,
                data=form.to_input(),
                scan=request.FILES.get("scan"),
                request=request,
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "登记申请已提交，等待登记机构受理。")
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/apply.html",
        {
            "form": form,
            "source_form": SourceForm(),
            "organisation": organisation,
            "rule_set": rules_for(timezone.localdate()),
        },
    )


@login_required
def contract_resubmit_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access.get_contract_for_user(request.user, pk, write=True)
    initial = {
        name: getattr(contract, name)
        for name in ContractForm.base_fields
        if hasattr(contract, name) and name not in ("scan", "payment_schedule")
    }
    initial["payment_schedule"] = "\n".join(
        f"{e['due']} {e['amount']}" for e in contract.payment_schedule
    )
    for i, item in enumerate(contract.cost_items.all()[:4]):
        initial.update(
            {
                f"cost_{i}_kind": item.kind,
                f"cost_{i}_description": item.description,
                f"cost_{i}_quantity": item.quantity,
                f"cost_{i}_amount": item.amount,
            }
        )
    form = ContractForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contract_resubmit(
                actor=accounts_access.actor(request),
                contract=contract,
                data=form.to_input(),
                scan=request.FILES.get("scan"),
                request=request,
            )
        except ApplicationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "补正后的申请已重新提交。")
            return redirect("contracts:detail", contract.pk)
    return render(
        request,
        "contracts/apply.html",
        {"form": form, "contract": contract, "organisation": contract.seller_org,
         "rule_set": rules_for(timezone.localdate())},
    )  # fmt: skip


STAFF_ACTIONS = {
    "accept": (ContractStatus.ACCEPTED, "已受理。"),
    "register": (ContractStatus.REGISTERED, "已登记，登记证明可以下载。"),
    "return": (ContractStatus.RETURNED, "已退回补正。"),
    "refuse": (ContractStatus.REFUSED, "已作出不予登记决定。"),
    "cancel": (ContractStatus.CANCELLED, "已注销登记。"),
}


@login_required
def contract_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access.get_contract_for_user(request.user, pk)
    staff = access.is_registry_staff(request.user)
    decision_form = DecisionForm(
        request.POST if request.POST.get("action") in STAFF_ACTIONS else None
    )
    amend_form = AmendForm(request.POST if request.POST.get("action") == "amend" else None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in STAFF_ACTIONS and decision_form.is_valid():
                to_status, message = STAFF_ACTIONS[action]
                services.contract_transition(
                    actor=accounts_access.actor(request),
                    contract=contract,
                    to_status=to_status,
                    reason=decision_form.cleaned_data["reason"],
                    refusal_reason=decision_form.cleaned_data["refusal_reason"],
                    request=request,
                )
                messages.success(request, message)
                return redirect("contracts:detail", contract.pk)
            if action == "amend" and amend_form.is_valid():
                services.contract_amend(
                    actor=accounts_access.actor(request),
                    contract=contract,
                    reason=amend_form.cleaned_data["reason"],
                    changes=amend_form.changes(),
                    request=request,
                )
                messages.success(request, "变更登记已办理，已生成新版登记证明。")
                return redirect("contracts:detail", contract.pk)
        except ApplicationError as error:
            messages.error(request, error.message)
    history = StatusChange.objects.filter(
        content_type__model="contract",
        content_type__app_label="contracts",
        object_id=str(contract.pk),
    ).select_related("actor")
    labels = dict(ContractStatus.choices)
    history_rows = [
        (h, labels.get(h.from_status, "—"), labels.get(h.to_status, h.to_status)) for h in history
    ]
    today = timezone.localdate()
    allowed = CONTRACT_TRANSITIONS.get(contract.status, frozenset())
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "staff": staff,
            "allowed": set(allowed),
            "decision_form": decision_form,
            "amend_form": amend_form,
            "history": history_rows,
            "cost_items": contract.cost_items.all(),
            "amendments": contract.amendments.all(),
            "hints": tax_hints(contract),
            "code": verification_code(contract) if contract.registration_number else "",
            "rule_set": rules_by_key(contract.rule_version)
            if contract.rule_version
            else rules_for(today),
            "working_days_left": working_days_between(today, contract.deadline)
            if contract.deadline and contract.status == ContractStatus.ACCEPTED
            else None,
            "is_seller": access.is_seller_member(request.user, contract),
            "refusal_reasons": RefusalReason.choices,
        },
    )


@login_required
def contract_certificate_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = access.get_contract_for_user(request.user, pk)
    try:
        content = certificate_pdf(contract)
    except ApplicationError as error:
        raise Http404(error.message) from error
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificate-{contract.registration_number}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def contract_scan_view(request: HttpRequest, pk: int) -> FileResponse:
    contract = access.get_contract_for_user(request.user, pk)
    if not contract.scan:
        raise Http404("没有上传合同扫描件。")
    return serve_protected(contract.scan, contract.scan.name.rsplit("/", 1)[-1])


def verify_view(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    result = None
    error = ""
    if form.is_valid():
        try:
            result = verify_certificate(
                number=form.cleaned_data["number"], code=form.cleaned_data["code"]
            )
        except ApplicationError as exc:
            error = exc.message
    return render(
        request, "contracts/verify.html", {"form": form, "result": result, "error": error}
    )


@login_required
def contract_import_view(request: HttpRequest) -> HttpResponse:
    access.ensure_registry_staff(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = imports.contracts_import(
                actor=accounts_access.actor(request), file=form.cleaned_data["file"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            if report.created:
                messages.success(request, f"已导入 {report.created} 份历史技术合同。")
            else:
                messages.error(request, f"发现 {len(report.errors)} 处错误，未导入任何数据。")
    return render(request, "contracts/import.html", {"form": form, "report": report})


@login_required
def import_template_view(request: HttpRequest) -> HttpResponse:
    access.ensure_registry_staff(request.user)
    return xlsx_response("技术合同导入模板.xlsx", xlsx_bytes("技术合同", imports.COLUMNS, []))


@login_required
def contract_export_view(request: HttpRequest) -> HttpResponse:
    access.ensure_registry_staff(request.user)
    queryset = selectors.registered()
    year = request.GET.get("year", "")
    if year.isdigit():
        queryset = queryset.filter(registered_on__year=int(year))
    content = xlsx_bytes("技术合同", selectors.EXPORT_HEADERS, selectors.export_rows(queryset))
    return xlsx_response(f"技术合同登记{year}.xlsx", content)
