from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from conftest import _user
from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.models import StatusChange
from techmarket.vouchers import services
from techmarket.vouchers.models import LedgerEntry, PayableAccount, Programme, Voucher
from techmarket.vouchers.tests.factories import World, confirmed_order, issue_voucher
from techmarket.vouchers.workflow import (
    ApplicationStatus,
    OrderStatus,
    RedemptionStatus,
    VoucherStatus,
)

pytestmark = pytest.mark.django_db


def _claim(world: World, order: Any, key: str = "k-1", amount: Any = None) -> Any:
    return services.redemption_claim(
        actor=world.provider_admin, order=order, idempotency_key=key, amount=amount
    )


def test_the_whole_voucher_story_keeps_every_yuan_in_the_ledger(world: World) -> None:
    voucher = issue_voucher(world, "100000")
    assert voucher.number.startswith("CXQ2026")
    assert voucher.balance == Decimal("100000.00")
    world.programme.refresh_from_db()
    assert world.programme.budget_remaining == Decimal("900000.00")

    order = confirmed_order(world, voucher)
    assert order.status == OrderStatus.CONFIRMED
    assert order.rating == 5
    result = _claim(world, order)
    # 机构兑付: the provider claims, the voucher pays 50 % of the 40,000 fee.
    assert result.redemption.amount == Decimal("20000.00")
    assert result.redemption.payee == world.provider_org
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("80000.00")

    services.redemption_transition(
        actor=world.staff, redemption=result.redemption, to_status=RedemptionStatus.APPROVED
    )
    payable = PayableAccount.objects.get(payee=world.provider_org)
    assert payable.balance == Decimal("20000.00")

    batch = services.settlement_batch_create(actor=world.staff, programme=world.programme)
    assert batch.total == Decimal("20000.00")
    payable.refresh_from_db()
    assert payable.balance == 0
    result.redemption.refresh_from_db()
    assert result.redemption.status == RedemptionStatus.SETTLED

    content = services.settlement_xlsx(batch)
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "收款单位"
    assert rows[1][3] == world.provider_org.name
    assert Decimal(str(rows[1][8])) == Decimal("20000")

    assert services.ledger_differences() == []
    kinds = list(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == ["funding", "issue", "issue", "claim", "approve", "settle"]
    assert StatusChange.objects.filter(to_status=RedemptionStatus.SETTLED).count() == 1


def test_enterprise_settlement_mode_makes_the_enterprise_the_claimant(
    bureau_staff: Any, org_admin: Any, enterprise: Any
) -> None:
    from techmarket.vouchers.tests.factories import make_world

    world = make_world(bureau_staff, org_admin, enterprise, settlement_mode="enterprise")
    order = confirmed_order(world, issue_voucher(world))
    with pytest.raises(PermissionRefused, match="企业兑付"):
        services.redemption_claim(actor=world.provider_admin, order=order, idempotency_key="a")
    result = services.redemption_claim(actor=org_admin, order=order, idempotency_key="a")
    assert result.redemption.payee == enterprise


def test_approval_is_capped_by_the_enterprise_cap_and_the_remaining_budget(
    bureau_staff: Any, org_admin: Any, enterprise: Any
) -> None:
    from techmarket.vouchers.tests.factories import make_world

    world = make_world(
        bureau_staff, org_admin, enterprise, total_budget="150000", per_enterprise_cap="120000"
    )
    with pytest.raises(ApplicationError, match="不超过本企业可申领额度"):
        services.application_submit(
            actor=org_admin, programme=world.programme, enterprise=enterprise,
            requested_amount="130000", purpose="检测",
        )  # fmt: skip
    issue_voucher(world, "100000")
    application = services.application_submit(
        actor=org_admin, programme=world.programme, enterprise=enterprise,
        requested_amount="20000", purpose="检测",
    )  # fmt: skip
    # Another enterprise drains the budget first.
    other = world.provider_org  # any verified organisation will do for the budget
    Programme.objects.filter(pk=world.programme.pk).update(
        eligible_enterprise_types=["enterprise", "institute"]
    )
    world.programme.refresh_from_db()
    other_app = services.application_submit(
        actor=world.provider_admin, programme=world.programme, enterprise=other,
        requested_amount="45000", purpose="检测",
    )  # fmt: skip
    services.application_transition(
        actor=bureau_staff, application=other_app, to_status=ApplicationStatus.APPROVED
    )
    with pytest.raises(ApplicationError, match=r"专项剩余预算 5,000\.00元"):
        services.application_transition(
            actor=bureau_staff, application=application, to_status=ApplicationStatus.APPROVED
        )
    services.application_transition(
        actor=bureau_staff, application=application, to_status=ApplicationStatus.APPROVED,
        approved_amount="5000",
    )  # fmt: skip
    world.programme.refresh_from_db()
    assert world.programme.budget_remaining == 0
    assert services.ledger_differences() == []


def test_it_refuses_applications_outside_the_window_and_from_ineligible_types(
    bureau_staff: Any, org_admin: Any, enterprise: Any
) -> None:
    from techmarket.vouchers.tests.factories import make_world

    day = timezone.localdate()
    world = make_world(
        bureau_staff, org_admin, enterprise,
        apply_start=day + timedelta(days=1), apply_end=day + timedelta(days=5),
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="不在申领期内"):
        services.application_submit(
            actor=org_admin, programme=world.programme, enterprise=enterprise,
            requested_amount="1000", purpose="x",
        )  # fmt: skip
    Programme.objects.filter(pk=world.programme.pk).update(apply_start=day)
    world.programme.refresh_from_db()
    with pytest.raises(ApplicationError, match="只接受以下类型的机构申领：企业"):
        services.application_submit(
            actor=world.provider_admin, programme=world.programme,
            enterprise=world.provider_org, requested_amount="1000", purpose="x",
        )  # fmt: skip


def test_a_refused_move_says_what_is_allowed(world: World) -> None:
    voucher = issue_voucher(world)
    order = services.order_create(
        actor=world.enterprise_admin, voucher=voucher, product=world.product
    )
    with pytest.raises(ApplicationError) as info:
        services.order_transition(
            actor=world.enterprise_admin, order=order, to_status=OrderStatus.CONFIRMED, rating=4
        )
    assert "状态为“已下单”时不能变更为“已确认”" in info.value.message
    assert "已交付" in info.value.message


def test_it_refuses_a_voucher_redeemed_beyond_its_value(world: World) -> None:
    voucher = issue_voucher(world, "30000")
    first = confirmed_order(world, voucher, invoice="A1")
    second = confirmed_order(world, voucher, invoice="A2")
    assert _claim(world, first, "k1").redemption.amount == Decimal("20000.00")
    with pytest.raises(ApplicationError, match="余额不足"):
        _claim(world, second, "k2", amount="20000")
    # Without an amount, the claim takes what is left.
    assert _claim(world, second, "k3").redemption.amount == Decimal("10000.00")
    voucher.refresh_from_db()
    assert voucher.balance == 0
    assert voucher.status == VoucherStatus.USED_UP
    assert services.ledger_differences() == []


def test_it_refuses_a_claim_above_the_co_payment_ratio(world: World) -> None:
    order = confirmed_order(world, issue_voucher(world))
    with pytest.raises(ApplicationError, match="不超过服务费的 50%"):
        _claim(world, order, amount="20000.01")


def test_the_same_idempotency_key_replays_or_refuses(world: World) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    first = _claim(world, order, "same", amount="15000")
    again = _claim(world, order, "same", amount="15000")
    assert again.replayed
    assert again.redemption.pk == first.redemption.pk
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("85000.00")  # charged once
    with pytest.raises(ApplicationError, match="幂等键已用于另一笔内容不同") as info:
        _claim(world, order, "same", amount="14000")
    assert info.value.status == 409


def test_a_rejected_claim_returns_its_value_to_the_voucher(world: World) -> None:
    voucher = issue_voucher(world, "20000")
    order = confirmed_order(world, voucher)
    result = _claim(world, order)
    voucher.refresh_from_db()
    assert voucher.status == VoucherStatus.USED_UP
    with pytest.raises(ApplicationError, match="必须填写原因"):
        services.redemption_transition(
            actor=world.staff, redemption=result.redemption, to_status=RedemptionStatus.REJECTED
        )
    services.redemption_transition(
        actor=world.staff, redemption=result.redemption, to_status=RedemptionStatus.REJECTED,
        reason="付款凭证不清晰",
    )  # fmt: skip
    voucher.refresh_from_db()
    assert voucher.balance == Decimal("20000.00")
    assert voucher.status == VoucherStatus.ACTIVE
    # A corrected claim for the same order is possible after a rejection.
    assert _claim(world, order, "k-2").redemption.amount == Decimal("20000.00")
    assert services.ledger_differences() == []


def test_expiry_returns_the_unused_value_to_the_budget(world: World) -> None:
    voucher = issue_voucher(world, "100000")
    _claim(world, confirmed_order(world, voucher))
    later = timezone.localdate() + timedelta(days=181)
    call_command("expire_vouchers", "--date", later.isoformat())
    voucher.refresh_from_db()
    world.programme.refresh_from_db()
    assert voucher.status == VoucherStatus.EXPIRED
    assert voucher.balance == 0
    assert world.programme.budget_remaining == Decimal("980000.00")
    assert services.ledger_differences() == []
    call_command("ledger_check")


def test_ledger_check_reports_a_tampered_balance_and_fails(world: World, capsys: Any) -> None:
    voucher = issue_voucher(world, "100000")
    Voucher.objects.filter(pk=voucher.pk).update(balance=Decimal("99000"))
    with pytest.raises(CommandError, match="发现 1 处差异"):
        call_command("ledger_check")
    assert (
        f"创新券 {voucher.number} 余额：账面 99000.00，账本合计 100000.00"
        in capsys.readouterr().err
    )


def test_the_database_refuses_to_change_ledger_entries(world: World) -> None:
    issue_voucher(world)
    entry = LedgerEntry.objects.first()
    assert entry is not None
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().update(amount=1)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()
    with (
        pytest.raises((DatabaseError, IntegrityError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE vouchers_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM vouchers_ledgerentry WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == entry.amount


def test_check_constraints_refuse_a_negative_voucher_balance(world: World) -> None:
    voucher = issue_voucher(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher.objects.filter(pk=voucher.pk).update(balance=Decimal("-1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Programme.objects.filter(pk=world.programme.pk).update(budget_remaining=Decimal("-1"))


# ---- anti-fraud ---------------------------------------------------------------------


def test_it_refuses_a_provider_sharing_a_member_with_the_enterprise(world: World) -> None:
    voucher = issue_voucher(world)
    from techmarket.accounts.models import Membership

    Membership.objects.create(
        user=world.enterprise_admin, organisation=world.provider_org, role="member"
    )
    with pytest.raises(ApplicationError, match="关联方（存在同时隶属双方的成员账户）"):
        services.order_create(actor=world.enterprise_admin, voucher=voucher, product=world.product)


def test_it_refuses_a_provider_with_the_same_legal_representative(world: World) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    world.provider_org.legal_representative = world.enterprise.legal_representative
    world.provider_org.save()
    with pytest.raises(ApplicationError, match="法定代表人相同"):
        _claim(world, order)


def test_it_refuses_the_enterprise_as_its_own_provider(world: World, settings: Any) -> None:
    from techmarket.vouchers.tests.factories import make_programme

    provider = services.provider_apply(
        actor=world.enterprise_admin, organisation=world.enterprise, service_scope="设计"
    )
    services.provider_transition(actor=world.staff, provider=provider, to_status="approved")
    provider.refresh_from_db()
    product = services.product_create(
        actor=world.enterprise_admin,
        provider=provider,
        name="自家设计",
        category="design",
        price="1000",
    )
    voucher = issue_voucher(world)
    with pytest.raises(ApplicationError, match="统一社会信用代码相同"):
        services.order_create(actor=world.enterprise_admin, voucher=voucher, product=product)
    settings.VOUCHERS_FRAUD_CHECKS = ["duplicate_invoice"]
    assert services.order_create(actor=world.enterprise_admin, voucher=voucher, product=product)
    assert make_programme  # the check is configurable: switched off, the order goes through


def test_it_refuses_an_invoice_number_claimed_twice(world: World, settings: Any) -> None:
    voucher = issue_voucher(world)
    first = confirmed_order(world, voucher, invoice="INV-42")
    second = confirmed_order(world, voucher, invoice="inv-42")
    _claim(world, first, "k1")
    with pytest.raises(ApplicationError, match="发票号码 inv-42 已在其他兑付申请中使用"):
        _claim(world, second, "k2")
    settings.VOUCHERS_FRAUD_CHECKS = []
    assert _claim(world, second, "k3").redemption.amount == Decimal("20000.00")


def test_contract_parties_must_match_the_holder_and_the_provider(world: World) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    type(order).objects.filter(pk=order.pk).update(contract_party_a="别的公司")
    order.refresh_from_db()
    with pytest.raises(ApplicationError, match="甲方应为创新券持有企业“甲企业有限公司”"):
        _claim(world, order)


def test_it_refuses_an_expired_voucher(world: World) -> None:
    voucher = issue_voucher(world)
    order = confirmed_order(world, voucher)
    Voucher.objects.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ApplicationError, match=r"已于 .* 过期"):
        _claim(world, order)
    voucher.refresh_from_db()
    with pytest.raises(ApplicationError, match="过期"):
        services.order_create(actor=world.enterprise_admin, voucher=voucher, product=world.product)


def test_only_bureau_staff_approve_and_outsiders_cannot_order(world: World, outsider: Any) -> None:
    application = services.application_submit(
        actor=world.enterprise_admin, programme=world.programme, enterprise=world.enterprise,
        requested_amount="1000", purpose="x",
    )  # fmt: skip
    with pytest.raises(PermissionRefused, match="只有科技局工作人员"):
        services.application_transition(
            actor=world.enterprise_admin, application=application, to_status="approved"
        )
    voucher = issue_voucher(world)
    with pytest.raises(PermissionRefused):
        services.order_create(actor=outsider, voucher=voucher, product=world.product)
    _user  # noqa: B018 - personas come from the root conftest


def test_an_absurd_amount_is_refused_in_chinese_not_overflowed(bureau_staff: Any) -> None:
    from techmarket.vouchers.tests.factories import make_programme

    with pytest.raises(ApplicationError, match="总预算超出允许范围"):
        make_programme(bureau_staff, total_budget="1e20")
    with pytest.raises(ApplicationError, match="不是有效金额"):
        make_programme(bureau_staff, total_budget="很多")


def test_only_providers_of_accepted_regions_may_serve(
    bureau_staff: Any, org_admin: Any, enterprise: Any
) -> None:
    from techmarket.vouchers.tests.factories import make_world

    world = make_world(
        bureau_staff, org_admin, enterprise, accepted_provider_regions=["11", "13"]
    )  # the provider is in Tianjin (12)
    voucher = issue_voucher(world)
    with pytest.raises(ApplicationError, match="只认可以下地区的服务机构：11、13"):
        services.order_create(actor=world.enterprise_admin, voucher=voucher, product=world.product)


def test_cancelling_a_voucher_returns_its_balance_and_tells_nobody_twice(world: World) -> None:
    voucher = issue_voucher(world, "40000")
    services.voucher_transition(
        actor=world.staff, voucher=voucher, to_status=VoucherStatus.CANCELLED, reason="企业放弃"
    )
    world.programme.refresh_from_db()
    assert world.programme.budget_remaining == Decimal("1000000.00")
    with pytest.raises(ApplicationError, match="当前状态不能再变更"):
        services.voucher_transition(
            actor=world.staff, voucher=voucher, to_status=VoucherStatus.EXPIRED
        )
    assert services.ledger_differences() == []


def test_the_enterprise_is_notified_when_its_voucher_is_issued(world: World) -> None:
    from techmarket.core.models import Notification

    voucher = issue_voucher(world, "40000")
    note = Notification.objects.get(user=world.enterprise_admin)
    assert note.title == f"创新券已发放：{voucher.number}"
    assert note.url == f"/vouchers/vouchers/{voucher.pk}/"
