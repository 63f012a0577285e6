"""/api/v1 endpoints of the voucher scheme: each calls the same service as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Header, Router, Status
from ninja.files import UploadedFile

from techmarket.accounts import access as accounts_access
from techmarket.core.api_auth import PUBLIC, ErrorOut
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.exports import xlsx_response
from techmarket.vouchers import access, selectors, services
from techmarket.vouchers.models import (
    LedgerEntry,
    Programme,
    Provider,
    Redemption,
    SettlementBatch,
    Voucher,
    VoucherApplication,
)
from techmarket.vouchers.schemas import (
    ApplicationIn,
    ApplicationOut,
    ConfirmIn,
    DecisionIn,
    LedgerEntryOut,
    OrderIn,
    OrderOut,
    ProductIn,
    ProductOut,
    ProgrammeIn,
    ProgrammeOut,
    ProviderIn,
    ProviderOut,
    RedemptionIn,
    RedemptionOut,
    SettlementIn,
    SettlementOut,
    VoucherOut,
)
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    OrderStatus,
    ProgrammeStatus,
    ProviderStatus,
    RedemptionStatus,
)

router = Router(tags=["科技创新券"])
ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _page(queryset: Any, limit: int, offset: int) -> Any:
    """At most 500 rows per request (``limit``, ``offset``), in a stable order."""
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, 1_000_000_000))
    if not queryset.query.order_by and not queryset.model._meta.ordering:
        queryset = queryset.order_by("pk")
    return queryset[offset : offset + limit]


def _decision(decision: str, approve: str, reject: str) -> str:
    if decision not in ("approve", "reject"):
        raise ApplicationError(
            "decision 应为 approve（通过）或 reject（驳回）。",
            code="validation_error",
            fields={"decision": "approve 或 reject"},
        )
    return approve if decision == "approve" else reject


def get_object_or_404(source: Any, **lookup: Any) -> Any:
    """The API's 404 in the project's error shape (not Django's plain Http404)."""
    queryset = source.objects.all() if hasattr(source, "objects") else source
    found = queryset.filter(**lookup).first()
    if found is None:
        raise NotFound()
    return found


# ---- programmes and applications -------------------------------------------------------


@router.get(
    "/voucher-programmes", auth=PUBLIC, response={200: list[ProgrammeOut]}, summary="创新券专项"
)
def list_programmes(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    if access.is_bureau_staff(request.user):
        return _page(
            Programme.objects.all(),
            limit,
            offset,
        )
    return _page(
        selectors.public_programmes(),
        limit,
        offset,
    )


@router.post(
    "/voucher-programmes", response={201: ProgrammeOut, **ERRORS}, summary="设立专项（科技局）"
)
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Status[Any]:
    return Status(201, services.programme_create(actor=request.user, **payload.dict()))


@router.post(
    "/voucher-programmes/{pk}/open", response={200: ProgrammeOut, **ERRORS}, summary="发布专项"
)
def open_programme(request: HttpRequest, pk: int) -> Any:
    programme = get_object_or_404(Programme, pk=pk)
    return services.programme_transition(
        actor=request.user, programme=programme, to_status=ProgrammeStatus.OPEN
    )


@router.post(
    "/voucher-programmes/{pk}/applications",
    response={201: ApplicationOut, **ERRORS},
    summary="申领创新券（企业）",
)
def apply(request: HttpRequest, pk: int, payload: ApplicationIn) -> Status[Any]:
    programme = get_object_or_404(selectors.public_programmes(), pk=pk)
    application = services.application_submit(
        actor=request.user,
        programme=programme,
        enterprise=accounts_access.get_own_organisation(request.user, payload.enterprise_id),
        requested_amount=payload.requested_amount,
        purpose=payload.purpose,
    )
    return Status(201, application)


@router.get(
    "/voucher-applications", response={200: list[ApplicationOut], **ERRORS}, summary="申领记录"
)
def list_applications(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    if access.is_bureau_staff(request.user):
        return _page(
            VoucherApplication.objects.all(),
            limit,
            offset,
        )
    return _page(
        selectors.applications_for(request.user),
        limit,
        offset,
    )


@router.post(
    "/voucher-applications/{pk}/decision",
    response={200: ApplicationOut, **ERRORS},
    summary="审核申领（科技局；通过即发券）",
)
def decide_application(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    access.ensure_bureau_staff(request.user, "审核创新券申领")
    application = get_object_or_404(VoucherApplication, pk=pk)
    return services.application_transition(
        actor=request.user,
        application=application,
        to_status=_decision(
            payload.decision, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED
        ),
        approved_amount=payload.approved_amount,
        reason=payload.reason,
    )


@router.get(
    "/voucher-programmes/{pk}/ledger",
    response={200: list[LedgerEntryOut], **ERRORS},
    summary="专项账本分录（科技局）",
)
def programme_ledger(request: HttpRequest, pk: int, limit: int = 100, offset: int = 0) -> Any:
    access.ensure_bureau_staff(request.user, "查看专项账本")
    programme = get_object_or_404(Programme, pk=pk)
    return _page(
        LedgerEntry.objects.filter(programme=programme).order_by("id"),
        limit,
        offset,
    )


# ---- vouchers ---------------------------------------------------------------------------


@router.get("/vouchers", response={200: list[VoucherOut], **ERRORS}, summary="创新券")
def list_vouchers(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    if access.is_bureau_staff(request.user):
        return _page(
            Voucher.objects.all(),
            limit,
            offset,
        )
    return _page(
        selectors.vouchers_for(request.user),
        limit,
        offset,
    )


@router.get("/vouchers/{pk}", response={200: VoucherOut, **ERRORS}, summary="创新券详情")
def get_voucher(request: HttpRequest, pk: int) -> Any:
    return access.get_voucher_for_user(request.user, pk)


@router.get(
    "/vouchers/{pk}/ledger",
    response={200: list[LedgerEntryOut], **ERRORS},
    summary="创新券的账本分录",
)
def voucher_ledger(request: HttpRequest, pk: int, limit: int = 100, offset: int = 0) -> Any:
    voucher = access.get_voucher_for_user(request.user, pk)
    return _page(
        LedgerEntry.objects.filter(voucher=voucher).order_by("id"),
        limit,
        offset,
    )


@router.post(
    "/vouchers/{pk}/orders", response={201: OrderOut, **ERRORS}, summary="用创新券订购服务"
)
def create_order(request: HttpRequest, pk: int, payload: OrderIn) -> Status[Any]:
    voucher = access.get_voucher_for_user(request.user, pk)
    product = get_object_or_404(selectors.listed_products(), pk=payload.product_id)
    order = services.order_create(
        actor=request.user,
        voucher=voucher,
        product=product,
        quantity=payload.quantity,
        requirements=payload.requirements,
    )
    return Status(201, order)


# ---- providers and products ----------------------------------------------------------------


@router.post(
    "/voucher-providers", response={201: ProviderOut, **ERRORS}, summary="申请成为服务机构"
)
def apply_provider(request: HttpRequest, payload: ProviderIn) -> Status[Any]:
    provider = services.provider_apply(
        actor=request.user,
        organisation=accounts_access.get_own_organisation(request.user, payload.organisation_id),
        service_scope=payload.service_scope,
    )
    return Status(201, provider)


@router.post(
    "/voucher-providers/{pk}/decision",
    response={200: ProviderOut, **ERRORS},
    summary="服务机构入库审核（科技局）",
)
def decide_provider(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    provider = get_object_or_404(Provider, pk=pk)
    return services.provider_transition(
        actor=request.user,
        provider=provider,
        to_status=_decision(payload.decision, ProviderStatus.APPROVED, ProviderStatus.REJECTED),
        reason=payload.reason,
    )


@router.get(
    "/service-products", auth=PUBLIC, response={200: list[ProductOut]}, summary="服务产品目录"
)
def list_products(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    return _page(
        selectors.listed_products(),
        limit,
        offset,
    )


@router.post("/service-products", response={201: ProductOut, **ERRORS}, summary="发布服务产品")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[Any]:
    provider = access.provider_of(request.user)
    if provider is None:
        raise NotFound("您所在的机构不是服务机构。")
    return Status(
        201, services.product_create(actor=request.user, provider=provider, **payload.dict())
    )


# ---- orders ---------------------------------------------------------------------------------


@router.get("/voucher-orders/{pk}", response={200: OrderOut, **ERRORS}, summary="订单详情")
def get_order(request: HttpRequest, pk: int) -> Any:
    return access.get_order_for_user(request.user, pk)


@router.post(
    "/voucher-orders/{pk}/delivery",
    response={200: OrderOut, **ERRORS},
    summary="服务机构交付并上传材料（multipart）",
)
def deliver(
    request: HttpRequest,
    pk: int,
    contract_party_a: Form[str],
    contract_party_b: Form[str],
    invoice_number: Form[str],
    contract_file: File[UploadedFile],
    report_file: File[UploadedFile],
    payment_proof_file: File[UploadedFile],
) -> Any:
    order = access.get_order_for_user(request.user, pk)
    return services.order_transition(
        actor=request.user,
        order=order,
        to_status=OrderStatus.DELIVERED,
        evidence=services.Evidence(
            contract_party_a=contract_party_a,
            contract_party_b=contract_party_b,
            invoice_number=invoice_number,
            contract_file=contract_file,
            report_file=report_file,
            payment_proof_file=payment_proof_file,
        ),
    )


@router.post(
    "/voucher-orders/{pk}/confirmation",
    response={200: OrderOut, **ERRORS},
    summary="企业确认服务并评价",
)
def confirm(request: HttpRequest, pk: int, payload: ConfirmIn) -> Any:
    order = access.get_order_for_user(request.user, pk)
    return services.order_transition(
        actor=request.user,
        order=order,
        to_status=OrderStatus.CONFIRMED,
        rating=payload.rating,
        comment=payload.comment,
    )


@router.post(
    "/voucher-orders/{pk}/redemptions",
    response={200: RedemptionOut, 201: RedemptionOut, **ERRORS},
    summary="申请兑付（需 Idempotency-Key 请求头）",
)
def claim(
    request: HttpRequest,
    pk: int,
    payload: RedemptionIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
) -> Status[Any]:
    """同一幂等键、同一请求体：返回第一次的结果（200）；同一幂等键、不同请求体：409。"""
    order = access.get_order_for_user(request.user, pk)
    result = services.redemption_claim(
        actor=request.user, order=order, idempotency_key=idempotency_key, amount=payload.amount
    )
    return Status(200 if result.replayed else 201, result.redemption)


# ---- redemptions and settlements ------------------------------------------------------------


@router.get("/redemptions", response={200: list[RedemptionOut], **ERRORS}, summary="兑付申请")
def list_redemptions(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    if access.is_bureau_staff(request.user):
        return _page(
            Redemption.objects.all(),
            limit,
            offset,
        )
    return _page(
        selectors.redemptions_for(request.user),
        limit,
        offset,
    )


@router.post(
    "/redemptions/{pk}/decision",
    response={200: RedemptionOut, **ERRORS},
    summary="审核兑付（科技局）",
)
def decide_redemption(request: HttpRequest, pk: int, payload: DecisionIn) -> Any:
    redemption = access.get_redemption_for_user(request.user, pk)
    return services.redemption_transition(
        actor=request.user,
        redemption=redemption,
        to_status=_decision(payload.decision, RedemptionStatus.APPROVED, RedemptionStatus.REJECTED),
        reason=payload.reason,
    )


@router.get("/settlements", response={200: list[SettlementOut], **ERRORS}, summary="结算批次")
def list_settlements(request: HttpRequest, limit: int = 100, offset: int = 0) -> Any:
    access.ensure_bureau_staff(request.user, "查看结算批次")
    return _page(
        SettlementBatch.objects.all(),
        limit,
        offset,
    )


@router.post(
    "/settlements", response={201: SettlementOut, **ERRORS}, summary="生成结算批次（科技局）"
)
def create_settlement(request: HttpRequest, payload: SettlementIn) -> Status[Any]:
    programme = get_object_or_404(Programme, pk=payload.programme_id)
    return Status(201, services.settlement_batch_create(actor=request.user, programme=programme))


@router.get(
    "/settlements/{pk}/export",
    response={200: None, **ERRORS},
    summary="导出结算批次付款清单（xlsx）",
)
def export_settlement(request: HttpRequest, pk: int) -> HttpResponse:
    access.ensure_bureau_staff(request.user, "导出结算批次")
    batch = get_object_or_404(SettlementBatch, pk=pk)
    return xlsx_response(f"结算批次{batch.number}.xlsx", services.settlement_xlsx(batch))
