from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import override_settings

from techmarket.contracts import services
from techmarket.contracts.amounts import CostLine, compute_amounts
from techmarket.contracts.certificates import verification_code, verify_certificate
from techmarket.contracts.models import Contract
from techmarket.contracts.rules import add_working_days, deadline_for, rules_for
from techmarket.contracts.tests.factories import contract_input
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.errors import ApplicationError, PermissionRefused
from techmarket.core.models import AuditEvent, StatusChange

pytestmark = pytest.mark.django_db


def _apply(org_admin: Any, enterprise: Any, **overrides: Any) -> Contract:
    return services.contract_apply(
        actor=org_admin, organisation=enterprise, data=contract_input(**overrides)
    )


def _register(staff: Any, contract: Contract, on: date | None = None) -> Contract:
    services.contract_transition(
        actor=staff, contract=contract, to_status=ContractStatus.ACCEPTED, on=on
    )
    return services.contract_transition(
        actor=staff, contract=contract, to_status=ContractStatus.REGISTERED, on=on
    )


# ---- amounts (RULES.md §1.3) ------------------------------------------------------------


def test_tech_amount_deducts_non_technical_costs() -> None:
    amounts = compute_amounts(
        contract_amount=Decimal("1000000"),
        lines=[
            CostLine("equipment", "设备", Decimal("200000")),
            CostLine("materials", "原材料", Decimal("50000.50")),
        ],
        rule_set=rules_for(date(2026, 6, 1)),
    )
    assert amounts.non_tech_total == Decimal("250000.50")
    assert amounts.tech_amount == Decimal("749999.50")


def test_reasonable_carriers_are_added_back_and_equipment_only_up_to_two_sets() -> None:
    amounts = compute_amounts(
        contract_amount=Decimal("1000000"),
        lines=[
            CostLine("carrier_document", "技术资料10份", Decimal("5000"), 10),
            CostLine("carrier_equipment", "试验装置3套", Decimal("300000"), 3),
            CostLine("equipment", "生产设备", Decimal("100000")),
        ],
        rule_set=rules_for(date(2026, 6, 1)),
    )
    # 1,000,000 − 405,000 + 5,000 (documents) + 200,000 (2 of 3 sets)
    assert amounts.carrier_allowed_total == Decimal("205000.00")
    assert amounts.tech_amount == Decimal("800000.00")


@override_settings(CONTRACTS_CARRIER_EQUIPMENT_MAX_SETS=1)
def test_carrier_set_limit_is_configuration() -> None:
    amounts = compute_amounts(
        contract_amount=Decimal("1000000"),
        lines=[CostLine("carrier_equipment", "试验装置2套", Decimal("300000"), 2)],
        rule_set=rules_for(date(2026, 6, 1)),
    )
    assert amounts.tech_amount == Decimal("850000.00")


def test_costs_above_the_contract_amount_are_refused() -> None:
    with pytest.raises(ApplicationError, match="超过合同成交额"):
        compute_amounts(
            contract_amount=Decimal("100"),
            lines=[CostLine("equipment", "设备", Decimal("101"))],
            rule_set=rules_for(date(2026, 6, 1)),
        )


def test_application_stores_both_amounts(org_admin: Any, enterprise: Any) -> None:
    contract = _apply(org_admin, enterprise)
    contract.refresh_from_db()
    assert contract.contract_amount == Decimal("1000000.00")
    assert contract.tech_amount == Decimal("800000.00")
    assert contract.status == ContractStatus.SUBMITTED
    assert contract.seller_uscc == enterprise.uscc
    assert contract.cost_items.count() == 1


def test_buyer_uscc_with_a_wrong_check_character_is_refused(
    org_admin: Any, enterprise: Any
) -> None:
    bad = contract_input().buyer_uscc[:-1] + "0"
    if bad == contract_input().buyer_uscc:
        bad = bad[:-1] + "1"
    with pytest.raises(ApplicationError, match="校验位错误") as info:
        _apply(org_admin, enterprise, buyer_uscc=bad)
    assert "buyer_uscc" in info.value.fields


def test_instalments_must_add_up_to_the_contract_amount(org_admin: Any, enterprise: Any) -> None:
    with pytest.raises(ApplicationError, match="应等于合同成交额"):
        _apply(
            org_admin,
            enterprise,
            payment_schedule=[
                {"due": "2026-12-01", "amount": "1"},
                {"due": "2027-01-01", "amount": "2"},
            ],
        )


def test_transfer_contract_needs_expected_investment_and_output(
    org_admin: Any, enterprise: Any
) -> None:
    with pytest.raises(ApplicationError, match="预计新增投入"):
        _apply(org_admin, enterprise, contract_type="transfer_patent")


# ---- rule sets and deadlines ----------------------------------------------------------------


def test_rule_set_is_chosen_by_date() -> None:
    assert rules_for(date(2026, 2, 28)).key == "2001"
    assert rules_for(date(2026, 3, 1)).key == "2026"
    with override_settings(CONTRACTS_2026_RULES_FROM="2026-07-01"):
        assert rules_for(date(2026, 6, 1)).key == "2001"


def test_other_ip_licences_are_refused_under_the_2001_rules(
    org_admin: Any, enterprise: Any
) -> None:
    with (
        override_settings(CONTRACTS_2026_RULES_FROM="2099-01-01"),
        pytest.raises(ApplicationError, match="不能登记为"),
    ):
        _apply(
            org_admin,
            enterprise,
            contract_type="license_other_ip",
            exclusive_years=5,
            expected_investment=Decimal("1"),
            expected_output=Decimal("1"),
        )


def test_deadline_counts_working_days_under_2026_rules() -> None:
    # Friday 2026-06-05 + 15 working days = Friday 2026-06-26.
    deadline, rule_set = deadline_for(accepted_on=date(2026, 6, 5), tech_amount=Decimal("1"))
    assert rule_set.key == "2026"
    assert deadline == date(2026, 6, 26)
    # Large contracts (≥ 500万元) get 30 working days.
    large, _ = deadline_for(accepted_on=date(2026, 6, 5), tech_amount=Decimal("5000000"))
    assert large == add_working_days(date(2026, 6, 5), 30) == date(2026, 7, 17)


@override_settings(CONTRACTS_HOLIDAYS=["2026-06-19"])
def test_holidays_are_not_working_days() -> None:
    deadline, _ = deadline_for(accepted_on=date(2026, 6, 5), tech_amount=Decimal("1"))
    assert deadline == date(2026, 6, 29)


def test_2001_rules_count_30_calendar_days() -> None:
    deadline, rule_set = deadline_for(accepted_on=date(2025, 6, 5), tech_amount=Decimal("1"))
    assert rule_set.key == "2001"
    assert deadline == date(2025, 7, 5)


# ---- workflow -------------------------------------------------------------------------------


def test_full_workflow_accept_register(org_admin: Any, enterprise: Any, bureau_staff: Any) -> None:
    contract = _apply(org_admin, enterprise)
    services.contract_transition(
        actor=bureau_staff, contract=contract, to_status=ContractStatus.ACCEPTED
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED
    assert contract.deadline is not None
    services.contract_transition(
        actor=bureau_staff, contract=contract, to_status=ContractStatus.REGISTERED
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REGISTERED
    assert contract.registration_number
    assert len(contract.registration_number) in (14, 16)
    assert contract.certificate_version == 1
    moves = list(
        StatusChange.objects.filter(object_id=str(contract.pk)).values_list(
            "from_status", "to_status"
        )
    )
    assert moves == [("", "submitted"), ("submitted", "accepted"), ("accepted", "registered")]
    assert AuditEvent.objects.filter(action="contract.registered").count() == 1


def test_number_layout_follows_the_registration_date(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    old = _register(bureau_staff, _apply(org_admin, enterprise), on=date(2025, 11, 3))
    new = _register(bureau_staff, _apply(org_admin, enterprise), on=date(2026, 4, 1))
    new2 = _register(bureau_staff, _apply(org_admin, enterprise), on=date(2026, 4, 2))
    assert old.registration_number == "25120101000001"  # YY · 1201 · point 01 · serial
    assert old.rule_version == "2001"
    assert new.registration_number == "2026120101000001"
    assert new2.registration_number == "2026120101000002"
    assert new.rule_version == "2026"


def test_return_for_correction_then_resubmit_restarts_acceptance(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _apply(org_admin, enterprise)
    with pytest.raises(ApplicationError, match="必须写明"):
        services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.RETURNED
        )
    services.contract_transition(
        actor=bureau_staff,
        contract=contract,
        to_status=ContractStatus.RETURNED,
        reason="请补充专利证书复印件",
    )
    services.contract_resubmit(
        actor=org_admin, contract=contract, data=contract_input(project_name="改名后的项目")
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.SUBMITTED
    assert contract.project_name == "改名后的项目"
    assert contract.accepted_on is None


def test_refusal_needs_a_reason_from_the_official_list(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _apply(org_admin, enterprise)
    with pytest.raises(ApplicationError, match="不予登记须从规定的理由中选择"):
        services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.REFUSED
        )
    services.contract_transition(
        actor=bureau_staff,
        contract=contract,
        to_status=ContractStatus.REFUSED,
        refusal_reason="not_technology",
    )
    contract.refresh_from_db()
    assert contract.status == ContractStatus.REFUSED
    assert contract.status_reason.startswith("非技术合同")
    with pytest.raises(ApplicationError, match="当前状态不能再变更"):
        services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.ACCEPTED
        )


def test_a_submitted_contract_cannot_be_registered_without_acceptance(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _apply(org_admin, enterprise)
    with pytest.raises(ApplicationError, match="只能变更为") as info:
        services.contract_transition(
            actor=bureau_staff, contract=contract, to_status=ContractStatus.REGISTERED
        )
    assert info.value.status == 409


def test_only_registry_staff_register(org_admin: Any, enterprise: Any) -> None:
    contract = _apply(org_admin, enterprise)
    with pytest.raises(PermissionRefused, match="只有技术合同登记机构"):
        services.contract_transition(
            actor=org_admin, contract=contract, to_status=ContractStatus.ACCEPTED
        )


def test_an_unverified_organisation_cannot_apply(
    pending_admin: Any, pending_enterprise: Any
) -> None:
    with pytest.raises(PermissionRefused, match="尚未通过认证"):
        services.contract_apply(
            actor=pending_admin, organisation=pending_enterprise, data=contract_input()
        )


# ---- amendment, cancellation, certificates --------------------------------------------


def test_certificate_code_verifies_and_a_tampered_code_is_refused(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _register(bureau_staff, _apply(org_admin, enterprise))
    code = verification_code(contract)
    assert (
        verify_certificate(number=contract.registration_number or "", code=code).contract
        == contract
    )
    assert verify_certificate(
        number=contract.registration_number or "", code=code.lower().replace("-", "")
    )
    tampered = ("0" if code[0] != "0" else "1") + code[1:]
    with pytest.raises(ApplicationError, match="验证码与登记编号不符"):
        verify_certificate(number=contract.registration_number or "", code=tampered)
    with pytest.raises(ApplicationError, match="不存在"):
        verify_certificate(number="99999999999999", code=code)


def test_changing_the_amount_in_the_database_breaks_the_code(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _register(bureau_staff, _apply(org_admin, enterprise))
    code = verification_code(contract)
    Contract.objects.filter(pk=contract.pk).update(tech_amount=Decimal("900000"))
    with pytest.raises(ApplicationError, match="篡改"):
        verify_certificate(number=contract.registration_number or "", code=code)


def test_amendment_recomputes_amounts_and_voids_the_old_certificate(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _register(bureau_staff, _apply(org_admin, enterprise))
    old_code = verification_code(contract)
    amended = services.contract_amend(
        actor=bureau_staff,
        contract=contract,
        reason="双方签订补充协议，增加开发内容",
        changes={
            "contract_amount": Decimal("1500000"),
            "payment_mode": "lump_sum_once",
            "payment_schedule": [],
        },
    )
    assert amended.tech_amount == Decimal("1300000.00")
    assert amended.certificate_version == 2
    assert amended.amendments.get().changes["tech_amount"] == ["800000.00", "1300000.00"]
    with pytest.raises(ApplicationError, match="变更登记而作废"):
        verify_certificate(number=amended.registration_number or "", code=old_code)
    assert verify_certificate(
        number=amended.registration_number or "", code=verification_code(amended)
    )


def test_cancelled_contract_no_longer_verifies(
    org_admin: Any, enterprise: Any, bureau_staff: Any
) -> None:
    contract = _register(bureau_staff, _apply(org_admin, enterprise))
    code = verification_code(contract)
    services.contract_transition(
        actor=bureau_staff,
        contract=contract,
        to_status=ContractStatus.CANCELLED,
        reason="合同经双方协商解除",
    )
    with pytest.raises(ApplicationError, match="注销登记"):
        verify_certificate(number=contract.registration_number or "", code=code)
