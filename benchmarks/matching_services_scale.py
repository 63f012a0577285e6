"""The services path at scale: `current_index()` built from a real database, its memory,
and `match_demand` / `search` latency through the product code.

    DATABASE_URL=sqlite:////tmp/ms.sqlite3 .venv/bin/python benchmarks/matching_services_scale.py 100000

Imports N published achievements (the 10,953 patent-known-item records repeated with fresh
ids, through `listings.importing.import_file`) and the 400 patent-known-item demands, stores
a random unit vector and random latent terms per listing (no token vectors: the
configuration for very large corpora, where late interaction falls back to dense and the
latent terms are kept narrowed to MATCHING_LATENT_TERMS_KEEP_LARGE), then times the index build, the
refresh after the background task stores one more batch of vectors (lexical indexes kept), and
prints the process's resident memory before and after, and the latency of matching and
searching.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402

from techmarket.accounts.models import Organisation  # noqa: E402
from techmarket.core.demo import make_uscc  # noqa: E402
from techmarket.listings.importing import import_file  # noqa: E402
from techmarket.listings.models import Achievement, Demand  # noqa: E402
from techmarket.matching import services, sparse  # noqa: E402
from techmarket.matching.models import Embedding, ListingKind  # noqa: E402
from techmarket.matching.vectorstore import pack  # noqa: E402

SHARED = Path(os.environ.get("TECHMARKET_SHARED_DATA", "/work/shared/data")) / "patent-known-item"


def rss_gib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 2**20
    return 0.0


def store_vectors(kind: str, ids: list[int], rng: np.random.Generator) -> None:
    name = services._embedder_name()
    for a in range(0, len(ids), 2000):
        rows = []
        for listing_id in ids[a : a + 2000]:
            v = rng.standard_normal(384).astype(np.float32)
            v /= np.linalg.norm(v)
            # latent terms of the stored size (256 per text), random like the vectors
            term_ids = np.sort(rng.choice(16384, sparse.KEEP, replace=False)).astype(np.uint16)
            terms = sparse.pack((term_ids, rng.random(sparse.KEEP).astype(np.float32)))
            rows.append(
                Embedding(kind=kind, listing_id=listing_id, model_name=name, text_hash="x",
                          dim=384, vector=pack(v, None)[0], tokens=b"", sparse=terms)
            )  # fmt: skip
        Embedding.objects.bulk_create(rows)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    call_command("migrate", verbosity=0)
    Embedding.objects.all().delete()
    Achievement.objects.all().delete()
    Demand.objects.all().delete()
    org, _ = Organisation.objects.get_or_create(
        uscc=make_uscc("12", "120116", 99000002),
        defaults={"name": "基准测试大学", "type": "university", "region_code": "120116",
                  "contact_name": "基准", "contact_phone": "022-1", "status": "verified"},
    )  # fmt: skip
    base = [json.loads(line) for line in (SHARED / "achievements.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for i in range(count):
                record = dict(base[i % len(base)], id=f"S{i:07d}")
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        t0 = time.perf_counter()
        import_file("achievements", path, organisation=org, publish=True)
        import_file("demands", SHARED / "demands.jsonl", organisation=org, publish=True)
        print(f"imported {count} achievements + demands in {time.perf_counter() - t0:.0f} s")
    rng = np.random.default_rng(0)
    store_vectors(
        ListingKind.ACHIEVEMENT, list(Achievement.objects.values_list("pk", flat=True)), rng
    )
    store_vectors(ListingKind.DEMAND, list(Demand.objects.values_list("pk", flat=True)), rng)
    # a settled database, as autovacuum leaves it some minutes after a bulk load: with the
    # visibility map set, PostgreSQL counts from the covering indexes alone
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"RSS before the index: {rss_gib():.2f} GiB; load {os.getloadavg()}")
    t0 = time.perf_counter()
    built = services.current_index()
    latent = built.achievements.sparse
    print(
        "latent terms in memory:",
        "none" if latent is None else f"{int(latent.present.sum())} x {latent.keep}",
    )
    print(
        f"current_index(): {time.perf_counter() - t0:.0f} s for {len(built.achievements.records)}"
        f" achievements (vectors {built.achievements.vectors.dtype},"  # type: ignore[union-attr]
        f" quantised {built.achievements.quantised}); RSS after {rss_gib():.2f} GiB"
    )
    # the background task storing one more batch: same listings, new vectors
    batch = list(Achievement.objects.order_by("-pk").values_list("pk", flat=True)[:32])
    Embedding.objects.filter(kind=ListingKind.ACHIEVEMENT, listing_id__in=batch).delete()
    store_vectors(ListingKind.ACHIEVEMENT, batch, rng)
    t0 = time.perf_counter()
    refreshed = services.current_index()
    assert refreshed.achievements.lexical is built.achievements.lexical
    print(
        f"current_index() after a batch of {len(batch)} vectors (listings unchanged):"
        f" {time.perf_counter() - t0:.1f} s; RSS {rss_gib():.2f} GiB"
    )
    del built, refreshed
    demands = list(Demand.objects.order_by("pk")[:20])
    times, stimes = [], []
    words = ["育苗", "密封圈", "废水处理", "锂电池 热管理", "机器视觉 缺陷检测"]
    for d in demands:
        t0 = time.perf_counter()
        services.match_demand(demand=d, top_n=20)
        times.append(time.perf_counter() - t0)
    for q in words * 4:
        t0 = time.perf_counter()
        services.search(q=q + " " + random.choice(words))
        stimes.append(time.perf_counter() - t0)
    ms, sms = np.array(times) * 1000, np.array(stimes) * 1000
    print(
        f"match_demand top 20: p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms;"
        f" search: p50 {np.percentile(sms, 50):.0f} ms, p95 {np.percentile(sms, 95):.0f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS {peak:.2f} GiB; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
