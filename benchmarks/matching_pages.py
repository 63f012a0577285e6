"""Latency of 推荐成果 / 潜在需求方 on the listing pages against a running server.

    DATABASE_URL=... .venv/bin/techmarket serve --port 8102 &    # e.g. the demo database
    .venv/bin/python benchmarks/matching_pages.py http://127.0.0.1:8102 DEMAND_IDS ACHIEVEMENT_IDS

DEMAND_IDS / ACHIEVEMENT_IDS: ranges like 1-50 and 1-200 of published listings. Sequential
requests from one client. Prints the first request (which builds the in-process index),
then median and p95 of: the detail page itself, the section's first view of each listing
(ranking), and a second view (served from Django's cache, rows re-checked in the DB).
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.request


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 - local server
        response.read()
        assert response.status == 200
    return (time.perf_counter() - start) * 1000


def ids(spec: str) -> list[int]:
    first, _, last = spec.partition("-")
    return list(range(int(first), int(last or first) + 1))


def report(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    print(f"{label:44} {len(times):>4} {statistics.median(times):>10.1f} {p95:>8.1f}")


def main() -> None:
    base = sys.argv[1].rstrip("/")
    groups = [
        ("demand", "demands", ids(sys.argv[2])),
        ("achievement", "achievements", ids(sys.argv[3])),
    ]
    first = fetch(f"{base}/matching/sections/demand/{groups[0][2][0]}/")
    print(f"first section request (index build + ranking): {first:.0f} ms")
    print(f"{'what':44} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    for kind, plural, pks in groups:
        report(f"{plural} detail page", [fetch(f"{base}/{plural}/{pk}/") for pk in pks])
        pks = pks[1:] if kind == "demand" else pks
        report(
            f"{kind} section, first view (ranking)",
            [fetch(f"{base}/matching/sections/{kind}/{pk}/") for pk in pks],
        )
        report(
            f"{kind} section, second view (cached)",
            [fetch(f"{base}/matching/sections/{kind}/{pk}/") for pk in pks],
        )


if __name__ == "__main__":
    main()
