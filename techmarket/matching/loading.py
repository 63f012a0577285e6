"""Loading JSONL records (../shared/data/FORMAT.md) into the database for `match-eval`.

The normal import path is the listings app's `importing.import_file`; when it is present it
is used. Until then this loader writes published listings directly (same field mapping).
"""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from techmarket.accounts.models import Organisation, OrganisationType
from techmarket.core.taxonomy import FIELD_BY_NAME
from techmarket.listings.models import Achievement, Demand, IpType, Maturity, TransferMode
from techmarket.listings.workflow import ListingStatus
from techmarket.matching.evaluation import read_jsonl

_MATURITY = {str(c.label): c.value for c in Maturity}
_IP = {str(c.label): c.value for c in IpType}
_MODES = {str(c.label): c.value for c in TransferMode}
_EVAL_USCC = "91350200776049653A"  # a valid code (RULES.md §6), only in the throwaway db


def evaluation_organisation() -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        uscc=_EVAL_USCC,
        defaults={
            "name": "评测数据机构",
            "type": OrganisationType.OTHER,
            "region_code": "350200",
            "contact_name": "评测",
            "contact_phone": "0592-0000000",
        },
    )
    return org


def _wan(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return (Decimal(str(value)) * 10000).quantize(Decimal("0.01"))
    except ArithmeticError:
        return None


def _list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").split(",")
    return [str(v).strip() for v in value if str(v).strip()]


def _import(kind: str, path: Path, org: Organisation) -> list[int]:
    try:
        importing = importlib.import_module("techmarket.listings.importing")
    except ImportError:
        importing = None
    if importing is not None:
        result = importing.import_file(kind, path, organisation=org, publish=True)
        return list(result.ids)
    return load_jsonl_directly(kind, path, org)


@transaction.atomic
def load_jsonl_directly(kind: str, path: Path, org: Organisation) -> list[int]:
    now = timezone.now()
    ids: list[int] = []
    for obj in read_jsonl(path):
        common = {
            "owner": org,
            "external_id": str(obj["id"])[:100],
            "title": str(obj.get("title") or "")[:200],
            "region_name": str(obj.get("region") or "")[:100],
            "status": ListingStatus.PUBLISHED,
            "published_at": now,
        }
        if kind == "achievement":
            field = FIELD_BY_NAME.get(str(obj.get("field") or ""))
            a = Achievement.objects.create(
                **common,
                abstract=str(obj.get("abstract") or ""),
                keywords=_list(obj.get("keywords")),
                field=field.code if field else "",
                maturity=_MATURITY.get(str(obj.get("maturity") or ""), ""),
                ip_type=_IP.get(str(obj.get("ip") or ""), ""),
                transfer_modes=[_MODES[m] for m in _list(obj.get("transfer_modes")) if m in _MODES],
                price=_wan(obj.get("price_wan")),
                owner_display=str(obj.get("owner") or "")[:200],
            )
            ids.append(a.pk)
        else:
            months = obj.get("deadline_months")
            deadline = None
            if isinstance(months, int | float) and months > 0:
                deadline = timezone.localdate() + datetime.timedelta(days=int(months * 30))
            d = Demand.objects.create(
                **common,
                description=str(obj.get("description") or ""),
                industry=str(obj.get("industry") or "")[:100],
                budget=_wan(obj.get("budget_wan")),
                deadline=deadline,
            )
            ids.append(d.pk)
    return ids


def load_files(achievements: Path, demands: Path) -> tuple[list[int], list[int]]:
    org = evaluation_organisation()
    return _import("achievement", achievements, org), _import("demand", demands, org)
