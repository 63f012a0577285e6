from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from techmarket.core.errors import ApplicationError
from techmarket.core.models import AuditEvent
from techmarket.listings.exporting import error_report_xlsx, export_xlsx, record_of, template_xlsx
from techmarket.listings.importing import ImportRejected, import_file
from techmarket.listings.models import Achievement, Demand
from techmarket.listings.selectors import published_achievements, published_demands
from techmarket.listings.signals import listings_bulk_changed
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db

SHARED = Path(os.environ.get("TECHMARKET_SHARED_DATA", "/work/shared/data"))
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason="shared data not present")

GOOD = {
    "id": "A1",
    "title": "自动折弯单元",
    "abstract": "六轴机器人与伺服折弯机。",
    "keywords": ["折弯", "钣金"],
    "field": "先进制造与自动化",
    "owner_type": "企业",
    "owner": "滨海数控",
    "maturity": "产业化",
    "ip": "实用新型专利",
    "transfer_modes": ["转让", "技术服务"],
    "price_wan": 65,
    "region": "山东省滨州市",
    "ipc": "B21D",
}


def _jsonl(tmp_path: Path, records: list[dict[str, Any]], name: str = "a.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    return path


def _xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "a.xlsx") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def test_jsonl_import_reads_every_format_value(tmp_path: Path, university: Any) -> None:
    negotiable = {**GOOD, "id": "A2", "price_wan": None, "keywords": None, "region": None}
    sparse = {
        "id": "A3",
        "title": "t",
        "abstract": "a",
        "field": "现代农业",
        "patent_number": "CN85105156",
    }
    result = import_file(
        "achievements", _jsonl(tmp_path, [GOOD, negotiable, sparse]), organisation=university
    )
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    first = Achievement.objects.get(external_id="A1")
    assert first.field == "08"
    assert first.maturity == "industrial"
    assert first.ip_type == "utility"
    assert first.transfer_modes == ["transfer", "service"]
    assert str(first.price) == "650000.00"
    assert first.region_code == "370000"
    assert first.region_name == "山东省滨州市"
    assert first.owner_type == "enterprise"
    assert first.owner_display == "滨海数控"
    assert first.status == ListingStatus.DRAFT
    assert Achievement.objects.get(external_id="A2").price is None


def test_long_titles_owners_and_industries_are_imported_whole(
    tmp_path: Path, university: Any, enterprise: Any
) -> None:
    # FORMAT.md sets no length: a 320-character title or a 350-character holder (a
    # consortium of institutes) must be read, not refused — on PostgreSQL too, which
    # enforces the column length
    title = "一种" + "基于多源数据融合的" * 35 + "方法"
    owner = "、".join(f"第{i}研究所" for i in range(60))
    import_file(
        "achievements",
        _jsonl(tmp_path, [{**GOOD, "title": title, "owner": owner}]),
        organisation=university,
    )
    item = Achievement.objects.get(external_id="A1")
    assert (item.title, item.owner_display) == (title, owner)
    assert len(title) > 300
    assert len(owner) > 300
    industry = "农副食品加工业、" * 20
    demand = {"id": "D1", "title": title, "description": "需求描述。", "industry": industry}
    import_file("demands", _jsonl(tmp_path, [demand], "d.jsonl"), organisation=enterprise)
    assert Demand.objects.get(external_id="D1").industry == industry


def test_a_jsonl_file_saved_by_windows_notepad_is_read(tmp_path: Path, university: Any) -> None:
    # a byte-order mark, CRLF line ends and blank lines at the end
    text = "\ufeff" + "\r\n".join(json.dumps(r, ensure_ascii=False) for r in [GOOD]) + "\r\n\r\n"
    path = tmp_path / "notepad.jsonl"
    path.write_text(text, "utf-8", newline="")
    assert import_file("achievements", path, organisation=university).created == 1
    assert Achievement.objects.get().title == GOOD["title"]


def test_reimporting_the_same_file_creates_no_duplicates(
    tmp_path: Path, university: Any, django_capture_on_commit_callbacks: Any
) -> None:
    path = _jsonl(tmp_path, [GOOD, {**GOOD, "id": "A2"}])
    received: list[list[int]] = []

    def handler(sender: Any, ids: list[int], **kwargs: Any) -> None:
        received.append(ids)

    listings_bulk_changed.connect(handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_file("achievements", path, organisation=university, publish=True)
        with django_capture_on_commit_callbacks(execute=True):
            again = import_file("achievements", path, organisation=university, publish=True)
        changed = _jsonl(tmp_path, [{**GOOD, "title": "新标题"}, {**GOOD, "id": "A2"}], "b.jsonl")
        third = import_file("achievements", changed, organisation=university, publish=True)
    finally:
        listings_bulk_changed.disconnect(handler)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert Achievement.objects.count() == 2
    assert published_achievements().get(external_id="A1").title == "新标题"
    assert len(received) == 1
    assert len(received[0]) == 2
    assert (
        AuditEvent.objects.filter(action="achievement.import", actor_name="系统导入").count() == 3
    )


@pytest.mark.parametrize(
    ("change", "column", "message"),
    [
        ({"title": ""}, "成果名称", "必填项不能为空"),
        ({"field": "量子"}, "技术领域", "不是技术领域"),
        ({"maturity": "量产"}, "成熟度", "不是允许的值"),
        ({"transfer_modes": ["赠送"]}, "转化方式", "不是允许的方式"),
        ({"price_wan": -1}, "意向价格（万元）", "不能为负数"),
        ({"title": "长" * 501}, "成果名称", "长度不能超过500个字符（当前501）"),
        ({"patent_numbers": ["ZL2019 1 0123456.7"]}, "专利申请号", "校验位错误"),
    ],
)
def test_one_invalid_row_rejects_the_whole_file(
    tmp_path: Path, university: Any, change: dict[str, Any], column: str, message: str
) -> None:
    path = _jsonl(tmp_path, [GOOD, {**GOOD, "id": "A2", **change}])
    with pytest.raises(ImportRejected) as info:
        import_file("achievements", path, organisation=university)
    error = info.value.errors[0]
    assert (error.row, error.column) == (2, column)
    assert message in error.message
    assert Achievement.objects.count() == 0
    report = load_workbook(io.BytesIO(error_report_xlsx(info.value.errors))).active
    assert report is not None
    assert [c.value for c in report[1]] == ["行号", "列", "值", "错误说明"]
    assert report.cell(2, 1).value == 2


def test_xlsx_template_round_trips_and_bad_uscc_style_codes_are_refused(
    tmp_path: Path, university: Any
) -> None:
    template = tmp_path / "t.xlsx"
    template.write_bytes(template_xlsx("achievements"))
    book = load_workbook(template)
    assert "允许值" in book.sheetnames
    result = import_file("achievements", template, organisation=university)
    assert result.created == 1
    item = Achievement.objects.get()
    assert item.patent_numbers == ["ZL201811564288.X"]
    assert item.subfield == "0403"
    header = [c.value for c in book["科技成果"][1]]
    bad = _xlsx(
        tmp_path,
        [
            header,
            [
                "X1",
                "t",
                "a",
                None,
                "新材料",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                "990000",
            ],
        ],
    )
    with pytest.raises(ImportRejected) as info:
        import_file("achievements", bad, organisation=university)
    assert info.value.errors[0].column == "行政区划代码"


def test_a_malformed_xlsx_a_junk_file_and_a_gbk_csv_are_refused_clearly(
    tmp_path: Path, university: Any
) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(os.urandom(10 * 1024 * 1024))
    with pytest.raises(ImportRejected, match="不是有效的 Excel"):
        import_file("achievements", junk, organisation=university)
    junk_lines = tmp_path / "junk.jsonl"
    junk_lines.write_bytes(os.urandom(1024 * 1024))
    with pytest.raises(ImportRejected) as info:
        import_file("achievements", junk_lines, organisation=university)
    assert info.value.total_errors >= len(info.value.errors) > 0
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("编号,成果名称,成果简介,技术领域\nA1,名称,简介,新材料\n".encode("gbk"))
    with pytest.raises(ImportRejected, match="不是 UTF-8 编码"):
        import_file("achievements", gbk, organisation=university)
    good = tmp_path / "good.csv"
    good.write_bytes("编号,成果名称,成果简介,技术领域\nA1,名称,简介,新材料\n".encode("utf-8-sig"))
    assert import_file("achievements", good, organisation=university).created == 1
    assert Achievement.objects.count() == 1


def test_export_then_import_into_an_empty_database_gives_the_same_records(
    tmp_path: Path, university: Any
) -> None:
    import_file(
        "achievements",
        _jsonl(tmp_path, [GOOD, {**GOOD, "id": "A2", "price_wan": None}]),
        organisation=university,
    )
    before = [record_of(a) for a in Achievement.objects.order_by("external_id")]
    exported = tmp_path / "export.xlsx"
    exported.write_bytes(export_xlsx("achievements", Achievement.objects.order_by("external_id")))
    Achievement.objects.all().delete()
    import_file("achievements", exported, organisation=university)
    after = [record_of(a) for a in Achievement.objects.order_by("external_id")]
    assert after == before


def test_an_organisation_may_not_publish_its_own_import(
    tmp_path: Path, org_admin: Any, enterprise: Any
) -> None:
    with pytest.raises(ApplicationError, match="须经科技局审核"):
        import_file(
            "achievements",
            _jsonl(tmp_path, [GOOD]),
            organisation=enterprise,
            actor=org_admin,
            publish=True,
        )
    result = import_file(
        "achievements",
        _jsonl(tmp_path, [GOOD]),
        organisation=enterprise,
        actor=org_admin,
        submit=True,
    )
    assert Achievement.objects.get(pk=result.ids[0]).status == ListingStatus.SUBMITTED


@needs_shared
def test_the_shared_data_sets_import_as_they_are(university: Any, enterprise: Any) -> None:
    dev = import_file(
        "achievements",
        SHARED / "matching-dev/achievements.jsonl",
        organisation=university,
        publish=True,
    )
    assert dev.created == 203
    demands = import_file(
        "demands", SHARED / "matching-dev/demands.jsonl", organisation=enterprise, publish=True
    )
    assert demands.created == 50
    assert published_demands().count() == 50
    patents = import_file(
        "demands", SHARED / "patent-known-item/demands.jsonl", organisation=enterprise
    )
    assert patents.created == 400
    with_deadline = Demand.objects.exclude(deadline=None).count()
    assert with_deadline == 46


@needs_shared
def test_the_11k_patent_file_imports(university: Any) -> None:
    result = import_file(
        "achievements", SHARED / "patent-known-item/achievements.jsonl", organisation=university
    )
    assert result.created == 10953
