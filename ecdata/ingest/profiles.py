"""Report profiles: what one report a platform offers means, declared as data.

A header-to-field alias table cannot say what a report means: its grain, its sign
conventions, which columns are last year's, which rows are totals. A profile can. Built-in
profiles live in `ecdata/data/profiles/*.toml`, one file per platform; a team adds its own
from the Upload page's mapping screen (kept in DuckDB, exported in the same TOML). A file no
profile knows is read by the generic profile: the alias table alone.

A platform file:

    platform = "shopify"     # platforms.csv id (its label, currency, ad channel), or a new
    label_zh = "Shopify"     # platform's: label_zh, label_en, currency, channel, and the
                             # marketplace its files' stores are on (store picker defaults)
    [signs]                                    # how every report of the platform signs a field
    refunds = "negated"

    [[report]]
    id = "shopify.sales_over_time"
    zh = "随时间变化的销售额"
    en = "Sales over time"
    menu = "Analytics › Reports › Sales over time"
    reads = "orders, sales, refunds"
    headers = ["Day", "Orders", "Total sales"]  # recognised when all are in the header row
    file_name = "(?i)sales"                     # optional: a regex the file name must match
    sheet = "Sheet1"                            # optional: the workbook sheet it is on
    grain = "day"      # day: one row per key and day | parts: rows are parts of their day
                       # or period (hours, live sessions, channels, campaigns, products),
                       # summed into it | product_day | month
    kind = ""          # optional: store | product | ad | agent | monthly
    channel = ""       # optional: the channel an ad report's rows become
    day_first = false  # dates written day first (DD-MM-YYYY)
    title_range = false  # the period is written above the header ("时间周期2026-09-13~…")
    day_offset = false   # the date column counts days from that period's first (GA4 Nth day)
    ignore_columns = ["(?i)previous"]          # regexes: columns never read
    total_rows = "^(Total|合计)"                # regex: a date or first cell marking a total
    [report.columns]
    "Returns" = "refunds"                       # or "" (ignore), or {field=…, sign=…}
    "成交金额(万元)" = { field = "sales", unit = "wan" }      # unit: wan | thousand | cents
    "Sales (USD)" = { field = "sales", currency = "USD" }   # | percent | fraction (rates)
    "GMV" = { field = "sales", currency = "cells" }         # the sign in its cells: Rp, S$
    [report.patterns]     # a column named by a regex; a (?P<currency>…) group names its currency
    "(?i)^amount spent \\((?P<currency>\\w+)\\)$" = "spend"
    [report.limits]       # plausibility: the largest value a row of this report can hold
    visitors = 5e7        # (a field's own limit, from its unit, holds otherwise)
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from ecdata.i18n import Refusal
from ecdata.names import normalize_header
from ecdata.platforms import DATA_DIR, GENERIC, Platform, platform_markers

PROFILE_DIR = DATA_DIR / "profiles"
GRAINS = ("day", "parts", "product_day", "month")
# "inquiries": an inquiry list (one row per inquiry) read into the ledger (ingest/inquiries.py),
# whose columns name ledger fields; never matched by the store reader.
KINDS = ("", "store", "product", "ad", "agent", "monthly", "inquiries")
# How a report signs a money field: 'positive' (a negative value is an error),
# 'may_be_negative' (the report nets returns: a negative value is real), 'negated' (written
# as negative amounts: stored with the sign turned).
SIGNS = ("positive", "may_be_negative", "negated")
# What a column's numbers are written in: money or counts in 万 (x 10,000), thousands or
# cents; a rate's plain numbers as percents (5.2 = 5.2%) or fractions (0.052). '' = as the
# cells show (a rate's '%' sign, or the survey's guess for plain numbers).
UNIT_SCALE = {"": 1.0, "wan": 1e4, "thousand": 1e3, "cents": 0.01, "percent": 1.0, "fraction": 1.0}
# A column's currency = "cells": the sign its amounts start with says it (TikTok Shop's
# "Rp12.345.678", "S$1,234.50"). The pattern is read by Python and by DuckDB (RE2) alike.
CELLS = "cells"
CELL_SIGN = r"^-?\s*(US\$|S\$|HK\$|NT\$|A\$|C\$|RMB|RM|Rp|[$¥￥£€₹₱฿₫])"


class ProfileError(Refusal):
    """A profile's text is not a valid profile; `why` names what is wrong (in the terms of
    the data format, which are English)."""

    def __init__(self, why: str):
        super().__init__("err.profile_invalid", why=why)
        self.why = why

    def __str__(self) -> str:
        return self.why


@dataclass(frozen=True)
class Column:
    field: str  # '' = never read
    sign: str = ""  # '' = the platform's convention for the field
    unit: str = ""  # one of UNIT_SCALE
    currency: str = ""  # the money's currency as the report writes it ('USD', '¥')


@dataclass(frozen=True)
class Profile:
    id: str
    platform: Platform
    zh: str
    en: str
    headers: tuple[str, ...]  # as the report writes them
    columns: dict[str, Column] = field(default_factory=dict)  # header as written -> column
    menu: str = ""
    reads: str = ""
    file_name: str = ""
    sheet: str = ""
    grain: str = "day"
    kind: str = ""
    channel: str = ""  # an ad report's rows become this channel (else its platform's)
    day_first: bool = False
    title_range: bool = False
    day_offset: bool = False
    ignore_columns: tuple[str, ...] = ()
    total_rows: str = ""
    patterns: tuple[tuple[str, Column], ...] = ()  # (regex, column), tried in order
    signs: dict[str, str] = field(default_factory=dict)  # field -> sign, for the platform
    limits: dict[str, float] = field(default_factory=dict)  # field -> largest plausible value
    user: bool = False  # saved by a team, not shipped

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en

    @property
    def file_platform(self) -> Platform:
        """The platform its files come from, with the report's own ad channel if it names one."""
        if self.channel:
            return replace(self.platform, channel=self.channel)
        return self.platform

    @property
    def signature(self) -> frozenset[str]:
        return frozenset(normalize_header(h) for h in self.headers)

    def matches(self, headers: list[str], file_name: str | None = None, sheet: str = "") -> bool:
        """All its signature headers are present (and the file name fits, when known)."""
        present = {normalize_header(h) for h in headers}
        if not self.signature <= present:
            return False
        if self.file_name and file_name is not None and not re.search(self.file_name, file_name):
            return False
        return not (self.sheet and sheet and sheet != self.sheet)

    def ignores(self, header: str) -> bool:
        return any(re.search(p, header) for p in self.ignore_columns)

    @cached_property
    def _by_normalized(self) -> dict[str, Column]:
        return {normalize_header(h): c for h, c in self.columns.items()}

    def column(self, header: str) -> Column | None:
        """What the column `header` means; a pattern's (?P<currency>…) group, when it
        matched, is the column's currency ('Amount spent (EUR)')."""
        found = self._by_normalized.get(normalize_header(header))
        if found is not None:
            return found
        for pattern, col in self.patterns:
            hit = re.search(pattern, header.strip())
            if hit:
                named = hit.groupdict().get("currency")
                return replace(col, currency=named) if named else col
        return None

    def sign(self, header: str, field_name: str) -> str:
        col = self.column(header)
        if col and col.sign:
            return col.sign
        return self.signs.get(field_name, "positive")

    def to_toml(self) -> str:
        """The profile in the data format it is read from (a platform file of one report)."""
        p = self.platform
        lines = [f"platform = {_q(p.platform)}"]
        if all(p.platform != q.platform for _, q in platform_markers()):
            lines += [f"label_zh = {_q(p.label_zh)}", f"label_en = {_q(p.label_en)}"]
            lines += [f"currency = {_q(p.currency)}", f"channel = {_q(p.channel)}"]
            if p.marketplace:
                lines.append(f"marketplace = {_q(p.marketplace)}")
        if self.signs:
            lines += ["", "[signs]"] + [f"{k} = {_q(v)}" for k, v in sorted(self.signs.items())]
        lines += ["", "[[report]]", f"id = {_q(self.id)}", f"zh = {_q(self.zh)}"]
        lines.append(f"en = {_q(self.en)}")
        for key in ("menu", "reads", "file_name", "sheet", "kind", "channel"):
            if getattr(self, key):
                lines.append(f"{key} = {_q(getattr(self, key))}")
        lines.append(f"grain = {_q(self.grain)}")
        for key in ("day_first", "title_range", "day_offset"):
            if getattr(self, key):
                lines.append(f"{key} = true")
        lines.append("headers = [" + ", ".join(_q(h) for h in self.headers) + "]")
        if self.ignore_columns:
            lines.append("ignore_columns = [" + ", ".join(map(_q, self.ignore_columns)) + "]")
        if self.total_rows:
            lines.append(f"total_rows = {_q(self.total_rows)}")
        for table, items in (("columns", list(self.columns.items())), ("patterns", self.patterns)):
            if items:
                lines += ["", f"[report.{table}]"]
                lines += [f"{_q(key)} = {_column_toml(col)}" for key, col in items]
        if self.limits:
            lines += ["", "[report.limits]"]
            lines += [f"{k} = {v!r}" for k, v in sorted(self.limits.items())]
        return "\n".join(lines) + "\n"


def _column_toml(col: Column) -> str:
    declared = [(k, getattr(col, k)) for k in ("sign", "unit", "currency") if getattr(col, k)]
    if not declared:
        return _q(col.field)
    return "{ " + ", ".join(f"{k} = {_q(v)}" for k, v in [("field", col.field), *declared]) + " }"


def _q(text: str) -> str:
    """A TOML basic string."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _platform(data: dict) -> Platform:
    """The platform a profile file names: platforms.csv's, else the one the file declares
    (Shopee, Lazada, Meta Ads: its labels, currency and ad channel)."""
    pid = str(data.get("platform", "")).strip()
    if not pid:
        raise ProfileError("platform is missing")
    for _, p in platform_markers():
        if p.platform == pid:
            return p
    if pid == GENERIC.platform:
        return GENERIC
    return Platform(
        pid,
        str(data.get("label_zh", pid)),
        str(data.get("label_en", pid)),
        str(data.get("channel", "")),
        str(data.get("currency", "¥")),
        marketplace=str(data.get("marketplace", "")),
    )


def parse_profiles(text: str, user: bool = False) -> list[Profile]:
    """The profiles a platform file declares, checked; ProfileError names what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(exc)) from None
    platform = _platform(data)
    signs = {str(k): str(v) for k, v in data.get("signs", {}).items()}
    for f, s in signs.items():
        _check_sign(s, f)
    out = []
    for raw in data.get("report", []):
        out.append(_profile(raw, platform, signs, user))
    if not out:
        raise ProfileError("no [[report]] in the file")
    return out


def _check_sign(sign: str, where: str) -> None:
    if sign not in SIGNS:
        raise ProfileError(f"{where}: sign {sign!r} is not one of {', '.join(SIGNS)}")


def _profile(raw: dict, platform: Platform, signs: dict, user: bool) -> Profile:
    from ecdata.ingest.headers import canonical_fields
    from ecdata.ingest.inquiries import FIELDS as LEDGER_FIELDS

    kind = raw.get("kind", "")
    known = set(LEDGER_FIELDS) if kind == "inquiries" else set(canonical_fields())
    pid = str(raw.get("id", "")).strip()
    if not pid:
        raise ProfileError("a report has no id")
    headers = tuple(str(h) for h in raw.get("headers", ()))
    if len(headers) < 2:
        raise ProfileError(f"{pid}: headers must name at least two columns")
    grain = raw.get("grain", "day")
    if grain not in GRAINS:
        raise ProfileError(f"{pid}: grain {grain!r} is not one of {', '.join(GRAINS)}")
    if kind not in KINDS:
        raise ProfileError(f"{pid}: kind {kind!r} is not one of {', '.join(KINDS[1:])}")

    def column(header: str, value) -> Column:
        try:
            col = Column(value) if isinstance(value, str) else Column(**value)
        except TypeError:
            raise ProfileError(f"{pid}: column {header!r}: {value!r} is not a field") from None
        if col.field and col.field not in known:
            raise ProfileError(f"{pid}: column {header!r}: no field {col.field!r}")
        if col.sign:
            _check_sign(col.sign, f"{pid}: column {header!r}")
        if col.unit not in UNIT_SCALE:
            units = ", ".join(u for u in UNIT_SCALE if u)
            raise ProfileError(f"{pid}: column {header!r}: unit {col.unit!r} is not one of {units}")
        return col

    def regex(pattern: str, where: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(f"{pid}: {where} {pattern!r}: {exc}") from None
        return pattern

    columns = {str(h): column(h, v) for h, v in raw.get("columns", {}).items()}
    patterns = tuple(
        (regex(p, "pattern"), column(p, v)) for p, v in raw.get("patterns", {}).items()
    )
    ignore = tuple(regex(p, "ignore_columns") for p in raw.get("ignore_columns", ()))
    total_rows = regex(str(raw.get("total_rows", "")), "total_rows")
    limits: dict[str, float] = {}
    for name, bound in raw.get("limits", {}).items():
        if name not in known:
            raise ProfileError(f"{pid}: limits: no field {name!r}")
        if isinstance(bound, bool) or not isinstance(bound, int | float) or not bound > 0:
            raise ProfileError(f"{pid}: limits: {name} = {bound!r} is not a positive number")
        limits[name] = float(bound)
    return Profile(
        id=pid,
        platform=platform,
        zh=str(raw.get("zh", pid)),
        en=str(raw.get("en", pid)),
        headers=headers,
        columns=columns,
        menu=str(raw.get("menu", "")),
        reads=str(raw.get("reads", "")),
        file_name=str(raw.get("file_name", "")),
        sheet=str(raw.get("sheet", "")),
        grain=grain,
        kind=kind,
        channel=str(raw.get("channel", "")),
        day_first=bool(raw.get("day_first", False)),
        title_range=bool(raw.get("title_range", False)),
        day_offset=bool(raw.get("day_offset", False)),
        ignore_columns=ignore,
        total_rows=total_rows,
        patterns=patterns,
        signs=signs,
        limits=limits,
        user=user,
    )


@lru_cache(maxsize=1)
def builtin_profiles() -> tuple[Profile, ...]:
    """Every profile shipped in ecdata/data/profiles, in file order."""
    out: list[Profile] = []
    for path in sorted(PROFILE_DIR.glob("*.toml")):
        try:
            out += parse_profiles(path.read_text(encoding="utf-8"))
        except ProfileError as exc:
            raise ProfileError(f"{path.name}: {exc}") from None
    ids = [p.id for p in out]
    if len(ids) != len(set(ids)):
        raise ProfileError("profile ids repeat: " + ", ".join(i for i in ids if ids.count(i) > 1))
    return tuple(out)


@lru_cache(maxsize=1)
def _platform_signs() -> dict[str, dict[str, str]]:
    signs: dict[str, dict[str, str]] = {}
    for p in builtin_profiles():
        signs.setdefault(p.platform.platform, {}).update(p.signs)
    return signs


def sign_convention(platform: str, field_name: str) -> str:
    """How a platform's reports sign a field ([signs] of its profile file), for a file of
    that platform that no profile of it matched."""
    return _platform_signs().get(platform, {}).get(field_name, "positive")


def match_profile(
    headers: list[str],
    file_name: str | None = None,
    sheet: str = "",
    extra: tuple[Profile, ...] = (),
) -> Profile | None:
    """The profile that knows this header: the one whose signature is the largest of those
    wholly present (a team's own profiles win a tie over shipped ones); None: generic."""
    found = [
        p
        for p in (*extra, *builtin_profiles())
        if p.kind != "inquiries" and p.matches(headers, file_name, sheet)
    ]
    if not found:
        return None
    return max(found, key=lambda p: (len(p.signature), p.user))


def preferred_sheets(extra: tuple[Profile, ...] = ()) -> frozenset[str]:
    """Sheet names some profile says its report is on: tried before a workbook's first."""
    return frozenset(p.sheet for p in (*extra, *builtin_profiles()) if p.sheet)
