"""Providers (入库服务机构) and their service products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from techmarket.accounts import access as accounts_access
from techmarket.accounts.models import Organisation
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.vouchers import access
from techmarket.vouchers.models import ProductCategory, Provider, ServiceProduct
from techmarket.vouchers.services._common import bounded, move
from techmarket.vouchers.workflow import PROVIDER_TRANSITIONS, ProviderStatus


@transaction.atomic
def provider_apply(*, actor: Any, organisation: Organisation, service_scope: str) -> Provider:
    accounts_access.ensure_can_publish(actor, organisation)
    access.ensure_acts_for(actor, organisation, "申请成为服务机构")
    scope = (service_scope or "").strip()
    if not scope:
        raise ApplicationError(
            "请填写服务范围。", code="validation_error", fields={"service_scope": "必填"}
        )
    existing = Provider.objects.select_for_update().filter(organisation=organisation).first()
    if existing is not None:
        if existing.status != ProviderStatus.REJECTED:
            raise ApplicationError(
                f"本机构已提交过服务机构申请（当前：{existing.get_status_display()}）。",
                code="already_applied",
                status=409,
            )
        existing.service_scope = scope
        existing.save(update_fields=["service_scope", "updated_at"])
        provider_transition(actor=actor, provider=existing, to_status=ProviderStatus.PENDING)
        return existing
    provider = Provider.objects.create(
        organisation=organisation, service_scope=scope, applied_by=actor
    )
    audit.record(
        "voucher_provider.apply",
        actor=actor,
        organisation=organisation,
        obj=provider,
        summary=f"“{organisation.name}”申请成为创新券服务机构",
    )
    return provider


@transaction.atomic
def provider_transition(
    *, actor: Any, provider: Provider, to_status: str, reason: str = ""
) -> Provider:
    locked = Provider.objects.select_for_update().select_related("organisation").get(pk=provider.pk)
    if to_status == ProviderStatus.PENDING:
        access.ensure_acts_for(actor, locked.organisation, "重新提交服务机构申请")
    else:
        access.ensure_bureau_staff(actor, "审核服务机构")
    if to_status in (ProviderStatus.REJECTED, ProviderStatus.SUSPENDED) and not reason.strip():
        raise ApplicationError(
            "驳回或取消资格必须填写原因。", code="reason_required", fields={"reason": "必填"}
        )
    locked.status_reason = reason.strip()
    move(
        locked,
        transitions=PROVIDER_TRANSITIONS,
        choices=ProviderStatus,
        to_status=to_status,
        actor=actor,
        reason=reason,
        organisation=locked.organisation,
        action=f"voucher_provider.{to_status}",
        summary=f"服务机构“{locked.organisation.name}”",
        extra_fields=("status_reason",),
    )
    return locked


def _product_values(
    *, name: str, category: str, price: Decimal | str, unit: str, lead_time_days: int
) -> dict[str, Any]:
    fields: dict[str, str] = {}
    if not (name or "").strip() or len(name.strip()) > 200:
        fields["name"] = "必填，最多 200 个字符"
    if len((unit or "").strip()) > 40:
        fields["unit"] = "最多 40 个字符"
    if category not in ProductCategory.values:
        fields["category"] = "无效的服务类别"
    try:
        amount = bounded(price, field="price", label="价格")
    except ApplicationError:
        amount = Decimal("-1")
    if amount < 0:
        fields["price"] = "价格应为不小于 0 的金额"
    if not 0 <= lead_time_days <= 3650:
        fields["lead_time_days"] = "应为 0 到 3650 天"
    if fields:
        raise ApplicationError(
            "服务产品信息有误：" + "；".join(f"{k}{v}" for k, v in fields.items()),
            code="validation_error",
            fields=fields,
        )
    return {
        "name": name.strip(),
        "category": category,
        "price": amount,
        "unit": (unit or "次").strip(),
        "lead_time_days": lead_time_days,
    }


@transaction.atomic
def product_create(
    *,
    actor: Any,
    provider: Provider,
    name: str,
    category: str,
    price: Decimal | str,
    unit: str = "次",
    lead_time_days: int = 7,
    description: str = "",
) -> ServiceProduct:
    provider = Provider.objects.select_related("organisation").get(pk=provider.pk)
    access.ensure_acts_for(actor, provider.organisation, "发布服务产品")
    if not provider.is_approved:
        raise ApplicationError(
            f"服务机构尚未入库（当前：{provider.get_status_display()}），入库后才能发布服务产品。",
            code="provider_not_approved",
            status=409,
        )
    values = _product_values(
        name=name, category=category, price=price, unit=unit, lead_time_days=lead_time_days
    )
    product = ServiceProduct.objects.create(
        provider=provider, description=description.strip(), **values
    )
    audit.record(
        "service_product.create",
        actor=actor,
        organisation=provider.organisation,
        obj=product,
        summary=f"发布服务产品“{product.name}”",
    )
    return product


@transaction.atomic
def product_set_active(*, actor: Any, product: ServiceProduct, active: bool) -> ServiceProduct:
    access.ensure_acts_for(actor, product.provider.organisation, "上下架服务产品")
    product.is_active = active
    product.save(update_fields=["is_active", "updated_at"])
    audit.record(
        "service_product.list" if active else "service_product.unlist",
        actor=actor,
        organisation=product.provider.organisation,
        obj=product,
        summary=f"服务产品“{product.name}”{'上架' if active else '下架'}",
    )
    return product
