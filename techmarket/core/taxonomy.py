"""技术领域 taxonomy: the eight high-tech fields of 《国家重点支持的高新技术领域》 plus
现代农业, each with its sub-fields. Codes are stable identifiers stored in records."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    code: str
    name: str
    subfields: tuple[tuple[str, str], ...]


FIELDS: tuple[Field, ...] = (
    Field("01", "电子信息", (
        ("0101", "软件"), ("0102", "微电子技术"), ("0103", "计算机产品及其网络应用技术"),
        ("0104", "通信技术"), ("0105", "广播影视技术"), ("0106", "新型电子元器件"),
        ("0107", "信息安全技术"), ("0108", "智能交通和轨道交通技术"),
    )),
    Field("02", "生物与新医药", (
        ("0201", "医药生物技术"), ("0202", "中药、天然药物"), ("0203", "化学药研发技术"),
        ("0204", "药物新剂型与制剂创制技术"), ("0205", "医疗仪器、设备与医学专用软件"),
        ("0206", "轻工和化工生物技术"), ("0207", "农业生物技术"),
    )),
    Field("03", "航空航天", (
        ("0301", "航空技术"), ("0302", "航天技术"),
    )),
    Field("04", "新材料", (
        ("0401", "金属材料"), ("0402", "无机非金属材料"), ("0403", "高分子材料"),
        ("0404", "生物医用材料"), ("0405", "精细和专用化学品"), ("0406", "与文化艺术产业相关的新材料"),
    )),
    Field("05", "高技术服务", (
        ("0501", "研发与设计服务"), ("0502", "检验检测认证与标准服务"), ("0503", "信息技术服务"),
        ("0504", "高技术专业化服务"), ("0505", "知识产权与成果转化服务"),
        ("0506", "电子商务与现代物流技术"), ("0507", "城市管理与社会服务"),
        ("0508", "文化创意产业支撑技术"),
    )),
    Field("06", "新能源与节能", (
        ("0601", "可再生清洁能源"), ("0602", "核能及氢能"), ("0603", "新型高效能量转换与储存技术"),
        ("0604", "高效节能技术"),
    )),
    Field("07", "资源与环境", (
        ("0701", "水污染控制与水资源利用技术"), ("0702", "大气污染控制技术"),
        ("0703", "固体废弃物处置与综合利用技术"), ("0704", "物理性污染防治技术"),
        ("0705", "环境监测及环境事故应急处理技术"), ("0706", "生态环境建设与保护技术"),
        ("0707", "清洁生产技术"), ("0708", "资源勘查、高效开采与综合利用技术"),
    )),
    Field("08", "先进制造与自动化", (
        ("0801", "工业生产过程控制系统"), ("0802", "安全生产技术"), ("0803", "高性能、智能化仪器仪表"),
        ("0804", "先进制造工艺与装备"), ("0805", "新型机械"), ("0806", "电力系统与设备"),
        ("0807", "汽车及轨道车辆相关技术"), ("0808", "高技术船舶与海洋工程装备设计制造技术"),
        ("0809", "传统文化产业改造技术"),
    )),
    Field("09", "现代农业", (
        ("0901", "种业与育种"), ("0902", "农业机械与智能装备"), ("0903", "畜禽水产养殖"),
        ("0904", "植物保护与土壤肥料"), ("0905", "农产品加工与食品安全"), ("0906", "智慧农业"),
    )),
)  # fmt: skip

FIELD_BY_CODE = {f.code: f for f in FIELDS}
FIELD_BY_NAME = {f.name: f for f in FIELDS}
SUBFIELD_NAMES = {code: name for f in FIELDS for code, name in f.subfields}
FIELD_CHOICES = [(f.code, f.name) for f in FIELDS]
SUBFIELD_CHOICES = [(f.name, list(f.subfields)) for f in FIELDS]


def field_name(code: str) -> str:
    return FIELD_BY_CODE[code].name if code in FIELD_BY_CODE else ""


def field_of_subfield(code: str) -> str:
    """The field code a sub-field code belongs to ("0402" → "04")."""
    return code[:2] if code in SUBFIELD_NAMES else ""
