"""Expert-library pages for bureau staff: list, verify, import from Excel."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from techmarket.accounts.access import actor
from techmarket.accounts.models import Organisation, User
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.errors import ApplicationError
from techmarket.core.taxonomy import FIELD_BY_CODE, FIELD_CHOICES
from techmarket.experts import access, services
from techmarket.experts.models import ExpertProfile


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    access.ensure_can_manage_experts(request.user)
    if request.method == "POST":
        try:
            _create_from_form(request)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "专家已加入专家库（待审核）。")
        return redirect("experts:list")
    experts = ExpertProfile.objects.select_related("organisation")
    rows = [
        (e, "、".join(FIELD_BY_CODE[c].name for c in e.fields if c in FIELD_BY_CODE))
        for e in experts
    ]
    return render(
        request,
        "experts/list.html",
        {
            "rows": rows,
            "fields": FIELD_CHOICES,
            "organisations": Organisation.objects.filter(status=OrganisationStatus.VERIFIED),
        },
    )


def _create_from_form(request: HttpRequest) -> ExpertProfile:
    post = request.POST
    username = post.get("username", "").strip()
    user = User.objects.filter(username=username).first() if username else None
    if username and user is None:
        raise ApplicationError(f"平台账户“{username}”不存在。", code="not_found")
    org_id = post.get("organisation") or None
    return services.expert_create(
        actor=actor(request),
        name=post.get("name", ""),
        organisation=Organisation.objects.filter(pk=org_id).first() if org_id else None,
        user=user,
        title=post.get("title", ""),
        fields=[post["field"]] if post.get("field") else [],
        keywords=[
            k.strip() for k in post.get("keywords", "").replace("，", ",").split(",") if k.strip()
        ],
    )


@login_required
def expert_import(request: HttpRequest) -> HttpResponse:
    access.ensure_can_manage_experts(request.user)
    report = None
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError("请选择 Excel 文件。")
            report = services.expert_import_xlsx(actor=actor(request), content=upload.read())
        except ApplicationError as exc:
            error = exc.message
        if report is not None and report.ok:
            messages.success(request, f"已导入 {report.created} 名专家（待审核）。")
            return redirect("experts:list")
    return render(
        request,
        "experts/import.html",
        {"report": report, "error": error, "headers": services.IMPORT_HEADERS},
    )


@login_required
@require_POST
def expert_verify(request: HttpRequest, pk: int) -> HttpResponse:
    expert = access.get_expert_for_user(request.user, pk)
    try:
        services.expert_verify(
            actor=actor(request),
            expert=expert,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"专家“{expert.name}”审核完成。")
    return redirect("experts:list")


@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """An expert keeps their own availability, keywords and declared conflicts current."""
    expert = access.expert_of(request.user)
    if expert is None:
        messages.info(request, "您还没有专家资料，请联系科技局将您加入专家库。")
        return redirect("accounts:workspace")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "conflict":
                org_id = request.POST.get("organisation") or None
                organisation = Organisation.objects.filter(pk=org_id).first() if org_id else None
                services.expert_conflict_add(
                    actor=actor(request),
                    expert=expert,
                    organisation=organisation,
                    person_name=request.POST.get("person_name", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, "回避申报已保存，分配评审时将自动回避。")
            else:
                keywords = request.POST.get("keywords", "").replace("，", ",").split(",")
                services.expert_update(
                    actor=actor(request),
                    expert=expert,
                    data={
                        "title": request.POST.get("title", expert.title),
                        "bio": request.POST.get("bio", expert.bio),
                        "keywords": [k.strip() for k in keywords if k.strip()],
                        "available": request.POST.get("available") == "on",
                    },
                )
                messages.success(request, "专家资料已保存。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("experts:me")
    return render(
        request,
        "experts/me.html",
        {
            "expert": expert,
            "conflicts": expert.conflicts.select_related("organisation"),
            "organisations": Organisation.objects.filter(status=OrganisationStatus.VERIFIED),
        },
    )
