"""HTML pages: public 榜单, applicant, expert and staff pages. Each POST calls one service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from techmarket.accounts.access import actor, is_bureau_staff, primary_organisation
from techmarket.accounts.models import Organisation
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.challenges import access, selectors, services
from techmarket.challenges.models import Award, Challenge, ReviewAssignment
from techmarket.challenges.services.challenge import DEFAULT_RUBRIC
from techmarket.challenges.workflow import (
    CHALLENGE_TRANSITIONS,
    ApplicationStatus,
    ChallengeMode,
    ChallengeStatus,
)
from techmarket.core.errors import ApplicationError
from techmarket.core.files import serve_protected
from techmarket.core.money import format_wan
from techmarket.core.taxonomy import FIELD_CHOICES
from techmarket.experts.models import ExpertProfile, ExpertStatus
from techmarket.listings.models import Demand
from techmarket.listings.workflow import ListingStatus


def refusals_as_messages(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show a service's Chinese refusal on the page the user came from."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as error:
            if error.status in (401, 404):
                raise
            messages.error(request, error.message)
            back = request.META.get("HTTP_REFERER", "")
            if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                back = "challenges:list"
            return redirect(back)

    return wrapper


# ---- public --------------------------------------------------------------------------


def challenge_list(request: HttpRequest) -> HttpResponse:
    challenges = selectors.public_challenges()
    return render(request, "challenges/list.html", {"challenges": challenges})


def challenge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk)
    open_now = (
        challenge.status == ChallengeStatus.PUBLISHED
        and timezone.now() < challenge.application_deadline
    )
    awards = challenge.awards.select_related("application__lead")
    return render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "open_now": open_now,
            "awards": awards,
            "government_wan": format_wan(challenge.government_amount),
            "enterprise_wan": format_wan(challenge.enterprise_amount),
        },
    )


# ---- applicants ----------------------------------------------------------------------


def _decimal(value: str, default: str = "0") -> Decimal:
    try:
        return Decimal((value or default).replace(",", ""))
    except InvalidOperation as exc:
        raise ApplicationError(f"“{value}”不是有效数字。", code="validation_error") from exc


def _team(text: str) -> list[dict[str, str]]:
    team = []
    for line in (text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if parts and parts[0]:
            team.append({"name": parts[0], "title": parts[1] if len(parts) > 1 else "", "role": ""})
    return team


@login_required
@refusals_as_messages
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk)
    lead = primary_organisation(request.user)
    others = Organisation.objects.filter(status=OrganisationStatus.VERIFIED)
    if lead is not None:
        others = others.exclude(pk=lead.pk)
    if request.method == "POST":
        if lead is None:
            raise ApplicationError("请先加入一个已认证的机构。", code="no_organisation")
        members = list(others.filter(pk__in=request.POST.getlist("members")))
        application = services.application_submit(
            actor=actor(request),
            challenge=challenge,
            lead=lead,
            members=members,
            technical_plan=request.POST.get("technical_plan", ""),
            team=_team(request.POST.get("team", "")),
            milestone_commitments=request.POST.get("milestone_commitments", ""),
            budget=_decimal(request.POST.get("budget", "0")),
            attachments=request.FILES.getlist("attachments"),
        )
        messages.success(request, "揭榜申报已提交。截止前可以修改或撤回。")
        return redirect("challenges:application", application.pk)
    return render(
        request, "challenges/apply.html", {"challenge": challenge, "lead": lead, "others": others}
    )


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/my_applications.html",
        {"applications": selectors.applications_of(request.user)},
    )


@login_required
@refusals_as_messages
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk)
    challenge = application.challenge
    is_applicant = access.is_applicant(request.user, application)
    staff = is_bureau_staff(request.user)
    if not (is_applicant or staff):  # an assigned expert reviews through the blind page
        assignment = selectors.assignments_of(request.user).filter(application=application).first()
        if assignment is not None:
            return redirect("challenges:review", assignment.pk)
    if request.method == "POST":
        access.get_application_for_user(request.user, pk, write=True)
        services.application_update(
            actor=actor(request),
            application=application,
            data={
                "technical_plan": request.POST.get("technical_plan"),
                "team": _team(request.POST.get("team", "")),
                "milestone_commitments": request.POST.get("milestone_commitments"),
                "budget": _decimal(request.POST.get("budget", "0")),
                "attachments": request.FILES.getlist("attachments"),
            },
        )
        messages.success(request, "申报已保存。")
        return redirect("challenges:application", pk)
    editable = (
        is_applicant
        and application.status == ApplicationStatus.SUBMITTED
        and challenge.status == ChallengeStatus.PUBLISHED
        and timezone.now() < challenge.application_deadline
    )
    decided = application.status in (ApplicationStatus.SELECTED, ApplicationStatus.NOT_SELECTED)
    award = Award.objects.filter(application=application).first()
    return render(
        request,
        "challenges/application.html",
        {
            "application": application,
            "challenge": challenge,
            "editable": editable,
            "is_applicant": is_applicant,
            "reviews": selectors.anonymised_reviews(application) if decided else [],
            "award": award,
            "milestones": award.milestones.all() if award else [],
            "team_text": "\n".join(
                f"{m['name']},{m.get('title', '')}" for m in application.team or []
            ),
        },
    )


@login_required
@require_POST
@refusals_as_messages
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = access.get_application_for_user(request.user, pk, write=True)
    services.application_withdraw(
        actor=actor(request), application=application, reason=request.POST.get("reason", "")
    )
    messages.success(request, "申报已撤回。")
    return redirect("challenges:application", pk)


@login_required
@require_POST
@refusals_as_messages
def milestone_submit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access.get_milestone_for_user(request.user, pk)
    services.milestone_submit(
        actor=actor(request),
        milestone=milestone,
        evidence=request.POST.get("evidence", ""),
        file=request.FILES.get("file"),
    )
    messages.success(request, f"里程碑“{milestone.name}”材料已提交，等待验收。")
    return redirect("challenges:application", milestone.award.application_id)


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    found = access.get_attachment_for_user(request.user, pk)
    return serve_protected(found.file, found.name)


# ---- experts -------------------------------------------------------------------------


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "challenges/my_reviews.html",
        {"assignments": selectors.assignments_of(request.user)},
    )


@login_required
@refusals_as_messages
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_assignment_for_expert(request.user, pk)
    application = assignment.application
    challenge = application.challenge
    criteria = list(challenge.rubric.all())
    if request.method == "POST":
        services.review_submit(
            actor=actor(request),
            assignment=assignment,
            scores={c.pk: request.POST.get(f"score_{c.pk}", "") for c in criteria},
            comment=request.POST.get("comment", ""),
        )
        messages.success(request, "评审已提交。")
        return redirect("challenges:my_reviews")
    return render(
        request,
        "challenges/review.html",
        {
            "assignment": assignment,
            "application": application,
            "challenge": challenge,
            "criteria": criteria,
            "blind": challenge.blind_review,
        },
    )


# ---- bureau staff --------------------------------------------------------------------


def staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access.ensure_staff(request.user)
        return view(request, *args, **kwargs)

    return login_required(wrapper)


@staff_only
def manage_list(request: HttpRequest) -> HttpResponse:
    return render(request, "challenges/manage_list.html", {"challenges": Challenge.objects.all()})


def _rows(request: HttpRequest, prefix: str, keys: list[str]) -> list[dict[str, str]]:
    columns = [request.POST.getlist(f"{prefix}_{k}") for k in keys]
    rows = []
    for values in zip(*columns, strict=False):
        if values[0].strip():
            rows.append(dict(zip(keys, [v.strip() for v in values], strict=True)))
    return rows


def _parse_challenge_form(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    try:
        deadline = timezone.make_aware(datetime.fromisoformat(post["application_deadline"]))
        completion = date.fromisoformat(post["completion_deadline"])
        review_deadline = (
            date.fromisoformat(post["review_deadline"]) if post.get("review_deadline") else None
        )
        milestones = [
            {
                "name": r["name"],
                "due_date": date.fromisoformat(r["due_date"]),
                "share": _decimal(r["share"]),
                "acceptance_criteria": r["criteria"],
            }
            for r in _rows(request, "ms", ["name", "due_date", "share", "criteria"])
        ]
        max_teams = int(post.get("max_teams") or 1)
        reviewers = int(post.get("reviewers_per_application") or 5)
    except (KeyError, ValueError) as exc:
        raise ApplicationError(
            "请填写正确的日期（申报截止时间、完成期限、里程碑到期日）和整数（团队数、专家数）。",
            code="validation_error",
        ) from exc
    indicators = [
        {
            "name": r["name"],
            "comparator": r["comparator"] or "ge",
            "target": _decimal(r["target"]),
            "unit": r["unit"],
            "verification": r["verification"],
        }
        for r in _rows(request, "ind", ["name", "comparator", "target", "unit", "verification"])
    ]
    rubric = [
        {"name": r["name"], "weight": _decimal(r["weight"])}
        for r in _rows(request, "rb", ["name", "weight"])
    ]
    mode = post.get("mode", ChallengeMode.JIEBANG)
    return {
        "title": post.get("title", ""),
        "task": post.get("task", ""),
        "eligibility": post.get("eligibility", ""),
        "field": post.get("field", ""),
        "keywords": [
            k.strip() for k in post.get("keywords", "").replace("，", ",").split(",") if k.strip()
        ],
        "mode": mode,
        "max_teams": max_teams if mode == ChallengeMode.HORSE_RACE else 1,
        "application_deadline": deadline,
        "completion_deadline": completion,
        "review_deadline": review_deadline,
        "government_amount": _decimal(post.get("government_amount", "0")),
        "cofund_ratio": _decimal(post.get("cofund_ratio", "1")),
        "indicators": indicators,
        "milestones": milestones or None,
        "rubric": rubric or None,
        "blind_review": post.get("blind_review") == "on",
        "reviewers_per_application": reviewers,
    }


def _form_context(challenge: Challenge | None = None) -> dict[str, Any]:
    rubric: list[tuple[Any, Any]] = (
        [(c.name, c.weight) for c in challenge.rubric.all()]
        if challenge
        else [(r["name"], r["weight"]) for r in DEFAULT_RUBRIC]
    )
    return {
        "demands": Demand.objects.filter(status=ListingStatus.PUBLISHED).order_by("-id")[:200],
        "fields": FIELD_CHOICES,
        "modes": ChallengeMode.choices,
        "rubric": rubric,
        "challenge": challenge,
    }


@staff_only
@refusals_as_messages
def create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = _parse_challenge_form(request)
        demands = Demand.objects.filter(pk__in=request.POST.getlist("demands"))
        challenge = services.challenge_create(actor=actor(request), demands=list(demands), **data)
        messages.success(request, "榜单草稿已创建。")
        return redirect("challenges:manage", challenge.pk)
    return render(request, "challenges/create.html", _form_context())


@staff_only
@refusals_as_messages
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    if request.method == "POST":
        data = _parse_challenge_form(request)
        if data["milestones"] is None:
            data.pop("milestones")
        services.challenge_update(actor=actor(request), challenge=challenge, data=data)
        messages.success(request, "榜单草稿已保存。")
        return redirect("challenges:manage", challenge.pk)
    return render(request, "challenges/create.html", _form_context(challenge))


@staff_only
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    labels = dict(ChallengeStatus.choices)
    moves = [
        (s, labels[s])
        for s in sorted(CHALLENGE_TRANSITIONS.get(challenge.status, frozenset()))
        if s not in (ChallengeStatus.AWARDED, ChallengeStatus.COMPLETED)
    ]
    assignments = ReviewAssignment.objects.filter(application__challenge=challenge).select_related(
        "expert", "application__lead"
    )
    return render(
        request,
        "challenges/manage.html",
        {
            "challenge": challenge,
            "moves": moves,
            "ranking": services.ranking(challenge),
            "assignments": assignments,
            "experts": ExpertProfile.objects.filter(status=ExpertStatus.VERIFIED),
            "awards": challenge.awards.select_related("application__lead").prefetch_related(
                "milestones"
            ),
        },
    )


@staff_only
@require_POST
@refusals_as_messages
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    services.challenge_transition(
        actor=actor(request),
        challenge=challenge,
        to_status=request.POST.get("to_status", ""),
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, "榜单状态已更新。")
    return redirect("challenges:manage", pk)


@staff_only
@require_POST
@refusals_as_messages
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    report = services.reviewers_assign(actor=actor(request), challenge=challenge)
    text = f"已分配评审专家 {report.assigned} 人次。"
    if report.shortfalls:
        text += f"有 {len(report.shortfalls)} 份申报无利益冲突的专家不足，请补充专家。"
    messages.success(request, text)
    return redirect("challenges:manage", pk)


@staff_only
@require_POST
@refusals_as_messages
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = ReviewAssignment.objects.select_related("application").get(pk=pk)
    expert = ExpertProfile.objects.filter(pk=request.POST.get("expert") or 0).first()
    if expert is None:
        raise ApplicationError("请选择要指派的专家。", code="validation_error")
    services.assignment_replace(
        actor=actor(request),
        assignment=assignment,
        expert=expert,
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, "评审专家已更换。")
    return redirect("challenges:manage", assignment.application.challenge_id)


@staff_only
@require_POST
@refusals_as_messages
def award(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    winners: list[tuple[Any, Decimal | int | str]] = []
    for application in challenge.applications.filter(pk__in=request.POST.getlist("winner")):
        winners.append((application, _decimal(request.POST.get(f"amount_{application.pk}", "0"))))
    services.challenge_award(
        actor=actor(request),
        challenge=challenge,
        winners=winners,
        reason=request.POST.get("reason", ""),
    )
    messages.success(request, "立项决定已保存并通知申报单位。")
    return redirect("challenges:manage", pk)


@staff_only
@require_POST
@refusals_as_messages
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    challenge = access.get_challenge_for_user(request.user, pk, write=True)
    services.challenge_complete(
        actor=actor(request), challenge=challenge, reason=request.POST.get("reason", "")
    )
    messages.success(request, "榜单已最终验收。")
    return redirect("challenges:manage", pk)


@staff_only
@require_POST
@refusals_as_messages
def milestone_decide(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = access.get_milestone_for_user(request.user, pk)
    reason = request.POST.get("reason", "")
    if request.POST.get("decision") == "accept":
        tranche = services.milestone_accept(
            actor=actor(request), milestone=milestone, reason=reason
        )
        messages.success(request, f"验收通过，已拨付 {tranche.amount} 元。")
    else:
        services.milestone_reject(
            actor=actor(request),
            milestone=milestone,
            reason=reason,
            terminate=request.POST.get("terminate") == "on",
        )
        messages.success(request, "已记录验收不通过。")
    return redirect("challenges:manage", milestone.award.challenge_id)


@staff_only
@require_POST
@refusals_as_messages
def eliminate(request: HttpRequest, pk: int) -> HttpResponse:
    award_obj = Award.objects.select_related("challenge").get(pk=pk)
    services.award_eliminate(
        actor=actor(request), award=award_obj, reason=request.POST.get("reason", "")
    )
    messages.success(request, "已淘汰该团队。")
    return redirect("challenges:manage", award_obj.challenge_id)
