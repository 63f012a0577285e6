from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from techmarket.accounts.access import actor
from techmarket.matching import access, selectors, services
from techmarket.matching.models import MatchFeedback


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    """撮合工作台: browse published demands, their explained matches, mark them."""
    access.ensure_can_use_workspace(request.user)
    demands = selectors.published_demands().order_by("-published_at")[:100]
    selected = None
    results: list[services.MatchResult] = []
    marks: dict[int, bool] = {}
    demand_id = request.GET.get("demand", "")
    if demand_id.isdigit():
        selected = services.get_demand(int(demand_id))
        results = services.match_demand(demand=selected)
        marks = dict(
            MatchFeedback.objects.filter(demand_id=selected.pk, actor=actor(request)).values_list(
                "achievement_id", "useful"
            )
        )
    status = services.embedding_status()
    return render(
        request,
        "matching/workspace.html",
        {
            "demands": demands,
            "selected": selected,
            "results": [(r, marks.get(r.listing.pk)) for r in results],
            "semantic_ready": status["achievement_embedded"] >= status["achievement_total"],
            "status": status,
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
