from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from techmarket.accounts.demo import DEMO_PASSWORD
from techmarket.accounts.models import Role, User
from techmarket.core.demo import DemoContext, load_all


def default_shared_data_dir() -> Path | None:
    candidate = Path(
        os.environ.get("TECHMARKET_SHARED_DATA", settings.BASE_DIR.parent / "shared" / "data")
    )
    return candidate if candidate.is_dir() else None


class Command(BaseCommand):
    help = "数据库为空时载入演示数据（各类机构、各角色账户），并打印演示账户。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--logins-only", action="store_true", help="只打印演示账户")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["logins_only"]:
            if User.objects.exists():
                self.stdout.write("数据库已有数据，跳过演示数据载入。")
            else:
                # The demo's own notifications are not mailed (nor printed by the console backend).
                with override_settings(
                    EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
                ):
                    context = load_all(DemoContext(shared_data_dir=default_shared_data_dir()))
                self.stdout.write(self.style.SUCCESS("演示数据已载入。"))
                for note in context.notes:
                    self.stdout.write(f"  {note}")
        self.print_logins()

    def print_logins(self) -> None:
        from techmarket.accounts.demo import USERS

        self.stdout.write(f"\n演示账户（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, _org, role, secret in USERS:
            if not User.objects.filter(username=username).exists():
                continue
            extra = f"  动态口令：techmarket totp {username}" if secret else ""
            self.stdout.write(f"  {username:<11} {Role(role).label:<10} {full_name}{extra}")
