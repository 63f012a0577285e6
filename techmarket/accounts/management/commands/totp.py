from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techmarket.accounts.models import User
from techmarket.accounts.services import totp_for


class Command(BaseCommand):
    help = "打印某个账户当前的动态口令（用于演示账户；生产环境请使用验证器应用）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在。")
        if not user.totp_secret:
            raise CommandError(f"用户 {user.username} 尚未设置动态口令。")
        self.stdout.write(totp_for(user).now())
