"""Turning the text of real export cells into numbers, rates, durations and dates.

The rules live once, as DuckDB SQL macros, so a million-row file is cleaned inside DuckDB's
reader pipeline. The `parse_*` functions run the same macros on a list of values, for tests
and for callers holding a handful of cells.
"""

from __future__ import annotations

import datetime as dt
import threading

import duckdb

# Cells that mean "no value": missing, never zero. 暂无数据/延迟统计 also mark a day not final.
PLACEHOLDERS = ("", "-", "--", "—", "暂无数据", "延迟统计", "n/a", "N/A", "null", "NULL", "nan")
NOT_FINAL_MARKERS = ("暂无数据", "延迟统计")


def _sql_list(values) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


MACROS = [
    f"CREATE OR REPLACE MACRO ec_missing(x) AS x IS NULL OR trim(x) IN ({_sql_list(PLACEHOLDERS)})",
    f"CREATE OR REPLACE MACRO ec_not_final(x) AS trim(x) IN ({_sql_list(NOT_FINAL_MARKERS)})",
    # Thousands separators (also Indian 1,08,218.36), currency signs and words (S$12.50,
    # Rp 36.776.556, RM 9.90), spaces.
    r"""CREATE OR REPLACE MACRO ec_number(x) AS CASE WHEN ec_missing(x) THEN NULL ELSE
        TRY_CAST(regexp_replace(trim(x), '(US\$|S\$|RMB|RM|Rp|[,\s¥￥$£₹€元₱฿₫])', '', 'g')
                 AS DOUBLE) END""",
    # 1.234,56 (a file that proved it writes decimals with a comma) as 1234.56.
    r"""CREATE OR REPLACE MACRO ec_decimal_comma(x) AS
        replace(replace(x, '.', ''), ',', '.')""",
    # A cell with a percent sign is a percentage; `plain_is_percent` says how the file's plain
    # numbers in this column read (decided per column, so 12.96 and 0.1296 never mix).
    r"""CREATE OR REPLACE MACRO ec_rate(x, plain_is_percent) AS CASE
        WHEN ec_missing(x) THEN NULL
        WHEN regexp_matches(trim(x), '[%％]$') THEN
            ec_number(regexp_replace(trim(x), '[%％]$', '')) / 100
        WHEN plain_is_percent THEN ec_number(x) / 100
        ELSE ec_number(x) END""",
    # 11秒, 2分30秒, 7小时41分52秒, 1:02:03, 02:30, or plain seconds.
    r"""CREATE OR REPLACE MACRO ec_seconds(x) AS CASE
        WHEN ec_missing(x) THEN NULL
        WHEN regexp_matches(trim(x), '^\d+(\.\d+)?$') THEN CAST(trim(x) AS DOUBLE)
        WHEN regexp_matches(trim(x), '^\d+:\d{1,2}:\d{1,2}$') THEN
            CAST(split_part(trim(x), ':', 1) AS DOUBLE) * 3600
            + CAST(split_part(trim(x), ':', 2) AS DOUBLE) * 60
            + CAST(split_part(trim(x), ':', 3) AS DOUBLE)
        WHEN regexp_matches(trim(x), '^\d+:\d{1,2}$') THEN
            CAST(split_part(trim(x), ':', 1) AS DOUBLE) * 60
            + CAST(split_part(trim(x), ':', 2) AS DOUBLE)
        WHEN regexp_matches(trim(x), '^(\d+(\.\d+)?(小时|时))?(\d+(\.\d+)?(分钟|分))?(\d+(\.\d+)?秒)?$')
            THEN COALESCE(TRY_CAST(regexp_extract(trim(x), '(\d+(\.\d+)?)(小时|时)', 1) AS DOUBLE), 0) * 3600
               + COALESCE(TRY_CAST(regexp_extract(trim(x), '(\d+(\.\d+)?)(分钟|分)', 1) AS DOUBLE), 0) * 60
               + COALESCE(TRY_CAST(regexp_extract(trim(x), '(\d+(\.\d+)?)秒', 1) AS DOUBLE), 0)
        ELSE NULL END""",
    # Dates as exporters write them. D/M/Y vs M/D/Y is decided per file (`day_first`).
    # The common case first: a 10-character year-first date ("2026-10-01", "2026/10/01"),
    # which DuckDB's cast reads as the slow path below would; COALESCE only evaluates the
    # rest for the cells it leaves (ec_date over 10M cells: 0.8 s -> 0.1 s). A placeholder
    # ('-', '暂无数据') is no date in any of them: asking ec_missing first cost a hash join.
    r"""CREATE OR REPLACE MACRO ec_date(x, day_first) AS COALESCE(
        CASE WHEN length(x) = 10 THEN TRY_CAST(x AS DATE) END,
        CAST(COALESCE(
            TRY_CAST(CASE WHEN regexp_full_match(x, '\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2})?') THEN x END AS TIMESTAMP),
            CASE WHEN regexp_matches(trim(x), '^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}') THEN COALESCE(
                try_strptime(split_part(replace(trim(x), 'T', ' '), ' ', 1), '%Y-%m-%d'),
                try_strptime(split_part(trim(x), ' ', 1), '%Y/%m/%d'),
                try_strptime(split_part(trim(x), ' ', 1), '%Y.%m.%d')) END,
            try_strptime(trim(x), '%Y年%m月%d日'),
            CASE WHEN regexp_matches(trim(x), '^\d{8}$') THEN try_strptime(trim(x), '%Y%m%d') END,
            -- GA4's "Date + hour": YYYYMMDDHH, the hour's day.
            CASE WHEN regexp_matches(trim(x), '^\d{10}$') THEN try_strptime(left(trim(x), 8), '%Y%m%d') END,
            CASE WHEN regexp_matches(trim(x), '^\d{5}(\.0+)?$') THEN
                CAST(DATE '1899-12-30' + CAST(CAST(trim(x) AS DOUBLE) AS INTEGER) AS TIMESTAMP) END,
            CASE WHEN regexp_matches(split_part(trim(x), ' ', 1), '^\d{1,2}/\d{1,2}/\d{2}$') THEN
                try_strptime(split_part(trim(x), ' ', 1), CASE WHEN day_first THEN '%d/%m/%y' ELSE '%m/%d/%y' END)
            END,
            CASE WHEN regexp_matches(split_part(trim(x), ' ', 1), '^\d{1,2}/\d{1,2}/\d{4}$') THEN
                try_strptime(split_part(trim(x), ' ', 1), CASE WHEN day_first THEN '%d/%m/%Y' ELSE '%m/%d/%Y' END)
            END,
            CASE WHEN regexp_matches(split_part(trim(x), ' ', 1), '^\d{1,2}-\d{1,2}-\d{4}$') THEN
                try_strptime(split_part(trim(x), ' ', 1), CASE WHEN day_first THEN '%d-%m-%Y' ELSE '%m-%d-%Y' END)
            END,
            try_strptime(trim(x), '%b %d, %Y'),
            try_strptime(trim(x), '%d %b %Y')
        ) AS DATE))""",
    # A month key: 2026-10, 2026/10, 2026年10月, 202610, or any date inside the month.
    r"""CREATE OR REPLACE MACRO ec_month(x) AS CASE WHEN ec_missing(x) THEN NULL ELSE
        CAST(date_trunc('month', COALESCE(
            try_strptime(trim(x), '%Y-%m'),
            try_strptime(trim(x), '%Y/%m'),
            try_strptime(trim(x), '%Y年%m月'),
            CASE WHEN regexp_matches(trim(x), '^\d{6}$') THEN try_strptime(trim(x), '%Y%m') END,
            CAST(ec_date(x, false) AS TIMESTAMP)
        )) AS DATE) END""",
    # Is this column's slash-date written day first? Only a first part above 12 proves it.
    r"""CREATE OR REPLACE MACRO ec_day_first_evidence(x) AS
        regexp_matches(trim(x), '^\d{1,2}[/-]\d{1,2}[/-]\d{2,4}')
        AND TRY_CAST(regexp_extract(trim(x), '^(\d{1,2})', 1) AS INTEGER) > 12""",
    # A range written where a date belongs (01-10-2025-31-10-2025, 2025-10-01 ~ 2025-10-31):
    # the row totals the range.
    r"""CREATE OR REPLACE MACRO ec_date_range(x) AS regexp_matches(trim(x),
        '^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\s*([-~至到]|to)\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$')""",
]


def sql_str(value) -> str:
    """A SQL string literal (NULL for None)."""
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def sql_path(path) -> str:
    """A file path for use inside a SQL string literal."""
    return str(path).replace("'", "''")


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    for statement in MACROS:
        con.execute(statement)


_local = threading.local()


def _macro_connection() -> duckdb.DuckDBPyConnection:
    # One in-memory connection per thread with the macros installed: opening one per call
    # cost more than the parsing it serves.
    if getattr(_local, "con", None) is None:
        _local.con = duckdb.connect()
        install_macros(_local.con)
    return _local.con


def _run(expr: str, values: list) -> list:
    rows = (
        _macro_connection()
        .execute(
            f"SELECT {expr} FROM (SELECT unnest(?::VARCHAR[]) AS x, "
            "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
            [values, values],
        )
        .fetchall()
    )
    return [r[0] for r in rows]


def parse_numbers(values: list[str | None]) -> list[float | None]:
    """'7,001' -> 7001.0, '¥1,234.50' -> 1234.5, '-' -> None (missing, not zero)."""
    return _run("ec_number(x)", values)


def parse_rates(values: list[str | None], plain_is_percent: bool = False) -> list[float | None]:
    """'12.96%' -> 0.1296; a plain number is a fraction unless `plain_is_percent`."""
    return _run(f"ec_rate(x, {str(plain_is_percent).lower()})", values)


def parse_seconds(values: list[str | None]) -> list[float | None]:
    """'2分30秒' -> 150.0, '7小时41分52秒' -> 27712.0, '02:30' -> 150.0."""
    return _run("ec_seconds(x)", values)


def parse_points(values: list[str | None]) -> list[float | None]:
    """A score on a 0-100 scale: '85' and '85%' -> 85.0 (the sign is how people write it)."""
    return _run(r"ec_number(regexp_replace(trim(x), '[%％]$', ''))", values)


def parse_months(values: list[str | None]) -> list[dt.date | None]:
    """'2026-10', '2026年10月', '202610' or a day inside it -> the month's first day."""
    return _run("ec_month(x)", values)


def parse_dates(values: list[str | None], day_first: bool = False) -> list[dt.date | None]:
    """'2026/10/6', '20261006', '46301' (Excel serial), '06/10/26' (with day_first) -> date."""
    return _run(f"ec_date(x, {str(day_first).lower()})", values)
