"""Run by `techmarket serve --with-worker` before its worker starts (core.discovery)."""

from __future__ import annotations

from techmarket.matching import services


def on_worker_start() -> None:
    """Resume the embedding a stop or a crash interrupted: queue the task when a published
    listing still lacks its current vector (`embed_pending` continues where it stopped)."""
    status = services.embedding_status()
    if any(status[f"{k}_embedded"] < status[f"{k}_total"] for k in ("achievement", "demand")):
        services.enqueue_embedding()
