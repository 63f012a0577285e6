from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from techmarket.vouchers.models import Redemption
from techmarket.vouchers.tests.factories import World, confirmed_order, issue_voucher, pdf

pytestmark = pytest.mark.django_db


def test_public_pages_show_the_programme_and_the_catalogue(world: World, client: Client) -> None:
    page = client.get(reverse("vouchers:programmes")).content.decode()
    assert "2026年度科技创新券" in page
    assert "材料成分检测" in page
    detail = client.get(reverse("vouchers:programme_detail", args=[world.programme.pk]))
    assert "最多支付服务费的 50%" in detail.content.decode()


def test_the_story_through_the_pages(world: World) -> None:
    enterprise = signed_in_client(Client(), world.enterprise_admin)
    response = enterprise.post(
        reverse("vouchers:application_submit", args=[world.programme.pk]),
        {"enterprise": world.enterprise.pk, "requested_amount": "50000", "purpose": "检测"},
        follow=True,
    )
    assert "申领已提交" in response.content.decode()
    staff = signed_in_client(Client(), world.staff)
    application = world.programme.applications.get()
    response = staff.post(
        reverse("vouchers:bureau_action", args=["application_approve", application.pk]),
        {"approved_amount": "50000"},
        follow=True,
    )
    assert "申领已核准，创新券已发放" in response.content.decode()
    voucher = application.voucher
    response = enterprise.post(
        reverse("vouchers:order_create", args=[voucher.pk]),
        {"product": world.product.pk, "quantity": "1"},
        follow=True,
    )
    order = voucher.orders.get()
    assert "已下单" in response.content.decode()
    provider = signed_in_client(Client(), world.provider_admin)
    response = provider.post(
        reverse("vouchers:order_action", args=[order.pk, "deliver"]),
        {
            "contract_party_a": world.enterprise.name,
            "contract_party_b": world.provider_org.name,
            "invoice_number": "12345678",
            "contract_file": pdf(),
            "report_file": pdf(),
            "payment_proof_file": pdf(),
        },
        follow=True,
    )
    assert "交付材料已提交" in response.content.decode()
    download = enterprise.get(reverse("vouchers:order_file", args=[order.pk, "report_file"]))
    assert download.status_code == 200
    enterprise.post(reverse("vouchers:order_action", args=[order.pk, "confirm"]), {"rating": "4"})
    page = provider.get(reverse("vouchers:order_detail", args=[order.pk])).content.decode()
    assert "提交兑付申请" in page
    response = provider.post(
        reverse("vouchers:order_action", args=[order.pk, "claim"]),
        {"idempotency_key": "form-1", "amount": "20000"},
        follow=True,
    )
    assert "兑付申请已提交" in response.content.decode()
    # A double submit of the same form is a replay, not a second charge.
    provider.post(
        reverse("vouchers:order_action", args=[order.pk, "claim"]),
        {"idempotency_key": "form-1", "amount": "20000"},
    )
    assert Redemption.objects.count() == 1
    redemption = Redemption.objects.get()
    staff.post(reverse("vouchers:bureau_action", args=["redemption_approve", redemption.pk]))
    response = staff.post(
        reverse("vouchers:bureau_action", args=["batch_create", world.programme.pk]), follow=True
    )
    assert "结算批次已生成" in response.content.decode()
    batch = world.programme.batches.get()
    export = staff.get(reverse("vouchers:batch_export", args=[batch.pk]))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_pages_refuse_what_a_user_may_not_do(world: World, outsider: Any) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    stranger = signed_in_client(Client(), outsider)
    assert stranger.get(reverse("vouchers:voucher_detail", args=[voucher.pk])).status_code == 404
    assert stranger.get(reverse("vouchers:order_detail", args=[order.pk])).status_code == 404
    assert stranger.get(reverse("vouchers:bureau")).status_code == 404
    enterprise = signed_in_client(Client(), world.enterprise_admin)
    # 机构兑付: the enterprise sees no claim form and its attempt is refused in Chinese.
    assert (
        "提交兑付申请"
        not in enterprise.get(reverse("vouchers:order_detail", args=[order.pk])).content.decode()
    )
    response = enterprise.post(
        reverse("vouchers:order_action", args=[order.pk, "claim"]),
        {"idempotency_key": "x"},
        follow=True,
    )
    assert "机构兑付" in response.content.decode()
    assert Redemption.objects.count() == 0


def test_staff_trace_every_amount_in_the_programme_ledger(world: World) -> None:
    voucher = issue_voucher(world, "30000")
    staff = signed_in_client(Client(), world.staff)
    page = staff.get(
        reverse("vouchers:programme_ledger", args=[world.programme.pk])
    ).content.decode()
    assert "一致：所有余额与账本相符" in page
    assert f"发放创新券 {voucher.number}" in page
    entries = staff.get(f"/api/v1/voucher-programmes/{world.programme.pk}/ledger").json()
    assert [e["kind"] for e in entries] == ["funding", "issue", "issue"]
    assert sum(float(e["amount"]) for e in entries if e["account"] == "budget") == 970000


def test_staff_suspend_a_provider_and_close_a_programme(world: World) -> None:
    voucher = issue_voucher(world)
    staff = signed_in_client(Client(), world.staff)
    response = staff.post(
        reverse("vouchers:bureau_action", args=["provider_suspend", world.provider.pk]),
        {"reason": "合同弄虚作假"},
        follow=True,
    )
    assert "服务机构审核完成" in response.content.decode()
    assert "材料成分检测" not in Client().get(reverse("vouchers:programmes")).content.decode()
    from techmarket.core.errors import ApplicationError
    from techmarket.vouchers import services

    with pytest.raises(ApplicationError, match="不在入库名单中"):
        services.order_create(actor=world.enterprise_admin, voucher=voucher, product=world.product)
    response = staff.post(
        reverse("vouchers:bureau_action", args=["programme_close", world.programme.pk]), follow=True
    )
    assert "专项已结束申领" in response.content.decode()
    enterprise = signed_in_client(Client(), world.enterprise_admin)
    response = enterprise.post(
        reverse("vouchers:application_submit", args=[world.programme.pk]),
        {"enterprise": world.enterprise.pk, "requested_amount": "1000", "purpose": "x"},
        follow=True,
    )
    assert "只有申领中的专项可以申领" in response.content.decode()


def test_staff_set_up_and_publish_a_programme_from_the_bureau_page(bureau_staff: Any) -> None:
    from techmarket.vouchers.models import LedgerEntry, Programme

    staff = signed_in_client(Client(), bureau_staff)
    response = staff.post(
        reverse("vouchers:bureau_action", args=["programme_create"]),
        {
            "name": "京津冀通用创新券",
            "year": "2026",
            "total_budget": "2000000",
            "per_enterprise_cap": "100000",
            "copay_ratio": "0.3",
            "validity_days": "180",
            "apply_start": "2026-01-01",
            "apply_end": "2026-12-31",
            "settlement_mode": "enterprise",
            "eligible_enterprise_types": ["enterprise", "institute"],
            "accepted_provider_regions": "11，12,13",
        },
        follow=True,
    )
    assert "专项已创建（草稿）" in response.content.decode()
    programme = Programme.objects.get()
    assert programme.accepted_provider_regions == ["11", "12", "13"]
    assert programme.copay_ratio == Decimal("0.3")
    assert programme.budget_remaining == 0
    staff.post(reverse("vouchers:bureau_action", args=["programme_open", programme.pk]))
    programme.refresh_from_db()
    assert programme.budget_remaining == Decimal("2000000.00")
    assert LedgerEntry.objects.get().kind == "funding"
    response = staff.post(
        reverse("vouchers:bureau_action", args=["programme_create"]),
        {"name": "坏专项", "year": "2026", "total_budget": "100", "copay_ratio": "1.5",
         "apply_start": "2026-03-01", "apply_end": "2026-02-01", "settlement_mode": "enterprise"},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert "支付比例应在 0 到 1 之间" in page
    assert "申领截止日期不能早于开始日期" in page
