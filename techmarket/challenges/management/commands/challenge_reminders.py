"""`techmarket challenge_reminders`: close expired 榜单 and send deadline reminders (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from techmarket.challenges import services


class Command(BaseCommand):
    help = "截止已到的榜单自动截止申报，并向申报单位发送截止提醒（建议每小时运行）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行（techmarket worker）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from techmarket.challenges.tasks import challenge_reminders

            result = challenge_reminders.enqueue()
            self.stdout.write(f"已加入后台任务：{result.id}")
            return
        closed = services.close_expired_challenges()
        reminded = services.send_deadline_reminders()
        milestones = services.send_milestone_reminders()
        reviews = services.send_review_reminders()
        self.stdout.write(
            f"截止申报 {closed} 个榜单；发送截止提醒 {reminded} 次；"
            f"里程碑到期提醒 {milestones} 次；评审提醒 {reviews} 次。"
        )
