import numpy as np
import pytest

from techmarket.matching.engine import (
    CorpusIndex,
    RankWeights,
    adaptive_lexical_weight,
    highlight,
    rank_achievements,
)
from techmarket.matching.records import AchievementRecord, DemandRecord


def _records():
    return [
        AchievementRecord(
            "A1",
            "耐高温氟橡胶密封圈",
            "改性氟橡胶配方密封圈，可在250℃下长期工作，适用于阀门与泵的高温密封。",
            field="新材料",
            maturity="产业化",
            transfer_modes=["许可"],
            price_wan=30,
            region="江苏省苏州市",
        ),
        AchievementRecord(
            "A2",
            "耐高温硅橡胶密封圈",
            "硅橡胶密封圈，长期使用温度150℃，适用于阀门与泵的密封。",
            field="新材料",
            maturity="中试",
            transfer_modes=["转让"],
            price_wan=300,
        ),
        AchievementRecord("A3", "印染废水深度脱色工艺", "臭氧催化氧化使印染废水色度降至30倍以下。"),
    ]


DEMAND = DemandRecord(
    "D1",
    "阀门高温密封件寿命短",
    "我们的阀门密封件需长期耐温不低于200℃，现用密封圈半年就老化。",
    region="江苏省南京市",
    budget_wan=50,
    cooperation_modes=["许可"],
)


def test_a_demand_needing_200_degrees_ranks_250_above_150_and_says_why():
    index = CorpusIndex.build(_records())
    matches = rank_achievements(index, DEMAND, top_n=3)
    assert [m.achievement_id for m in matches][:2] == ["A1", "A2"]
    first, second = matches[0].explanation, matches[1].explanation
    assert first.indicators_met == ["需求耐温≥200℃，成果为250℃"]
    assert second.indicators_failed == ["需求耐温≥200℃，成果为150℃"]
    assert "密封圈" in first.concepts or "密封" in first.concepts
    summary = first.summary()
    assert "满足指标" in summary
    assert "意向价格30万元在预算50万元以内" in summary
    assert "转化方式符合：许可" in summary
    assert "同在江苏省" in summary
    assert "意向价格300万元明显高于预算50万元" in matches[1].explanation.summary()


def test_records_outside_the_allowed_set_never_appear():
    index = CorpusIndex.build(_records())
    matches = rank_achievements(index, DEMAND, top_n=3, allowed_ids={"A2", "A3"})
    assert "A1" not in [m.achievement_id for m in matches]
    assert rank_achievements(index, DEMAND, allowed_ids=set()) == []


def _with_random_vectors(seed: int) -> tuple[CorpusIndex, np.ndarray]:
    """The three records, each with a random unit vector (no shared meaning by design)."""
    rng = np.random.default_rng(seed)
    vecs = rng.normal(size=(3, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return CorpusIndex.build(_records(), vectors=vecs), vecs


def test_semantic_evidence_lifts_a_match_without_shared_words():
    index, vecs = _with_random_vectors(0)
    demand = DemandRecord("D2", "出水颜色深", "排放不达标，颜色太深")
    matches = rank_achievements(index, demand, query_vector=vecs[2], top_n=3)
    assert matches[0].achievement_id == "A3"
    assert "语义" in matches[0].explanation.summary()


def test_snippets_mark_matched_terms_and_escape_html():
    snippet = highlight("<b>改性</b>氟橡胶密封圈，可在250℃下工作", ["密封圈"])
    assert "<mark>密封圈</mark>" in snippet
    assert "&lt;b&gt;" in snippet


def test_deadlines_in_reasons_read_as_whole_months():
    from techmarket.matching.engine import structured_adjustment

    rec = AchievementRecord("A1", "中试线", "已完成中试", maturity="中试")
    demand = DemandRecord("D1", "需求", "半年内上线", deadline_months=182 / 30)
    _adj, reasons, _met, _failed = structured_adjustment(demand, rec, [])
    assert "成熟度中试，能满足约6个月的期限" in reasons
    demand.deadline_months = 3.0
    assert "成熟度中试，能满足3个月的期限" in structured_adjustment(demand, rec, [])[1]


def test_lexical_weight_ramps_between_the_configured_strengths():
    w = RankWeights(lexical_from=0.15, lexical_full=0.45)
    assert adaptive_lexical_weight(0.10, w) == 0.0
    assert adaptive_lexical_weight(0.15, w) == 0.0
    assert adaptive_lexical_weight(0.30, w) == pytest.approx(0.5)
    assert adaptive_lexical_weight(0.45, w) == pytest.approx(1.0)
    assert adaptive_lexical_weight(0.90, w) == pytest.approx(1.0)
    assert adaptive_lexical_weight(0.30, RankWeights(lexical_from=1 / 3)) == 0.0


def test_a_restatement_lets_bm25_count_and_a_paraphrase_does_not():
    index, vecs = _with_random_vectors(1)
    restated = DemandRecord("D3", "氟橡胶密封圈", "需要改性氟橡胶配方的密封圈，用于化工泵")
    paraphrase = DemandRecord("D4", "泵老是漏", "化工泵用了半年就开始渗漏，换件频繁")
    strong = rank_achievements(index, restated, query_vector=vecs[0], top_n=1)[0]
    weak = rank_achievements(index, paraphrase, query_vector=vecs[0], top_n=1)[0]
    assert strong.signals["lexical_weight"] == pytest.approx(1.0)
    assert weak.signals["lexical_weight"] == 0.0
    off = RankWeights(lexical_from=0.99, lexical_full=1.0)
    ranked = rank_achievements(index, restated, query_vector=vecs[0], top_n=1, weights=off)
    assert ranked[0].signals["lexical_weight"] == 0.0


def test_a_bare_number_shared_by_chance_is_no_matched_concept():
    # "80倍" in the demand and "80℃" in the achievement share the token 80, which means
    # nothing to a reader; the shared words 印染 and 废水 are what the user should see
    waste = AchievementRecord(
        "W1",
        "印染废水余热回收热泵系统",
        "利用印染高温废水（50-60℃）作为低品位热源，提升至80℃以上。",
    )
    demand = DemandRecord("D9", "印染废水色度高", "印染厂废水生化处理后出水色度还有80倍左右。")
    (match,) = rank_achievements(CorpusIndex.build([waste]), demand, top_n=1)
    assert "印染" in match.explanation.concepts
    assert "80" not in match.explanation.concepts
    assert not any(c.replace(".", "").isdigit() for c in match.explanation.concepts)
