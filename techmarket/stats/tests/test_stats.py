from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import signed_in_client
from techmarket.contracts import selectors as contract_stats
from techmarket.contracts import services
from techmarket.contracts.tests.factories import contract_input
from techmarket.contracts.workflow import ContractStatus
from techmarket.stats import services as stats_services
from techmarket.stats.selectors import indicators

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 2, 28)


def _contract(actor: Any, org: Any, staff: Any, on: date | None, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "signed_on": date(2024, 12, 1),
        "valid_from": date(2024, 12, 1),
        "valid_until": date(2027, 12, 1),
        "payment_mode": "lump_sum_once",
        "payment_schedule": [],
    }
    values.update(overrides)
    contract = services.contract_apply(actor=actor, organisation=org, data=contract_input(**values))
    if on is None:
        return contract
    services.contract_transition(
        actor=staff, contract=contract, to_status=ContractStatus.ACCEPTED, on=on
    )
    return services.contract_transition(
        actor=staff, contract=contract, to_status=ContractStatus.REGISTERED, on=on
    )


@pytest.fixture
def fixture_contracts(org_admin: Any, enterprise: Any, bureau_staff: Any) -> dict[str, Any]:
    a = _contract(org_admin, enterprise, bureau_staff, date(2026, 1, 15))  # 100万 / 80万, 开发, 08
    b = _contract(
        org_admin, enterprise, bureau_staff, date(2026, 2, 10),
        contract_type="consulting", field="01", contract_amount=Decimal("500000"),
        cost_items=[], buyer_region_code="120101",
    )  # fmt: skip
    c = _contract(
        org_admin, enterprise, bureau_staff, date(2025, 1, 20),
        contract_amount=Decimal("200000"), cost_items=[],
    )  # fmt: skip
    _contract(org_admin, enterprise, bureau_staff, None)  # submitted only: not counted
    e = _contract(org_admin, enterprise, bureau_staff, date(2026, 1, 20))
    services.contract_transition(
        actor=bureau_staff, contract=e, to_status=ContractStatus.CANCELLED, reason="合同解除"
    )
    return {"a": a, "b": b, "c": c}


def _rows(dimension: str) -> dict[str, tuple[int, str, str]]:
    return {
        r.key: (r.count, f"{r.contract_amount:.2f}", f"{r.tech_amount:.2f}")
        for r in contract_stats.turnover(dimension, date(2026, 1, 1), date(2027, 1, 1))
    }


def test_turnover_by_month_quarter_and_year_equals_the_hand_computed_fixture(
    fixture_contracts: Any,
) -> None:
    assert _rows("month") == {
        "2026-01": (1, "1000000.00", "800000.00"),
        "2026-02": (1, "500000.00", "500000.00"),
    }
    assert _rows("quarter") == {"2026-Q1": (2, "1500000.00", "1300000.00")}
    all_years = {
        r.key: (r.count, f"{r.contract_amount:.2f}")
        for r in contract_stats.turnover("year", None, None)
    }
    assert all_years == {"2025": (1, "200000.00"), "2026": (2, "1500000.00")}


def test_turnover_by_category_field_type_and_flow(fixture_contracts: Any) -> None:
    assert _rows("category") == {
        "技术开发": (1, "1000000.00", "800000.00"),
        "技术咨询": (1, "500000.00", "500000.00"),
    }
    assert _rows("field") == {
        "08": (1, "1000000.00", "800000.00"),
        "01": (1, "500000.00", "500000.00"),
    }
    assert _rows("seller_type") == {"企业": (2, "1500000.00", "1300000.00")}
    assert _rows("district") == {"120116": (2, "1500000.00", "1300000.00")}
    flow = _rows("flow")
    assert flow["output"] == (1, "1000000.00", "800000.00")
    assert flow["local"] == (1, "500000.00", "500000.00")
    assert flow["inflow"][0] == 0
    assert _rows("buyer_province") == {"32": (1, "1000000.00", "800000.00")}


def test_indicators_with_target_progress_forecast_and_change(
    fixture_contracts: Any, bureau_staff: Any
) -> None:
    stats_services.target_set(
        actor=bureau_staff,
        indicator="contracts.contract_amount",
        year=2026,
        value=Decimal("3000000"),
    )
    by_key = {i.key: i for i in indicators(2026, AS_OF)}
    amount = by_key["contracts.contract_amount"]
    assert amount.value == Decimal("1500000.00")
    assert amount.previous == Decimal("200000.00")
    assert amount.change_pct == Decimal("650.0")
    assert amount.progress_pct == Decimal("50.0")
    # 59 days elapsed of 365: 1,500,000 × 365 / 59
    assert amount.forecast == Decimal("9279661.02")
    assert by_key["contracts.count"].value == 2


def test_only_bureau_staff_set_targets(org_admin: Any) -> None:
    from techmarket.core.errors import PermissionRefused

    with pytest.raises(PermissionRefused, match="只有科技局工作人员"):
        stats_services.target_set(
            actor=org_admin, indicator="contracts.count", year=2026, value=Decimal("10")
        )


def test_dashboard_page_export_and_monthly_report(
    fixture_contracts: Any, bureau_staff: Any, org_admin: Any
) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    page = staff.get("/stats/dashboard/?year=2026").content.decode()
    assert "技术市场统计看板（2026年）" in page
    assert "vendor/echarts/echarts.min.js" in page
    assert "127ww/nqp-spatial-development" in page
    response = staff.post(
        "/stats/dashboard/?year=2026",
        {"indicator": "contracts.contract_amount", "year": "2026", "value": "45"},
        follow=True,
    )
    assert "年度目标已保存" in response.content.decode()
    assert "45.00亿元" in response.content.decode()

    xlsx = staff.get("/stats/dashboard/export.xlsx?year=2026")
    workbook = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    months = list(workbook["按月"].iter_rows(values_only=True))
    assert months[1][:2] == ("2026年1月", 1)

    pdf = staff.get("/stats/dashboard/monthly-report.pdf?month=2026-01")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "2026年1月" in text
    assert "本月登记技术合同 1 项" in text

    seller = signed_in_client(Client(), org_admin)
    assert seller.get("/stats/dashboard/").status_code == 403


def test_stats_api_matches_the_selectors(fixture_contracts: Any, bureau_staff: Any) -> None:
    staff = signed_in_client(Client(), bureau_staff)
    body = staff.get(
        "/api/v1/stats/turnover",
        {"dimension": "category", "start": "2026-01-01", "end": "2027-01-01"},
    ).json()
    assert {r["label"]: r["contract_amount"] for r in body["rows"]} == {
        "技术开发": "1000000.00",
        "技术咨询": "500000.00",
    }
    put = staff.put(
        "/api/v1/stats/targets",
        {"indicator": "contracts.count", "year": 2026, "value": "100"},
        content_type="application/json",
    )
    assert put.status_code == 200
    summary = staff.get("/api/v1/stats/summary", {"year": 2026}).json()
    count = next(i for i in summary["indicators"] if i["key"] == "contracts.count")
    assert count["target"] == "100.00"
    national = Client().get("/api/v1/stats/national", {"year": 2023}).json()
    assert national["rows"][0]["province"]
    assert "MIT" in national["attribution"]


def test_public_summary_page(client: Client, fixture_contracts: Any) -> None:
    page = client.get("/stats/").content.decode()
    assert "技术合同登记统计" in page
    assert "150万元" in page


def test_partial_months_come_from_the_contracts_and_whole_months_from_the_summary(
    fixture_contracts: Any,
) -> None:
    # 2026-01-15 (100万) is outside [2026-01-16, 2026-02-11); 2026-02-10 (50万) is inside.
    rows = contract_stats.turnover("category", date(2026, 1, 16), date(2026, 2, 11))
    assert [(r.label, r.count, r.contract_amount) for r in rows] == [
        ("技术咨询", 1, Decimal("500000.00"))
    ]
    assert contract_stats.totals(date(2025, 1, 20), date(2026, 1, 16)).count == 2
    assert contract_stats.totals(date(2025, 1, 21), date(2026, 1, 15)).count == 0


def test_summary_rebuild_equals_the_incremental_summary(fixture_contracts: Any) -> None:
    from techmarket.contracts.models import TurnoverCell
    from techmarket.contracts.summary import rebuild

    def snapshot() -> set[tuple[Any, ...]]:
        return {
            (c.month, c.dimension, c.key, c.count, c.contract_amount, c.tech_amount)
            for c in TurnoverCell.objects.exclude(count=0)
        }

    incremental = snapshot()
    rebuild()
    assert snapshot() == incremental


def test_amendment_and_cancellation_change_the_statistics(
    fixture_contracts: Any, bureau_staff: Any
) -> None:
    services.contract_amend(
        actor=bureau_staff,
        contract=fixture_contracts["a"],
        reason="补充协议",
        changes={"contract_amount": Decimal("1200000")},
    )
    assert _rows("month")["2026-01"] == (1, "1200000.00", "1000000.00")
    services.contract_transition(
        actor=bureau_staff,
        contract=fixture_contracts["b"],
        to_status=ContractStatus.CANCELLED,
        reason="合同解除",
    )
    assert "2026-02" not in _rows("month")


def test_every_contract_type_is_counted(org_admin: Any, enterprise: Any, bureau_staff: Any) -> None:
    from techmarket.contracts.models import ContractType

    for contract_type in ContractType.values:
        _contract(
            org_admin, enterprise, bureau_staff, date(2026, 3, 2),
            contract_type=contract_type, exclusive_years=5,
            expected_investment=Decimal("1"), expected_output=Decimal("1"),
        )  # fmt: skip
    rows = {r.key: r.count for r in contract_stats.turnover("type", None, None)}
    assert sum(rows.values()) == len(ContractType.values)
    assert rows["技术转让（专利申请权转让）"] == 1
