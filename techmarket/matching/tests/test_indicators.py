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
