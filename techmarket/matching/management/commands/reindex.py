from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from techmarket.matching import services


class Command(BaseCommand):
    help = (
        "从数据库重建匹配索引：为缺失或过期的已发布记录计算语义向量（可断点续算），并重建检索索引。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=None, help="每批向量条数")

    def handle(self, *args: Any, **opts: Any) -> None:
        def progress(done: int, total: int) -> None:
            width = 30
            filled = int(width * done / max(total, 1))
            self.stdout.write(
                f"\r语义向量 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending=""
            )
            self.stdout.flush()

        written = services.embed_pending(batch_size=opts["batch"], progress=progress)
        if written:
            self.stdout.write("")
        services.invalidate_index()
        built = services.current_index()
        status = services.embedding_status()
        self.stdout.write(
            f"新计算向量 {written} 条；索引含成果 {len(built.achievements.records)} 项、"
            f"需求 {len(built.demands)} 条；已有向量：成果 {status['achievement_embedded']}/"
            f"{status['achievement_total']}，需求 {status['demand_embedded']}/{status['demand_total']}"
        )
