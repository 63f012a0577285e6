"""Keep the derived matching data in step with listings.

The listings app sends `listing_changed` / `listings_bulk_changed` after commit; here they
only queue the embedding task and drop the in-process index (it would also notice the
change by itself: see services.current_index). Connected in MatchingConfig.ready() when the
listings app provides the signals.
"""

from __future__ import annotations

import importlib
from typing import Any

from techmarket.matching import services


def on_listing_changed(sender: Any, **kwargs: Any) -> None:
    services.invalidate_index()
    services.enqueue_embedding()


def connect() -> bool:
    try:
        signals = importlib.import_module("techmarket.listings.signals")
    except ImportError:
        return False
    signals.listing_changed.connect(on_listing_changed, dispatch_uid="matching.listing_changed")
    signals.listings_bulk_changed.connect(
        on_listing_changed, dispatch_uid="matching.listings_bulk_changed"
    )
    return True
