"""The national panel: real 技术市场成交额 by province 2011–2023 (shipped copy, MIT —
see data/ATTRIBUTION.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "province_year_tech_market_2011_2023.csv"
ATTRIBUTION = "数据来源：国家统计年鉴，经 github.com/127ww/nqp-spatial-development 整理（MIT 许可）"


@dataclass(frozen=True)
class ProvinceYear:
    province: str
    year: int
    turnover_wan: Decimal | None
    rd_wan: Decimal | None
    gdp_yi: Decimal | None


def _decimal(text: str) -> Decimal | None:
    text = (text or "").strip()
    return Decimal(text) if text else None


@lru_cache(maxsize=1)
def rows() -> tuple[ProvinceYear, ...]:
    with DATA.open(encoding="utf-8") as handle:
        return tuple(
            ProvinceYear(
                row["省份"],
                int(row["年份"]),
                _decimal(row["技术市场成交额（万元）"]),
                _decimal(row["R&D经费（万元）"]),
                _decimal(row["GDP（亿元）"]),
            )
            for row in csv.DictReader(handle)
        )


def years() -> list[int]:
    return sorted({r.year for r in rows()})


def provinces() -> list[str]:
    return sorted({r.province for r in rows()})


def province_series(province: str) -> list[tuple[int, Decimal | None]]:
    return sorted((r.year, r.turnover_wan) for r in rows() if r.province == province)


def ranking(year: int) -> list[ProvinceYear]:
    found = [r for r in rows() if r.year == year and r.turnover_wan is not None]
    return sorted(found, key=lambda r: r.turnover_wan or Decimal(0), reverse=True)


def national_total(year: int) -> Decimal:
    return sum((r.turnover_wan or Decimal(0) for r in rows() if r.year == year), Decimal(0))
