from techmarket.matching.indicators import compare, describe, extract
from techmarket.matching.records import Indicator


def test_it_reads_requirements_and_capabilities_from_text():
    needs = extract("密封件需长期耐温不低于200℃，压力5MPa以上")
    assert Indicator("耐温", "ge", 200.0, "℃") in needs
    assert any(n.unit == "mpa" and n.comparator == "ge" and n.value == 5 for n in needs)
    assert extract("浓缩温度不超过50℃")[0].comparator == "le"


def test_a_250_degree_rating_meets_a_200_degree_need_and_150_fails():
    need = [Indicator("耐温", "ge", 200.0, "℃")]
    assert compare(need, extract("可在250℃下长期工作")) == [(need[0], True, 250.0)]
    assert compare(need, extract("使用温度150℃"))[0][1] is False
    assert compare(need, extract("拉伸强度30MPa")) == []  # other units are not compared


def test_upper_bounds_use_the_lowest_stated_value():
    need = [Indicator("温度", "le", 50.0, "℃")]
    assert compare(need, extract("操作温度40-45℃"))[0][1] is True
    assert describe(need[0]) == "温度≤50℃"


def test_ratios_are_compared_only_between_the_same_quantity():
    needs = extract("提取液浓缩时成分损失30%以上，希望保留率95%以上")
    has = extract("低温膜浓缩，指标成分保留率96%")
    compared = compare(needs, has)
    # the loss the enterprise describes is not compared with the achievement's retention
    assert [(n.name, met, value) for n, met, value in compared] == [("率", True, 96.0)]
    assert compare(extract("耐温不低于200℃"), extract("工作温度250℃"))[0][1]


def test_ratio_names_that_share_a_character_are_compared_and_unnamed_ones_are_not():
    assert compare(extract("良率不低于99%"), extract("良品率达到99.5%"))[0][1]
    assert compare(extract("节电15%以上"), extract("（实测）30%")) == []


def test_a_calendar_year_is_a_date_not_a_number_of_years():
    # "2018年通过省级鉴定" is no capability of 2,018 years: compared with a need of a
    # payback within 3 years it failed the achievement
    assert extract("该成果2018年通过省级鉴定，2020年起推广。") == []
    need = extract("投资回收期不超过3年")
    assert compare(need, extract("2018年通过鉴定，投资回收期2年。")) == [(need[0], True, 2.0)]
    assert [i.value for i in extract("使用寿命达到2000小时，质保5年")] == [2000.0, 5.0]


def test_a_demands_symptoms_are_not_its_requirements():
    from techmarket.matching.indicators import extract_needs

    text = (
        "夏天午后柜内经常超过55℃，设备自动降频。断奶仔猪腹泻率从5%升到15%以上。"
        "希望把腹泻率降回6%以内；要求耐温不低于200℃"
    )
    needs = [describe(n) for n in extract_needs(text)]
    # 55 ℃ and 15 % describe the problem: an achievement rated 40 ℃ fails no requirement
    assert needs == ["降回≤6%", "耐温≥200℃"]
    symptom = "夏天午后柜内经常超过55℃，设备自动降频。希望找到不用空调的散热办法。"
    assert extract_needs("需求背景：反应温度经常超过90℃，效果不理想。") == []
    assert compare(extract_needs(symptom), extract("工作温度40℃")) == []
    assert compare(extract(symptom), extract("工作温度40℃"))  # what was read before
