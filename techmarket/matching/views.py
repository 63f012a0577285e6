from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from techmarket.accounts.access import actor
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.listings import access as listings_access
from techmarket.listings.models import ContactRequest, Demand
from techmarket.listings.workflow import ListingStatus
from techmarket.matching import access, contacts, selectors, services
from techmarket.matching.cached import page_matches
from techmarket.matching.engine import highlight
from techmarket.matching.models import ListingKind, MatchContact, MatchFeedback

# demands per page of the 撮合工作台 list (and hits shown for a keyword)
WORKSPACE_PAGE_SIZE = 30

# Reasons shown on lines of their own (concepts, indicators), not in the reasons list.
_SHOWN_APART = ("共同关键概念：", "满足指标：", "未满足指标：")


def _items(request: HttpRequest, results: list[services.MatchResult]) -> list[dict[str, Any]]:
    items = []
    for r in results:
        other = r.listing
        if isinstance(other, Demand):
            body = other.description
            # a confidential demand's enterprise: only for whom the listings app allows
            show_identity = listings_access.can_see_demand_identity(request.user, other)
        else:
            body, show_identity = other.abstract, True
        items.append(
            {
                "result": r,
                "snippet": SafeString(highlight(body, r.concepts, width=120)),
                "reasons": [x for x in r.reasons if not x.startswith(_SHOWN_APART)],
                "show_identity": show_identity,
            }
        )
    return items


def listing_section(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """推荐成果 (kind=demand) or 潜在需求方 (kind=achievement) of a published listing: the
    fragment the listings detail page loads below the listing (listing_sections.py)."""
    if kind == "demand":
        listing: Any = listings_access.get_demand_for_user(request.user, pk)
        template = "matching/_recommended_achievements.html"
    elif kind == "achievement":
        listing = listings_access.get_achievement_for_user(request.user, pk)
        template = "matching/_potential_demands.html"
    else:
        raise NotFound("未知的信息类型。")
    if listing.status != ListingStatus.PUBLISHED:
        return HttpResponse("")
    found = page_matches(listing=listing)
    return render(
        request,
        template,
        {"listing": listing, "items": _items(request, found.results), "found": found},
    )


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """撮合工作台: find published demands (keyword search, or newest first a page at a
    time), see a demand's explained matches, mark them, start contacts."""
    access.ensure_can_use_workspace(request.user)
    q = request.GET.get("q", "").strip()[:200]
    page = None
    total = 0
    if q:
        hits = services.search(q=q, kind=ListingKind.DEMAND, limit=WORKSPACE_PAGE_SIZE)
        demands: list[Any] = [h.listing for h in hits.hits]
        total = hits.total
    else:
        newest = selectors.published_demands().order_by("-published_at", "-pk")
        page = Paginator(newest, WORKSPACE_PAGE_SIZE).get_page(request.GET.get("page"))
        demands = list(page.object_list)
    contacted = selectors.contact_counts(d.pk for d in demands)
    listed = [(d, contacted.get(d.pk, 0)) for d in demands]
    # the list's own parameters, kept when a demand is opened and when paging
    keep = request.GET.copy()
    keep.pop("demand", None)
    paging = keep.copy()
    paging.pop("page", None)
    selected = None
    found = None
    rows: list[tuple[dict[str, Any], bool | None, MatchContact | None]] = []
    demand_id = request.GET.get("demand", "")
    if demand_id.isdigit():
        selected = services.get_demand(int(demand_id))
        found = page_matches(listing=selected, top_n=settings.MATCHING_TOP_N)
        marks = dict(
            MatchFeedback.objects.filter(demand_id=selected.pk, actor=actor(request)).values_list(
                "achievement_id", "useful"
            )
        )
        started = {
            c.achievement_id: c
            for c in MatchContact.objects.filter(demand=selected).select_related("contact_request")
        }
        rows = [
            (item, marks.get(item["result"].listing.pk), started.get(item["result"].listing.pk))
            for item in _items(request, found.results)
        ]
    return render(
        request,
        "matching/workspace.html",
        {
            "demands": listed,
            "q": q,
            "total": total,
            "page": page,
            "keep": keep.urlencode(),
            "query": paging.urlencode(),
            "selected": selected,
            "found": found,
            "rows": rows,
        },
    )


@login_required
@require_POST
def feedback(request: HttpRequest, demand_id: int, achievement_id: int) -> HttpResponse:
    demand = services.get_demand(demand_id)
    achievement = services.get_achievement(achievement_id)
    useful = request.POST.get("useful") == "1"
    services.feedback_record(
        actor=actor(request),
        demand=demand,
        achievement=achievement,
        useful=useful,
        rank=int(request.POST.get("rank", "0") or 0),
        score=float(request.POST.get("score", "0") or 0),
    )
    messages.success(request, f"已标记“{achievement.title}”为{'有用' if useful else '无用'}。")
    return redirect(reverse("matching:workspace") + f"?demand={demand.pk}")


@login_required
@require_POST
def contact_start(request: HttpRequest, demand_id: int, achievement_id: int) -> HttpResponse:
    """发起对接 from the workspace."""
    access.ensure_can_use_workspace(request.user)
    demand = services.get_demand(demand_id)
    achievement = services.get_achievement(achievement_id)
    try:
        contacts.contact_start(
            actor=actor(request),
            demand=demand,
            achievement=achievement,
            message=request.POST.get("message", ""),
            request=request,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"已发起对接：“{demand.title}”与“{achievement.title}”，已通知双方。"
            + (
                "保密需求：需求方同意后，成果方才能看到企业名称和联系方式。"
                if demand.confidential
                else ""
            ),
        )
    return redirect(reverse("matching:workspace") + f"?demand={demand.pk}")


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    """对接记录: the contacts of the user's organisations (either side) and the ones they
    started; a confidential demand's enterprise stays hidden until it accepts."""
    user = actor(request)
    rows = []
    for c in selectors.contacts_for_user(user)[:200]:
        request_state = c.contact_request.state if c.contact_request else ""
        # the enterprise answers: the same rule contact_request_decide enforces
        is_enterprise = listings_access.is_owner_member(user, c.demand)
        rows.append(
            {
                "contact": c,
                "show_identity": listings_access.can_see_demand_identity(user, c.demand),
                "is_enterprise": is_enterprise,
                "can_decide": is_enterprise and request_state == ContactRequest.State.PENDING,
            }
        )
    return render(request, "matching/contacts.html", {"rows": rows})
