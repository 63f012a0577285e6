from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def openapi_document() -> str:
    from techmarket.api import api

    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "导出 OpenAPI 文档（提交到 docs/openapi.json；接口变化须同时更新它）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", default="-")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        if options["output"] == "-":
            self.stdout.write(document, ending="")
        else:
            Path(options["output"]).write_text(document, encoding="utf-8")
            self.stdout.write(f"已写入 {options['output']}")
