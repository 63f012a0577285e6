"""Cost of reading a demand's candidates' token vectors from the database (late interaction
above MATCHING_TOKEN_VECTORS_IN_MEMORY listings), and the memory it saves.

    DATABASE_URL=sqlite:////tmp/tokens.sqlite3 .venv/bin/python benchmarks/matching_token_fetch.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/<db> .venv/bin/python benchmarks/matching_token_fetch.py

Stores N achievement embeddings (a 384-d vector and `--tokens` float16 token vectors each,
~130 KB at 170 tokens, the size e5 gives a 200–300 character passage) in a migrated,
emptied `matching_embedding` table, then times `StoredTokenVectors.prefetch` of
`--candidates` random rows (what one ranking reads), cache cleared each time.
"""

from __future__ import annotations

import argparse
import os
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings")
django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402

from techmarket.matching import services  # noqa: E402
from techmarket.matching.models import Embedding, ListingKind  # noqa: E402
from techmarket.matching.vectorstore import pack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--tokens", type=int, default=170)
    parser.add_argument("--candidates", type=int, default=600)
    parser.add_argument("--queries", type=int, default=20)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    Embedding.objects.all().delete()
    name = services._embedder_name()
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    for a in range(0, args.n, 500):
        rows = []
        for i in range(a + 1, min(a + 500, args.n) + 1):
            vbytes, tbytes = pack(
                rng.standard_normal(384).astype(np.float32),
                rng.standard_normal((args.tokens, 384)).astype(np.float16),
            )
            rows.append(
                Embedding(
                    kind=ListingKind.ACHIEVEMENT,
                    listing_id=i,
                    model_name=name,
                    text_hash="x",
                    dim=384,
                    vector=vbytes,
                    tokens=tbytes,
                )
            )
        Embedding.objects.bulk_create(rows)
    per_row = args.tokens * 384 * 2
    print(
        f"stored {args.n} embeddings with {args.tokens} token vectors"
        f" ({per_row / 1024:.0f} KiB each) in {time.perf_counter() - t0:.0f} s"
    )
    ids = [str(i) for i in range(1, args.n + 1)]
    times = []
    for _ in range(args.queries):
        store = services.StoredTokenVectors(ListingKind.ACHIEVEMENT, ids, name)
        rows = rng.choice(args.n, size=min(args.candidates, args.n), replace=False)
        t0 = time.perf_counter()
        store.prefetch(rows)
        times.append(time.perf_counter() - t0)
        assert all(store[int(r)] is not None for r in rows)
    ms = np.array(times) * 1000
    print(
        f"read {len(rows)} candidates' token vectors: p50 {np.percentile(ms, 50):.0f} ms,"
        f" p95 {np.percentile(ms, 95):.0f} ms; load {os.getloadavg()}"
    )
    print(
        f"memory they would take in process at 10^6 listings: {per_row * 1e6 / 2**30:.0f} GiB"
        f" (float16); read per ranking: {per_row * len(rows) / 2**20:.0f} MiB"
    )
    Embedding.objects.all().delete()


if __name__ == "__main__":
    main()
