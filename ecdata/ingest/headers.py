"""Recognising a file's header: which row it is on, what each column means, which platform.

The aliases and platform markers are data (ecdata/data/*.csv), so supporting a new export is
a line in a table, not a code change.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from ecdata.ingest.profiles import Profile, match_profile
from ecdata.metrics.catalogue import FIELD_LIMITS
from ecdata.names import normalize_header
from ecdata.platforms import DATA_DIR, GENERIC, Platform, platform_markers

# How far down a file the header may sit: 生意参谋 puts up to 7 title rows above it.
HEADER_SCAN_ROWS = 30

KEY_FIELDS = (
    "date", "month", "store", "channel", "member", "product_id", "terminal", "variation"
)  # fmt: skip
# Text that describes a row rather than measuring it (kept as text, never summed).
TEXT_FIELDS = ("product_name",)
# 所属终端 values that mean "every terminal": the other rows are its breakdown.
ALL_TERMINALS = ("所有终端", "全部终端", "全部", "all", "all terminals")
RATE_FIELDS = ("conversion_rate", "aov", "inquiry_conversion")
DURATION_FIELDS = ("response_seconds",)

# What a plausible cell holds, per field, after parsing: (kind, upper bound). A value outside
# it (or NaN, inf) skips the row, named, instead of turning a month's totals into nonsense.
# FIELD_LIMITS (each field's plausibility limit, from its unit) is the metric catalogue's.
__all__ = ["FIELD_LIMITS"]
# Dates a row may carry: nothing before this, nothing after tomorrow.
EARLIEST_DATE = "2000-01-01"

# Rows that summarise others; dropped wherever they appear in a key column.
TOTAL_LABELS = (
    "合计",
    "总计",
    "汇总",
    "均值",
    "汇总值",
    "平均值",
    "全店汇总值",
    "同行同层均值",
    "店铺汇总值",
    "店铺平均值",
    "total",
    "grand total",
    "totals",
    "average",
    "summary",
)


@dataclass(frozen=True)
class Alias:
    canonical: str
    kind: str  # "" = any kind of file


@lru_cache(maxsize=1)
def alias_table() -> dict[str, list[Alias]]:
    """normalized header -> the canonical fields it may mean, kind-specific entries first."""
    table: dict[str, list[Alias]] = {}
    with open(DATA_DIR / "aliases.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = normalize_header(row["alias"])
            table.setdefault(key, []).append(Alias(row["canonical"], row["kind"]))
    for entries in table.values():
        entries.sort(key=lambda a: a.kind == "")
    return table


def detect_platform(headers: list[str]) -> Platform:
    """The first platform (in table order) one of whose marker columns the header has."""
    present = {normalize_header(h) for h in headers}
    for marker, platform in platform_markers():
        if marker and marker in present:  # a platform known only through profiles has none
            return platform
    return GENERIC


# A bilingual header names one column twice: "Date\n时间", "Total UV(总访客数)", "访客数/UV".
_HEADER_PARTS = re.compile(r"[\n\r()（）/|]+")
_COMPARISON = re.compile(r"previous|prior|last year|上年|去年|同比|环比|上期", re.IGNORECASE)


def aliases_of(header) -> list[Alias]:
    """The canonical fields a header cell may mean: the whole text, else the first of its
    parts (a bilingual header's languages) that the alias table knows."""
    table = alias_table()
    found = table.get(normalize_header(header))
    if found or header is None or _COMPARISON.search(str(header)):
        return found or []  # last year's twin of a column is never that column
    for part in _HEADER_PARTS.split(str(header)):
        found = table.get(normalize_header(part))
        if found:
            return found
    return []


def known_count(row: list) -> int:
    return sum(1 for cell in row if aliases_of(cell))


def find_header_row(rows: list[list], profiles: tuple[Profile, ...] = ()) -> int | None:
    """Index of the first row with at least two recognised column names, or that a report
    profile knows by its headers, or None."""
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if known_count(row) >= 2:
            return i
        cells = [str(c) for c in row if c is not None and str(c).strip()]
        if len(cells) >= 2 and match_profile(cells, extra=profiles) is not None:
            return i
    return None


def file_kind(headers: list[str], platform: Platform) -> str:
    """'agent' (per-person service report), 'monthly' (costs/targets), 'ad', 'product'
    (one row per product) or 'store'."""
    fields = {a.canonical for h in headers for a in aliases_of(h)}
    if "member" in fields:
        return "agent"
    if "month" in fields or (platform.platform == "monthly" and "date" not in fields):
        return "monthly"
    if platform.channel:
        return "ad"
    if "product_id" in fields or "product_name" in fields:
        return "product"
    return "store"


def map_columns(headers: list[str], kind: str) -> dict[int, str]:
    """Column position -> canonical field, for every header the alias table knows.

    Several columns may map to one additive field (生意参谋's separate spend columns); the reader
    sums them. A key field is taken from its first column only.
    """
    mapping: dict[int, str] = {}
    seen_keys: set[str] = set()
    for i, header in enumerate(headers):
        for alias in aliases_of(header):
            if alias.kind in ("", kind):
                if alias.canonical in KEY_FIELDS:
                    if alias.canonical in seen_keys:
                        break
                    seen_keys.add(alias.canonical)
                mapping[i] = alias.canonical
                break
    return mapping


def canonical_fields() -> list[str]:
    """Every field a column can be mapped to, in the alias table's order."""
    return list(dict.fromkeys(a.canonical for entries in alias_table().values() for a in entries))


def header_shape(headers: list[str]) -> str:
    """A stable id for a file layout, to remember the mapping a user chose for it."""
    joined = "\x1f".join(normalize_header(h) for h in headers)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()[:16]
