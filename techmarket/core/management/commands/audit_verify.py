from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from techmarket.core.audit import verify_chain
from techmarket.core.models import AuditEvent


class Command(BaseCommand):
    help = (
        "校验审计日志哈希链：发现被修改、删除或调换顺序的事件时以非零状态退出，并指出第一处断链。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        total = AuditEvent.objects.count()
        if not problems:
            self.stdout.write(
                self.style.SUCCESS(f"审计日志完整：共 {total} 条事件，哈希链校验通过。")
            )
            return
        first = problems[0]
        for problem in problems:
            self.stderr.write(f"序号 {problem.seq}：{problem.message}")
        raise CommandError(f"审计日志哈希链断裂：第一处断链在序号 {first.seq}（{first.message}）。")
