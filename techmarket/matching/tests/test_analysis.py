from techmarket.matching.analysis import analyse, concepts, normalise


def test_it_folds_full_width_traditional_case_and_units():
    assert normalise("ＡＧＶ小車耐溫２００°Ｃ") == "agv小车耐温200℃"
    assert normalise("電路板設計") == "电路板设计"
    assert normalise("壓力 5 兆帕") == "压力 5 mpa"


def test_abbreviation_and_chinese_term_meet_on_one_token():
    assert "pcb" in analyse("印制电路板焊点虚焊")
    assert "pcb" in analyse("PCB焊点虚焊")
    assert "agv" in analyse("车间用自动导引车搬运物料")
    assert "mes" in analyse("上线制造执行系统")


def test_ascii_abbreviations_match_whole_words_only():
    assert concepts("PCBA 产线") == ["pcba"]
    assert "pc" not in analyse("PCB 板")


def test_index_and_query_share_the_pipeline_and_drop_filler():
    tokens = analyse("我们希望提高注塑外壳的良品率")
    assert "我们" not in tokens
    assert "希望" not in tokens
    assert "注塑" in tokens
    assert "良率" in tokens  # 良品率 folded into its canonical form
    assert analyse("注塑外壳") == analyse("注塑外殼")


def test_domain_words_stay_whole():
    assert "晶界扩散" in analyse("烧结钕铁硼晶界扩散重稀土减量")
