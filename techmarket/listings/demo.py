"""Demo market: matching-dev achievements and demands and 2,000 CSL paper records as
achievements of the demo universities (all published), read in place from shared/data
when present; a small built-in set otherwise. Bulk paths only, so it stays fast."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from techmarket.core.demo import DemoContext
from techmarket.listings.importing import import_records
from techmarket.listings.models import Achievement, Demand
from techmarket.listings.workflow import ListingStatus

CSL_ATTRIBUTION = "CSL dataset (Li et al., COLING 2022), github.com/ydli-ai/CSL, Apache-2.0"

# CSL discipline words → 技术领域 (first match wins); the category is the fallback.
DISCIPLINE_FIELDS = [
    (("计算机", "电子", "通信", "信息", "软件", "控制"), "电子信息"),
    (("航空", "航天", "兵器"), "航空航天"),
    (("材料", "化学", "冶金"), "新材料"),
    (("能源", "电气", "动力", "核", "石油"), "新能源与节能"),
    (("环境", "水利", "地理", "地质", "测绘", "矿", "海洋", "大气"), "资源与环境"),
    (("药", "医", "生物"), "生物与新医药"),
    (("农", "作物", "园艺", "畜牧", "兽医", "林", "水产", "食品", "植物", "草"), "现代农业"),
    (("机械", "仪器", "交通", "土木", "建筑", "船舶", "纺织", "轻工"), "先进制造与自动化"),
]
CATEGORY_FIELDS = {"工学": "先进制造与自动化", "医学": "生物与新医药", "农学": "现代农业",
                   "理学": "新材料"}  # fmt: skip
MATURITIES = ["实验室阶段", "小试", "中试", "实验室阶段"]

BUILT_IN_ACHIEVEMENTS: list[dict[str, Any]] = [
    {"id": "B-A1", "title": "不锈钢钣金件自动折弯单元", "abstract": "六轴机器人、伺服折弯机与视觉对中台组成的自动折弯单元，折弯角度误差±0.3°，一人看管三台。", "keywords": ["自动折弯", "钣金", "机器人"], "field": "先进制造与自动化", "owner_type": "企业", "maturity": "产业化", "ip": "实用新型专利", "transfer_modes": ["转让"], "price_wan": 65, "region": "天津市"},
    {"id": "B-A2", "title": "印染废水臭氧催化深度脱色技术", "abstract": "以负载型锰铈催化剂催化臭氧氧化，生化出水色度由80倍降至20倍以下，COD同步下降30%。", "keywords": ["印染废水", "臭氧催化", "脱色"], "field": "资源与环境", "owner_type": "科研院所", "maturity": "中试", "ip": "发明专利", "transfer_modes": ["许可", "合作开发"], "price_wan": 80, "region": "天津市滨海新区"},
    {"id": "B-A3", "title": "耐高温聚酰亚胺薄膜连续制备技术", "abstract": "两步法连续流延制备聚酰亚胺薄膜，长期使用温度250℃，拉伸强度≥200MPa。", "keywords": ["聚酰亚胺", "薄膜"], "field": "新材料", "owner_type": "科研院所", "maturity": "中试", "ip": "发明专利", "transfer_modes": ["转让", "作价入股"], "price_wan": 300, "region": "天津市"},
    {"id": "B-A4", "title": "中药提取液低温膜浓缩工艺", "abstract": "反渗透与膜蒸馏组合浓缩中药提取液，温度不超过45℃，指标成分保留率96%以上。", "keywords": ["中药", "膜浓缩"], "field": "生物与新医药", "owner_type": "高校", "maturity": "小试", "ip": "发明专利", "transfer_modes": ["许可"], "price_wan": None, "region": "天津市"},
    {"id": "B-A5", "title": "生猪养殖场环境智能监测系统", "abstract": "多点监测氨气、温湿度和二氧化碳，自动联动风机与喷淋，软件著作权3项。", "keywords": ["生猪养殖", "环境监测", "物联网"], "field": "现代农业", "owner_type": "高校", "maturity": "产业化", "ip": "软件著作权", "transfer_modes": ["技术服务"], "price_wan": 25, "region": "天津市"},
    {"id": "B-A6", "title": "锂电池极片缺陷视觉检测算法", "abstract": "基于深度学习的极片表面缺陷在线检测，检出率99.2%，单帧处理20ms。", "keywords": ["视觉检测", "锂电池"], "field": "电子信息", "owner_type": "高校", "maturity": "中试", "ip": "软件著作权", "transfer_modes": ["许可", "技术服务"], "price_wan": 50, "region": "天津市"},
]  # fmt: skip
BUILT_IN_DEMANDS: list[dict[str, Any]] = [
    {"id": "B-D1", "title": "印染废水脱色剂成本高、产泥多", "description": "日排废水5000吨，生化出水色度80倍左右，排放要求30倍以下，脱色剂成本高、产泥多。", "industry": "印染", "region": "浙江省绍兴市", "budget_wan": 80, "deadline_months": 6, "cooperation_modes": ["合作开发", "技术服务"]},
    {"id": "B-D2", "title": "中药提取液浓缩时成分损失大", "description": "双效蒸发浓缩温度高、时间长，指标成分损失30%以上，希望浓缩温度不超过50℃。", "industry": "中药制药", "region": "四川省成都市", "budget_wan": 150, "deadline_months": 12, "cooperation_modes": ["转让", "许可"]},
    {"id": "B-D3", "title": "钣金折弯工序招工难", "description": "厨具钣金件折弯靠人工，招工难、一致性差，希望实现自动化折弯。", "industry": "厨具制造", "region": "天津市", "budget_wan": None, "deadline_months": None, "cooperation_modes": ["转让"], "confidential": True},
]  # fmt: skip


def _jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _csl_field(record: dict[str, Any]) -> str:
    discipline = str(record.get("discipline") or "")
    for words, name in DISCIPLINE_FIELDS:
        if any(word in discipline for word in words):
            return name
    return CATEGORY_FIELDS.get(str(record.get("category") or ""), "高技术服务")


def _csl_records(
    path: Path, owner_name: str, owner_type: str, offset: int
) -> Iterator[dict[str, Any]]:
    for index, record in enumerate(_jsonl(path)):
        if index % 2 != offset:
            continue
        yield {
            "id": record["id"],
            "title": record["title"][:200],
            "abstract": record["abstract"],
            "keywords": record.get("keywords") or [],
            "field": _csl_field(record),
            "owner_type": owner_type,
            "owner": owner_name,
            "maturity": MATURITIES[index % len(MATURITIES)],
            "ip": "无",
            "transfer_modes": ["合作开发", "技术服务"] if index % 3 else ["许可"],
            "price_wan": None,
            "region": "天津市",
        }


def load(context: DemoContext) -> None:
    orgs = context.organisations
    university, institute = orgs["university"], orgs["institute"]
    service, enterprise = orgs["service"], orgs["enterprise"]
    shared = Path(context.shared_data_dir) if context.shared_data_dir else None
    counts = {"achievements": 0, "demands": 0}
    dev = shared / "matching-dev" if shared else None
    if dev is not None and (dev / "achievements.jsonl").exists():
        result = import_records(
            "achievements",
            _jsonl(dev / "achievements.jsonl"),
            organisation=service,
            publish=True,
            source="matching-dev",
        )
        counts["achievements"] += result.created
        result = import_records(
            "demands",
            _jsonl(dev / "demands.jsonl"),
            organisation=enterprise,
            publish=True,
            source="matching-dev",
        )
        counts["demands"] += result.created
    csl = shared / "csl" / "csl.jsonl" if shared else None
    if csl is not None and csl.exists():
        for offset, org in enumerate((university, institute)):
            result = import_records(
                "achievements",
                _csl_records(csl, org.name, "高校" if offset == 0 else "科研院所", offset),
                organisation=org,
                publish=True,
                source="CSL",
            )
            counts["achievements"] += result.created
        context.notes.append(f"演示成果含 CSL 论文记录：{CSL_ATTRIBUTION}")
    # Always: a small built-in market (the whole demo when shared/ is absent) and two
    # institute records waiting in the bureau's review queue.
    counts["achievements"] += import_records(
        "achievements", BUILT_IN_ACHIEVEMENTS, organisation=institute, publish=True
    ).created
    counts["demands"] += import_records(
        "demands", BUILT_IN_DEMANDS, organisation=enterprise, publish=True
    ).created
    waiting = [
        {**BUILT_IN_ACHIEVEMENTS[2], "id": "B-Q1", "title": "高导热氮化铝陶瓷基板制备技术"},
        {**BUILT_IN_ACHIEVEMENTS[5], "id": "B-Q2", "title": "焊缝缺陷X射线智能识别"},
    ]
    import_records("achievements", waiting, organisation=institute)
    Achievement.objects.filter(owner=institute, external_id__in=["B-Q1", "B-Q2"]).update(
        status=ListingStatus.SUBMITTED
    )
    Demand.objects.filter(owner=enterprise, external_id="B-D3").update(
        contact_name="王企业", contact_phone="022-60000002"
    )
    context.notes.append(
        f"成果库：已发布科技成果 {counts['achievements']} 项、技术需求 {counts['demands']} 项；"
        "科技局待审核 2 项（登录 bureau 查看“成果需求审核”）。"
    )
