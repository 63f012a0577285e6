from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from techmarket.core.demo import DemoContext, load_all
from techmarket.listings.models import Achievement, Demand
from techmarket.listings.selectors import published_achievements, published_demands
from techmarket.listings.tests import factories
from techmarket.listings.workflow import ListingStatus

pytestmark = pytest.mark.django_db


def test_the_demo_starts_without_shared_data() -> None:
    context = load_all(DemoContext(shared_data_dir=None))
    # the built-in set (other apps' demos may publish records of their own)
    assert published_achievements().filter(external_id__startswith="B-A").count() == 6
    assert published_demands().filter(external_id__startswith="B-D").count() == 3
    assert Achievement.objects.filter(status=ListingStatus.SUBMITTED).count() == 2
    assert any("成果库" in note for note in context.notes)


def test_cli_import_publishes_and_reports_errors(tmp_path: Path, university: Any) -> None:
    path = tmp_path / "a.jsonl"
    record = {"id": "X1", "title": "t", "abstract": "a", "field": "新材料"}
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    out = StringIO()
    call_command(
        "import",
        "achievements",
        str(path),
        "--org",
        university.uscc,
        "--publish",
        "--no-progress",
        stdout=out,
    )
    assert "新增 1" in out.getvalue()
    assert published_achievements().count() == 1
    path.write_text(json.dumps({**record, "field": "量子"}, ensure_ascii=False), "utf-8")
    with pytest.raises(CommandError, match="未导入任何记录"):
        call_command(
            "import",
            "achievements",
            str(path),
            "--org",
            university.uscc,
            "--no-progress",
            stderr=StringIO(),
        )


def test_expire_demands_command(enterprise: Any) -> None:
    factories.demand(
        enterprise,
        status=ListingStatus.PUBLISHED,
        deadline=timezone.localdate() - dt.timedelta(days=3),
    )
    out = StringIO()
    call_command("expire_demands", stdout=out)
    assert "1 条" in out.getvalue()
    assert Demand.objects.get().status == ListingStatus.EXPIRED
