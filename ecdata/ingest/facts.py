"""From a file's raw table to checked facts at their grain.

The `raw` view (c0, c1, … as the file has them, and __row) is surveyed where the header
cannot tell how to read it (`survey`: day-first dates, decimal commas, percent columns), the
pure plan of plan.py says how to map, clean and check it, and `_run` executes that plan:
rows checked (bad numbers and dates, negative counts, future dates, empty keys, total rows,
duplicates), combined where a report repeats a key (an ad report's plans), written to a
Parquet file. What is left out is counted, and listed by row, column and value.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import weakref
from dataclasses import replace
from pathlib import Path

from ecdata.i18n import Message
from ecdata.ingest import headers as hd
from ecdata.ingest.cleaning import sql_path, sql_str
from ecdata.ingest.parsed import TABLE_FOR_KIND, ParsedExport, RowProblem
from ecdata.ingest.plan import (
    REPEATED_PER_PRODUCT,
    TIME_SAMPLE_ROWS,
    Evidence,
    FactPlan,
    Layout,
    Options,
    Refused,
    date_from_file_name,
    plan_facts,
    resolve_layout,
    time_within_day,
    with_grain,
)
from ecdata.ingest.profiles import CELL_SIGN, CELLS, match_profile
from ecdata.ingest.scratch import scratch_prefix
from ecdata.store.settings import currency_symbol

MAX_PROBLEMS_LISTED = 200

__all__ = ["check_facts", "date_from_file_name", "survey"]


def _column_types(con) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute("DESCRIBE raw").fetchall()}


def check_facts(
    con, parsed: ParsedExport, mapping_override, today: dt.date, source=None
) -> ParsedExport:
    """Map, clean and check the `raw` view into `parsed` (facts written to a Parquet file).

    `source` is the CsvSource behind `raw`, when it is a CSV read by DuckDB: it numbers the
    rows on demand, only when some row must be reported."""
    opts = Options(parsed.file_name, today, parsed.store_param, parsed.period, parsed.above_header)
    profile = match_profile(
        parsed.headers, parsed.file_name, parsed.sheet, extra=parsed.extra_profiles
    )
    layout = with_grain(resolve_layout(parsed.headers, mapping_override, profile), opts)
    parsed.platform, parsed.kind, parsed.mapping = layout.platform, layout.kind, layout.mapping
    parsed.profile = profile
    _say_profile(parsed, layout)
    if refusal := _declared_currency(parsed, layout) or _cell_currency(con, parsed, layout):
        return parsed.refuse(refusal)
    table = TABLE_FOR_KIND[layout.kind]
    evidence = _as_declared(survey(con, layout, table), layout)
    numeric_metric = any(
        evidence.types[f"c{p}"] != "VARCHAR"
        for f in layout.metric_fields(table)
        for p in layout.fields[f]
    )
    if evidence.decimal_comma and source is not None and numeric_metric:
        # DuckDB's sniffer read "1.500" as the number 1.5: in this file it is 1500.
        source.all_text()
        source.create_view(con)
        evidence = _as_declared(survey(con, layout, table), layout)
    try:
        plan = plan_facts(layout, table, evidence, opts)
    except Refused as refused:
        return parsed.refuse(refused.message)
    if not _run(con, plan, parsed, source):
        # A date beyond the survey's first rows holds a time within its day: the rows are
        # parts of their days after all, summed into them.
        plan = plan_facts(layout, table, replace(evidence, rows_are_parts=True), opts)
        _run(con, plan, parsed, source)
    if parsed.staged_rows == 0:
        first = (
            parsed.problems[0].message
            if parsed.problems
            else Message("err.empty", {"file": parsed.file_name})
        )
        return parsed.fail(
            "err.no_valid_rows",
            file=parsed.file_name,
            rejected=parsed.rows_rejected,
            first=first.text("zh") + " / " + first.text("en"),
        )
    return parsed


def _as_declared(evidence: Evidence, layout: Layout) -> Evidence:
    """What the cells show, with what the profile declares on top: a report of hours or
    live sessions sums its rows into their day, a report writing dates day first is read so
    even in a month whose days all stay at or below 12, a rate column declared in percents
    or fractions is read so whatever its numbers look like."""
    profile = layout.profile
    if profile is None:
        return evidence
    units = {pos: layout.unit(pos) for pos in layout.mapping}
    percent = {p for p, u in units.items() if u == "percent"}
    fraction = {p for p, u in units.items() if u == "fraction"}
    return replace(
        evidence,
        rows_are_parts=evidence.rows_are_parts or profile.grain == "parts",
        day_first=evidence.day_first or profile.day_first,
        percent_columns=(evidence.percent_columns | percent) - fraction,
    )


def _declared_currency(parsed: ParsedExport, layout: Layout) -> Message | None:
    """The currency the file's money columns state, into `parsed` (the store it goes to
    must be in it: upload.commit); a refusal when they state several, or one ecdata does
    not know (its amounts would be summed as another currency's)."""
    if layout.profile is None:
        return None
    stated: dict[str, str] = {}  # header -> the currency as written
    for pos, f in layout.mapping.items():
        col = layout.profile.column(layout.headers[pos])
        if col is not None and col.currency and hd.FIELD_LIMITS.get(f, ("",))[0] == "money":
            stated[layout.headers[pos]] = col.currency
    stated = {h: c for h, c in stated.items() if c != CELLS}
    if not stated:
        return None
    symbols = {h: currency_symbol(c) for h, c in stated.items()}
    for header, symbol in symbols.items():
        if symbol is None:
            return Message("err.currency_unknown", {"column": header, "currency": stated[header]})
    if len(set(symbols.values())) > 1:
        said = ", ".join(f"{h} ({c})" for h, c in stated.items())
        return Message("err.currencies_in_file", {"columns": said})
    parsed.currency_column, parsed.currency = next(iter(symbols.items()))
    return None


def _cell_currency(con, parsed: ParsedExport, layout: Layout) -> Message | None:
    """The currency a profile's money columns show in their cells (currency = "cells"),
    into `parsed` as a header's would be; a refusal when the cells show several."""
    if layout.profile is None or parsed.currency is not None:
        return None
    columns = [
        pos
        for pos, f in layout.mapping.items()
        if (col := layout.profile.column(layout.headers[pos])) is not None
        and col.currency == CELLS
        and hd.FIELD_LIMITS.get(f, ("",))[0] == "money"
    ]
    signs: dict[str, str] = {}  # the sign as written -> the first column showing it
    for pos in columns:
        found = con.execute(
            f"SELECT DISTINCT regexp_extract(trim(c{pos}::VARCHAR), '{CELL_SIGN}', 1) AS sign "
            f"FROM raw WHERE sign <> '' LIMIT 3"
        ).fetchall()
        for (sign,) in found:
            signs.setdefault(sign, layout.headers[pos])
    symbols = {sign: currency_symbol(sign) for sign in signs}
    if len(set(symbols.values())) > 1:
        said = ", ".join(f"{h} ({sign})" for sign, h in signs.items())
        return Message("err.currencies_in_file", {"columns": said})
    if symbols:
        sign, symbol = next(iter(symbols.items()))
        parsed.currency_column, parsed.currency = signs[sign], symbol
    return None


def _say_profile(parsed: ParsedExport, layout: Layout) -> None:
    """Which profile read the file, and its columns that nothing read (the person may map
    them; a last-year or change column a profile ignores is not listed)."""
    profile = layout.profile
    if profile is None:
        parsed.notes.append(Message("note.generic_profile", {}))
    else:
        parsed.notes.append(
            Message(
                "note.profile",
                {
                    "report_zh": f"{profile.platform.label('zh')} · {profile.zh}",
                    "report_en": f"{profile.platform.label('en')} · {profile.en}",
                    "id": profile.id,
                },
            )
        )
    unread = [
        h
        for i, h in enumerate(layout.headers)
        if i not in layout.mapping
        and not (profile and (profile.ignores(h) or profile.column(h) is not None))
        and h != f"column{i + 1}"
    ]
    if unread:
        parsed.notes.append(Message("note.columns_unread", {"columns": ", ".join(unread)}))


def survey(con, layout: Layout, table) -> Evidence:
    """Look at the cells where the header alone cannot tell how to read them."""
    types = _column_types(con)
    fields = layout.fields

    def text(pos):
        col = f"c{pos}"
        return col if types[col] == "VARCHAR" else f"CAST({col} AS VARCHAR)"

    date_pos = layout.first("date")
    day_first = (
        date_pos is not None
        and layout.kind != "monthly"
        and types[f"c{date_pos}"] == "VARCHAR"
        and _day_first(con, text(date_pos))
    )
    metric_fields = layout.metric_fields(table)
    # European exports write 1.234,56: only a cell that proves it switches the whole file.
    decimal_comma = _decimal_comma(
        con,
        [
            f"c{p}"
            for f in metric_fields
            if f not in hd.DURATION_FIELDS
            for p in fields[f]
            if types[f"c{p}"] == "VARCHAR"
        ],
    )
    percent = frozenset(
        p
        for f in metric_fields
        if f in hd.RATE_FIELDS and f != "aov"
        for p in fields[f]
        if _plain_numbers_are_percent(con, f"c{p}", types[f"c{p}"] == "VARCHAR", decimal_comma)
    )
    member, terminal = layout.first("member"), layout.first("terminal")
    variation = layout.first("variation")
    # The first rows only: a time further down is found by the check itself (time_of_day).
    rows_are_parts = (
        date_pos is not None
        and layout.kind in ("store", "ad")
        and _times_within_a_day(con, text(date_pos))
    )
    return Evidence(
        types=types,
        day_first=bool(day_first),
        decimal_comma=decimal_comma,
        percent_columns=percent,
        store_in_member=member is not None and _has_store_prefix(con, f"c{member}"),
        all_terminal_rows=None if terminal is None else _has_all_terminal_rows(con, text(terminal)),
        product_rows=None if variation is None else _has_product_rows(con, text(variation)),
        rows_are_parts=rows_are_parts,
    )


def _times_within_a_day(con, cell: str) -> bool:
    """Whether the first rows' dates carry an hour or a time (time_within_day): an hourly
    or per-session report shows it from its first row on. Scanning every row here cost a
    second read of the file (0.11 s a million rows); the check's own pass sees the rest."""
    return bool(
        con.execute(
            f"SELECT bool_or({time_within_day('x')}) "
            f"FROM (SELECT {cell} AS x FROM raw LIMIT {TIME_SAMPLE_ROWS})"
        ).fetchall()[0][0]
    )


def _run(con, plan: FactPlan, parsed: ParsedExport, source) -> bool:
    """Execute `plan` over `raw`: one streaming pass writes every row's key, values and
    verdict; no hash table over millions of keys unless rows must be combined. Rows are
    listed one by one (another pass) only when something was left out. False, with nothing
    done, when a row's date holds a time the plan did not expect (plan.time_of_day)."""
    _create_cleaned(con, plan)
    keys = plan.keys
    ok = "NOT is_total AND NOT is_blank AND NOT has_problem"
    if plan.breakdown:
        # 所属终端 gives an all-terminals row per product (Shopee a product's own row above
        # its variations'): the PC/wireless (variation) rows are its breakdown, dropped like
        # total rows.
        ok = f"NOT __breakdown AND {ok}"
    missing_key = " OR ".join(f"{k} IS NULL" for k in keys)
    keep = f"{ok} AND NOT ({missing_key})"
    values = [f"{e} AS {m}" for m, e in {**plan.metric_exprs, **plan.text_exprs}.items()]
    if plan.not_final is not None:
        values.append("not_final")
    if plan.breakdown:
        values.append(f"COALESCE({plan.breakdown}, false) AS __breakdown")
    else:
        values.append("false AS __breakdown")
    values.append("__time_of_day")
    con.execute(
        f"CREATE TEMP TABLE checked AS SELECT {', '.join(keys)}, {', '.join(values)}, "
        f"is_total OR __breakdown AS is_total, "
        f"NOT is_total AND NOT is_blank AND has_problem AS __problem, "
        f"{ok} AND ({missing_key}) AS __missing_key, {keep} AS __keep FROM cleaned"
    )
    total, totals, problems, missing, timed = con.execute(
        "SELECT count(*), count_if(is_total), count_if(__problem), count_if(__missing_key), "
        "count_if(__time_of_day) FROM checked"
    ).fetchall()[0]
    if timed and not plan.rows_are_parts:
        con.execute("DROP TABLE checked")
        return False
    dup_rows = _stage(con, plan)
    if plan.exact_duplicates:
        parsed.notes.append(Message("note.exact_duplicates", {"count": plan.exact_duplicates}))
    if plan.combine == "sum" and plan.rows_are_parts:
        parsed.notes.append(Message("note.summed_into_days", {}))
    if source is not None:
        parsed.rows_read = int(total or 0)
    parsed.totals_dropped = int(totals or 0)
    parsed.rows_rejected = int((problems or 0) + (missing or 0) + dup_rows)
    if problems or missing or dup_rows:
        if source is not None:
            source.number_rows(con)
        _list_problems(con, parsed, plan, keep, ok, missing_key, dup_rows > 0)
    _write_staged(con, plan, parsed)
    return True


def _create_cleaned(con, plan: FactPlan) -> None:
    """The `cleaned` view: keys, values, the total/blank verdicts and one flag per check,
    all in one pass; values (v<pos>) and whether a cell is missing (m<pos>) are computed
    once per cell in an inner query."""
    key_names = plan.key_names
    inner = (
        "SELECT *, "
        + ", ".join(
            [f"{plan.select[k]} AS {k}" for k in key_names]
            + [f"{expr} AS {v}" for v, expr in plan.cell_values.items()]
            + [f"{expr} AS {m}" for m, expr in plan.missing_cells.items()]
        )
        + " FROM raw"
    )
    check_flags = [f"COALESCE({c.condition}, false) AS __p{i}" for i, c in enumerate(plan.checks)]
    has_problem = " OR ".join(f"__p{i}" for i in range(len(plan.checks))) or "false"
    not_final = f", ({plan.not_final}) AS not_final" if plan.not_final is not None else ""
    time_of_day = f"COALESCE({plan.time_of_day or 'false'}, false) AS __time_of_day"
    fields = [f"{expr} AS {f}" for f, expr in plan.select.items() if f not in key_names]
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW cleaned AS SELECT *, {has_problem} AS has_problem FROM ("
        f"SELECT __row, {', '.join(key_names + fields)}{not_final}, {time_of_day}"
        f", COALESCE({plan.is_total or 'false'}, false) AS is_total, ({plan.is_blank}) AS is_blank"
        + "".join(", " + c for c in check_flags)
        + f" FROM ({inner}))"
    )


def _stage(con, plan: FactPlan) -> int:
    """The `staged` rows, one per key; returns how many rows were rejected as repeated keys."""
    grouped = ", ".join(plan.keys)
    if plan.combine == "reject":
        # Stacked downloads repeat whole rows: a row equal to another in its key and every
        # value is the same fact, kept once; a key with different values is refused. Only
        # keys that repeat are looked at row by row (a DISTINCT over every column of a
        # million rows cost 0.2 s where nothing repeats, as in most files).
        con.execute(
            f"CREATE TEMP TABLE repeated_keys AS SELECT {grouped} "
            f"FROM checked WHERE __keep GROUP BY {grouped} HAVING count(*) > 1"
        )
        if not con.execute("SELECT count(*) FROM repeated_keys").fetchall()[0][0]:
            plan.exact_duplicates = 0
            con.execute("CREATE TEMP VIEW staged AS SELECT * FROM checked WHERE __keep")
            return 0
        on_keys = " AND ".join(f"r.{k} IS NOT DISTINCT FROM c.{k}" for k in plan.keys)
        con.execute(
            f"CREATE TEMP TABLE kept_once AS SELECT DISTINCT c.* FROM checked c "
            f"SEMI JOIN repeated_keys r ON {on_keys} WHERE c.__keep"
        )
        repeated_rows, once = con.execute(
            f"SELECT (SELECT count(*) FROM checked c SEMI JOIN repeated_keys r ON {on_keys} "
            f"WHERE c.__keep), (SELECT count(*) FROM kept_once)"
        ).fetchall()[0]
        plan.exact_duplicates = int(repeated_rows - once)
        con.execute(
            f"CREATE TEMP TABLE dup_keys AS SELECT {grouped}, count(*) AS n "
            f"FROM kept_once GROUP BY {grouped} HAVING count(*) > 1"
        )
        dup_rows = con.execute("SELECT COALESCE(sum(n), 0) FROM dup_keys").fetchall()[0][0]
        on_dup = " AND ".join(f"d.{k} IS NOT DISTINCT FROM c.{k}" for k in plan.keys)
        con.execute(
            f"CREATE TEMP VIEW staged AS "
            f"SELECT c.* FROM checked c ANTI JOIN repeated_keys r ON {on_keys} WHERE c.__keep "
            f"UNION ALL SELECT c.* FROM kept_once c ANTI JOIN dup_keys d ON {on_dup}"
        )
        return int(dup_rows)

    def repeated(m):
        # Amazon repeats a child ASIN's sessions on each of its SKU lines: the same number.
        return plan.combine == "per_product" and m in REPEATED_PER_PRODUCT

    sums = (
        [f"{'max' if repeated(m) else 'sum'}({m}) AS {m}" for m in plan.metric_exprs]
        + [f"any_value({f}) AS {f}" for f in plan.text_exprs]
        + (["bool_or(not_final) AS not_final"] if plan.not_final is not None else [])
    )
    con.execute(
        f"CREATE TEMP TABLE staged AS SELECT {grouped}, {', '.join(sums)} "
        f"FROM checked WHERE __keep GROUP BY {grouped}"
    )
    return 0


def _write_staged(con, plan: FactPlan, parsed: ParsedExport) -> None:
    folder = tempfile.mkdtemp(prefix=scratch_prefix("staged"))
    weakref.finalize(parsed, shutil.rmtree, folder, True)  # the file lives as long as parsed
    parsed.staged_file = str(Path(folder) / "staged.parquet")
    con.execute(
        f"COPY (SELECT {', '.join(plan.out_columns)} FROM staged) "
        f"TO '{sql_path(Path(parsed.staged_file))}' (FORMAT parquet)"
    )
    last = "date_to" if "date_to" in plan.keys else plan.keys[0]
    parsed.date_min, parsed.date_max = con.execute(
        f"SELECT min({plan.keys[0]}), max({last}) FROM staged"
    ).fetchall()[0]
    if plan.not_final is not None:
        parsed.not_final_dates = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT date FROM staged WHERE not_final ORDER BY 1"
            ).fetchall()
        ]


def _list_problems(
    con, parsed: ParsedExport, plan: FactPlan, keep, ok, missing_key, reject_dups: bool
) -> None:
    """Name each skipped row with its row number, column and value (up to 200 of each)."""
    checks, headers, keys = plan.checks, parsed.headers, plan.keys
    if checks:
        flagged = con.execute(
            f"SELECT __row, {', '.join(f'__p{i}' for i in range(len(checks)))} FROM cleaned "
            f"WHERE has_problem AND NOT is_total AND NOT is_blank ORDER BY __row "
            f"LIMIT {MAX_PROBLEMS_LISTED}"
        ).fetchall()
        if flagged:
            values = {
                r[0]: r[1:]
                for r in con.execute(
                    f"SELECT __row, {', '.join(c.value for c in checks)} FROM raw "
                    f"WHERE __row IN ({', '.join(str(r[0]) for r in flagged)})"
                ).fetchall()
            }
            for row, *hits in flagged:
                for i, hit in enumerate(hits):
                    if hit:
                        pos, key = checks[i].pos, checks[i].key
                        params = {"row": row, "column": headers[pos], "value": values[row][i]}
                        message = Message(key, {**params, **dict(checks[i].params)})
                        parsed.problems.append(RowProblem(row, headers[pos], message))
    # Rows with a key cell left empty (a store or agent name missing) are problems too.
    for (row,) in con.execute(
        f"SELECT __row FROM cleaned WHERE {ok} AND ({missing_key}) ORDER BY __row "
        f"LIMIT {MAX_PROBLEMS_LISTED}"
    ).fetchall():
        parsed.problems.append(RowProblem(row, "", Message("row.missing_key", {"row": row})))
    if reject_dups:
        key_text = " || ' / ' || ".join(f"CAST({k} AS VARCHAR)" for k in keys)
        for row, n, key in con.execute(
            f"SELECT min(__row), count(*), {key_text} FROM cleaned WHERE {keep} "
            f"GROUP BY {', '.join(keys)} HAVING count(*) > 1 ORDER BY 1 "
            f"LIMIT {MAX_PROBLEMS_LISTED}"
        ).fetchall():
            parsed.problems.append(
                RowProblem(row, "", Message("row.duplicate", {"row": row, "key": key, "count": n}))
            )
    parsed.problems.sort(key=lambda p: p.row)


def _has_all_terminal_rows(con, terminal_text: str) -> bool:
    """Whether 所属终端 has all-terminal rows (the others are then their breakdown)."""
    labels = ", ".join(sql_str(x) for x in hd.ALL_TERMINALS)
    return bool(
        con.execute(
            f"SELECT count_if(lower(trim({terminal_text})) IN ({labels})) FROM raw"
        ).fetchall()[0][0]
    )


def _has_product_rows(con, variation_text: str) -> bool:
    """Whether a variation column has rows without a variation (each product's own row)."""
    return bool(
        con.execute(f"SELECT count_if(ec_missing({variation_text})) FROM raw").fetchall()[0][0]
    )


def _has_store_prefix(con, member_column: str) -> bool:
    return bool(
        con.execute(
            f"SELECT bool_or(regexp_matches(CAST({member_column} AS VARCHAR), '^[^:：]+[:：].'))"
            " FROM raw"
        ).fetchall()[0][0]
    )


def _day_first(con, text_column: str) -> bool:
    """Whether this file writes slash (or DD-MM-YYYY dash) dates day first: only a first part
    above 12 proves it."""
    has_slash = con.execute(
        f"SELECT bool_or(contains(t, '/') OR regexp_matches(t, '^\\d{{1,2}}-\\d{{1,2}}-\\d{{4}}')) "
        f"FROM (SELECT {text_column} AS t FROM raw LIMIT 1000)"
    ).fetchall()[0][0]
    if not has_slash:
        return False
    return bool(
        con.execute(f"SELECT bool_or(ec_day_first_evidence({text_column})) FROM raw").fetchall()[0][
            0
        ]
    )


def _decimal_comma(con, columns: list[str]) -> bool:
    """Whether this file writes numbers the European way (1.234,56 / 12,5%): a cell whose
    comma is followed by one or two digits at its end proves it, as does one with two
    thousands dots (Rp12.450.000: a decimal point comes once); 7,001 proves nothing."""
    if not columns:
        return False
    proof = " OR ".join(
        f"regexp_matches(trim({c}), '^[^0-9-]*-?[0-9]{{1,3}}(\\.[0-9]{{3}})*,[0-9]{{1,2}}[^0-9]*$')"
        f" OR regexp_matches(trim({c}), '^[^0-9-]*-?[0-9]{{1,3}}(\\.[0-9]{{3}}){{2,}}[^0-9,.]*$')"
        for c in columns
    )
    return bool(con.execute(f"SELECT bool_or({proof}) FROM raw").fetchall()[0][0])


def _plain_numbers_are_percent(con, column: str, text: bool, decimal_comma: bool) -> bool:
    """Whether a rate column's plain numbers (no % sign) are percentages: any above 1 says
    so, per column, so 12.96 and 0.1296 never mix within one."""
    if not text:
        plain_max = con.execute(f"SELECT max({column}) FROM raw").fetchall()[0][0]
    else:
        cell = f"ec_decimal_comma({column})" if decimal_comma else column
        plain_max = con.execute(
            f"SELECT max(ec_number({cell})) FROM raw "
            f"WHERE NOT regexp_matches(trim({column}), '[%％]$')"
        ).fetchall()[0][0]
    return bool(plain_max and plain_max > 1)
