"""From a file's raw table to checked facts at their grain.

The `raw` view (c0, c1, … as the file has them, and __row) is mapped to canonical fields,
cleaned with the SQL macros of cleaning.py, checked row by row (bad numbers and dates,
negative counts, future dates, empty keys, total rows, duplicates) and summed where a report
repeats a key (an ad report's plans). What is left out is counted, and listed by row,
column and value when there is any.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import weakref
from pathlib import Path

from ecdata.i18n import Message
from ecdata.ingest import headers as hd
from ecdata.ingest.cleaning import sql_path, sql_str
from ecdata.ingest.parsed import ParsedExport, RowProblem
from ecdata.ingest.scratch import scratch_prefix

MAX_PROBLEMS_LISTED = 200
KEY_NAMES = ("date", "month", "store", "channel", "member", "product_id")


_NAME_DATE = r"(\d{4})[-_.年/]?(\d{1,2})[-_.月/]?(\d{1,2})日?"


def date_from_file_name(name: str) -> tuple[dt.date | None, dt.date | None]:
    """The date(s) in a name like '…_2026-04-20至2026-04-20.xlsx' or '京东pop2026-08-25.xlsx'."""
    found = []
    for y, m, d in re.findall(_NAME_DATE, name):
        try:
            found.append(dt.date(int(y), int(m), int(d)))
        except ValueError:
            continue
    if not found:
        return None, None
    return found[0], found[-1]


def _column_types(con) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute("DESCRIBE raw").fetchall()}


def check_facts(
    con, parsed: ParsedExport, mapping_override, today: dt.date, source=None
) -> ParsedExport:
    """Map, clean and check the `raw` view into `parsed` (facts written to a Parquet file).

    `source` is the CsvSource behind `raw`, when it is a CSV read by DuckDB: it numbers the
    rows on demand, only when some row must be reported."""
    headers = parsed.headers
    parsed.platform = hd.detect_platform(headers)
    parsed.kind = hd.file_kind(headers, parsed.platform)
    mapping = hd.map_columns(headers, parsed.kind)
    if mapping_override:
        for i, h in enumerate(headers):
            if h in mapping_override:
                if mapping_override[h]:
                    mapping[i] = mapping_override[h]
                else:
                    mapping.pop(i, None)
        kind_fields = set(mapping.values())
        if "member" in kind_fields:
            parsed.kind = "agent"
        elif "month" in kind_fields:
            parsed.kind = "monthly"
        elif kind_fields & {"product_id", "product_name"} and parsed.kind == "store":
            parsed.kind = "product"
    parsed.mapping = dict(sorted(mapping.items()))
    table = parsed.table
    name = parsed.file_name
    fields: dict[str, list[int]] = {}
    for pos, f in parsed.mapping.items():
        fields.setdefault(f, []).append(pos)
    if parsed.kind == "ad" and "sales" in fields and "ad_sales" not in fields:
        # An ad report's GMV is what the ads brought in, not the store's sales.
        fields["ad_sales"] = fields.pop("sales")

    metric_fields = [
        f for f in fields if (f in table.metrics or f in hd.RATE_FIELDS) and f not in hd.TEXT_FIELDS
    ]
    if not metric_fields:
        recognised = ", ".join(headers[p] for p in parsed.mapping) or "-"
        return parsed.fail("err.no_metric", file=name, columns=recognised)
    if parsed.kind == "agent" and "member" not in fields:
        return parsed.fail("err.no_member", file=name)
    types = _column_types(con)
    # Taobao sub-accounts are written 店铺:客服 (赤兔, 千牛): the prefix names the store.
    store_from_member = (
        parsed.kind == "agent"
        and "store" not in fields
        and not parsed.store_param
        and _has_store_prefix(con, f"c{fields['member'][0]}")
    )
    if "store" not in fields and not parsed.store_param and not store_from_member:
        return parsed.fail("err.no_store", file=name)

    col = {pos: f"c{pos}" for pos in parsed.mapping}

    def is_text(pos):
        return types[col[pos]] == "VARCHAR"

    def as_text(pos):
        return col[pos] if is_text(pos) else f"CAST({col[pos]} AS VARCHAR)"

    select: dict[str, str] = {}  # canonical -> parsed value expression
    checks: list[tuple[str, int, str, str]] = []  # (condition, pos, message key, value expr)

    # --- keys ---
    if parsed.kind == "monthly":
        pos = (fields.get("month") or fields.get("date") or [None])[0]
        if pos is None:
            return parsed.fail("err.no_date", file=name)
        select["month"] = f"ec_month({as_text(pos)})"
        checks.append(
            (f"NOT ec_missing({as_text(pos)}) AND month IS NULL", pos, "row.bad_date", as_text(pos))
        )
        # Monthly targets may be set ahead, but not beyond next year.
        last_month = f"{today.year + 1}-12-01"
        checks.append((f"month > DATE '{last_month}'", pos, "row.future_date", as_text(pos)))
        checks.append((f"month < DATE '{hd.EARLIEST_DATE}'", pos, "row.old_date", as_text(pos)))
    elif "date" in fields:
        pos = fields["date"][0]
        kind_of = types[col[pos]]
        if kind_of == "DATE":
            select["date"] = col[pos]
        elif kind_of.startswith("TIMESTAMP"):
            select["date"] = f"CAST({col[pos]} AS DATE)"
        else:
            day_first = _day_first(con, as_text(pos))
            select["date"] = f"ec_date({as_text(pos)}, {str(day_first).lower()})"
            checks.append(
                (
                    f"NOT ec_missing({as_text(pos)}) AND date IS NULL",
                    pos,
                    "row.bad_date",
                    as_text(pos),
                )
            )
        future = today + dt.timedelta(days=1)
        checks.append((f"date > DATE '{future.isoformat()}'", pos, "row.future_date", as_text(pos)))
        checks.append((f"date < DATE '{hd.EARLIEST_DATE}'", pos, "row.old_date", as_text(pos)))
    else:
        start, end = date_from_file_name(name)
        if start is None:
            return parsed.fail("err.no_date", file=name)
        if start != end:
            return parsed.fail("err.date_range_name", file=name, start=start, end=end)
        if not dt.date.fromisoformat(hd.EARLIEST_DATE) <= start <= today + dt.timedelta(days=1):
            return parsed.fail("err.no_date", file=name)
        select["date"] = f"DATE '{start.isoformat()}'"

    for key in ("store", "channel", "member", "product_id", "terminal", *hd.TEXT_FIELDS):
        if key in fields:
            select[key] = f"NULLIF(trim({as_text(fields[key][0])}), '')"
    if parsed.kind == "product" and "product_id" not in select:
        # Shopify's sales by product names products only by title: the title is the key.
        select["product_id"] = select["product_name"]
    if store_from_member:
        select["store"] = (
            f"NULLIF(trim(regexp_extract({select['member']}, '^([^:：]+)[:：]', 1)), '')"
        )
    elif "store" not in fields:
        select["store"] = sql_str(parsed.store_param)
    elif parsed.store_param:
        select["store"] = f"COALESCE({select['store']}, {sql_str(parsed.store_param)})"
    if "channel" in table.keys:
        default_channel = parsed.platform.channel or "all"
        select["channel"] = (
            f"COALESCE({select['channel']}, {sql_str(default_channel)})"
            if "channel" in select
            else sql_str(default_channel)
        )

    # --- metrics ---
    # European exports write 1.234,56: only a cell that proves it switches the whole file.
    text_numbers = [
        col[p]
        for f in metric_fields
        if f not in hd.DURATION_FIELDS
        for p in fields[f]
        if is_text(p)
    ]
    decimal_comma = _decimal_comma(con, text_numbers)
    if (
        decimal_comma
        and source is not None
        and not all(is_text(p) for f in metric_fields for p in fields[f])
    ):
        # DuckDB's sniffer read "1.500" as the number 1.5: in this file it is 1500.
        source.all_text()
        source.create_view(con)
        types.update(_column_types(con))

    def cell(pos):
        return f"ec_decimal_comma({col[pos]})" if decimal_comma else col[pos]

    def value(pos, f):
        if f in hd.RATE_FIELDS and f != "aov":
            return _rate_expr(con, cell(pos) if is_text(pos) else col[pos], is_text(pos))
        if f in hd.DURATION_FIELDS:
            return f"ec_seconds({col[pos]})" if is_text(pos) else f"CAST({col[pos]} AS DOUBLE)"
        return f"ec_number({cell(pos)})" if is_text(pos) else f"CAST({col[pos]} AS DOUBLE)"

    # Values are computed once per cell (v<pos>) in an inner query; checks and sums use them.
    cell_values: dict[str, str] = {}
    not_final_terms, missing_terms = [], []
    for f in metric_fields:
        parts = []
        for pos in fields[f]:
            v = f"v{pos}"
            cell_values[v] = value(pos, f)
            parts.append(v)
            if is_text(pos):
                checks.append(
                    (f"NOT ec_missing({col[pos]}) AND {v} IS NULL", pos, "row.bad_number", col[pos])
                )
                not_final_terms.append(f"ec_not_final({col[pos]})")
                missing_terms.append(f"ec_missing({col[pos]})")
            else:
                missing_terms.append(f"{col[pos]} IS NULL")
            checks.append((f"{v} < 0", pos, "row.negative", as_text(pos)))
            if f in hd.FIELD_LIMITS:
                kind = hd.FIELD_LIMITS[f][0]
                checks.append((_implausible(f, v), pos, f"row.bad_{kind}", as_text(pos)))
        # Several columns for one field (生意参谋's spend parts) add up; all missing stays missing.
        select[f] = (
            parts[0]
            if len(parts) == 1
            else (
                f"CASE WHEN {' AND '.join(p + ' IS NULL' for p in parts)} THEN NULL ELSE "
                + " + ".join(f"COALESCE({p}, 0)" for p in parts)
                + " END"
            )
        )

    # A total row says 合计/Total where a key belongs. A cell that parsed as a date is no
    # such label, so the date column is only looked at where no date came out (CASE only
    # evaluates its THEN for those rows: this runs once per row of million-row files).
    total_list = ", ".join(sql_str(x) for x in hd.TOTAL_LABELS)
    date_pos = (fields.get("date") or fields.get("month") or [None])[0]
    date_key = "month" if parsed.kind == "monthly" else "date"
    other_keys = [as_text(p) for f in ("store", "channel", "member") for p in fields.get(f, [])[:1]]
    first_col = "c0" if types.get("c0") == "VARCHAR" else "CAST(c0 AS VARCHAR)"
    date_text = as_text(date_pos) if date_pos is not None else None
    # Exporters also put 合计 in the first column, whatever it holds.
    other_keys = list(dict.fromkeys(other_keys + [first_col]))
    is_total = " OR ".join(
        (
            [
                f"(CASE WHEN {date_key} IS NULL THEN lower(trim({date_text})) IN ({total_list}) "
                f"ELSE false END)"
            ]
            if date_text
            else []
        )
        + [f"lower(trim({k})) IN ({total_list})" for k in other_keys if k != date_text]
    )
    numeric_missing = [f"c{p} IS NULL" for p in parsed.mapping if not is_text(p)]
    text_missing = [f"ec_missing({as_text(p)})" for p in parsed.mapping if is_text(p)]
    all_missing = (
        f"CASE WHEN {' AND '.join(numeric_missing)} THEN "
        f"{' AND '.join(text_missing) or 'true'} ELSE false END"
        if numeric_missing
        else " AND ".join(text_missing)
    )
    # One flag column per check, computed in the same single pass as the values.
    check_flags = [f"COALESCE({cond}, false) AS __p{i}" for i, (cond, *_) in enumerate(checks)]
    has_problem = " OR ".join(f"__p{i}" for i in range(len(checks))) or "false"
    flags = ""
    if "not_final" in table.flags:
        nf = " OR ".join(not_final_terms) if not_final_terms else "false"
        flags = f", ({nf}) OR ({' AND '.join(missing_terms) or 'false'}) AS not_final"

    key_names = [k for k in select if k in KEY_NAMES]
    inner = (
        "SELECT *, "
        + ", ".join(
            [f"{select[k]} AS {k}" for k in key_names]
            + [f"{expr} AS {v}" for v, expr in cell_values.items()]
        )
        + " FROM raw"
    )
    con.execute(
        "CREATE OR REPLACE TEMP VIEW cleaned AS SELECT *, " + has_problem + " AS has_problem FROM ("
        "SELECT __row, "
        + ", ".join(
            key_names + [f"{expr} AS {f}" for f, expr in select.items() if f not in KEY_NAMES]
        )
        + flags
        + f", COALESCE({is_total}, false) AS is_total, ({all_missing}) AS is_blank"
        + "".join(", " + c for c in check_flags)
        + f" FROM ({inner}))"
    )

    # Counts derived from a rate only when the file lacks the count itself.
    derive = {
        "buyers": ("visitors", "conversion_rate"),
        "closed_inquiries": ("inquiries", "inquiry_conversion"),
        "sales": ("buyers", "aov"),
    }
    metric_exprs = {m: m for m in metric_fields if m in table.metrics}
    text_exprs = {f: f for f in hd.TEXT_FIELDS if f in select and f in table.metrics}
    for target, (base, rate) in derive.items():
        if (
            target in table.metrics
            and target not in metric_exprs
            and base in metric_exprs
            and rate in metric_fields
        ):
            metric_exprs[target] = (
                f"round({base} * {rate})" if target != "sales" else f"{base} * {rate}"
            )
    if not metric_exprs:
        # Only rates, and nothing to multiply them by (a monthly file with 转化率): no fact.
        recognised = ", ".join(headers[p] for p in parsed.mapping) or "-"
        return parsed.fail("err.no_metric", file=name, columns=recognised)

    # One streaming pass over the file writes every row's key, values and verdict; no hash
    # table over millions of keys unless rows must be summed (ad reports). Rows are listed
    # one by one (another pass) only when something was left out.
    keys = list(table.keys)
    grouped = ", ".join(keys)
    ok = "NOT is_total AND NOT is_blank AND NOT has_problem"
    missing_key = " OR ".join(f"{k} IS NULL" for k in keys)
    keep = f"{ok} AND NOT ({missing_key})"
    values = [f"{e} AS {m}" for m, e in {**metric_exprs, **text_exprs}.items()]
    if "not_final" in table.flags:
        values.append("not_final")
    terminal = _terminal_rule(con, select) if parsed.kind == "product" else None
    if terminal == "all_rows":
        # 所属终端 gives an all-terminals row per product: the PC/wireless rows are its
        # breakdown, dropped like total rows.
        labels = ", ".join(sql_str(x) for x in hd.ALL_TERMINALS)
        values.append(f"lower(trim(terminal)) NOT IN ({labels}) AS __breakdown")
        ok = f"NOT __breakdown AND {ok}"
        keep = f"{ok} AND NOT ({missing_key})"
    else:
        values.append("false AS __breakdown")
    con.execute(
        f"CREATE TEMP TABLE checked AS SELECT {grouped}, {', '.join(values)}, "
        f"is_total OR __breakdown AS is_total, "
        f"NOT is_total AND NOT is_blank AND has_problem AS __problem, "
        f"{ok} AND ({missing_key}) AS __missing_key, {keep} AS __keep FROM cleaned"
    )
    total, totals, problems, missing = con.execute(
        "SELECT count(*), count_if(is_total), count_if(__problem), count_if(__missing_key) "
        "FROM checked"
    ).fetchall()[0]
    if parsed.kind == "ad" or terminal == "sum":
        # One product appears once per plan (ad reports) or once per terminal (product
        # reports without an all-terminals row): additive columns are summed per key.
        sums = (
            [f"sum({m}) AS {m}" for m in metric_exprs]
            + [f"any_value({f}) AS {f}" for f in text_exprs]
            + (["bool_or(not_final) AS not_final"] if "not_final" in table.flags else [])
        )
        con.execute(
            f"CREATE TEMP TABLE staged AS SELECT {grouped}, {', '.join(sums)} "
            f"FROM checked WHERE __keep GROUP BY {grouped}"
        )
        dup_rows = 0
    else:
        con.execute(
            f"CREATE TEMP TABLE dup_keys AS SELECT {grouped}, count(*) AS n "
            f"FROM checked WHERE __keep GROUP BY {grouped} HAVING count(*) > 1"
        )
        dup_rows = con.execute("SELECT COALESCE(sum(n), 0) FROM dup_keys").fetchall()[0][0]
        anti = (
            f" AND NOT EXISTS (SELECT 1 FROM dup_keys d WHERE "
            f"{' AND '.join(f'd.{k} = c.{k}' for k in keys)})"
            if dup_rows
            else ""
        )
        con.execute(f"CREATE TEMP VIEW staged AS SELECT * FROM checked c WHERE __keep{anti}")
    if source is not None:
        parsed.rows_read = int(total or 0)
    parsed.totals_dropped = int(totals or 0)
    parsed.rows_rejected = int((problems or 0) + (missing or 0) + dup_rows)
    if problems or missing or dup_rows:
        if source is not None:
            source.number_rows(con)
        _list_problems(con, parsed, checks, headers, keys, keep, ok, missing_key, dup_rows > 0)

    out_cols = (
        keys
        + [m for m in table.metrics if m in metric_exprs or m in text_exprs]
        + (["not_final"] if "not_final" in table.flags else [])
    )
    folder = tempfile.mkdtemp(prefix=scratch_prefix("staged"))
    weakref.finalize(parsed, shutil.rmtree, folder, True)  # the file lives as long as parsed
    parsed.staged_file = str(Path(folder) / "staged.parquet")
    con.execute(
        f"COPY (SELECT {', '.join(out_cols)} FROM staged) "
        f"TO '{sql_path(Path(parsed.staged_file))}' (FORMAT parquet)"
    )
    stats = con.execute(f"SELECT min({keys[0]}), max({keys[0]}) FROM staged").fetchall()[0]
    parsed.date_min, parsed.date_max = stats
    if "not_final" in table.flags:
        parsed.not_final_dates = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT date FROM staged WHERE not_final ORDER BY 1"
            ).fetchall()
        ]
    if parsed.staged_rows == 0:
        first = (
            parsed.problems[0].message if parsed.problems else Message("err.empty", {"file": name})
        )
        return parsed.fail(
            "err.no_valid_rows",
            file=name,
            rejected=parsed.rows_rejected,
            first=first.text("zh") + " / " + first.text("en"),
        )
    return parsed


def _list_problems(
    con, parsed: ParsedExport, checks, headers, keys, keep, ok, missing_key, reject_dups: bool
) -> None:
    """Name each skipped row with its row number, column and value (up to 200 of each)."""
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
                    f"SELECT __row, {', '.join(v for *_, v in checks)} FROM raw "
                    f"WHERE __row IN ({', '.join(str(r[0]) for r in flagged)})"
                ).fetchall()
            }
            for row, *hits in flagged:
                for i, hit in enumerate(hits):
                    if hit:
                        _, pos, key, _ = checks[i]
                        parsed.problems.append(
                            RowProblem(
                                row,
                                headers[pos],
                                Message(
                                    key,
                                    {"row": row, "column": headers[pos], "value": values[row][i]},
                                ),
                            )
                        )
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


def _terminal_rule(con, select: dict) -> str | None:
    """How a product report's 所属终端 rows combine: 'all_rows' when it has all-terminal
    rows (the rest are their breakdown), 'sum' when it has only per-terminal rows, None
    without the column."""
    if "terminal" not in select:
        return None
    labels = ", ".join(sql_str(x) for x in hd.ALL_TERMINALS)
    found = con.execute(
        f"SELECT count_if(lower({select['terminal']}) IN ({labels})) FROM raw"
    ).fetchall()[0][0]
    return "all_rows" if found else "sum"


def _has_store_prefix(con, member_column: str) -> bool:
    return bool(
        con.execute(
            f"SELECT bool_or(regexp_matches(CAST({member_column} AS VARCHAR), '^[^:：]+[:：].'))"
            " FROM raw"
        ).fetchall()[0][0]
    )


def _implausible(field: str, value: str) -> str:
    """SQL: the parsed cell `value` is outside what `field` can plausibly hold (NaN, inf,
    beyond its bound, a fractional count). Negative values have their own check."""
    kind, limit = hd.FIELD_LIMITS[field]
    # NaN compares greater than every number in DuckDB; isfinite names it anyway.
    # Rates may be exactly 100%; counts, money and durations stay below their bound.
    above = ">" if kind == "rate" else ">="
    out = f"(NOT isfinite({value}) OR {value} {above} {limit!r}"
    if kind == "count":
        out += f" OR {value} <> floor({value})"
    return out + ")"


def _day_first(con, text_column: str) -> bool:
    """Whether this file writes slash dates day first: only a first part above 12 proves it."""
    has_slash = con.execute(
        f"SELECT bool_or(contains(t, '/')) FROM (SELECT {text_column} AS t FROM raw LIMIT 1000)"
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
    comma is followed by one or two digits at its end proves it; 7,001 proves nothing."""
    if not columns:
        return False
    proof = " OR ".join(
        f"regexp_matches(trim({c}), '^[^0-9-]*-?[0-9]{{1,3}}(\\.[0-9]{{3}})*,[0-9]{{1,2}}[^0-9]*$')"
        for c in columns
    )
    return bool(con.execute(f"SELECT bool_or({proof}) FROM raw").fetchall()[0][0])


def _rate_expr(con, column: str, text: bool) -> str:
    """A rate column's values as fractions, reading plain numbers consistently per column."""
    if text:
        plain_max = con.execute(
            f"SELECT max(ec_number({column})) FROM raw "
            f"WHERE NOT regexp_matches(trim({column}), '[%％]$')"
        ).fetchall()[0][0]
        return f"ec_rate({column}, {str(bool(plain_max and plain_max > 1)).lower()})"
    plain_max = con.execute(f"SELECT max({column}) FROM raw").fetchall()[0][0]
    divisor = " / 100" if plain_max and plain_max > 1 else ""
    return f"CAST({column} AS DOUBLE){divisor}"
