"""Import N achievements from JSONL into an empty database and print time and peak memory.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/listings_import.py 100000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> .venv/bin/python benchmarks/listings_import.py 100000

The records are the 10,953 patent-known-item achievements (or a built-in record when
shared data is absent) repeated with fresh ids. The database is migrated and emptied of
achievements first; the import is the same ``import_file`` the CLI and pages use.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from techmarket.accounts.models import Organisation  # noqa: E402
from techmarket.core.demo import make_uscc  # noqa: E402
from techmarket.listings.importing import import_file  # noqa: E402
from techmarket.listings.models import Achievement  # noqa: E402

SHARED = Path(os.environ.get("TECHMARKET_SHARED_DATA", "/work/shared/data"))


def make_file(count: int, path: Path) -> None:
    source = SHARED / "patent-known-item" / "achievements.jsonl"
    base = (
        [json.loads(line) for line in source.open(encoding="utf-8")]
        if source.exists()
        else [{"title": "示例成果", "abstract": "示例简介" * 50, "field": "现代农业"}]
    )
    with path.open("w", encoding="utf-8") as handle:
        for index in range(count):
            record = dict(base[index % len(base)])
            record["id"] = f"BENCH{index:07d}"
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    publish = "--publish" in sys.argv
    call_command("migrate", verbosity=0)
    Achievement.objects.all().delete()
    organisation, _ = Organisation.objects.get_or_create(
        uscc=make_uscc("12", "120116", 99000001),
        defaults={"name": "基准测试大学", "type": "university", "region_code": "120116",
                  "contact_name": "基准", "contact_phone": "022-1", "status": "verified"},
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.jsonl"
        make_file(count, path)
        size_mb = path.stat().st_size / 1048576
        start = time.perf_counter()
        result = import_file("achievements", path, organisation=organisation, publish=publish)
        first = time.perf_counter() - start
        start = time.perf_counter()
        again = import_file("achievements", path, organisation=organisation, publish=publish)
        second = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"database: {connection.vendor}; file: {count} records, {size_mb:.0f} MB")
    print(f"first import: {first:.1f} s (created {result.created})")
    print(f"re-import (unchanged {again.unchanged}): {second:.1f} s")
    print(f"peak RSS of the process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
