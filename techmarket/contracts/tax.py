"""Tax hints for registered contracts (RULES.md §1.8). Hints, not advice: each cites its rule."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from techmarket.contracts.models import CIVIL_CODE_CATEGORY, Contract, ContractType, IpType
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.money import format_wan

CIT_IP_TYPES = frozenset(
    {
        IpType.INVENTION,
        IpType.UTILITY,
        IpType.DESIGN,
        IpType.SOFTWARE,
        IpType.IC_LAYOUT,
        IpType.PLANT_VARIETY,
        IpType.BIOMEDICINE,
    }
)
CIT_EXEMPT_YUAN = Decimal("5000000")


@dataclass(frozen=True)
class TaxHint:
    title: str
    text: str
    source: str
    applies: bool


def tax_hints(contract: Contract) -> list[TaxHint]:
    if contract.status != ContractStatus.REGISTERED:
        return [
            TaxHint(
                "尚未登记",
                "技术合同认定登记后才可能享受相关税收优惠。",
                "财税〔2016〕36号 附件3；企业所得税法实施条例 第90条",
                False,
            )
        ]
    category = CIVIL_CODE_CATEGORY.get(contract.contract_type, "")
    hints: list[TaxHint] = []
    if category in {"技术开发", "技术转让", "技术许可"}:
        hints.append(
            TaxHint(
                "增值税：可能免征",
                f"{category}合同收入可能免征增值税；与之相关、且价款开在同一张发票上的技术咨询、"
                "技术服务收入也可能适用。备查资料留存，无需向税务机关备案。",
                "财税〔2016〕36号 附件3 第一条第（二十六）项",
                True,
            )
        )
    else:
        hints.append(
            TaxHint(
                "增值税：单独的咨询、服务、培训、中介合同不适用免税",
                "只有与技术开发、技术转让相关的咨询、服务才可能免税。",
                "财税〔2016〕36号 附件3 第一条第（二十六）项",
                False,
            )
        )
    transfer_like = contract.contract_type in {
        ContractType.TRANSFER_PATENT,
        ContractType.TRANSFER_PATENT_APPLICATION,
        ContractType.TRANSFER_OTHER_IP,
        ContractType.LICENSE_PATENT,
        ContractType.LICENSE_OTHER_IP,
    }
    licence = category == "技术许可"
    long_enough = not licence or (contract.exclusive_years or 0) >= 5
    if transfer_like and contract.ip_type in CIT_IP_TYPES and long_enough:
        if contract.related_party_full:
            hints.append(
                TaxHint(
                    "企业所得税：100%关联方之间的技术转让不适用减免",
                    "买卖双方为100%直接或间接关联方，技术转让所得不享受减免。",
                    "财税〔2010〕111号",
                    False,
                )
            )
        else:
            tech = contract.tech_amount
            part = (
                f"本合同技术交易额 {format_wan(tech)}，超过500万元的部分（"
                f"{format_wan(tech - CIT_EXEMPT_YUAN)}）可能减半征收。"
                if tech > CIT_EXEMPT_YUAN
                else f"本合同技术交易额 {format_wan(tech)}，在500万元以内。"
            )
            hints.append(
                TaxHint(
                    "企业所得税：技术转让所得可能减免",
                    "居民企业一个纳税年度内技术转让所得不超过500万元的部分免征，超过部分减半征收；"
                    "所得 = 技术转让收入 − 技术转让成本 − 相关税费（按纳税年度合计计算）。"
                    + part
                    + ("许可须为5年以上。" if licence else ""),
                    "企业所得税法实施条例 第90条；财税〔2010〕111号；财税〔2015〕116号；国税函〔2009〕212号",
                    True,
                )
            )
    if contract.seller_nature in {"021", "022"}:
        hints.append(
            TaxHint(
                "个人所得税：科技人员现金奖励可能减按50%计入工资薪金",
                "非营利性科研机构和高校从职务科技成果转化收入中给予科技人员的现金奖励，"
                "在取得收入后36个月内发放的，可减按50%计入当月工资薪金所得；须凭本登记证明。",
                "财税〔2018〕58号；国科发政〔2018〕103号",
                True,
            )
        )
    if contract.contract_type == ContractType.DEV_COMMISSIONED:
        hints.append(
            TaxHint(
                "研发费用加计扣除：委托方可凭登记编号申报",
                "委托研发合同经登记后，委托方可按规定申报研发费用加计扣除。",
                "财税〔2015〕119号；财税〔2018〕64号",
                True,
            )
        )
    return hints
