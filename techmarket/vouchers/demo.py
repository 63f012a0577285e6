"""Demo data of the voucher scheme: providers, products, a running programme with vouchers
in every state, orders at every step, a settled batch — all through the real services, so
the ledger balances (`techmarket ledger_check` passes on the demo)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from techmarket.core.demo import DemoContext
from techmarket.vouchers import services
from techmarket.vouchers.models import Order, ServiceProduct, Voucher
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    OrderStatus,
    ProgrammeStatus,
    ProviderStatus,
    RedemptionStatus,
    VoucherStatus,
)

# accounts/demo.py gives every organisation the same legal representative; the related-
# party check (same legal representative ⇒ related) would then refuse every demo order.
LEGAL_REPRESENTATIVES = {
    "enterprise": "王建国",
    "university": "李德明",
    "institute": "赵振华",
    "service": "周立新",
    "other": "钱文博",
}

PRODUCTS = [
    ("institute", "材料成分检测（ICP-OES）", "testing", "3000", "样品", 5),
    ("institute", "金属零部件失效分析", "analysis", "8000", "项", 15),
    ("service", "智能制造技术解决方案咨询", "solution", "20000", "项", 30),
    ("university", "工业产品外观与结构设计", "design", "50000", "项", 45),
    ("university", "新材料中试熟化服务", "pilot", "120000", "批", 60),
]

PDF = b"%PDF-1.4\n% TechMarket demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _user(context: DemoContext, username: str) -> Any:
    return context.users[username][0]


def load(context: DemoContext) -> None:
    if "bureau" not in context.users:
        return
    orgs = context.organisations
    for key, name in LEGAL_REPRESENTATIVES.items():
        if key in orgs:
            orgs[key].legal_representative = name
            orgs[key].save(update_fields=["legal_representative"])
    staff = _user(context, "bureau")
    admins = {"institute": "institute", "service": "service", "university": "university"}
    providers = {}
    for key, username in admins.items():
        provider = services.provider_apply(
            actor=_user(context, username),
            organisation=orgs[key],
            service_scope="检验检测、分析测试、研发设计与技术咨询",
        )
        providers[key] = services.provider_transition(
            actor=staff, provider=provider, to_status=ProviderStatus.APPROVED
        )
    services.provider_apply(
        actor=_user(context, "other"), organisation=orgs["other"], service_scope="创业辅导与培训"
    )
    products: dict[str, ServiceProduct] = {}
    for key, name, category, price, unit, days in PRODUCTS:
        products[name] = services.product_create(
            actor=_user(context, admins[key]),
            provider=providers[key],
            name=name,
            category=category,
            price=price,
            unit=unit,
            lead_time_days=days,
            description=f"{name}，出具正式报告。",
        )

    day = timezone.localdate()
    programme = services.programme_create(
        actor=staff,
        name=f"{day.year}年度滨海市科技创新券",
        year=day.year,
        total_budget="5000000",
        apply_start=day - timedelta(days=30),
        apply_end=day + timedelta(days=60),
        settlement_mode="provider",
        per_enterprise_cap="300000",
        copay_ratio="0.5",
        validity_days=365,
        eligible_enterprise_types=["enterprise"],
        accepted_provider_regions=["12", "11", "13"],
    )
    programme = services.programme_transition(
        actor=staff, programme=programme, to_status=ProgrammeStatus.OPEN
    )
    services.programme_create(
        actor=staff,
        name=f"{day.year + 1}年度滨海市科技创新券（筹备中）",
        year=day.year + 1,
        total_budget="6000000",
        apply_start=day + timedelta(days=90),
        apply_end=day + timedelta(days=180),
        settlement_mode="enterprise",
    )

    enterprise = orgs["enterprise"]
    owner = _user(context, "enterprise")

    def issue(amount: str) -> Voucher:
        application = services.application_submit(
            actor=owner,
            programme=programme,
            enterprise=enterprise,
            requested_amount=amount,
            purpose="用于新产品检测、设计与技术攻关",
        )
        services.application_transition(
            actor=staff, application=application, to_status=ApplicationStatus.APPROVED
        )
        return Voucher.objects.get(application=application)

    main = issue("100000")
    used = issue("20000")
    to_expire = issue("30000")
    to_cancel = issue("20000")
    services.application_submit(
        actor=owner,
        programme=programme,
        enterprise=enterprise,
        requested_amount="50000",
        purpose="下半年研发设计服务",
    )  # stays 待审核

    serial = [0]

    def order(voucher: Voucher, product: str, quantity: int, until: str) -> Order:
        item = products[product]
        placed = services.order_create(
            actor=owner, voucher=voucher, product=item, quantity=quantity, requirements="按合同执行"
        )
        if until == OrderStatus.ORDERED:
            return placed
        provider_org = item.provider.organisation
        provider_user = _user(
            context, admins[next(k for k, o in orgs.items() if o == provider_org)]
        )
        serial[0] += 1
        services.order_transition(
            actor=provider_user,
            order=placed,
            to_status=OrderStatus.DELIVERED,
            evidence=services.Evidence(
                contract_party_a=enterprise.name,
                contract_party_b=provider_org.name,
                invoice_number=f"12002600{serial[0]:04d}",
                contract_file=_pdf("服务合同.pdf"),
                report_file=_pdf("服务报告.pdf"),
                payment_proof_file=_pdf("付款凭证.pdf"),
            ),
        )
        if until == OrderStatus.DELIVERED:
            return placed
        services.order_transition(
            actor=owner,
            order=placed,
            to_status=OrderStatus.CONFIRMED,
            rating=5,
            comment="服务专业，按期交付。",
        )
        return placed

    def claim(placed: Order) -> Any:
        provider_org = placed.provider.organisation
        username = admins[next(k for k, o in orgs.items() if o == provider_org)]
        return services.redemption_claim(
            actor=_user(context, username), order=placed, idempotency_key=f"demo-{placed.pk}"
        ).redemption

    settled = claim(order(main, "工业产品外观与结构设计", 1, OrderStatus.CONFIRMED))
    services.redemption_transition(
        actor=staff, redemption=settled, to_status=RedemptionStatus.APPROVED
    )
    services.settlement_batch_create(actor=staff, programme=programme)
    approved = claim(order(main, "智能制造技术解决方案咨询", 1, OrderStatus.CONFIRMED))
    services.redemption_transition(
        actor=staff, redemption=approved, to_status=RedemptionStatus.APPROVED
    )
    claim(order(main, "金属零部件失效分析", 2, OrderStatus.CONFIRMED))  # 待审核
    rejected = claim(order(main, "材料成分检测（ICP-OES）", 2, OrderStatus.CONFIRMED))
    services.redemption_transition(
        actor=staff,
        redemption=rejected,
        to_status=RedemptionStatus.REJECTED,
        reason="付款凭证金额与合同不一致，请补正后重新申请",
    )
    order(main, "材料成分检测（ICP-OES）", 3, OrderStatus.CONFIRMED)
    order(main, "金属零部件失效分析", 1, OrderStatus.DELIVERED)
    order(main, "材料成分检测（ICP-OES）", 1, OrderStatus.ORDERED)
    used_claim = claim(order(used, "智能制造技术解决方案咨询", 2, OrderStatus.CONFIRMED))
    services.redemption_transition(
        actor=staff, redemption=used_claim, to_status=RedemptionStatus.APPROVED
    )
    Voucher.objects.filter(pk=to_expire.pk).update(valid_until=day - timedelta(days=1))
    services.vouchers_expire(day=day)
    services.voucher_transition(
        actor=staff, voucher=to_cancel, to_status=VoucherStatus.CANCELLED, reason="企业申请放弃"
    )
    programme.refresh_from_db()
    context.notes.append(
        f"科技创新券：专项“{programme.name}”剩余预算 {programme.budget_remaining} 元；"
        f"企业账户 enterprise 持有可使用、已用完、已过期、已作废的创新券各一张；"
        "账本可用 `techmarket ledger_check` 核对。"
    )
