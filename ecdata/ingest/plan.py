"""The plan for one file: which column is which field, and the SQL that cleans and checks it.

Pure: given the header, what a survey of the cells found (`Evidence`) and the upload's
options, `plan_facts` returns the SQL expressions for keys, values, row checks, total rows and
how repeated keys combine, or the message that refuses the file. Nothing here touches a
database, so every rule is tested from headers and column types alone; facts.py runs the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import cached_property

from ecdata.i18n import Refusal
from ecdata.ingest import headers as hd
from ecdata.ingest.cleaning import sql_str
from ecdata.ingest.profiles import UNIT_SCALE, Profile, sign_convention
from ecdata.names import CONTROL_CHARACTERS_SQL
from ecdata.platforms import Platform
from ecdata.store import FactTable

KEY_NAMES = ("date", "date_to", "month", "store", "channel", "member", "product_id")
# Traffic an Amazon child-item report repeats on every SKU line of one child ASIN: taken once.
REPEATED_PER_PRODUCT = ("visitors", "page_views")

_NAME_DATE = r"(\d{4})[-_.年/]?(\d{1,2})[-_.月/]?(\d{1,2})日?"


def date_from_file_name(
    name: str, this_century: bool = False
) -> tuple[dt.date | None, dt.date | None]:
    """The date(s) in a name like '…_2026-04-20至2026-04-20.xlsx' or '京东pop2026-08-25.xlsx'
    (or in the title rows of a report: then only years 2000-2099, as an account number in a
    title is no date)."""
    found = []
    for y, m, d in re.findall(_NAME_DATE, name):
        if this_century and not 2000 <= int(y) < 2100:
            continue
        try:
            found.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    if not found:
        return None, None
    return found[0], found[-1]


@dataclass(frozen=True)
class Layout:
    """What the header row says: the kind of file, its platform, and column → field."""

    headers: tuple[str, ...]
    kind: str
    platform: Platform
    mapping: dict[int, str]  # column position -> canonical field
    profile: Profile | None = None  # the report profile that read it; None: aliases alone

    def sign(self, pos: int, field_name: str) -> str:
        """How the column at `pos` signs its field (profiles.SIGNS)."""
        if self.profile is not None:
            return self.profile.sign(self.headers[pos], field_name)
        return sign_convention(self.platform.platform, field_name)

    def unit(self, pos: int) -> str:
        """What the column at `pos` writes its numbers in (profiles.UNIT_SCALE)."""
        col = self.profile.column(self.headers[pos]) if self.profile is not None else None
        return col.unit if col is not None else ""

    @property
    def total_rows(self) -> str:
        """A regex (RE2) for the text of a profile's total rows ('' when it declares none)."""
        return self.profile.total_rows if self.profile else ""

    @cached_property
    def fields(self) -> dict[str, list[int]]:
        """field -> the columns that carry it (several spend columns add up)."""
        out: dict[str, list[int]] = {}
        for pos, f in self.mapping.items():
            out.setdefault(f, []).append(pos)
        if self.kind == "ad" and "sales" in out and "ad_sales" not in out:
            # An ad report's GMV is what the ads brought in, not the store's sales.
            out["ad_sales"] = out.pop("sales")
        return out

    def first(self, *names: str) -> int | None:
        """The first column carrying the first of `names` the file has, or None."""
        for name in names:
            if self.fields.get(name):
                return self.fields[name][0]
        return None

    def metric_fields(self, table: FactTable) -> list[str]:
        return [
            f
            for f in self.fields
            if (f in table.metrics or f in hd.RATE_FIELDS) and f not in hd.TEXT_FIELDS
        ]


_KIND_OF_GRAIN = {"product_day": "product", "month": "monthly"}


def resolve_layout(
    headers: list[str], override: dict[str, str] | None, profile: Profile | None = None
) -> Layout:
    """The alias table's reading of `headers`, the report profile's on top of it (its
    columns, the columns it ignores, its platform and kind), and the user's mapping
    (header → field, '' to ignore) on top of both; a mapped agent, month or product column
    decides the kind unless the profile names it."""
    platform = profile.file_platform if profile else hd.detect_platform(headers)
    declared_kind = profile and (profile.kind or _KIND_OF_GRAIN.get(profile.grain))
    kind = declared_kind or hd.file_kind(headers, platform)
    mapping = hd.map_columns(headers, kind)
    if profile:
        for i, h in enumerate(headers):
            column = profile.column(h)  # a declared column wins over an ignore pattern
            if column is not None and column.field:
                mapping[i] = column.field
            elif column is not None or profile.ignores(h):
                mapping.pop(i, None)
    for i, h in enumerate(headers):
        if override and h in override:
            if override[h]:
                mapping[i] = override[h]
            else:
                mapping.pop(i, None)
    if profile or override:
        chosen = set(mapping.values())
        if declared_kind:
            pass
        elif "member" in chosen:
            kind = "agent"
        elif "month" in chosen:
            kind = "monthly"
        elif chosen & {"product_id", "product_name"} and kind == "store":
            kind = "product"
    return Layout(tuple(headers), kind, platform, dict(sorted(mapping.items())), profile)


@dataclass(frozen=True)
class Evidence:
    """What a survey of the file's cells found, where the header alone cannot tell."""

    types: dict[str, str]  # column (c0, c1, …) -> DuckDB type
    day_first: bool = False  # slash dates written day first (a first part above 12 proves it)
    decimal_comma: bool = False  # 1.234,56 (a cell proves it)
    percent_columns: frozenset[int] = frozenset()  # rate columns whose plain numbers are percent
    store_in_member: bool = False  # agent names carry 店铺: (赤兔, 千牛)
    all_terminal_rows: bool | None = None  # 所属终端 has 所有终端 rows; None: no such column
    # A variation column (Shopee's Variation ID) has rows without one: each product's own row,
    # its variations' rows below it a breakdown of it. None: no such column.
    product_rows: bool | None = None
    # The rows are parts of their day or period, summed into it: the date column holds times
    # within a day (an hour, a live session's start), or the profile says so (channels,
    # campaigns, products of a period report).
    rows_are_parts: bool = False


@dataclass(frozen=True)
class Check:
    """A row check: when `condition` holds, the row is skipped and named with `key`."""

    condition: str
    pos: int  # the column it names
    key: str  # message key (row.bad_date, row.negative, …)
    value: str  # SQL for the cell as the file wrote it
    params: tuple[tuple[str, str], ...] = ()  # the message's own parameters (a limit)


@dataclass
class FactPlan:
    """Everything facts.py needs to turn the `raw` view into staged facts."""

    table: FactTable
    select: dict[str, str]  # key or field -> SQL over raw columns and v<pos> values
    cell_values: dict[str, str]  # v<pos> -> the parsed value of column <pos>, computed once
    missing_cells: dict[str, str]  # m<pos> -> column <pos> is empty or a placeholder, once
    checks: list[Check]
    is_total: str  # SQL: the row summarises others
    is_blank: str  # SQL: every mapped cell is empty
    not_final: str | None  # SQL: the row's day is not final yet (None: the table has no flag)
    metric_exprs: dict[str, str]  # stored metric -> SQL over the cleaned row (derived included)
    text_exprs: dict[str, str]
    combine: str  # 'reject' repeated keys, 'sum' them, or 'per_product' (sum; traffic once)
    # The file's rows are parts of a day or period (hours, sessions, channels): summed into it.
    rows_are_parts: bool = False
    exact_duplicates: int = 0  # rows equal to another in key and values, kept once (facts.py)
    # SQL over a cleaned row: it is a breakdown of another row of the file (a terminal of
    # 所属终端's all-terminals row, a variation of its product's row), dropped like a total.
    breakdown: str = ""
    # SQL over a row: its date cell holds a time within the day. Asked of every row where the
    # survey's first rows showed none (a time further down makes the rows parts after all).
    time_of_day: str = ""

    @property
    def keys(self) -> list[str]:
        return list(self.table.keys)

    @property
    def key_names(self) -> list[str]:
        return [k for k in self.select if k in KEY_NAMES]

    @property
    def out_columns(self) -> list[str]:
        flags = ["not_final"] if self.not_final is not None else []
        return (
            self.keys
            + [m for m in self.table.metrics if m in self.metric_exprs or m in self.text_exprs]
            + flags
        )


@dataclass(frozen=True)
class Options:
    """What the upload says beyond the file: its name, the store, the period, today."""

    file_name: str
    today: dt.date
    store: str | None = None
    period: tuple[dt.date, dt.date] | None = None  # the range a file without dates covers
    above_header: str = ""  # the text above the header, where some reports name their period


class Refused(Refusal):
    """The file cannot become facts."""


def plan_facts(layout: Layout, table: FactTable, ev: Evidence, opts: Options) -> FactPlan:
    """The plan for `layout`'s file, or Refused."""
    fields = layout.fields
    metric_fields = layout.metric_fields(table)
    if not metric_fields:
        raise Refused("err.no_metric", file=opts.file_name, columns=_recognised(layout))
    if layout.kind == "agent" and "member" not in fields:
        raise Refused("err.no_member", file=opts.file_name)
    store_from_member = (
        layout.kind == "agent" and "store" not in fields and not opts.store and ev.store_in_member
    )
    if "store" not in fields and not opts.store and not store_from_member:
        raise Refused("err.no_store", file=opts.file_name)
    cells = _Cells(ev)
    select, checks = _date_keys(layout, table, cells, opts)
    select.update(_text_keys(layout, table, cells, opts.store, store_from_member))
    cell_values, sums, value_checks, not_final = _values(layout, metric_fields, cells)
    metric_exprs = _stored_metrics(metric_fields, table)
    if not metric_exprs:
        # Only rates, and nothing to multiply them by (a monthly file with 转化率): no fact.
        raise Refused("err.no_metric", file=opts.file_name, columns=_recognised(layout))
    is_total, is_blank = _is_total(layout, cells), _is_blank(layout, cells)
    plan = FactPlan(
        table=table,
        select={**select, **sums},
        cell_values=cell_values,
        missing_cells=cells.missing_cells,  # every one the SQL above asks for
        checks=checks + value_checks,
        is_total=is_total,
        is_blank=is_blank,
        not_final=not_final if "not_final" in table.flags else None,
        metric_exprs=metric_exprs,
        text_exprs={f: f for f in hd.TEXT_FIELDS if f in select and f in table.metrics},
        combine=_combine(layout, ev),
        rows_are_parts=ev.rows_are_parts,
        breakdown=_breakdown(ev, select),
        time_of_day=_time_of_day(layout, ev, cells),
    )
    return plan


# How many rows the survey looks at for times within a day (an hourly report has them from
# its first row on); the check asks every row of the rest (FactPlan.time_of_day).
TIME_SAMPLE_ROWS = 1000


def time_within_day(cell: str) -> str:
    """SQL: the date text `cell` carries an hour (GA4's YYYYMMDDHH) or a time other than
    midnight (a live session's start, 2026-10-01 20:00:00). A CASE, so the regexes run only
    on the cells the cheap tests leave (an AND of them cost 0.12 s a million rows)."""
    return (
        f"(CASE WHEN contains({cell}, ':') THEN regexp_matches({cell}, '\\d{{1,2}}:\\d{{2}}') "
        f"AND NOT regexp_matches({cell}, '\\s0?0:00(:00)?(\\.0+)?$') "
        f"WHEN contains({cell}, '-') OR contains({cell}, '/') THEN false "
        f"ELSE regexp_matches(trim({cell}), '^\\d{{10}}$') END)"
    )


def _time_of_day(layout: Layout, ev: Evidence, cells: _Cells) -> str:
    date_pos = layout.first("date")
    if ev.rows_are_parts or date_pos is None or layout.kind not in ("store", "ad"):
        return ""
    return time_within_day(cells.text(date_pos))


def _breakdown(ev: Evidence, select: dict[str, str]) -> str:
    parts = []
    if ev.all_terminal_rows is True and "terminal" in select:
        labels = ", ".join(sql_str(x) for x in hd.ALL_TERMINALS)
        parts.append(f"lower(trim(terminal)) NOT IN ({labels})")
    if ev.product_rows is True and "variation" in select:
        parts.append("variation IS NOT NULL")
    return " OR ".join(parts)


def _recognised(layout: Layout) -> str:
    return ", ".join(layout.headers[p] for p in layout.mapping) or "-"


class _Cells:
    """SQL for one column's cell: as stored, as text, as the number it writes."""

    def __init__(self, ev: Evidence):
        self.ev = ev
        # m<pos> -> SQL: the cell is empty or a placeholder. Computed once per row: DuckDB
        # answers each ec_missing with a hash join against the placeholders, and a store file
        # asked it 11 times a row (0.2 s of a million rows' 0.5 s).
        self.missing_cells: dict[str, str] = {}

    def col(self, pos: int) -> str:
        return f"c{pos}"

    def is_text(self, pos: int) -> bool:
        return self.ev.types.get(f"c{pos}", "VARCHAR") == "VARCHAR"

    def text(self, pos: int) -> str:
        return self.col(pos) if self.is_text(pos) else f"CAST({self.col(pos)} AS VARCHAR)"

    def missing(self, pos: int) -> str:
        """SQL, over a row of `cleaned`'s inner query: the cell is empty or a placeholder."""
        self.missing_cells[f"m{pos}"] = f"ec_missing({self.text(pos)})"
        return f"m{pos}"

    def value(self, pos: int, f: str) -> str:
        col = self.col(pos)
        if not self.is_text(pos):
            if f in hd.RATE_FIELDS and f != "aov" and pos in self.ev.percent_columns:
                return f"CAST({col} AS DOUBLE) / 100"
            return f"CAST({col} AS DOUBLE)"
        if f in hd.DURATION_FIELDS:
            return f"ec_seconds({col})"
        cell = f"ec_decimal_comma({col})" if self.ev.decimal_comma else col
        if f in hd.RATE_FIELDS and f != "aov":
            return f"ec_rate({cell}, {str(pos in self.ev.percent_columns).lower()})"
        return f"ec_number({cell})"


def _date_keys(layout, table, cells: _Cells, opts: Options) -> tuple[dict, list[Check]]:
    """The date key(s): from a month or date column, else the period given, else the name."""
    fields = layout.fields
    if layout.kind == "monthly":
        return _month_key(fields, cells, opts)
    if "date" in fields:
        if layout.profile is not None and layout.profile.day_offset:
            start = _period(layout, opts)[0]
            select, checks = _day_offset(fields["date"][0], cells, start, opts)
        else:
            select, checks = _date_column(fields["date"][0], cells, opts.today)
        if "date_to" in table.keys:
            select["date_to"] = select["date"]  # a daily row covers its own day
        return select, checks
    start, end = _period(layout, opts)
    if start != end and "date_to" not in table.keys:
        # Customer-service and ad facts are per day: a range cannot be split into days.
        raise Refused("err.date_range_name", file=opts.file_name, start=start, end=end)
    select = {"date": f"DATE '{start.isoformat()}'"}
    if "date_to" in table.keys:
        select["date_to"] = f"DATE '{end.isoformat()}'"
    return select, []


def with_grain(layout: Layout, opts: Options) -> Layout:
    """`layout`, as a store period report when it is a store file without a date column
    that covers more than one day (生意参谋 店铺整体 for 近7天): one fact for its range."""
    if layout.kind != "store" or "date" in layout.fields:
        return layout
    try:
        start, end = _period(layout, opts)
    except Refused:
        return layout  # plan_facts says what is wrong, in its order (no metric comes first)
    return layout if start == end else replace(layout, kind="store_period")


def _period(layout: Layout, opts: Options) -> tuple[dt.date, dt.date]:
    """The range a file without a date column covers: the user's, else its name's."""
    title = date_from_file_name(opts.above_header, this_century=True)
    found: tuple[dt.date | None, dt.date | None]
    if opts.period is not None:
        found = opts.period
    elif layout.profile is not None and layout.profile.title_range and title[0] is not None:
        found = title  # "时间周期2026-09-13~2026-09-19" above the header
    elif layout.platform.platform == "amazon":
        # Amazon names business reports by the day they were downloaded, not their period.
        raise Refused("err.needs_period", file=opts.file_name)
    else:
        found = date_from_file_name(opts.file_name)
    start, end = found
    if start is None or end is None:
        raise Refused("err.no_date", file=opts.file_name)
    earliest = dt.date.fromisoformat(hd.EARLIEST_DATE)
    if not earliest <= start <= end <= opts.today + dt.timedelta(days=1):
        raise Refused("err.bad_period", file=opts.file_name, start=start, end=end)
    return start, end


def _month_key(fields, cells: _Cells, opts: Options) -> tuple[dict, list[Check]]:
    pos = next((cols[0] for cols in (fields.get("month"), fields.get("date")) if cols), None)
    if pos is None:
        raise Refused("err.no_date", file=opts.file_name)
    text = cells.text(pos)
    # Monthly targets may be set ahead, but not beyond next year.
    last_month = f"{opts.today.year + 1}-12-01"
    checks = [
        Check(f"NOT {cells.missing(pos)} AND month IS NULL", pos, "row.bad_date", text),
        Check(f"month > DATE '{last_month}'", pos, "row.future_date", text),
        Check(f"month < DATE '{hd.EARLIEST_DATE}'", pos, "row.old_date", text),
    ]
    return {"month": f"ec_month({text})"}, checks


def _day_offset(pos: int, cells: _Cells, start: dt.date, opts: Options):
    """GA4's 'Nth day': the date column counts days (0000, 0001, …) from the period's start."""
    text = cells.text(pos)
    expr = f"DATE '{start.isoformat()}' + CAST(ec_number({text}) AS INTEGER)"
    checks = [
        Check(f"NOT {cells.missing(pos)} AND date IS NULL", pos, "row.bad_date", text),
        Check(
            f"date > DATE '{(opts.today + dt.timedelta(days=1)).isoformat()}'",
            pos,
            "row.future_date",
            text,
        ),
    ]
    return {"date": f"TRY_CAST({expr} AS DATE)"}, checks


def _date_column(pos: int, cells: _Cells, today: dt.date) -> tuple[dict, list[Check]]:
    col, text = cells.col(pos), cells.text(pos)
    kind = cells.ev.types.get(col, "VARCHAR")
    checks = []
    if kind == "DATE":
        expr = col
    elif kind.startswith("TIMESTAMP"):
        expr = f"CAST({col} AS DATE)"
    else:
        expr = f"ec_date({text}, {str(cells.ev.day_first).lower()})"
        checks.append(
            Check(f"NOT {cells.missing(pos)} AND date IS NULL", pos, "row.bad_date", text)
        )
    future = today + dt.timedelta(days=1)
    checks.append(Check(f"date > DATE '{future.isoformat()}'", pos, "row.future_date", text))
    checks.append(Check(f"date < DATE '{hd.EARLIEST_DATE}'", pos, "row.old_date", text))
    return {"date": expr}, checks


def _text_keys(layout, table, cells: _Cells, store: str | None, store_from_member: bool) -> dict:
    """Store, channel, member, product and text fields; the store from the form or the
    agent names' 店铺: prefix where the file has no store column."""
    fields = layout.fields
    # Names are text: control characters (a terminal escape, a NUL) are dropped as read.
    select = {
        key: f"NULLIF(trim(regexp_replace({cells.text(fields[key][0])}, "
        f"'{CONTROL_CHARACTERS_SQL}', '', 'g')), '')"
        for key in ("store", "channel", "member", "product_id", "terminal", *hd.TEXT_FIELDS)
        if key in fields
    }
    if "variation" in fields:
        # '-' is a product's own row (Shopee): no variation.
        text = cells.text(fields["variation"][0])
        select["variation"] = f"CASE WHEN ec_missing({text}) THEN NULL ELSE trim({text}) END"
    if layout.kind == "product" and "product_id" not in select and "product_name" in select:
        # Shopify's sales by product names products only by title: the title is the key.
        select["product_id"] = select["product_name"]
    if store_from_member:
        select["store"] = (
            f"NULLIF(trim(regexp_extract({select['member']}, '^([^:：]+)[:：]', 1)), '')"
        )
    elif "store" not in select:
        select["store"] = sql_str(store)
    elif store:
        select["store"] = f"COALESCE({select['store']}, {sql_str(store)})"
    if "channel" in table.keys:
        default = sql_str(layout.platform.channel or "all")
        select["channel"] = (
            f"COALESCE({select['channel']}, {default})" if "channel" in select else default
        )
    return select


def _values(layout: Layout, metric_fields: list[str], cells: _Cells):
    """Each metric cell parsed once (v<pos> -> SQL), each field as the sum of its columns'
    values (field -> SQL), the cells' checks, and the SQL flag of a day not final yet."""
    fields = layout.fields
    values: dict[str, str] = {}
    select: dict[str, str] = {}
    checks: list[Check] = []
    # A day is not final when a cell says so (暂无数据, 延迟统计) or when a count or amount the
    # file reports is empty or a placeholder in every column that carries it ("-" for the
    # day's sales): the platform has not filled it in yet. Rates are left out (a "-"
    # conversion rate on a day without visitors is complete).
    not_final_terms, empty_fields = [], []
    for f in metric_fields:
        parts, empty = [], []
        for pos in fields[f]:
            sign = layout.sign(pos, f)
            v = f"v{pos}"
            values[v] = cells.value(pos, f)
            if sign == "negated":
                values[v] = f"-({values[v]})"
            scale = UNIT_SCALE[layout.unit(pos)]
            if scale != 1.0:  # 万元, thousands, cents: stored in the currency's unit
                values[v] = f"(({values[v]}) * {scale!r})"
            parts.append(v)
            checks += _value_checks(f, pos, v, cells, sign == "may_be_negative")
            if layout.profile is not None and f in layout.profile.limits:
                checks.append(_profile_limit_check(layout.profile, f, pos, v, cells))
            if cells.is_text(pos):
                not_final_terms.append(f"ec_not_final({cells.col(pos)})")
                empty.append(cells.missing(pos))
            else:
                empty.append(f"{cells.col(pos)} IS NULL")
        select[f] = _sum_of(parts)
        if f not in hd.RATE_FIELDS:
            empty_fields.append("(" + " AND ".join(empty) + ")")
    not_final = " OR ".join(not_final_terms + empty_fields) or "false"
    return values, select, checks, not_final


def _value_checks(
    f: str, pos: int, v: str, cells: _Cells, negative_ok: bool = False
) -> list[Check]:
    """A cell's checks; `negative_ok` where the platform's report nets returns (a negative
    value is real), and then the plausibility limit bounds its size either way."""
    text = cells.text(pos)
    out = []
    if cells.is_text(pos):
        out.append(Check(f"NOT {cells.missing(pos)} AND {v} IS NULL", pos, "row.bad_number", text))
    if not negative_ok:
        out.append(Check(f"{v} < 0", pos, "row.negative", text))
    if f in hd.FIELD_LIMITS:
        bounded = f"abs({v})" if negative_ok else v
        out.append(Check(implausible(f, bounded), pos, f"row.bad_{hd.FIELD_LIMITS[f][0]}", text))
    return out


def _profile_limit_check(profile: Profile, f: str, pos: int, v: str, cells: _Cells) -> Check:
    """A report's own plausibility limit for a field (a day of one store's visitors in a
    report of one store), tighter than the field's: a row beyond it is named with it."""
    bound = profile.limits[f]
    params = (
        ("limit", f"{bound:,.0f}" if bound >= 100 else f"{bound:g}"),
        ("report_zh", profile.zh),
        ("report_en", profile.en),
    )
    sql = f"(abs({v}) > {bound!r})"
    return Check(sql, pos, "row.above_limit", cells.text(pos), params)


def _sum_of(parts: list[str]) -> str:
    """Several columns for one field (生意参谋's spend parts) add up; all missing stays missing."""
    if len(parts) == 1:
        return parts[0]
    all_missing = " AND ".join(p + " IS NULL" for p in parts)
    return (
        f"CASE WHEN {all_missing} THEN NULL ELSE "
        + " + ".join(f"COALESCE({p}, 0)" for p in parts)
        + " END"
    )


def implausible(f: str, value: str) -> str:
    """SQL: the parsed cell `value` is outside what field `f` can plausibly hold (NaN, inf,
    beyond its bound, a fractional count). Negative values have their own check."""
    kind, limit = hd.FIELD_LIMITS[f]
    # NaN compares greater than every number in DuckDB; isfinite names it anyway.
    # Rates may be exactly 100%; counts, money and durations stay below their bound.
    above = ">" if kind == "rate" else ">="
    out = f"(NOT isfinite({value}) OR {value} {above} {limit!r}"
    if kind == "count":
        out += f" OR {value} <> floor({value})"
    return out + ")"


def _stored_metrics(metric_fields: list[str], table: FactTable) -> dict[str, str]:
    """The stored metrics a file holds. Never one it does not: buyers are not derived from a
    conversion rate, nor sales from buyers x average order value (a Shopify 'Sessions over
    time' file got 23.8M of invented sales that way); rates are read only to be checked."""
    return {m: m for m in metric_fields if m in table.metrics}


def _is_total(layout: Layout, cells: _Cells) -> str:
    """SQL: a total row, which says 合计/Total where a key belongs (or in the first column,
    whatever it holds). A cell that parsed as a date is no such label, so the date column is
    only looked at where no date came out (CASE evaluates its THEN only for those rows)."""
    fields = layout.fields
    labels = ", ".join(sql_str(x) for x in hd.TOTAL_LABELS)
    date_pos = layout.first("date", "month")
    date_key = "month" if layout.kind == "monthly" else "date"
    date_text = cells.text(date_pos) if date_pos is not None else None
    key_pos = [p for f in ("store", "channel", "member") for p in fields.get(f, [])[:1]]
    key_pos = list(dict.fromkeys([*key_pos, 0]))
    keys = [cells.text(p) for p in key_pos]
    terms = [f"lower(trim({k})) IN ({labels})" for k in keys if k != date_text]
    if layout.total_rows:
        # The profile's own total rows ('Total: Account', '全部'), wherever a label sits.
        pattern = sql_str(layout.total_rows)
        terms += [f"regexp_matches(trim({k}), {pattern})" for k in keys if k != date_text]
        if date_text:
            terms.append(
                f"(CASE WHEN {date_key} IS NULL THEN regexp_matches(trim({date_text}), {pattern}) "
                "ELSE false END)"
            )
    if date_text and date_pos is not None:
        # Where no date came out: a 合计 label, a range written as the date (the range's
        # total), or the header row repeated in the body.
        terms.insert(
            0,
            f"(CASE WHEN {date_key} IS NULL THEN lower(trim({date_text})) IN ({labels}) "
            f"OR ec_date_range({date_text}) "
            f"OR trim({date_text}) = {sql_str(layout.headers[date_pos].strip())} ELSE false END)",
        )
        # A row with numbers but nothing in its date or name cells is the range's total
        # (Shopify's comparison exports end with one, no Day): dropped like a 合计 row.
        unnamed = [cells.missing(date_pos)] + [
            cells.missing(p) for p in key_pos if p not in (date_pos, 0)
        ]
        if date_pos == 0:
            terms.append("(" + " AND ".join(unnamed) + ")")
    products = [p for f in ("product_id", "product_name") for p in fields.get(f, [])[:1]]
    if layout.kind == "product" and products:
        # A product report's row naming no product is the range's total (Shopify's sales
        # by product compared with last year ends with one), never a product "without a
        # name" skipped as a problem.
        terms.append("(" + " AND ".join(cells.missing(p) for p in products) + ")")
    return " OR ".join(terms)


def _is_blank(layout: Layout, cells: _Cells) -> str:
    """SQL: every mapped cell of the row is empty (numeric columns first: they are cheap)."""
    numeric = [f"{cells.col(p)} IS NULL" for p in layout.mapping if not cells.is_text(p)]
    text = [cells.missing(p) for p in layout.mapping if cells.is_text(p)]
    if not numeric:
        return " AND ".join(text)
    return f"CASE WHEN {' AND '.join(numeric)} THEN {' AND '.join(text) or 'true'} ELSE false END"


def _combine(layout: Layout, ev: Evidence) -> str:
    """How rows with one key combine: an ad report lists a key once per plan, a product
    report without all-terminal rows once per terminal (or without a product's own row, once
    per variation), an hourly or per-live-session
    report once per hour or session (all summed into their day); Amazon's child-item
    report once per SKU of a child ASIN (sales summed, its traffic taken once)."""
    if (
        layout.kind == "ad"
        or ev.all_terminal_rows is False
        or ev.product_rows is False
        or ev.rows_are_parts
    ):
        return "sum"
    if layout.kind == "product" and layout.platform.platform == "amazon":
        return "per_product"
    return "reject"
