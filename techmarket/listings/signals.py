"""Signals other apps (matching, challenges) listen to. Sent after the commit only.

- ``listing_changed(sender=<model class>, instance=<listing>, created=bool)``: one
  listing was created, edited or changed status.
- ``listings_bulk_changed(sender=<model class>, ids=[...])``: an import created or
  changed these rows (one signal per import instead of one per row).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import Signal

listing_changed = Signal()
listings_bulk_changed = Signal()


def send_listing_changed_on_commit(instance: Any, *, created: bool) -> None:
    model = type(instance)

    def _send() -> None:
        _forget_counts(model)
        listing_changed.send(sender=model, instance=instance, created=created)

    transaction.on_commit(_send)


def send_bulk_changed_on_commit(model: type, ids: list[int]) -> None:
    if not ids:
        return
    frozen = list(ids)

    def _send() -> None:
        _forget_counts(model)
        listings_bulk_changed.send(sender=model, ids=frozen)

    transaction.on_commit(_send)


def _forget_counts(model: type) -> None:
    from techmarket.listings.selectors import forget_facet_counts

    forget_facet_counts(model)
