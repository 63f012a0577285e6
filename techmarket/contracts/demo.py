"""Demo: about 18 months of registered technology contracts (bulk-created, deterministic),
plus a few applications in the registry's queue so the workflow can be tried at once."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from techmarket.contracts import services, summary
from techmarket.contracts.amounts import CostLine
from techmarket.contracts.models import (
    Contract,
    ContractType,
    IpType,
    NumberCounter,
    PaymentMode,
)
from techmarket.contracts.numbers import number_prefix
from techmarket.contracts.rules import rules_for
from techmarket.contracts.selectors import DISTRICTS
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.demo import DemoContext, make_uscc

DEMO_CONTRACTS = 3000
MONTHS = 18

TYPE_WEIGHTS = [
    (ContractType.SERVICE, 30), (ContractType.DEV_COMMISSIONED, 22),
    (ContractType.DEV_COOPERATIVE, 6), (ContractType.CONSULTING, 10),
    (ContractType.SERVICE_TRAINING, 3), (ContractType.SERVICE_INTERMEDIARY, 2),
    (ContractType.TRANSFER_PATENT, 8), (ContractType.TRANSFER_TECH_SECRET, 5),
    (ContractType.LICENSE_PATENT, 9), (ContractType.LICENSE_TECH_SECRET, 3),
    (ContractType.TRANSFER_OTHER_IP, 1), (ContractType.LICENSE_OTHER_IP, 1),
]  # fmt: skip
FIELD_WEIGHTS = [("01", 24), ("02", 12), ("03", 3), ("04", 10), ("05", 14), ("06", 9),
                 ("07", 8), ("08", 16), ("09", 4)]  # fmt: skip
# (name stem, nature code, weight)
SELLER_KINDS = [("大学", "022", 25), ("研究院", "021", 20), ("科技有限公司", "150", 45),
                ("股份有限公司", "160", 10)]  # fmt: skip
BUYER_PROVINCES = [("120", 45), ("110", 10), ("130", 12), ("320", 8), ("370", 7), ("440", 6),
                   ("310", 5), ("330", 4), ("210", 3)]  # fmt: skip
PROJECT_WORDS = ["智能", "高效", "低碳", "精密", "新型", "数字化", "绿色", "柔性"]
PROJECT_OBJECTS = ["检测系统", "制备工艺", "控制算法", "监测平台", "装备", "材料", "软件",
                   "诊断方法", "节能改造", "育种技术"]  # fmt: skip
PROJECT_KIND = {"dev": "技术开发", "con": "技术咨询", "ser": "技术服务", "tra": "技术转让",
                "lic": "技术许可"}  # fmt: skip


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _amount(rng: random.Random, contract_type: str) -> Decimal:
    median = 600_000 if contract_type.startswith(("dev", "transfer", "license")) else 220_000
    value = rng.lognormvariate(0, 1.0) * median
    return Decimal(int(max(20_000, min(value, 60_000_000)) / 100) * 100)


def load(context: DemoContext) -> None:
    rng = random.Random(20260301)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    first = date(today.year, today.month, 1) - timedelta(days=31 * (MONTHS - 1))
    first = first.replace(day=1)
    span = (today - first).days
    district_codes = list(DISTRICTS)
    sellers = []
    for serial in range(120):
        stem, nature, _ = _pick(rng, [((s, n, w), w) for s, n, w in SELLER_KINDS])
        region = rng.choice(district_codes)
        name = f"滨海{DISTRICTS[region][:2]}{rng.choice(PROJECT_WORDS)}{stem}{serial:03d}"
        prefix = "12" if nature in ("021", "022") else "91"
        sellers.append((name, make_uscc(prefix, region, 61000000 + serial), region, nature))
    named = [
        (context.organisations[key], nature)
        for key, nature in (("university", "022"), ("institute", "021"), ("enterprise", "150"))
        if key in context.organisations
    ]
    buyers = []
    for serial in range(300):
        province = _pick(rng, BUYER_PROVINCES)
        region = (
            rng.choice(district_codes)
            if province == "120"
            else f"{province}1{rng.randint(0, 9):02d}"
        )
        if region[:2] == "11":
            region = "1101" + region[4:]
        buyers.append(
            (
                f"{'津' if province == '120' else ''}客户{serial:03d}有限公司",
                make_uscc("91", region, 62000000 + serial),
                region,
            )
        )
    counters: dict[str, int] = {}
    contracts = []
    for _ in range(DEMO_CONTRACTS):
        # More contracts lately: the market grows (square root skews dates to the end).
        registered_on = first + timedelta(days=int(span * (rng.random() ** 0.8)))
        contract_type = _pick(rng, TYPE_WEIGHTS)
        rule_set = rules_for(registered_on)
        if contract_type not in rule_set.allowed_types:
            contract_type = ContractType.TRANSFER_PATENT
        org = None
        if named and rng.random() < 0.06:
            org, seller_nature = rng.choice(named)
            seller = (org.name, org.uscc, org.region_code, seller_nature)
        else:
            seller = rng.choice(sellers)
        buyer = rng.choice(buyers)
        amount = _amount(rng, contract_type)
        non_tech = (amount * Decimal(rng.choice([0, 0, 0, 5, 10, 20, 30])) / 100).quantize(
            Decimal("1")
        )
        digits = rule_set.number_digits
        prefix = number_prefix(registered_on, digits)
        counters[prefix] = counters.get(prefix, 0) + 1
        signed_on = registered_on - timedelta(days=rng.randint(3, 40))
        kind = PROJECT_KIND[contract_type[:3]]
        contracts.append(
            Contract(
                seller_org=org,
                project_name=f"{rng.choice(PROJECT_WORDS)}{rng.choice(PROJECT_OBJECTS)}{kind}",
                contract_type=contract_type,
                seller_name=seller[0], seller_uscc=seller[1], seller_region_code=seller[2],
                seller_nature=seller[3],
                buyer_name=buyer[0], buyer_uscc=buyer[1], buyer_region_code=buyer[2],
                buyer_nature=rng.choice(["150", "150", "160", "170", "110"]),
                signed_on=signed_on, valid_from=signed_on,
                valid_until=signed_on + timedelta(days=rng.choice([180, 365, 730, 1095])),
                field=_pick(rng, FIELD_WEIGHTS),
                ip_type=IpType.INVENTION if contract_type[:3] in ("tra", "lic") else rng.choice([IpType.NONE, IpType.SECRET, IpType.SOFTWARE]),
                contract_amount=amount, non_tech_total=non_tech, tech_amount=amount - non_tech,
                payment_mode=PaymentMode.LUMP_SUM_ONCE,
                status=ContractStatus.REGISTERED,
                submitted_on=registered_on - timedelta(days=2),
                accepted_on=registered_on - timedelta(days=1),
                registered_on=registered_on,
                rule_version=rule_set.key,
                registration_number=f"{prefix}{counters[prefix]:06d}",
                certificate_version=1,
            )
        )  # fmt: skip
    Contract.objects.bulk_create(contracts, batch_size=1000)
    summary.add(contracts)
    NumberCounter.objects.bulk_create(
        NumberCounter(prefix=prefix, last_serial=serial) for prefix, serial in counters.items()
    )
    _queue(context, today)
    context.notes.append(
        f"技术合同：{DEMO_CONTRACTS} 份已登记合同（近 {MONTHS} 个月），另有待办申请；"
        "登记处用户 bureau 在“技术合同登记”中办理，企业用户 enterprise 可申请登记。"
    )


def _queue(context: DemoContext, today: date) -> None:
    """A few live applications by the demo enterprise, at different steps."""
    if "enterprise" not in context.users or "bureau" not in context.users:
        return
    enterprise_user = context.users["enterprise"][0]
    staff = context.users["bureau"][0]
    organisation = context.organisations["enterprise"]
    buyer = context.organisations.get("university")
    base: dict[str, Any] = {
        "buyer_name": "河北精工机械有限公司",
        "buyer_uscc": make_uscc("91", "130102", 63000001),
        "buyer_region_code": "130102",
        "buyer_nature": "150",
        "signed_on": today - timedelta(days=10),
        "valid_from": today - timedelta(days=10),
        "valid_until": today + timedelta(days=365),
        "field": "08",
        "ip_type": "invention",
        "payment_mode": "lump_sum_once",
    }
    items = [
        ("工业机器人视觉定位系统技术开发", "dev_commissioned", Decimal("1800000"),
         [CostLine("equipment", "采购工业相机", Decimal("200000")),
          CostLine("carrier_equipment", "样机3套", Decimal("150000"), 3)], None),
        ("产线节能改造技术服务", "service", Decimal("350000"), [], ContractStatus.ACCEPTED),
        ("减速器故障诊断技术咨询", "consulting", Decimal("120000"), [], ContractStatus.RETURNED),
    ]  # fmt: skip
    for name, contract_type, amount, lines, step in items:
        data = services.ContractInput(
            project_name=name, contract_type=contract_type, contract_amount=amount,
            cost_items=lines, **base,
        )  # fmt: skip
        if buyer is not None and contract_type == "consulting":
            data.buyer_name, data.buyer_uscc = buyer.name, buyer.uscc
            data.buyer_region_code, data.buyer_nature = buyer.region_code, "022"
        contract = services.contract_apply(
            actor=enterprise_user, organisation=organisation, data=data
        )
        if step == ContractStatus.ACCEPTED:
            services.contract_transition(actor=staff, contract=contract, to_status=step)
        elif step == ContractStatus.RETURNED:
            services.contract_transition(
                actor=staff, contract=contract, to_status=step, reason="请补充合同签章页扫描件"
            )
