"""Every write to achievements and demands: create, edit, the one transition service,
expiry, attachments. HTML views, the API, the CLI and the importer all call these."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from techmarket.accounts.models import Organisation
from techmarket.core import audit
from techmarket.core.errors import ApplicationError, NotFound
from techmarket.core.files import check_upload
from techmarket.core.identifiers import validate_patent_number
from techmarket.core.models import StatusChange
from techmarket.core.regions import province_of, validate_region_code
from techmarket.core.taxonomy import SUBFIELD_NAMES, field_of_subfield
from techmarket.core.workflow import ensure_transition_allowed
from techmarket.listings import access
from techmarket.listings.models import (
    Achievement,
    Comparator,
    ContactRequest,
    Demand,
    ListingAttachment,
    TechnicalIndicator,
    TransferMode,
)
from techmarket.listings.signals import send_listing_changed_on_commit
from techmarket.listings.workflow import (
    LISTING_TRANSITIONS,
    OWNER_MOVES,
    REVIEW_MOVES,
    SYSTEM_MOVES,
    ListingStatus,
)

Listing = Achievement | Demand

ACHIEVEMENT_FIELDS = (
    "title", "abstract", "keywords", "field", "subfield", "industry_code", "maturity",
    "ip_type", "patent_numbers", "transfer_modes", "price", "owner_display", "owner_type",
    "region_code", "region_name", "contact_name", "contact_phone", "contact_email",
)  # fmt: skip
DEMAND_FIELDS = (
    "title", "description", "industry", "industry_code", "field", "budget", "deadline",
    "cooperation_modes", "confidential", "region_code", "region_name", "contact_name",
    "contact_phone", "contact_email",
)  # fmt: skip
INDUSTRY_CODE_RE = re.compile(r"^([A-T]|[A-T]?\d{2,4})$")
MODE_VALUES = {m.value for m in TransferMode}


def _labels() -> dict[str, str]:
    return {str(k): str(v) for k, v in ListingStatus.choices}


def kind_label(listing: Listing | type[Listing]) -> str:
    model = listing if isinstance(listing, type) else type(listing)
    return "科技成果" if model is Achievement else "技术需求"


def _validation_error(error: ValidationError) -> ApplicationError:
    fields: dict[str, str] = {}
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            fields[name] = "；".join(errors)
    else:
        fields["__all__"] = "；".join(error.messages)
    first = next(iter(fields.values()))
    return ApplicationError(f"提交的信息有误：{first}", code="validation_error", fields=fields)


def clean_listing_values(model: type[Listing], values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check what a model's ``full_clean`` cannot: identifiers, taxonomy,
    lists of choices. Raises ApplicationError with per-field Chinese messages."""
    errors: dict[str, str] = {}
    data = dict(values)
    for key in ("title", "abstract", "description", "industry", "owner_display", "region_name"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
    if "keywords" in data:
        data["keywords"] = [str(k).strip() for k in data.get("keywords") or [] if str(k).strip()]
    if "patent_numbers" in data:
        numbers = []
        for raw in data.get("patent_numbers") or []:
            try:
                numbers.append(validate_patent_number(str(raw)))
            except ValidationError as exc:
                errors["patent_numbers"] = exc.messages[0]
        data["patent_numbers"] = numbers
    for key in ("transfer_modes", "cooperation_modes"):
        if key in data:
            modes = list(dict.fromkeys(data.get(key) or []))
            bad = [m for m in modes if m not in MODE_VALUES]
            if bad:
                allowed = "、".join(str(m.label) for m in TransferMode)
                errors[key] = f"不允许的方式：{'、'.join(map(str, bad))}（可选：{allowed}）。"
            data[key] = modes
    subfield = data.get("subfield") or ""
    if subfield:
        if subfield not in SUBFIELD_NAMES:
            errors["subfield"] = f"技术子领域代码“{subfield}”不存在。"
        elif data.get("field") and field_of_subfield(subfield) != data["field"]:
            errors["subfield"] = "技术子领域不属于所选技术领域。"
    code = (data.get("industry_code") or "").strip().upper()
    if code and not INDUSTRY_CODE_RE.match(code):
        errors["industry_code"] = (
            "国民经济行业代码应为门类字母（A–T）或2–4位数字（GB/T 4754-2017），如 C3511 或 3511。"
        )
    if "industry_code" in data:
        data["industry_code"] = code
    region = (data.get("region_code") or "").strip()
    if region:
        try:
            data["region_code"] = validate_region_code(region)
        except ValidationError as exc:
            errors["region_code"] = exc.messages[0]
        else:
            if not data.get("region_name"):
                data["region_name"] = province_of(region)
    for key in ("price", "budget"):
        if data.get(key) is not None:
            try:
                amount = Decimal(str(data[key]))
            except InvalidOperation:
                errors[key] = "金额不是有效数字。"
                continue
            if amount < 0:
                errors[key] = "金额不能为负数；面议请留空。"
            data[key] = amount.quantize(Decimal("0.01"))
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(f"提交的信息有误：{first}", code="validation_error", fields=errors)
    return data


def _clean_indicators(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned = []
    comparators = {c.value for c in Comparator}
    for position, row in enumerate(rows):
        name = str(row.get("name") or "").strip()
        if not name:
            continue
        comparator = row.get("comparator") or ""
        if comparator not in comparators:
            raise ApplicationError(
                f"技术指标“{name}”的比较方式无效（可选：≤、<、≥、>、=、范围）。",
                code="validation_error",
                fields={"indicators": "比较方式无效"},
            )
        try:
            value = Decimal(str(row.get("value")))
            value_max = (
                Decimal(str(row["value_max"])) if row.get("value_max") not in (None, "") else None
            )
        except InvalidOperation as exc:
            raise ApplicationError(
                f"技术指标“{name}”的数值不是有效数字。",
                code="validation_error",
                fields={"indicators": "数值无效"},
            ) from exc
        if comparator == Comparator.RANGE and (value_max is None or value_max < value):
            raise ApplicationError(
                f"技术指标“{name}”为范围时须填写不小于下限的上限。",
                code="validation_error",
                fields={"indicators": "范围上限无效"},
            )
        cleaned.append(
            {
                "name": name[:100],
                "comparator": comparator,
                "value": value,
                "value_max": value_max,
                "unit": str(row.get("unit") or "").strip()[:32],
                "position": position,
            }
        )
    return cleaned


def _replace_indicators(listing: Listing, rows: list[dict[str, Any]]) -> None:
    link = "achievement" if isinstance(listing, Achievement) else "demand"
    TechnicalIndicator.objects.filter(**{link: listing}).delete()
    TechnicalIndicator.objects.bulk_create(
        [TechnicalIndicator(**{link: listing}, **row) for row in rows]
    )


def _model_fields(model: type[Listing]) -> tuple[str, ...]:
    return ACHIEVEMENT_FIELDS if model is Achievement else DEMAND_FIELDS


@transaction.atomic
def listing_create(
    *,
    actor: Any,
    organisation: Organisation,
    model: type[Listing],
    data: dict[str, Any],
    indicators: Sequence[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
) -> Listing:
    """Create a draft achievement or demand for ``organisation``."""
    access.ensure_can_create(actor, organisation)
    allowed = _model_fields(model)
    values = clean_listing_values(model, {k: v for k, v in data.items() if k in allowed})
    rows = _clean_indicators(indicators or [])
    listing = model(owner=organisation, created_by=actor, **values)
    try:
        listing.full_clean(exclude=["owner", "created_by"])
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    listing.save()
    _replace_indicators(listing, rows)
    audit.record(
        f"{model._meta.model_name}.create",
        actor=actor,
        organisation=organisation,
        obj=listing,
        summary=f"新建{kind_label(model)}“{listing.title}”（草稿）",
        request=request,
    )
    send_listing_changed_on_commit(listing, created=True)
    return listing


@transaction.atomic
def listing_update(
    *,
    actor: Any,
    listing: Listing,
    data: dict[str, Any],
    indicators: Sequence[dict[str, Any]] | None = None,
    request: HttpRequest | None = None,
) -> Listing:
    """Edit a draft or returned listing of the actor's organisation."""
    model = type(listing)
    locked = model.objects.select_for_update().get(pk=listing.pk)
    access.ensure_can_edit(actor, locked)
    allowed = _model_fields(model)
    values = clean_listing_values(model, {k: v for k, v in data.items() if k in allowed})
    changes: dict[str, list[Any]] = {}
    for key, value in values.items():
        old = getattr(locked, key)
        if old != value:
            changes[key] = [old, value]
            setattr(locked, key, value)
    try:
        locked.full_clean(exclude=["owner", "created_by"])
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    locked.save()
    if indicators is not None:
        _replace_indicators(locked, _clean_indicators(indicators))
    audit.record(
        f"{model._meta.model_name}.update",
        actor=actor,
        organisation=locked.owner_id,
        obj=locked,
        summary=f"修改{kind_label(model)}“{locked.title}”",
        changes={k: [str(a), str(b)] for k, (a, b) in changes.items()},
        request=request,
    )
    send_listing_changed_on_commit(locked, created=False)
    return locked


def _ensure_actor_may_move(actor: Any, listing: Listing, to_status: str, *, system: bool) -> None:
    if system:
        if to_status not in SYSTEM_MOVES | REVIEW_MOVES:
            raise ApplicationError("系统任务不能执行该状态变更。", code="invalid_transition")
        return
    if to_status in REVIEW_MOVES:
        access.ensure_can_review(actor)
    elif to_status in OWNER_MOVES:
        access.ensure_owner(actor, listing)
        if to_status == ListingStatus.SUBMITTED:
            access.ensure_can_create(actor, listing.owner)
    else:
        raise ApplicationError(
            "“已过期”由系统按截止日期自动设置，不能手动变更。", code="invalid_transition"
        )


@transaction.atomic
def listing_transition(
    *,
    actor: Any,
    listing: Listing,
    to_status: str,
    reason: str = "",
    request: HttpRequest | None = None,
    system: bool = False,
) -> Listing:
    """The one workflow service of achievements and demands.

    Owners submit, withdraw and close; bureau staff publish or return (reason
    required); the system expires demands past their deadline. Writes a StatusChange
    and an audit event; ``listing_changed`` is sent after the commit.
    """
    model = type(listing)
    locked = model.objects.select_for_update().select_related("owner").get(pk=listing.pk)
    _ensure_actor_may_move(actor, locked, to_status, system=system)
    ensure_transition_allowed(LISTING_TRANSITIONS, ListingStatus, locked.status, to_status)
    reason = (reason or "").strip()
    if to_status == ListingStatus.RETURNED and not reason:
        raise ApplicationError(
            "退回必须填写原因，以便发布机构据此修改。",
            code="reason_required",
            fields={"reason": "请填写退回原因。"},
        )
    if (
        to_status == ListingStatus.SUBMITTED
        and isinstance(locked, Demand)
        and locked.deadline is not None
        and locked.deadline < timezone.localdate()
    ):
        raise ApplicationError(
            "需求的截止日期已过，请先修改截止日期再提交。",
            code="deadline_passed",
            fields={"deadline": "截止日期已过"},
        )
    from_status = locked.status
    locked.status = to_status
    locked.status_reason = reason
    update = ["status", "status_reason", "updated_at"]
    if to_status == ListingStatus.PUBLISHED:
        locked.published_at = timezone.now()
        update.append("published_at")
    locked.save(update_fields=update)
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(locked.pk),
        from_status=from_status,
        to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    labels = _labels()
    audit.record(
        f"{model._meta.model_name}.{to_status}",
        actor=actor,
        organisation=locked.owner_id,
        obj=locked,
        summary=f"{kind_label(model)}“{locked.title}”：{labels[from_status]} → "
        f"{labels[to_status]}" + (f"（{reason}）" if reason else ""),
        changes={"status": [from_status, to_status], "reason": reason},
        request=request,
        actor_name="" if actor is not None else "系统",
    )
    send_listing_changed_on_commit(locked, created=False)
    return locked


def listings_transition_many(
    *,
    actor: Any,
    model: type[Listing],
    ids: Iterable[int],
    to_status: str,
    reason: str = "",
    request: HttpRequest | None = None,
) -> tuple[int, list[str]]:
    """Review several listings at once (each in its own transaction); returns the
    number moved and the Chinese refusals of the others."""
    moved, refusals = 0, []
    for listing in model.objects.filter(pk__in=list(ids)).order_by("pk"):
        try:
            listing_transition(
                actor=actor, listing=listing, to_status=to_status, reason=reason, request=request
            )
        except ApplicationError as error:
            refusals.append(f"“{listing.title}”：{error.message}")
        else:
            moved += 1
    return moved, refusals


def expire_demands(*, today: dt.date | None = None) -> int:
    """Expire every published demand whose deadline has passed (the scheduled task)."""
    today = today or timezone.localdate()
    count = 0
    due = Demand.objects.filter(status=ListingStatus.PUBLISHED, deadline__lt=today)
    for demand in due.order_by("pk").iterator():
        listing_transition(
            actor=None,
            listing=demand,
            to_status=ListingStatus.EXPIRED,
            reason=f"已过截止日期 {demand.deadline:%Y-%m-%d}",
            system=True,
        )
        count += 1
    return count


@transaction.atomic
def attachment_add(
    *, actor: Any, listing: Listing, upload: UploadedFile, request: HttpRequest | None = None
) -> ListingAttachment:
    access.ensure_can_edit(actor, listing)
    checked = check_upload(upload)
    link = "achievement" if isinstance(listing, Achievement) else "demand"
    attachment = ListingAttachment(
        **{link: listing},
        name=(upload.name or "附件")[:200],
        content_type=checked.content_type,
        extension=checked.extension,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    audit.record(
        f"{type(listing)._meta.model_name}.attachment_add",
        actor=actor,
        organisation=listing.owner_id,
        obj=listing,
        summary=f"上传附件“{attachment.name}”",
        request=request,
    )
    return attachment


@transaction.atomic
def attachment_delete(
    *, actor: Any, attachment: ListingAttachment, request: HttpRequest | None = None
) -> None:
    """Remove an attachment of an editable listing; the file goes once the row is gone."""
    listing = attachment.achievement or attachment.demand
    if listing is None:  # excluded by a database constraint
        raise NotFound("找不到该附件。")
    access.ensure_can_edit(actor, listing)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    audit.record(
        f"{type(listing)._meta.model_name}.attachment_delete",
        actor=actor,
        organisation=listing.owner_id,
        obj=listing,
        summary=f"删除附件“{attachment.name}”",
        request=request,
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def contact_request_create(
    *, actor: Any, demand: Demand, message: str = "", request: HttpRequest | None = None
) -> ContactRequest:
    """A verified supplier asks for a confidential demand's enterprise and contact."""
    from techmarket.accounts import access as accounts_access

    organisation = accounts_access.primary_organisation(actor)
    if organisation is None:
        raise ApplicationError("请以机构身份登录后申请联系。", code="no_organisation", status=403)
    access.ensure_can_create(actor, organisation)
    if demand.owner_id == organisation.pk:
        raise ApplicationError("这是本机构发布的需求。", code="own_demand")
    if not demand.confidential or demand.status != ListingStatus.PUBLISHED:
        raise ApplicationError("只有已发布的保密需求需要申请联系。", code="not_confidential")
    existing = ContactRequest.objects.filter(demand=demand, organisation=organisation).first()
    if existing is not None:
        raise ApplicationError(
            f"本机构已申请过（{existing.get_state_display()}），不能重复申请。",
            code="duplicate_request",
            status=409,
        )
    contact = ContactRequest.objects.create(
        demand=demand,
        organisation=organisation,
        requested_by=actor,
        message=(message or "").strip()[:1000],
    )
    audit.record(
        "demand.contact_request",
        actor=actor,
        organisation=organisation,
        obj=demand,
        summary=f"申请联系保密需求“{demand.title}”",
        request=request,
    )
    return contact


@transaction.atomic
def contact_request_for_supplier(
    *,
    actor: Any,
    demand: Demand,
    organisation: Organisation,
    message: str = "",
    request: HttpRequest | None = None,
) -> ContactRequest:
    """A broker asks, on a supplier organisation's behalf, to see a confidential demand's
    enterprise (撮合对接). The enterprise answers it like any contact request; a request the
    supplier already has is returned as it is."""
    access.ensure_can_request_contact_for_others(actor)
    if demand.owner_id == organisation.pk:
        raise ApplicationError("需求方与成果持有方是同一机构。", code="own_demand")
    if not demand.confidential or demand.status != ListingStatus.PUBLISHED:
        raise ApplicationError("只有已发布的保密需求需要申请联系。", code="not_confidential")
    contact, created = ContactRequest.objects.get_or_create(
        demand=demand,
        organisation=organisation,
        defaults={"requested_by": actor, "message": (message or "").strip()[:1000]},
    )
    if created:
        audit.record(
            "demand.contact_request",
            actor=actor,
            organisation=organisation,
            obj=demand,
            summary=f"代机构“{organisation.name}”申请联系保密需求“{demand.title}”",
            request=request,
        )
    return contact


@transaction.atomic
def contact_request_decide(
    *, actor: Any, contact: ContactRequest, accept: bool, request: HttpRequest | None = None
) -> ContactRequest:
    """The demand's enterprise accepts or declines; accepted suppliers see name and contact."""
    locked = ContactRequest.objects.select_for_update().select_related("demand").get(pk=contact.pk)
    access.ensure_owner(actor, locked.demand)
    if locked.state != ContactRequest.State.PENDING:
        raise ApplicationError(
            f"该申请已{locked.get_state_display()}，不能再更改。",
            code="already_decided",
            status=409,
        )
    locked.state = ContactRequest.State.ACCEPTED if accept else ContactRequest.State.DECLINED
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_at"])
    audit.record(
        f"demand.contact_{locked.state}",
        actor=actor,
        organisation=locked.demand.owner_id,
        obj=locked.demand,
        summary=f"{locked.get_state_display()}机构#{locked.organisation_id}的联系申请",
        request=request,
    )
    return locked
