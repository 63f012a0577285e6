"""Benchmark: dashboard queries at 10^6 registered contracts, and an xlsx export of 10^5 rows.

Runs against a THROWAWAY database that it migrates and fills:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tm_contracts_bench \
        .venv/bin/python benchmarks/contracts_stats.py --contracts 1000000
    DATABASE_URL=sqlite:////tmp/tm_contracts_bench.sqlite3 \
        .venv/bin/python benchmarks/contracts_stats.py --contracts 1000000

Rows are generated over ten years (about 100,000 a year) and loaded with COPY on
PostgreSQL and executemany on SQLite. It prints the p50/p95 of every dashboard query
(targets: p95 ≤ 500 ms on PostgreSQL, ≤ 1 s on SQLite) and the export time (≤ 30 s).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from techmarket.contracts import selectors  # noqa: E402
from techmarket.contracts.models import Contract  # noqa: E402
from techmarket.contracts.summary import rebuild  # noqa: E402
from techmarket.core.exports import xlsx_bytes  # noqa: E402
from techmarket.stats.selectors import BREAKDOWNS, dashboard, indicators  # noqa: E402

COLUMNS = [
    "created_at", "updated_at", "project_name", "contract_type", "seller_name", "seller_uscc",
    "seller_region_code", "seller_nature", "buyer_name", "buyer_uscc", "buyer_country_code",
    "buyer_region_code", "buyer_nature", "signed_on", "valid_from", "valid_until", "field",
    "ip_type", "contract_amount", "non_tech_total", "carrier_allowed_total", "tech_amount",
    "payment_mode", "payment_schedule", "related_party_full", "scan", "scan_sha256",
    "source_kind", "imported", "status", "status_reason", "refusal_reason", "submitted_on",
    "accepted_on", "rule_version", "registered_on", "registration_number",
    "certificate_version",
]  # fmt: skip
TYPES = ["service", "dev_commissioned", "consulting", "transfer_patent", "license_patent",
         "dev_cooperative", "service_training", "transfer_tech_secret"]  # fmt: skip
DISTRICTS = ["120101", "120102", "120103", "120104", "120110", "120111", "120112", "120116"]
BUYER_REGIONS = [*DISTRICTS, "110105", "130102", "320505", "370202", "440305", "310115"]
NATURES = ["022", "021", "150", "160", "170"]


def rows(count: int, years: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(6)
    today = timezone.localdate()
    first = date(today.year - years + 1, 1, 1)
    span = (today - first).days
    now = timezone.now()
    for i in range(count):
        registered_on = first + timedelta(days=rng.randrange(span + 1))
        amount = rng.randrange(20_000, 5_000_000)
        tech = amount - amount // rng.choice([10**9, 10, 5])
        yield (
            now, now, f"项目{i}", rng.choice(TYPES), f"卖方{i % 5000}", "91120116000000000X",
            rng.choice(DISTRICTS), rng.choice(NATURES), f"买方{i % 20000}", "", "156",
            rng.choice(BUYER_REGIONS), rng.choice(NATURES), registered_on, registered_on,
            registered_on + timedelta(days=365), f"0{rng.randint(1, 9)}", "none", amount, amount - tech,
            0, tech, "lump_sum_once", "[]", False, "", "", "", True, "registered", "", "",
            registered_on, registered_on, "2026", registered_on, f"{i:016d}", 1,
        )  # fmt: skip


def _sqlite(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def generate(count: int, years: int) -> float:
    started = time.perf_counter()
    table = Contract._meta.db_table
    columns = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table name
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows(count, years):
                    copy.write_row(row)
        else:
            # The sqlite3 connection itself, with values already in Django's storage format
            # (ISO text for dates), skips Django's per-row adaptation.
            raw_connection = connection.connection
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(COLUMNS))})"  # noqa: S608
            batch: list[tuple[object, ...]] = []
            for row in rows(count, years):
                batch.append(tuple(_sqlite(v) for v in row))
                if len(batch) == 50_000:
                    raw_connection.executemany(sql, batch)
                    batch.clear()
            if batch:
                raw_connection.executemany(sql, batch)
    with connection.cursor() as cursor:
        # Outside the transaction: on PostgreSQL VACUUM also sets the visibility map that
        # index-only scans need (autovacuum does the same in production).
        cursor.execute(
            f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE"
        )
    return time.perf_counter() - started


def measure(name: str, run: Callable[[], object], repeat: int) -> tuple[str, float, float]:
    run()  # warm-up
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * len(timings)) - 1)]
    return name, statistics.median(timings), p95


def run_queries(repeat: int) -> None:
    year = timezone.localdate().year
    # The dashboard's year to date: whole months from the summary, this month from the rows.
    start, end = date(year, 1, 1), timezone.localdate() + timedelta(days=1)
    results = [
        measure("indicators (YTD + previous YTD + targets)", lambda: indicators(year), repeat),
        measure("turnover by month (YTD)", lambda: selectors.turnover("month", start, end), repeat),
        measure(
            "turnover by quarter (YTD)",
            lambda: selectors.turnover("quarter", start, end),
            repeat,
        ),
        measure(
            "turnover by year (all years, to date)",
            lambda: selectors.turnover("year", None, end),
            repeat,
        ),
    ]
    for dimension in BREAKDOWNS:
        results.append(
            measure(f"turnover by {dimension} (YTD)",
                    lambda d=dimension: selectors.turnover(d, start, end), repeat)  # type: ignore[misc]
        )  # fmt: skip
    results.append(
        measure("whole dashboard page data", lambda: dashboard(year), max(5, repeat // 4))
    )
    print(f"{'query':48s} {'p50 ms':>9s} {'p95 ms':>9s}")
    for label, p50, p95 in results:
        print(f"{label:48s} {p50:9.1f} {p95:9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--skip-generate", action="store_true")
    parser.add_argument("--skip-queries", action="store_true")
    parser.add_argument(
        "--rebuild", action="store_true", help="rebuild the summary even with --skip-generate"
    )
    args = parser.parse_args()
    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        raise SystemExit(f"refusing to run on {name!r}: use a database whose name contains 'bench'")
    call_command("migrate", verbosity=0)
    if not args.skip_generate:
        seconds = generate(args.contracts, args.years)
        print(f"generated {args.contracts:,} contracts in {seconds:.1f} s ({connection.vendor})")
    if not args.skip_generate or args.rebuild:
        started = time.perf_counter()
        cells = rebuild()
        print(
            f"rebuilt the monthly summary ({cells:,} cells) in {time.perf_counter() - started:.1f} s"
        )
    total = Contract.objects.count()
    print(f"{connection.vendor}: {total:,} contracts")
    if not args.skip_queries:
        run_queries(args.repeat)
    started, cpu_started = time.perf_counter(), time.process_time()
    queryset = Contract.objects.filter(
        pk__in=Contract.objects.order_by("id").values("id")[: args.export_rows]
    )
    content = xlsx_bytes("技术合同", selectors.EXPORT_HEADERS, selectors.export_rows(queryset))
    print(
        f"xlsx export of {args.export_rows:,} rows: {time.perf_counter() - started:.1f} s wall, "
        f"{time.process_time() - cpu_started:.1f} s CPU of this process, {len(content) / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
