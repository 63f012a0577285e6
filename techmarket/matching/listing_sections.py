"""Sections the matching app adds to the listings' detail pages (see core/discovery.py).

The listings app renders, below a listing, the HTML that each app's optional
``listing_sections.py`` returns from ``detail_sections(request, listing)``; it never
imports matching. Here: "推荐成果" on a demand, "潜在需求方" on an achievement — rendered
as a placeholder that htmx replaces with ``views.listing_section`` right after the page
loads.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from techmarket.listings.models import Demand
from techmarket.listings.workflow import ListingStatus


def detail_sections(request: HttpRequest, listing: Any) -> list[SafeString]:
    """A placeholder the page fills in after loading (htmx), so that ranking — or an index
    rebuild while vectors are being computed — never delays the listing itself."""
    if listing.status != ListingStatus.PUBLISHED:
        return []
    kind = "demand" if isinstance(listing, Demand) else "achievement"
    return [
        SafeString(
            render_to_string(
                "matching/_section_placeholder.html",
                {
                    "kind": kind,
                    "listing": listing,
                    "heading": "推荐成果" if kind == "demand" else "潜在需求方",
                },
                request=request,
            )
        )
    ]
