"""Latency of the public list page and list API against a running server (bounded runs).

    DATABASE_URL=... .venv/bin/techmarket serve --port 8110 &     # a database with 100k published
    .venv/bin/python benchmarks/listings_http.py http://127.0.0.1:8110 [requests per URL]

Sequential requests from one client process; prints median and p95 per URL. Each URL
gets a warm-up request and at most N requests or 60 s, whichever comes first.

The keyword URLs rank by the matching index (matching/listing_search.py). Above
MATCHING_SEARCH_SYNC_BUILD_UP_TO listings a list page does not wait for that index (it
filters by substring while a background thread builds it), so the run first waits for the
index through the search API, which builds it synchronously.
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.request

PATHS = [
    "/achievements/",
    "/achievements/?field=09",
    "/achievements/?field=09&ip_type=invention&sort=price_desc",
    "/achievements/?region=12&max_wan=100&page=3",
    "/api/v1/achievements?field=09&limit=20",
    "/api/v1/achievements?mode=transfer&limit=20",
    # keyword search: a common word (thousands of matches, the best LISTINGS_SEARCH_MAX_HITS
    # ranked), a three-word query, a keyword with filters
    "/achievements/?q=%E6%B0%B4%E7%A8%BB",  # 水稻
    "/achievements/?q=%E6%B0%B4%E7%A8%BB+%E8%82%B2%E7%A7%A7+%E5%9F%BA%E8%B4%A8",  # 水稻 育秧 基质
    "/achievements/?q=%E6%B0%B4%E7%A8%BB&field=09&sort=newest&page=2",
    "/api/v1/achievements?q=%E6%B0%B4%E7%A8%BB&limit=20",
]


def fetch(url: str, timeout: float = 30) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - local server
        response.read()
        assert response.status == 200
    return (time.perf_counter() - start) * 1000


def main() -> None:
    base = sys.argv[1].rstrip("/")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    built = fetch(base + "/api/v1/search?q=%E6%B0%B4%E7%A8%BB&limit=1", timeout=600)
    print(f"matching index ready after {built / 1000:.1f} s")
    print(f"{'URL':62} {'n':>4} {'median ms':>10} {'p95 ms':>8}")
    for path in PATHS:
        fetch(base + path)
        times: list[float] = []
        deadline = time.monotonic() + 60
        while len(times) < count and time.monotonic() < deadline:
            times.append(fetch(base + path))
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        print(f"{path:62} {len(times):>4} {statistics.median(times):>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
