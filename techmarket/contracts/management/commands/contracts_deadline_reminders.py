"""techmarket contracts_deadline_reminders [--days 3]: tell registry staff which accepted
applications reach their deadline within N working days (cron: every working morning)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from techmarket.accounts.models import Membership, Role
from techmarket.contracts.models import Contract
from techmarket.contracts.rules import working_days_between
from techmarket.contracts.workflow import ContractStatus
from techmarket.core.notifications import notify


class Command(BaseCommand):
    help = "提醒登记机构工作人员即将到期或已超期的登记申请"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=3, help="剩余工作日不超过该值时提醒")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        due = []
        for contract in Contract.objects.filter(
            status=ContractStatus.ACCEPTED, deadline__isnull=False
        ).order_by("deadline"):
            left = working_days_between(today, contract.deadline)  # type: ignore[arg-type]
            if left <= options["days"]:
                due.append((contract, left))
        if not due:
            self.stdout.write("没有即将到期的登记申请。")
            return
        lines = [
            f"{c.project_name}：办结期限 {c.deadline}（"
            + (f"已超期 {-left} 个工作日" if left < 0 else f"剩余 {left} 个工作日")
            + "）"
            for c, left in due
        ]
        staff = {
            m.user for m in Membership.objects.filter(role=Role.BUREAU_STAFF).select_related("user")
        }
        notify(
            sorted(staff, key=lambda u: u.pk),
            title=f"{len(due)} 份技术合同登记申请即将到期或已超期",
            body="\n".join(lines),
            url="/contracts/",
            kind="contract_deadline",
        )
        self.stdout.write("\n".join(lines))
