"""Every write to the expert library."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from techmarket.accounts.models import Organisation, User
from techmarket.core import audit
from techmarket.core.errors import ApplicationError
from techmarket.core.taxonomy import FIELD_BY_CODE, FIELD_BY_NAME, SUBFIELD_NAMES
from techmarket.experts import access
from techmarket.experts.models import ExpertConflict, ExpertProfile, ExpertStatus

PROFILE_FIELDS = (
    "name",
    "title",
    "fields",
    "subfields",
    "keywords",
    "bio",
    "email",
    "phone",
    "available",
    "organisation_name",
)


def _clean_codes(fields: list[str], subfields: list[str]) -> tuple[list[str], list[str]]:
    bad = [c for c in fields if c not in FIELD_BY_CODE]
    bad_sub = [c for c in subfields if c not in SUBFIELD_NAMES]
    if bad or bad_sub:
        raise ApplicationError(
            f"技术领域代码无效：{'、'.join(bad + bad_sub)}。",
            code="validation_error",
            fields={"fields": "请使用《国家重点支持的高新技术领域》代码。"},
        )
    return fields, subfields


@transaction.atomic
def expert_create(
    *,
    actor: User,
    name: str,
    organisation: Organisation | None = None,
    user: User | None = None,
    conflicts: list[dict[str, Any]] | None = None,
    **data: Any,
) -> ExpertProfile:
    access.ensure_can_manage_experts(actor)
    if not name.strip():
        raise ApplicationError("专家姓名不能为空。", code="validation_error")
    if user is not None and ExpertProfile.objects.filter(user=user).exists():
        raise ApplicationError(
            f"账户“{user.get_username()}”已关联其他专家资料。", code="duplicate", status=409
        )
    _clean_codes(list(data.get("fields", [])), list(data.get("subfields", [])))
    expert = ExpertProfile.objects.create(
        name=name.strip(),
        organisation=organisation,
        user=user,
        **{k: v for k, v in data.items() if k in PROFILE_FIELDS},
    )
    for conflict in conflicts or []:
        ExpertConflict.objects.create(expert=expert, **conflict)
    audit.record("expert.create", actor=actor, obj=expert, summary=f"专家库新增“{expert.name}”")
    return expert


@transaction.atomic
def expert_update(*, actor: User, expert: ExpertProfile, data: dict[str, Any]) -> ExpertProfile:
    locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
    if locked.user_id != actor.pk:
        access.ensure_can_manage_experts(actor)
    changes = {}
    for key in PROFILE_FIELDS:
        if key in data and data[key] is not None:
            changes[key] = [getattr(locked, key), data[key]]
            setattr(locked, key, data[key])
    _clean_codes(list(locked.fields), list(locked.subfields))
    locked.save()
    audit.record("expert.update", actor=actor, obj=locked, summary="修改专家资料", changes=changes)
    return locked


@transaction.atomic
def expert_conflict_add(
    *,
    actor: User,
    expert: ExpertProfile,
    organisation: Organisation | None = None,
    person_name: str = "",
    reason: str = "",
) -> ExpertConflict:
    if expert.user_id != actor.pk:
        access.ensure_can_manage_experts(actor)
    if organisation is None and not person_name.strip():
        raise ApplicationError("申报回避须填写回避机构或回避人员。", code="validation_error")
    conflict = ExpertConflict.objects.create(
        expert=expert, organisation=organisation, person_name=person_name.strip(), reason=reason
    )
    audit.record(
        "expert.conflict_declared",
        actor=actor,
        obj=expert,
        summary=f"专家“{expert.name}”申报回避：{conflict}",
    )
    return conflict


@transaction.atomic
def expert_verify(
    *, actor: User, expert: ExpertProfile, approve: bool, reason: str = ""
) -> ExpertProfile:
    """Bureau staff admit an expert to the library (or refuse, with a reason)."""
    access.ensure_can_manage_experts(actor)
    locked = ExpertProfile.objects.select_for_update().get(pk=expert.pk)
    if locked.status != ExpertStatus.PENDING:
        raise ApplicationError(
            f"专家当前状态为“{locked.get_status_display()}”，只有待审核的专家可以审核。",
            code="invalid_transition",
            status=409,
        )
    if not approve and not reason.strip():
        raise ApplicationError("不通过须填写原因。", code="reason_required")
    locked.status = ExpertStatus.VERIFIED if approve else ExpertStatus.REJECTED
    locked.status_reason = reason.strip()
    locked.verified_at = timezone.now() if approve else None
    locked.save(update_fields=["status", "status_reason", "verified_at", "updated_at"])
    audit.record(
        f"expert.{locked.status}",
        actor=actor,
        obj=locked,
        summary=f"专家“{locked.name}”审核：{locked.get_status_display()}",
    )
    return locked


# ---- xlsx import (all or nothing) ----------------------------------------------------

IMPORT_HEADERS = [
    "姓名",
    "所在机构",
    "职称",
    "技术领域",
    "技术子领域",
    "关键词",
    "简介",
    "邮箱",
    "电话",
    "回避机构",
    "平台账户",
]


@dataclass
class ImportReport:
    created: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(value: Any) -> list[str]:
    text = str(value or "").replace("，", ",").replace("；", ",").replace(";", ",")
    return [p.strip() for p in text.split(",") if p.strip()]


def _field_code(token: str) -> str | None:
    if token in FIELD_BY_CODE:
        return token
    found = FIELD_BY_NAME.get(token)
    return found.code if found else None


def _subfield_code(token: str) -> str | None:
    if token in SUBFIELD_NAMES:
        return token
    for code, name in SUBFIELD_NAMES.items():
        if name == token:
            return code
    return None


def expert_import_xlsx(*, actor: User, content: bytes) -> ImportReport:
    """Validate every row first; create the experts only when no row has an error."""
    access.ensure_can_manage_experts(actor)
    report = ImportReport()
    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many types for a non-xlsx file
        raise ApplicationError("文件不是有效的 Excel（xlsx）文件。", code="file_type") from exc
    if sheet is None:
        raise ApplicationError("Excel 文件没有工作表。", code="file_type")
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ApplicationError("Excel 文件是空的。", code="validation_error")
    header = [str(c or "").strip() for c in rows[0]]
    missing = [h for h in IMPORT_HEADERS[:4] if h not in header]
    if missing:
        raise ApplicationError(
            f"表头缺少列：{'、'.join(missing)}。模板列：{'、'.join(IMPORT_HEADERS)}。",
            code="validation_error",
        )
    index = {h: header.index(h) for h in IMPORT_HEADERS if h in header}
    organisations = {o.name: o for o in Organisation.objects.all()}
    linked = set(ExpertProfile.objects.exclude(user=None).values_list("user_id", flat=True))
    seen_accounts: set[int] = set()
    prepared: list[dict[str, Any]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue

        def cell(name: str, row: Any = row) -> str:
            i = index.get(name)
            return str(row[i] or "").strip() if i is not None and i < len(row) else ""

        problems: list[str] = []
        name = cell("姓名")
        if not name:
            problems.append("姓名为空")
        fields = [_field_code(t) for t in _split(cell("技术领域"))]
        if not fields or None in fields:
            problems.append(f"技术领域“{cell('技术领域')}”无效")
        subfields = [_subfield_code(t) for t in _split(cell("技术子领域"))]
        if None in subfields:
            problems.append(f"技术子领域“{cell('技术子领域')}”无效")
        email = cell("邮箱")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"邮箱“{email}”格式不正确")
        conflict_orgs = []
        for org_name in _split(cell("回避机构")):
            if org_name not in organisations:
                problems.append(f"回避机构“{org_name}”不在平台机构名录中")
            else:
                conflict_orgs.append(organisations[org_name])
        account = None
        username = cell("平台账户")
        if username:
            account = User.objects.filter(username=username).first()
            if account is None:
                problems.append(f"平台账户“{username}”不存在")
            elif account.pk in linked or account.pk in seen_accounts:
                problems.append(f"平台账户“{username}”已关联其他专家")
            else:
                seen_accounts.add(account.pk)
        if problems:
            report.errors.append(f"第 {number} 行：" + "；".join(problems) + "。")
            continue
        org_name = cell("所在机构")
        prepared.append(
            {
                "name": name,
                "organisation": organisations.get(org_name),
                "organisation_name": "" if org_name in organisations else org_name,
                "title": cell("职称"),
                "fields": fields,
                "subfields": subfields,
                "keywords": _split(cell("关键词")),
                "bio": cell("简介"),
                "email": email,
                "phone": cell("电话"),
                "conflicts": [{"organisation": o} for o in conflict_orgs],
                "user": account,
            }
        )
    if report.errors:
        return report
    with transaction.atomic():
        for data in prepared:
            expert_create(actor=actor, **data)
        report.created = len(prepared)
        audit.record(
            "expert.import", actor=actor, object_type="experts.expertprofile",
            summary=f"从 Excel 导入专家 {report.created} 名",
        )  # fmt: skip
    return report
