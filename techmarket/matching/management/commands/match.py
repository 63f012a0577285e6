from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from techmarket.core.errors import ApplicationError
from techmarket.matching import services


class Command(BaseCommand):
    help = "为一条已发布的技术需求列出推荐成果及推荐理由。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("demand_id", type=int)
        parser.add_argument("--top", type=int, default=10)

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            demand = services.get_demand(opts["demand_id"])
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"需求 #{demand.pk}：{demand.title}")
        results = services.match_demand(demand=demand, top_n=opts["top"])
        if not results:
            self.stdout.write("暂无匹配的已发布成果。")
        for r in results:
            self.stdout.write(f"{r.rank:>3}. [{r.score:6.2f}] #{r.listing.pk} {r.listing.title}")
            for reason in r.reasons:
                self.stdout.write(f"       · {reason}")
