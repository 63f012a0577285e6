"""HTML pages of the voucher scheme; every POST calls one service."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import InvalidOperation
from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import OrganisationType
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.exports import xlsx_response
from techmarket.core.files import serve_protected
from techmarket.vouchers import access, config, selectors, services
from techmarket.vouchers.models import (
    LedgerEntry,
    ProductCategory,
    Programme,
    Provider,
    Redemption,
    SettlementBatch,
    VoucherApplication,
)
from techmarket.vouchers.services.orders import claimant_for, max_redeemable
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    OrderStatus,
    ProgrammeStatus,
    ProviderStatus,
    RedemptionStatus,
    SettlementMode,
)


def _act(request: HttpRequest, action: Callable[[], Any], success: str, back: str) -> HttpResponse:
    try:
        action()
    except ApplicationError as error:
        messages.error(request, error.message)
    except (ValueError, InvalidOperation) as error:
        messages.error(request, f"输入有误：{error}")
    else:
        messages.success(request, success)
    return redirect(back)


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except ValueError as exc:
        raise ValueError(f"“{value}”不是整数") from exc


def programmes(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "vouchers/programmes.html",
        {"programmes": selectors.public_programmes(), "products": selectors.listed_products()[:50]},
    )


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(selectors.public_programmes(), pk=pk)
    orgs = [
        o
        for o in accounts_access.organisations_of(request.user)
        if access.acts_for(request.user, o)
    ]
    return render(request, "vouchers/programme_detail.html", {"programme": programme, "orgs": orgs})


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(selectors.public_programmes(), pk=pk)
    orgs = {o.pk: o for o in accounts_access.organisations_of(request.user)}
    enterprise = orgs.get(_int(request.POST.get("enterprise")))
    if enterprise is None:
        raise Http404
    return _act(
        request,
        lambda: services.application_submit(
            actor=request.user,
            programme=programme,
            enterprise=enterprise,
            requested_amount=request.POST.get("requested_amount", ""),
            purpose=request.POST.get("purpose", ""),
        ),
        "申领已提交，等待科技局审核。",
        reverse("vouchers:mine"),
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    orgs = [o for o in accounts_access.organisations_of(user) if access.acts_for(user, o)]
    provider = access.provider_of(user)
    return render(
        request,
        "vouchers/mine.html",
        {
            "orgs": orgs,
            "applications": selectors.applications_for(user),
            "vouchers": selectors.vouchers_for(user),
            "orders": selectors.orders_for(user)
            .prefetch_related("redemptions")
            .order_by("-created_at"),
            "provider": provider,
            "products": provider.products.all() if provider else [],
            "categories": ProductCategory.choices,
            "can_apply_provider": not provider
            and not Provider.objects.filter(organisation__in=orgs).exists(),
        },
    )


@login_required
@require_POST
def provider_apply(request: HttpRequest) -> HttpResponse:
    orgs = {o.pk: o for o in accounts_access.organisations_of(request.user)}
    organisation = orgs.get(_int(request.POST.get("organisation")))
    if organisation is None:
        raise Http404
    return _act(
        request,
        lambda: services.provider_apply(
            actor=request.user,
            organisation=organisation,
            service_scope=request.POST.get("service_scope", ""),
        ),
        "服务机构申请已提交，等待科技局审核。",
        reverse("vouchers:mine"),
    )


@login_required
@require_POST
def product_create(request: HttpRequest) -> HttpResponse:
    provider = access.provider_of(request.user)
    if provider is None:
        raise Http404
    return _act(
        request,
        lambda: services.product_create(
            actor=request.user,
            provider=provider,
            name=request.POST.get("name", ""),
            category=request.POST.get("category", ""),
            price=request.POST.get("price", "") or "x",
            unit=request.POST.get("unit", "次"),
            lead_time_days=_int(request.POST.get("lead_time_days"), 7),
            description=request.POST.get("description", ""),
        ),
        "服务产品已发布。",
        reverse("vouchers:mine"),
    )


@login_required
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = access.get_voucher_for_user(request.user, pk)
    return render(
        request,
        "vouchers/voucher_detail.html",
        {
            "voucher": voucher,
            "products": selectors.listed_products(),
            "orders": voucher.orders.select_related("product", "provider__organisation"),
            "entries": LedgerEntry.objects.filter(voucher=voucher).order_by("id"),
            "can_order": access.acts_for(request.user, voucher.holder),
        },
    )


@login_required
@require_POST
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    voucher = access.get_voucher_for_user(request.user, pk)
    product = get_object_or_404(selectors.listed_products(), pk=_int(request.POST.get("product")))
    try:
        order = services.order_create(
            actor=request.user,
            voucher=voucher,
            product=product,
            quantity=_int(request.POST.get("quantity"), 1),
            requirements=request.POST.get("requirements", ""),
        )
    except (ApplicationError, ValueError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("vouchers:voucher_detail", pk=voucher.pk)
    messages.success(request, "已下单，等待服务机构交付。")
    return redirect("vouchers:order_detail", pk=order.pk)


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = access.get_order_for_user(request.user, pk)
    user = request.user
    claimant = claimant_for(order)
    live = order.redemptions.exclude(status=RedemptionStatus.REJECTED).first()
    return render(
        request,
        "vouchers/order_detail.html",
        {
            "order": order,
            "redemptions": order.redemptions.all(),
            "is_provider": access.acts_for(user, order.provider.organisation),
            "is_enterprise": access.acts_for(user, order.enterprise),
            "is_claimant": access.acts_for(user, claimant) and live is None,
            "claimant": claimant,
            "max_amount": min(max_redeemable(order), order.voucher.balance),
            "idempotency_key": uuid.uuid4().hex,
            "is_staff": access.is_bureau_staff(user),
        },
    )


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    order = access.get_order_for_user(request.user, pk)
    back = reverse("vouchers:order_detail", args=[order.pk])
    post, files = request.POST, request.FILES
    if action == "deliver":
        evidence = services.Evidence(
            contract_party_a=post.get("contract_party_a", ""),
            contract_party_b=post.get("contract_party_b", ""),
            invoice_number=post.get("invoice_number", ""),
            contract_file=files.get("contract_file"),
            report_file=files.get("report_file"),
            payment_proof_file=files.get("payment_proof_file"),
        )
        return _act(
            request,
            lambda: services.order_transition(
                actor=request.user, order=order, to_status=OrderStatus.DELIVERED, evidence=evidence
            ),
            "交付材料已提交，等待企业确认。",
            back,
        )
    if action == "confirm":
        return _act(
            request,
            lambda: services.order_transition(
                actor=request.user,
                order=order,
                to_status=OrderStatus.CONFIRMED,
                rating=_int(post.get("rating"), 0) or None,
                comment=post.get("comment", ""),
            ),
            "已确认服务并评价。",
            back,
        )
    if action == "cancel":
        return _act(
            request,
            lambda: services.order_transition(
                actor=request.user, order=order, to_status=OrderStatus.CANCELLED
            ),
            "订单已取消。",
            back,
        )
    if action == "claim":
        return _act(
            request,
            lambda: services.redemption_claim(
                actor=request.user,
                order=order,
                idempotency_key=post.get("idempotency_key", ""),
                amount=post.get("amount") or None,
            ),
            "兑付申请已提交，等待科技局审核。",
            back,
        )
    raise Http404


@login_required
def order_file(request: HttpRequest, pk: int, field: str) -> FileResponse:
    order = access.get_order_for_user(request.user, pk)
    labels = {
        "contract_file": "服务合同",
        "report_file": "服务报告",
        "payment_proof_file": "付款凭证",
    }
    if field not in labels:
        raise Http404
    stored = getattr(order, field)
    if not stored:
        raise Http404
    return serve_protected(stored, f"订单{order.pk}-{labels[field]}{PurePath(stored.name).suffix}")


# ---- bureau ---------------------------------------------------------------------------


def _staff(request: HttpRequest) -> None:
    if not access.is_bureau_staff(request.user):
        raise NotFound("找不到该页面。")


@login_required
def bureau(request: HttpRequest) -> HttpResponse:
    _staff(request)
    return render(
        request,
        "vouchers/bureau.html",
        {
            "programmes": Programme.objects.all(),
            "providers": Provider.objects.filter(status=ProviderStatus.PENDING).select_related(
                "organisation"
            ),
            "approved_providers": Provider.objects.filter(
                status=ProviderStatus.APPROVED
            ).select_related("organisation"),
            "applications": VoucherApplication.objects.filter(
                status=ApplicationStatus.SUBMITTED
            ).select_related("programme", "enterprise"),
            "redemptions": Redemption.objects.filter(
                status=RedemptionStatus.CLAIMED
            ).select_related("order__product", "voucher", "claimant"),
            "batches": SettlementBatch.objects.select_related("programme"),
            "modes": SettlementMode.choices,
            "types": OrganisationType.choices,
            "defaults": {
                "cap": config.default_per_enterprise_cap(),
                "ratio": config.default_copay_ratio(),
                "days": config.default_validity_days(),
                "year": date.today().year,  # noqa: DTZ011 - a default for a form field
            },
        },
    )


@login_required
@require_POST
def bureau_action(request: HttpRequest, action: str, pk: int = 0) -> HttpResponse:
    _staff(request)
    post = request.POST
    back = reverse("vouchers:bureau")
    user = request.user
    reason = post.get("reason", "")
    if action == "programme_create":

        def create() -> Any:
            return services.programme_create(
                actor=user,
                name=post.get("name", ""),
                year=_int(post.get("year")),
                total_budget=post.get("total_budget", "") or "0",
                apply_start=date.fromisoformat(post.get("apply_start", "")),
                apply_end=date.fromisoformat(post.get("apply_end", "")),
                settlement_mode=post.get("settlement_mode", ""),
                per_enterprise_cap=post.get("per_enterprise_cap") or None,
                copay_ratio=post.get("copay_ratio") or None,
                validity_days=_int(post.get("validity_days")) or None,
                eligible_enterprise_types=post.getlist("eligible_enterprise_types"),
                accepted_provider_regions=post.get("accepted_provider_regions", "")
                .replace("，", ",")
                .split(","),
            )

        return _act(request, create, "专项已创建（草稿）。", back)
    if action == "programme_open":
        programme = get_object_or_404(Programme, pk=pk)
        return _act(
            request,
            lambda: services.programme_transition(
                actor=user, programme=programme, to_status=ProgrammeStatus.OPEN
            ),
            "专项已发布，预算已拨入账本。",
            back,
        )
    if action == "programme_close":
        programme = get_object_or_404(Programme, pk=pk)
        return _act(
            request,
            lambda: services.programme_transition(
                actor=user, programme=programme, to_status=ProgrammeStatus.CLOSED
            ),
            "专项已结束申领；已发放的创新券在有效期内仍可使用。",
            back,
        )
    if action in ("provider_approve", "provider_reject", "provider_suspend"):
        provider = get_object_or_404(Provider, pk=pk)
        to = {
            "provider_approve": ProviderStatus.APPROVED,
            "provider_reject": ProviderStatus.REJECTED,
            "provider_suspend": ProviderStatus.SUSPENDED,
        }[action]
        return _act(
            request,
            lambda: services.provider_transition(
                actor=user, provider=provider, to_status=to, reason=reason
            ),
            "服务机构审核完成。",
            back,
        )
    if action in ("application_approve", "application_reject"):
        application = get_object_or_404(VoucherApplication, pk=pk)
        approve = action == "application_approve"
        return _act(
            request,
            lambda: services.application_transition(
                actor=user,
                application=application,
                to_status=ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED,
                approved_amount=post.get("approved_amount") or None,
                reason=reason,
            ),
            "申领已核准，创新券已发放。" if approve else "申领已驳回。",
            back,
        )
    if action in ("redemption_approve", "redemption_reject"):
        redemption = get_object_or_404(Redemption, pk=pk)
        approve = action == "redemption_approve"
        return _act(
            request,
            lambda: services.redemption_transition(
                actor=user,
                redemption=redemption,
                to_status=RedemptionStatus.APPROVED if approve else RedemptionStatus.REJECTED,
                reason=reason,
            ),
            "兑付已核准。" if approve else "兑付已驳回，金额退回创新券。",
            back,
        )
    if action == "batch_create":
        programme = get_object_or_404(Programme, pk=pk)
        return _act(
            request,
            lambda: services.settlement_batch_create(actor=user, programme=programme),
            "结算批次已生成，可导出付款清单。",
            back,
        )
    raise Http404


@login_required
def programme_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    programme = get_object_or_404(Programme, pk=pk)
    entries = LedgerEntry.objects.filter(programme=programme).select_related(
        "voucher", "payee", "actor"
    )
    differences = services.ledger_differences(programme)
    return render(
        request,
        "vouchers/programme_ledger.html",
        {"programme": programme, "entries": entries, "differences": differences},
    )


@login_required
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    batch = get_object_or_404(SettlementBatch, pk=pk)
    return xlsx_response(f"结算批次{batch.number}.xlsx", services.settlement_xlsx(batch))
