"""HTML pages of the achievement and demand libraries (every write calls a service)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from techmarket.accounts import access as accounts_access
from techmarket.accounts.access import actor as request_actor
from techmarket.core.discovery import app_modules
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.exports import xlsx_response
from techmarket.core.files import serve_protected
from techmarket.core.models import StatusChange
from techmarket.listings import access, exporting, jobs, selectors, services
from techmarket.listings.forms import (
    AchievementForm,
    AttachmentForm,
    DemandForm,
    ImportForm,
    ReasonForm,
)
from techmarket.listings.models import (
    Achievement,
    ContactRequest,
    Demand,
    ImportJob,
)
from techmarket.listings.workflow import LISTING_TRANSITIONS, ListingStatus

KINDS: dict[str, dict[str, Any]] = {
    "achievements": {
        "model": Achievement,
        "form": AchievementForm,
        "label": "科技成果",
        "list_url": "listings:achievement_list",
        "detail_url": "listings:achievement_detail",
        "published": selectors.published_achievements,
    },
    "demands": {
        "model": Demand,
        "form": DemandForm,
        "label": "技术需求",
        "list_url": "listings:demand_list",
        "detail_url": "listings:demand_detail",
        "published": selectors.published_demands,
    },
}
FORM_FIELD_FOR = {
    "price": "amount_wan",
    "budget": "amount_wan",
    "keywords": "keywords_text",
    "patent_numbers": "patents_text",
}
PAGE_SIZE = 20


def _kind_of(listing: Any) -> str:
    return "achievements" if isinstance(listing, Achievement) else "demands"


def listing_list(request: HttpRequest, kind: str) -> HttpResponse:
    spec = KINDS[kind]
    filters = selectors.ListingFilters.from_params(request.GET)
    base = spec["published"]()
    queryset = selectors.filter_listings(base, filters)
    if request.GET.get("export") == "xlsx":
        limit = int(getattr(settings, "LISTINGS_EXPORT_MAX_ROWS", 50_000))
        rows = queryset.select_related("owner")[:limit]
        return xlsx_response(f"{spec['label']}.xlsx", exporting.export_xlsx(kind, rows))
    ordered = selectors.ordered_listings(queryset.select_related("owner"), filters)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    snippets = selectors.keyword_snippets(items, filters)
    for item in items:
        item.keyword_snippet = snippets.get(item.pk, "")
    page.object_list = items
    keyword = selectors.keyword_ranking(base.model, filters)
    query = filters.as_dict()
    return render(
        request,
        "listings/list.html",
        {
            "kind": kind,
            "spec": spec,
            "filters": filters,
            "facets": selectors.facet_counts(base, filters),
            "page": page,
            # the keyword matched more listings than are ranked: say so
            "keyword_capped": (keyword[1], len(keyword[0]))
            if keyword and keyword[1] > len(keyword[0])
            else None,
            "sorts": [(key, label) for key, (label, _order) in selectors.SORTS.items()],
            "query": "&".join(f"{k}={v}" for k, v in query.items()),
        },
    )


def achievement_list(request: HttpRequest) -> HttpResponse:
    return listing_list(request, "achievements")


def demand_list(request: HttpRequest) -> HttpResponse:
    return listing_list(request, "demands")


def _history(listing: Any) -> list[StatusChange]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(listing)),
            object_id=str(listing.pk),
        ).select_related("actor")
    )


def _contributed_sections(request: HttpRequest, listing: Any) -> list[str]:
    """HTML sections other apps add below a listing (their optional ``listing_sections.py``
    with ``detail_sections(request, listing)``, e.g. matching's 推荐成果 / 潜在需求方)."""
    return [
        html
        for _config, module in app_modules("listing_sections")
        for html in module.detail_sections(request, listing)
    ]


def listing_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    model = spec["model"]
    listing = (
        access.get_achievement_for_user(request.user, pk)
        if model is Achievement
        else access.get_demand_for_user(request.user, pk)
    )
    owner_member = access.is_owner_member(request.user, listing)
    bureau = accounts_access.is_bureau_staff(request.user)
    moves = sorted(LISTING_TRANSITIONS.get(listing.status, frozenset()))
    owner_moves = (
        [m for m in moves if m in {"submitted", "withdrawn", "closed"}] if owner_member else []
    )
    review_moves = [m for m in moves if m in {"published", "returned"}] if bureau else []
    labels = dict(ListingStatus.choices)
    return render(
        request,
        "listings/detail.html",
        {
            "kind": kind,
            "spec": spec,
            "listing": listing,
            "show_identity": not isinstance(listing, Demand)
            or access.can_see_demand_identity(request.user, listing),
            "can_edit": access.can_edit_listing(request.user, listing),
            "can_see_history": owner_member or bureau,
            "history": _history(listing) if owner_member or bureau else [],
            "moves": [(m, labels[m]) for m in owner_moves + review_moves],
            "attachments": access.visible_attachments(request.user, listing),
            "attachment_form": AttachmentForm(),
            "indicators": listing.indicators.all(),
            "can_request_contact": isinstance(listing, Demand)
            and listing.confidential
            and listing.status == ListingStatus.PUBLISHED
            and request.user.is_authenticated
            and not owner_member
            and not access.can_see_demand_identity(request.user, listing),
            "contact_requests": listing.contact_requests.select_related("organisation")
            if isinstance(listing, Demand) and owner_member
            else [],
            "contributed_sections": _contributed_sections(request, listing),
        },
    )


def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return listing_detail(request, "achievements", pk)


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return listing_detail(request, "demands", pk)


def _apply_error(form: Any, error: ApplicationError) -> None:
    placed = False
    for name, message in error.fields.items():
        target = FORM_FIELD_FOR.get(name, name)
        if target in form.fields:
            form.add_error(target, str(message))
            placed = True
    if not placed:
        form.add_error(None, error.message)


@login_required
def listing_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    spec = KINDS[kind]
    user = request_actor(request)
    organisation = accounts_access.primary_organisation(user)
    listing = None
    if pk is not None:
        listing = (
            access.get_achievement_for_user(user, pk, write=True)
            if spec["model"] is Achievement
            else access.get_demand_for_user(user, pk, write=True)
        )
    elif organisation is None:
        raise NotFound("您不属于任何机构，不能发布信息。")
    form = spec["form"](request.POST or None, instance=listing)
    if request.method == "POST" and form.is_valid():
        try:
            if listing is None:
                assert organisation is not None  # noqa: S101 - checked above
                listing = services.listing_create(
                    actor=user,
                    organisation=organisation,
                    model=spec["model"],
                    data=form.service_data(),
                    request=request,
                )
            else:
                listing = services.listing_update(
                    actor=user, listing=listing, data=form.service_data(), request=request
                )
        except ApplicationError as error:
            _apply_error(form, error)
        else:
            messages.success(request, "已保存。确认无误后请“提交审核”。")
            return redirect(spec["detail_url"], pk=listing.pk)
    return render(
        request,
        "listings/edit.html",
        {"form": form, "spec": spec, "kind": kind, "listing": listing},
    )


@login_required
@require_POST
def listing_transition(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    user = request_actor(request)
    listing = (
        access.get_achievement_for_user(user, pk)
        if spec["model"] is Achievement
        else access.get_demand_for_user(user, pk)
    )
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.listing_transition(
            actor=user,
            listing=listing,
            to_status=request.POST.get("to_status", ""),
            reason=form.cleaned_data.get("reason", ""),
            request=request,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "状态已更新。")
    return redirect(spec["detail_url"], pk=pk)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    spec = KINDS[kind]
    user = request_actor(request)
    listing = (
        access.get_achievement_for_user(user, pk)
        if spec["model"] is Achievement
        else access.get_demand_for_user(user, pk)
    )
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attachment_add(
                actor=user, listing=listing, upload=form.cleaned_data["file"], request=request
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "附件已上传。")
    return redirect(spec["detail_url"], pk=pk)


def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = access.get_attachment_for_user(request.user, pk)
    return serve_protected(attachment.file, attachment.name)


@login_required
def my_listings(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    org_ids = [o.pk for o in accounts_access.organisations_of(user)]
    return render(
        request,
        "listings/mine.html",
        {
            "achievements": selectors.listings_of_organisations(Achievement, org_ids)[:200],
            "demands": selectors.listings_of_organisations(Demand, org_ids)[:200],
            "jobs": ImportJob.objects.filter(organisation_id__in=org_ids)[:10],
        },
    )


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    access.ensure_can_review(user)
    if request.method == "POST":
        kind = request.POST.get("kind", "achievements")
        model = KINDS.get(kind, KINDS["achievements"])["model"]
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        to_status = request.POST.get("to_status", ListingStatus.PUBLISHED)
        moved, refusals = services.listings_transition_many(
            actor=user,
            model=model,
            ids=ids,
            to_status=to_status,
            reason=request.POST.get("reason", ""),
            request=request,
        )
        if moved:
            messages.success(request, f"已处理 {moved} 条。")
        for refusal in refusals[:10]:
            messages.error(request, refusal)
        if not ids:
            messages.error(request, "请先勾选要处理的信息。")
        return redirect("listings:review_queue")
    return render(
        request,
        "listings/review.html",
        {
            "queues": [
                ("achievements", "科技成果", selectors.review_queue(Achievement)[:500]),
                ("demands", "技术需求", selectors.review_queue(Demand)[:500]),
            ]
        },
    )


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    user = request_actor(request)
    organisation = accounts_access.primary_organisation(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if organisation is None:
            form.add_error(None, "您不属于任何机构，不能导入。")
        else:
            try:
                job = jobs.import_job_create(
                    actor=user,
                    organisation=organisation,
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    submit=form.cleaned_data["submit"],
                )
            except ApplicationError as error:
                _apply_error(form, error)
            else:
                return redirect("listings:import_job", pk=job.pk)
    return render(request, "listings/import.html", {"form": form})


def _job_for(request: HttpRequest, pk: int) -> ImportJob:
    user = request_actor(request)
    job = ImportJob.objects.filter(pk=pk).first()
    if job is None or not accounts_access.is_member(user, job.organisation):
        raise NotFound("找不到该导入任务。")
    return job


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    template = "listings/_job.html" if request.headers.get("HX-Request") else "listings/job.html"
    return render(request, template, {"job": job, "errors": job.errors[:200]})


@login_required
def import_job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    return xlsx_response(f"导入错误报告-{job.pk}.xlsx", exporting.error_report_xlsx(job.errors))


def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise NotFound()
    return xlsx_response(f"{KINDS[kind]['label']}导入模板.xlsx", exporting.template_xlsx(kind))


def export_jsonl(request: HttpRequest, kind: str) -> HttpResponseBase:
    spec = KINDS[kind]
    filters = selectors.ListingFilters.from_params(request.GET)
    queryset = selectors.filter_listings(spec["published"](), filters).iterator(chunk_size=2000)
    response = StreamingHttpResponse(
        exporting.export_jsonl(queryset), content_type="application/x-ndjson; charset=utf-8"
    )
    response["Content-Disposition"] = f"attachment; filename={kind}.jsonl"
    return response


def import_job_url(job: ImportJob) -> str:
    return reverse("listings:import_job", args=[job.pk])


@login_required
@require_POST
def contact_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_actor(request)
    demand = access.get_demand_for_user(user, pk)
    try:
        services.contact_request_create(
            actor=user, demand=demand, message=request.POST.get("message", ""), request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已发送联系申请，需求方同意后即可看到企业名称和联系方式。")
    return redirect("listings:demand_detail", pk=pk)


@login_required
@require_POST
def contact_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_actor(request)
    contact = get_object_or_404(ContactRequest, pk=pk)
    demand = access.get_demand_for_user(user, contact.demand_id)
    try:
        services.contact_request_decide(
            actor=user, contact=contact, accept=request.POST.get("accept") == "1", request=request
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "已回复联系申请。")
    return redirect("listings:demand_detail", pk=demand.pk)
