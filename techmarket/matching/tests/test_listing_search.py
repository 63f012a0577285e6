"""The 关键词 box of the public lists ranks by the matching index (BM25 over analysed text)
and keeps the lists' filters, facet counts and paging."""

import datetime as dt
import re
import time

import pytest
from django.utils import timezone

from techmarket.matching import services
from techmarket.matching.tests import factories


def _titles(html: str) -> list[str]:
    return re.findall(r'<td><a href="/(?:achievements|demands)/\d+/">([^<]+)</a>', html)


def _market(university):
    old = timezone.now() - dt.timedelta(days=30)
    strong = factories.achievement(
        university,
        "印染废水臭氧催化深度脱色技术",
        "印染废水的生化出水经臭氧催化氧化深度脱色，色度降至20倍以下。",
        field="07",
        published_at=old,
    )
    weak = factories.achievement(
        university, "园区废水在线监测系统", "多参数在线监测园区废水排放。", field="01"
    )
    other = factories.achievement(university, "六轴机器人折弯单元", "机器人自动折弯。")
    return strong, weak, other


def test_a_keyword_finds_what_a_substring_filter_missed_best_match_first(client, university):
    strong, weak, _other = _market(university)
    # "废水脱色" is in neither text as such: the substring filter found nothing
    html = client.get("/achievements/", {"q": "废水脱色"}).content.decode()
    assert _titles(html) == [strong.title, weak.title]  # by relevance, not by date
    assert 'id="result-count">2<' in html
    assert "<mark>废水</mark>" in html  # the text around the keyword, highlighted
    assert "<mark>脱色</mark>" in html
    # the lists' filters and facet counts apply to the keyword's matches
    assert "资源与环境（1）" in html
    assert "电子信息（1）" in html
    assert "先进制造与自动化（0）" in html  # the robot matches no keyword
    narrowed = client.get("/achievements/", {"q": "废水脱色", "field": "01"}).content.decode()
    assert _titles(narrowed) == [weak.title]
    # another order on request
    newest = client.get("/achievements/", {"q": "废水脱色", "sort": "newest"}).content.decode()
    assert _titles(newest) == [weak.title, strong.title]
    # the API's list takes the same path
    api = client.get("/api/v1/achievements", {"q": "废水脱色"}).json()
    assert [i["title"] for i in api["items"]] == [strong.title, weak.title]


def test_a_keyword_export_keeps_the_relevance_order(client, university):
    import io

    from openpyxl import load_workbook

    strong, weak, _other = _market(university)
    response = client.get("/achievements/", {"q": "废水脱色", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == [strong.title, weak.title]  # best match first, not newest first


def test_a_listing_withdrawn_behind_the_index_is_never_listed(client, university):
    strong, weak, _other = _market(university)
    client.get("/achievements/", {"q": "废水脱色"})  # the index now holds both
    type(strong).objects.filter(pk=strong.pk).update(status="withdrawn")
    html = client.get("/achievements/", {"q": "废水脱色"}).content.decode()
    assert _titles(html) == [weak.title]


def test_more_matches_than_are_ranked_are_announced(client, university, settings):
    _market(university)
    settings.LISTINGS_SEARCH_MAX_HITS = 1
    html = client.get("/achievements/", {"q": "废水脱色"}).content.decode()
    assert len(_titles(html)) == 1
    assert "与关键词相关的有 2 条，按相关度在前 1 条中筛选" in html


@pytest.mark.django_db(transaction=True)
def test_above_the_synchronous_limit_the_list_filters_by_substring_until_the_index_is_built(
    client, university, settings
):
    strong, weak, _other = _market(university)
    settings.MATCHING_SEARCH_SYNC_BUILD_UP_TO = 0  # every market is "large"
    first = client.get("/achievements/", {"q": "废水脱色"}).content.decode()
    assert _titles(first) == []  # the substring filter: nobody waited for a build
    deadline = time.monotonic() + 60
    while services.lexical_index() is None:  # built by a background thread meanwhile
        assert time.monotonic() < deadline, "the background build did not finish in 60 s"
        time.sleep(0.1)
    later = client.get("/achievements/", {"q": "废水脱色"}).content.decode()
    assert _titles(later) == [strong.title, weak.title]
