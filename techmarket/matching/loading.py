"""Loading JSONL records (../shared/data/FORMAT.md) into the database for `match-eval`,
through the normal import path of the listings app (`listings.importing.import_file`)."""

from __future__ import annotations

from pathlib import Path

from techmarket.accounts.models import Organisation, OrganisationType
from techmarket.listings.importing import import_file

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


def load_files(achievements: Path, demands: Path) -> tuple[list[int], list[int]]:
    org = evaluation_organisation()
    # publish=True: a system import straight to 已发布 (audited), as the evaluation needs
    a = import_file("achievements", achievements, organisation=org, publish=True)
    d = import_file("demands", demands, organisation=org, publish=True)
    return list(a.ids), list(d.ids)
