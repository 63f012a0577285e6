"""Builders for voucher tests: they go through the real services, as a user would."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import _org, _user
from techmarket.vouchers import services
from techmarket.vouchers.models import Order, Programme, Provider, ServiceProduct, Voucher
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    OrderStatus,
    ProgrammeStatus,
    ProviderStatus,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "evidence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, io.BytesIO(PDF).read(), content_type="application/pdf")


@dataclass
class World:
    staff: Any
    enterprise: Any
    enterprise_admin: Any
    provider_org: Any
    provider_admin: Any
    provider: Provider
    product: ServiceProduct
    programme: Programme


def make_provider(
    staff: Any, name: str = "丙检测研究院", serial: int = 61
) -> tuple[Any, Any, Provider]:
    org = _org(name, "institute", serial)
    org.legal_representative = f"{name}法人"
    org.save()
    admin = _user(f"prov{serial}", org, "org_admin")
    provider = services.provider_apply(actor=admin, organisation=org, service_scope="检验检测")
    services.provider_transition(actor=staff, provider=provider, to_status=ProviderStatus.APPROVED)
    provider.refresh_from_db()
    return org, admin, provider


def make_programme(staff: Any, **overrides: Any) -> Programme:
    day = timezone.localdate()
    values: dict[str, Any] = {
        "name": "2026年度科技创新券",
        "year": 2026,
        "total_budget": Decimal("1000000"),
        "apply_start": day - timedelta(days=10),
        "apply_end": day + timedelta(days=30),
        "settlement_mode": "provider",
        "per_enterprise_cap": Decimal("300000"),
        "copay_ratio": Decimal("0.5"),
        "validity_days": 180,
    }
    values.update(overrides)
    programme = services.programme_create(actor=staff, **values)
    return services.programme_transition(
        actor=staff, programme=programme, to_status=ProgrammeStatus.OPEN
    )


def make_world(staff: Any, enterprise_admin: Any, enterprise: Any, **programme: Any) -> World:
    enterprise.legal_representative = "企业法人"
    enterprise.save()
    org, admin, provider = make_provider(staff)
    product = services.product_create(
        actor=admin, provider=provider, name="材料成分检测", category="testing", price="40000"
    )
    return World(
        staff, enterprise, enterprise_admin, org, admin, provider, product,
        make_programme(staff, **programme),
    )  # fmt: skip


def issue_voucher(world: World, amount: str = "100000") -> Voucher:
    application = services.application_submit(
        actor=world.enterprise_admin,
        programme=world.programme,
        enterprise=world.enterprise,
        requested_amount=amount,
        purpose="新产品检测",
    )
    services.application_transition(
        actor=world.staff, application=application, to_status=ApplicationStatus.APPROVED
    )
    return Voucher.objects.get(application=application)


def confirmed_order(
    world: World, voucher: Voucher, invoice: str = "No.0001", quantity: int = 1
) -> Order:
    order = services.order_create(
        actor=world.enterprise_admin, voucher=voucher, product=world.product, quantity=quantity
    )
    services.order_transition(
        actor=world.provider_admin,
        order=order,
        to_status=OrderStatus.DELIVERED,
        evidence=services.Evidence(
            contract_party_a=world.enterprise.name,
            contract_party_b=world.provider_org.name,
            invoice_number=invoice,
            contract_file=pdf("contract.pdf"),
            report_file=pdf("report.pdf"),
            payment_proof_file=pdf("payment.pdf"),
        ),
    )
    services.order_transition(
        actor=world.enterprise_admin, order=order, to_status=OrderStatus.CONFIRMED, rating=5
    )
    order.refresh_from_db()
    return order
