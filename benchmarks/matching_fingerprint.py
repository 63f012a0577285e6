"""Cost of the matching index's freshness check (`services._fingerprint`), which runs on
every match, search and page section: counts and latest changes of the published listings
and of the stored vectors.

    DATABASE_URL=... .venv/bin/python benchmarks/matching_fingerprint.py [repeats]

Run it on the database the listings import benchmark leaves (100,000 published records);
compare with `techmarket migrate listings 0006` (before the (status, updated_at) indexes).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
django.setup()

from techmarket.listings.models import Achievement  # noqa: E402
from techmarket.matching import services  # noqa: E402


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    name = services._embedder_name()
    services._fingerprint(name)  # warm the connection and caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        services._fingerprint(name)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(
        f"{Achievement.objects.count()} achievements: fingerprint median "
        f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({repeats} runs)"
    )


if __name__ == "__main__":
    main()
