"""Chinese text analysis — the same pipeline at index time and at query time.

normalise(): full-width → half-width (NFKC), traditional → simplified (zhconv), lower case,
unit spellings unified (℃/°C/摄氏度 → ℃, 兆帕 → mpa, ...).
analyse(): normalise, expand industry abbreviations and synonyms to one canonical token,
segment with rjieba (search mode, domain dictionary added), drop stop words and punctuation.

The dictionaries below are general industry vocabulary (standard abbreviations of
manufacturing, electronics, energy, environment and agriculture); nothing here is derived
from an evaluation set's judged pairs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import rjieba
import zhconv

# Each group: canonical token first, then spellings that mean the same thing.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("pcb", "印制电路板", "印刷电路板", "线路板", "电路板"),
    ("pcba", "印制电路板组件", "电路板组件"),
    ("agv", "自动导引车", "自动导引运输车", "无人搬运车"),
    ("amr", "自主移动机器人"),
    ("mes", "制造执行系统", "生产执行系统"),
    ("erp", "企业资源计划"),
    ("wms", "仓储管理系统", "仓库管理系统"),
    ("plc", "可编程逻辑控制器", "可编程控制器"),
    ("dcs", "集散控制系统", "分布式控制系统"),
    ("scada", "数据采集与监视控制"),
    ("cnc", "数控机床", "数控加工"),
    ("aoi", "自动光学检测"),
    ("oee", "设备综合效率"),
    ("emc", "电磁兼容"),
    ("emi", "电磁干扰"),
    ("igbt", "绝缘栅双极型晶体管"),
    ("mosfet", "场效应管", "金属氧化物半导体场效应晶体管"),
    ("sic", "碳化硅"),
    ("gan", "氮化镓"),
    ("led", "发光二极管"),
    ("oled", "有机发光二极管"),
    ("lidar", "激光雷达"),
    ("iot", "物联网"),
    ("ai", "人工智能"),
    ("ocr", "光学字符识别", "文字识别"),
    ("nlp", "自然语言处理"),
    ("bms", "电池管理系统"),
    ("pv", "光伏"),
    ("cod", "化学需氧量"),
    ("bod", "生化需氧量"),
    ("voc", "vocs", "挥发性有机物", "挥发性有机化合物"),
    ("pm2.5", "细颗粒物"),
    ("mbr", "膜生物反应器"),
    ("ro", "反渗透"),
    ("pcr", "聚合酶链式反应"),
    ("gmp", "药品生产质量管理规范"),
    ("api", "原料药"),
    ("cfrp", "碳纤维增强复合材料", "碳纤维复合材料"),
    ("pla", "聚乳酸"),
    ("pet", "聚对苯二甲酸乙二醇酯"),
    ("pp", "聚丙烯"),
    ("pe", "聚乙烯"),
    ("pvc", "聚氯乙烯"),
    ("abs", "丙烯腈丁二烯苯乙烯"),
    ("pc", "聚碳酸酯"),
    ("cae", "计算机辅助工程"),
    ("cad", "计算机辅助设计"),
    ("bim", "建筑信息模型"),
    ("gis", "地理信息系统"),
    ("gnss", "卫星导航"),
    ("uav", "无人机", "无人驾驶航空器"),
    ("ndt", "无损检测"),
    ("hvac", "暖通空调"),
    ("ups", "不间断电源"),
    ("ccus", "碳捕集利用与封存"),
    ("esg", "环境社会治理"),
    ("3d打印", "增材制造"),
    ("机器视觉", "视觉检测", "工业视觉"),
    ("数字孪生", "虚拟映射"),
    ("余热回收", "废热回收", "余热利用"),
    ("脱色", "褪色", "去色"),
    ("良率", "良品率", "合格率", "成品率"),
    ("不良率", "次品率", "废品率"),
)

# General technical vocabulary rjieba should keep as one word.
DOMAIN_WORDS: tuple[str, ...] = (
    "印制电路板",
    "自动光学检测",
    "机器视觉",
    "深度学习",
    "数字孪生",
    "工业互联网",
    "边缘计算",
    "增材制造",
    "激光熔覆",
    "热处理",
    "晶界扩散",
    "注塑成型",
    "压铸",
    "模具",
    "伺服电机",
    "减速器",
    "储能",
    "锂电池",
    "钠离子电池",
    "燃料电池",
    "光伏组件",
    "余热回收",
    "热泵",
    "废水处理",
    "污泥",
    "厌氧消化",
    "膜分离",
    "催化剂",
    "复合材料",
    "石墨烯",
    "碳纳米管",
    "钙钛矿",
    "涂层",
    "无损检测",
    "在线监测",
    "故障诊断",
    "预测性维护",
    "配方颗粒",
    "低温浓缩",
    "生物农药",
    "水肥一体化",
    "测土配方",
    "病虫害",
    "育苗",
    "嫁接",
)

STOP_WORDS: frozenset[str] = frozenset(
    """的 了 和 与 及 或 等 是 在 对 为 以 将 把 被 由 从 到 于 其 中 上 下 内 外 后 前 我们 我 公司
    企业 目前 现在 现有 希望 需要 需求 要求 想 能 能够 可 可以 可用 可在 进行 采用 使用 利用 通过 实现
    提高 提升 降低 减少 增加 问题 技术 方法 系统 装置 一种 本 该 所述 以及 并 且 而 但 也 都 很 较 更
    非常 一个 这个 那个 这 那 有 没有 无 不 不能 个 些 每 各 又 再 已 已经 还 仍 时 时候 情况 方面
    左右 以上 以下 大约 约 多 少 高 低 好 差 比较 主要 相关 具有 包括 用于 适用 适合 方案 成果""".split()  # noqa: SIM905
)

_UNIT_REPLACEMENTS: tuple[tuple[str, str], ...] = (
    ("摄氏度", "℃"),
    ("°c", "℃"),
    ("° c", "℃"),
    ("度c", "℃"),
    ("兆帕", "mpa"),
    ("千帕", "kpa"),
    ("千瓦时", "kwh"),
    ("千瓦", "kw"),
    ("兆瓦", "mw"),
    ("千伏", "kv"),
    ("毫米", "mm"),
    ("微米", "μm"),
    ("纳米", "nm"),
    ("厘米", "cm"),
    ("公斤", "kg"),
    ("千克", "kg"),
    ("毫克", "mg"),
    ("吨/天", "t/d"),
    ("吨/日", "t/d"),
    ("百分之", "%"),
)

_TOKEN_RE = re.compile(r"[\w.%℃+\-/]+", re.UNICODE)
_PUNCT_ONLY = re.compile(r"^[\W_]+$", re.UNICODE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _conversion_triggers() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """zhconv's changing entries: one-character keys, and longer keys by first two characters.

    zhconv scans a string in Python (~0.2 ms per record). Its output differs from its input
    only where a dictionary key whose value differs occurs in the text; a text containing
    no such key is returned unchanged, so it is not handed to zhconv at all. Most
    simplified text contains none."""
    from zhconv import zhconv as zh

    singles: set[str] = set()
    longer: dict[str, list[str]] = {}
    for key, value in zh.getdict("zh-cn").items():
        if not key or key == value:
            continue
        if len(key) == 1:
            singles.add(key)
        else:
            longer.setdefault(key[:2], []).append(key)
    return frozenset(singles), {k: tuple(v) for k, v in longer.items()}


def _needs_conversion(text: str) -> bool:
    singles, longer = _conversion_triggers()
    if not singles.isdisjoint(text):
        return True
    pairs = longer.keys() & set(map(str.__add__, text, text[1:]))
    return any(key in text for pair in pairs for key in longer[pair])


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Full width → half width, traditional → simplified, lower case, unified units.

    Cached: ranking one demand normalises the same query and candidate texts several times
    (segmentation, concepts, indicators, explanations)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    if _needs_conversion(text):
        text = zhconv.convert(text, "zh-cn")
    text = text.lower()
    for old, new in _UNIT_REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    text = text.replace("μ", "μ")
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1)
def _synonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        head = normalise(group[0])
        for variant in group:
            canonical[normalise(variant)] = head
    # ASCII abbreviations must match as whole words ("pc" is not inside "pcb").
    parts = []
    for variant in sorted(canonical, key=len, reverse=True):
        escaped = re.escape(variant)
        if variant.isascii():
            parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
        else:
            parts.append(escaped)
    return re.compile("|".join(parts)), canonical


@lru_cache(maxsize=1)
def _load_dictionary() -> bool:
    for group in SYNONYM_GROUPS:
        for variant in group:
            v = normalise(variant)
            if not v.isascii():
                rjieba.add_word(v, None, None)
    for word in DOMAIN_WORDS:
        rjieba.add_word(normalise(word), None, None)
    return True


def concepts(text: str) -> list[str]:
    """The canonical industry concepts (abbreviation groups) a text mentions."""
    found: list[str] = []
    for c in _synonym_hits(normalise(text)):
        if c not in found:
            found.append(c)
    return found


@lru_cache(maxsize=1)
def _synonym_variants() -> tuple[frozenset[str], dict[str, tuple[tuple[int, str], ...]]]:
    """The variants in the full pattern's order, grouped by first character."""
    _pattern, canonical = _synonyms()
    by_first: dict[str, list[tuple[int, str]]] = {}
    for order, variant in enumerate(sorted(canonical, key=len, reverse=True)):
        by_first.setdefault(variant[0], []).append((order, variant))
    return frozenset(by_first), {k: tuple(v) for k, v in by_first.items()}


@lru_cache(maxsize=4096)
def _synonym_subpattern(variants: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for variant in variants:
        escaped = re.escape(variant)
        if variant.isascii():
            parts.append(rf"(?<![a-z0-9]){escaped}(?![a-z0-9])")
        else:
            parts.append(escaped)
    return re.compile("|".join(parts))


def _synonym_hits(norm: str) -> list[str]:
    """Canonical tokens of the synonym variants in `norm`, in text order.

    The same matches as `_synonyms()`'s full pattern (longest variant first at each
    position), but the alternation is built only from the variants that occur in the text
    at all: a plain substring test per variant is far cheaper than trying ~150
    alternatives at every position of every record."""
    firsts, by_first = _synonym_variants()
    present = tuple(
        v
        for _o, v in sorted(
            ov for c in firsts.intersection(norm) for ov in by_first[c] if ov[1] in norm
        )
    )
    if not present:
        return []
    _pattern, canonical = _synonyms()
    return [canonical[m.group(0)] for m in _synonym_subpattern(present).finditer(norm)]


# raw segment → index token (None: dropped); the vocabulary of a corpus is small next to its
# length, so each distinct segment is stripped, stop-word-checked and folded once
_TOKEN_CACHE: dict[str, str | None] = {}
_TOKEN_CACHE_MAX = 500_000


def _index_token(raw: str) -> str | None:
    tok = raw.strip()
    if not tok or tok in STOP_WORDS or _PUNCT_ONLY.match(tok):
        out = None
    else:
        out = _synonyms()[1].get(tok, tok)
    if len(_TOKEN_CACHE) < _TOKEN_CACHE_MAX:
        _TOKEN_CACHE[raw] = out
    return out


def analyse(text: str) -> list[str]:
    """Index/query tokens of a text: normalised, segmented, synonyms folded in."""
    _load_dictionary()
    norm = normalise(text)
    extra = _synonym_hits(norm)
    cache = _TOKEN_CACHE
    tokens: list[str] = []
    for raw in rjieba.cut_for_search(norm):
        tok = cache[raw] if raw in cache else _index_token(raw)
        if tok is not None:
            tokens.append(tok)
    for c in extra:
        if c not in tokens:
            tokens.append(c)
    return tokens


def segment(text: str) -> list[str]:
    """Plain segmentation (no search-mode sub-words) for snippets and explanations."""
    _load_dictionary()
    return [t for t in rjieba.cut(normalise(text)) if t.strip()]
