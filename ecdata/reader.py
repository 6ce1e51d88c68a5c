"""Reading an export as downloaded: any of the formats owners really have, uncleaned.

`read_export` turns one file into a `ParsedExport`: the facts at their grain, ready to merge
(`staged`), plus everything the upload page shows before committing: detected format,
encoding, platform, header row, column mapping, rows skipped and why. Nothing here touches the
store. A file the user got wrong yields `error` (a Message in zh/en), never an exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import tempfile
import weakref
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ecdata import headers as hd
from ecdata.cleaning import install_macros
from ecdata.i18n import Message
from ecdata.sniff import (
    detect_encoding,
    html_table_rows,
    sniff_format,
    transcode_to_utf8,
    zip_member_kind,
)
from ecdata.store import AGENT_DAILY, STORE_DAILY, STORE_MONTHLY, FactTable

DEFAULT_MAX_MB = 150
PARSE_MEMORY_LIMIT = "1GB"
HEAD_BYTES = 256 * 1024
MAX_PROBLEMS_LISTED = 200

KEY_NAMES = ("date", "month", "store", "channel", "member")
TABLE_FOR_KIND = {"store": STORE_DAILY, "ad": STORE_DAILY, "agent": AGENT_DAILY,
                  "monthly": STORE_MONTHLY}
_NUMERIC_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE",
                  "DECIMAL", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based row number as a spreadsheet shows it
    column: str
    message: Message


@dataclass
class ParsedExport:
    file_name: str
    content_hash: str = ""
    error: Message | None = None
    format: str = ""
    encoding: str | None = None
    header_row: int | None = None  # 1-based
    headers: list[str] = field(default_factory=list)
    platform: hd.Platform = hd.GENERIC
    kind: str = ""
    mapping: dict[int, str] = field(default_factory=dict)
    store_param: str | None = None
    # The facts at their grain, as a Parquet file: a million rows cost no memory until they
    # are read (`staged`), and the store inserts straight from it.
    staged_file: str | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    totals_dropped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    not_final_dates: list[dt.date] = field(default_factory=list)
    date_min: dt.date | None = None
    date_max: dt.date | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def staged(self) -> pa.Table | None:
        if self.staged_file is None:
            return None
        if getattr(self, "_staged", None) is None:
            self._staged = pq.read_table(self.staged_file)
        return self._staged

    @property
    def staged_rows(self) -> int:
        return pq.read_metadata(self.staged_file).num_rows if self.staged_file else 0

    @property
    def table(self) -> FactTable | None:
        return TABLE_FOR_KIND.get(self.kind)

    @property
    def metrics(self) -> list[str]:
        if self.staged_file is None or self.table is None:
            return []
        names = pq.read_schema(self.staged_file).names
        return [m for m in self.table.metrics if m in names]

    def mapping_by_header(self) -> dict[str, str]:
        return {self.headers[i]: f for i, f in self.mapping.items()}


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


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


def read_export(
    source: Path | str | bytes,
    file_name: str | None = None,
    store_name: str | None = None,
    mapping_override: dict[str, str] | None = None,
    today: dt.date | None = None,
    max_mb: float = DEFAULT_MAX_MB,
) -> ParsedExport:
    """Read one export file into facts at their grain.

    `store_name` is used when the file has no store column. `mapping_override` maps header
    text to a canonical field ('' to ignore a column) and wins over the alias table. Dates
    after `today` + 1 day are rejected as rows. Units: money as in the file (yuan, dollars),
    rates as fractions (0.05 = 5%), durations in seconds; missing cells stay missing.
    """
    today = today or dt.date.today()
    with tempfile.TemporaryDirectory(prefix="ecdata-") as tmp:
        if isinstance(source, bytes):
            name = file_name or "upload"
            path = Path(tmp) / "upload.bin"
            path.write_bytes(source)
        else:
            path = Path(source)
            name = file_name or path.name
        parsed = ParsedExport(file_name=name, store_param=store_name)
        size = path.stat().st_size
        if size == 0:
            return _fail(parsed, "err.empty", file=name)
        if size > max_mb * 1024 * 1024:
            return _fail(parsed, "err.too_large", file=name, size_mb=size / 2**20,
                         limit_mb=max_mb)
        parsed.content_hash = file_hash(path)
        con = duckdb.connect()
        try:
            # Large files spill to disk instead of growing the process past a few GB.
            spill = Path(tmp) / "spill"
            con.execute(f"SET temp_directory = '{_sql_path(spill)}'")
            con.execute(f"SET memory_limit = '{PARSE_MEMORY_LIMIT}'")
            install_macros(con)
            return _read(con, path, Path(tmp), parsed, mapping_override, today)
        except (duckdb.Error, ValueError, zipfile.BadZipFile, OSError) as exc:
            return _fail(parsed, "err.unreadable", file=name, detail=str(exc).splitlines()[0])
        finally:
            con.close()


def _fail(parsed: ParsedExport, key: str, **params) -> ParsedExport:
    parsed.error = Message(key, params)
    parsed.staged_file = None
    return parsed


def _read(con, path: Path, tmp: Path, parsed: ParsedExport, mapping_override, today):
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    fmt = sniff_format(head)
    if fmt in ("xlsx", "zip"):
        fmt = zip_member_kind(path)
    if fmt.startswith("binary:"):
        return _fail(parsed, "err.binary", file=parsed.file_name, what=fmt.split(":", 1)[1])
    if fmt == "zip":
        with zipfile.ZipFile(path) as z:
            members = [n for n in z.namelist()
                       if not n.endswith("/") and not n.startswith("__MACOSX")]
            if len(members) != 1:
                return _fail(parsed, "err.zip", file=parsed.file_name, count=len(members))
            inner = tmp / "inner.bin"
            inner.write_bytes(z.read(members[0]))
        # The member's own name may carry the date (customer-service reports).
        parsed.file_name = f"{parsed.file_name}/{members[0]}"
        with open(inner, "rb") as f:
            head = f.read(HEAD_BYTES)
        path, fmt = inner, sniff_format(head)
        if fmt in ("xlsx", "zip"):
            fmt = zip_member_kind(path)
        if fmt.startswith("binary:") or fmt == "zip":
            return _fail(parsed, "err.binary", file=parsed.file_name, what=fmt)
    parsed.format = fmt

    if fmt == "text":
        found = _load_text(con, path, tmp, head, parsed)
    elif fmt == "html":
        encoding = detect_encoding(head, at_eof=path.stat().st_size <= HEAD_BYTES)
        parsed.encoding = encoding
        rows = html_table_rows(path.read_bytes().decode(encoding, errors="replace"))
        found = _load_rows(con, rows, parsed)
    else:
        frame = pd.read_excel(path, sheet_name=0, header=None, engine="calamine")
        found = _load_rows(con, excel_cells(frame), parsed)
    if not found:
        return _fail(parsed, "err.no_header", file=parsed.file_name, rows=hd.HEADER_SCAN_ROWS)
    source = found if isinstance(found, CsvSource) else None
    start = replace(parsed, problems=[])
    try:
        return _clean(con, parsed, mapping_override, today, source)
    except duckdb.ConversionException:
        if source is None or source.all_varchar:
            raise
        # A column typed from DuckDB's sample holds text further down: read it all as text.
        source.all_varchar = True
        source.create_view(con)
        for table in ("staged",):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        return _clean(con, start, mapping_override, today, source)


def excel_cells(frame: pd.DataFrame) -> list[list]:
    """Excel cells as text, the way the sheet shows them (dates as ISO, 3.0 as 3)."""
    def cell(v):
        if v is None or (isinstance(v, float) and pd.isna(v)):
            return None
        if isinstance(v, dt.datetime):  # pd.Timestamp included
            return v.strftime("%Y-%m-%d %H:%M:%S" if v.time() != dt.time() else "%Y-%m-%d")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)
    return [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def _load_rows(con, rows: list[list], parsed: ParsedExport) -> bool:
    """Put already-split rows (Excel, HTML) into the `raw` view: text columns + __row."""
    header_idx = hd.find_header_row(rows)
    if header_idx is None:
        return False
    width = max(len(r) for r in rows[header_idx:])
    parsed.header_row = header_idx + 1
    parsed.headers = [_header_text(c, i) for i, c in enumerate(
        list(rows[header_idx]) + [None] * (width - len(rows[header_idx])))]
    body = [list(r) + [None] * (width - len(r)) for r in rows[header_idx + 1:]]
    frame = pd.DataFrame(body, columns=[f"c{i}" for i in range(width)], dtype="object")
    frame = frame.astype("string")
    frame.insert(0, "__row", range(header_idx + 2, header_idx + 2 + len(body)))
    con.register("raw_frame", frame)
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM raw_frame")
    con.unregister("raw_frame")
    parsed.rows_read = len(body)
    return True


def _header_text(cell, i: int) -> str:
    text = "" if cell is None else str(cell).strip()
    return text or f"column{i + 1}"


def _sniff_delimiter(lines: list[str]) -> tuple[str, int | None, list[str]]:
    """The delimiter under which a header row is found with the most cells."""
    import csv

    best = (",", None, [])
    for delim in (",", "\t", ";", "|"):
        rows = list(csv.reader(lines, delimiter=delim))
        idx = hd.find_header_row(rows)
        if idx is not None and (best[1] is None or len(rows[idx]) > len(best[2])):
            best = (delim, idx, rows[idx])
    return best


def _load_text(con, path: Path, tmp: Path, head: bytes, parsed: ParsedExport):
    """CSV/TSV text: transcode only when not UTF-8, then let DuckDB's reader do the rest."""
    at_eof = path.stat().st_size <= HEAD_BYTES
    encoding = detect_encoding(head, at_eof)
    parsed.encoding = encoding
    if encoding not in ("utf-8", "utf-8-sig"):
        utf8 = tmp / "utf8.csv"
        transcode_to_utf8(path, utf8, encoding)
        path = utf8
        with open(path, "rb") as f:
            head = f.read(HEAD_BYTES)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    lines = text.splitlines()
    if not at_eof:
        lines = lines[:-1]  # possibly cut mid-line
    delim, header_idx, header = _sniff_delimiter(lines[: hd.HEADER_SCAN_ROWS + 1])
    if header_idx is None:
        return None
    parsed.header_row = header_idx + 1
    source = CsvSource(path, header_idx, delim)
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {source.read()}").fetchall()]
    parsed.headers = [_header_text(h, i) for i, h in enumerate(
        header + [None] * (len(columns) - len(header)))][: len(columns)]
    source.columns = columns
    source.create_view(con)
    return source


@dataclass
class CsvSource:
    """A CSV read straight from the file by DuckDB, as the `raw` view (c0, c1, … + __row).

    Row numbers cost a materialized copy of the file, so the view starts without them
    (__row NULL); `number_rows` adds them only when a problem must be reported by row.
    """

    path: Path
    header_idx: int
    delim: str
    all_varchar: bool = False
    columns: list = field(default_factory=list)

    def read(self) -> str:
        return (f"read_csv('{_sql_path(self.path)}', skip={self.header_idx}, header=true, "
                f"delim='{self.delim}', quote='\"', null_padding=true, strict_mode=false, "
                # Dates stay text for ec_date: the sniffer would read 05/10/26 as 2005-10-26.
                "auto_type_candidates=['BIGINT', 'DOUBLE', 'VARCHAR']"
                + (", all_varchar=true)" if self.all_varchar else ")"))

    def _renamed(self) -> str:
        return ", ".join(f'"{c.replace(chr(34), chr(34) * 2)}" AS c{i}'
                         for i, c in enumerate(self.columns))

    def create_view(self, con) -> None:
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT CAST(NULL AS BIGINT) AS __row, "
                    f"{self._renamed()} FROM {self.read()}")

    def number_rows(self, con) -> None:
        # Numbered as a spreadsheet would (header = row header_idx + 1); the table keeps file
        # order, so rowid is the position in the file.
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_numbered AS SELECT * FROM {self.read()}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + {self.header_idx + 2} "
                    f"AS __row, {self._renamed()} FROM raw_numbered")


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _column_types(con) -> dict[str, str]:
    return {r[0]: r[1] for r in con.execute("DESCRIBE raw").fetchall()}


def _clean(con, parsed: ParsedExport, mapping_override, today: dt.date,
           source: CsvSource | None = None) -> ParsedExport:
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
    parsed.mapping = dict(sorted(mapping.items()))
    table = parsed.table
    name = parsed.file_name
    fields: dict[str, list[int]] = {}
    for pos, f in parsed.mapping.items():
        fields.setdefault(f, []).append(pos)
    if parsed.kind == "ad" and "sales" in fields and "ad_sales" not in fields:
        # An ad report's GMV is what the ads brought in, not the store's sales.
        fields["ad_sales"] = fields.pop("sales")

    metric_fields = [f for f in fields if f in table.metrics or f in hd.RATE_FIELDS]
    if not metric_fields:
        recognised = ", ".join(headers[p] for p in parsed.mapping) or "-"
        return _fail(parsed, "err.no_metric", file=name, columns=recognised)
    if parsed.kind == "agent" and "member" not in fields:
        return _fail(parsed, "err.no_member", file=name)
    if "store" not in fields and not parsed.store_param:
        return _fail(parsed, "err.no_store", file=name)

    types = _column_types(con)
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
            return _fail(parsed, "err.no_date", file=name)
        select["month"] = f"ec_month({as_text(pos)})"
        checks.append((f"NOT ec_missing({as_text(pos)}) AND month IS NULL",
                       pos, "row.bad_date", as_text(pos)))
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
            checks.append((f"NOT ec_missing({as_text(pos)}) AND date IS NULL",
                           pos, "row.bad_date", as_text(pos)))
        future = today + dt.timedelta(days=1)
        checks.append((f"date > DATE '{future.isoformat()}'", pos,
                       "row.future_date", as_text(pos)))
    else:
        start, end = date_from_file_name(name)
        if start is None:
            return _fail(parsed, "err.no_date", file=name)
        if start != end:
            return _fail(parsed, "err.date_range_name", file=name, start=start, end=end)
        select["date"] = f"DATE '{start.isoformat()}'"

    for key in ("store", "channel", "member"):
        if key in fields:
            select[key] = f"NULLIF(trim({as_text(fields[key][0])}), '')"
    if "store" not in fields:
        select["store"] = _sql_str(parsed.store_param)
    elif parsed.store_param:
        select["store"] = f"COALESCE({select['store']}, {_sql_str(parsed.store_param)})"
    if "channel" in table.keys:
        default_channel = parsed.platform.channel or "all"
        select["channel"] = (f"COALESCE({select['channel']}, {_sql_str(default_channel)})"
                             if "channel" in select else _sql_str(default_channel))

    # --- metrics ---
    def value(pos, f):
        if f in hd.RATE_FIELDS and f != "aov":
            return _rate_expr(con, col[pos], is_text(pos))
        if f in hd.DURATION_FIELDS:
            return f"ec_seconds({col[pos]})" if is_text(pos) else f"CAST({col[pos]} AS DOUBLE)"
        return f"ec_number({col[pos]})" if is_text(pos) else f"CAST({col[pos]} AS DOUBLE)"

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
                checks.append((f"NOT ec_missing({col[pos]}) AND {v} IS NULL", pos,
                               "row.bad_number", col[pos]))
                not_final_terms.append(f"ec_not_final({col[pos]})")
                missing_terms.append(f"ec_missing({col[pos]})")
            else:
                missing_terms.append(f"{col[pos]} IS NULL")
            checks.append((f"{v} < 0", pos, "row.negative", as_text(pos)))
        # Several columns for one field (生意参谋's spend parts) add up; all missing stays missing.
        select[f] = parts[0] if len(parts) == 1 else (
            f"CASE WHEN {' AND '.join(p + ' IS NULL' for p in parts)} THEN NULL ELSE "
            + " + ".join(f"COALESCE({p}, 0)" for p in parts) + " END")

    key_texts = [as_text(p) for f in ("date", "month", "store", "channel", "member")
                 for p in fields.get(f, [])[:1]]
    first_col = "c0" if types.get("c0") == "VARCHAR" else "CAST(c0 AS VARCHAR)"
    total_list = ", ".join(_sql_str(x) for x in hd.TOTAL_LABELS)
    is_total = " OR ".join(
        f"lower(trim({k})) IN ({total_list})" for k in dict.fromkeys(key_texts + [first_col]))
    all_missing = " AND ".join(
        f"ec_missing({as_text(p)})" if is_text(p) else f"c{p} IS NULL" for p in parsed.mapping)
    # One flag column per check, computed in the same single pass as the values.
    check_flags = [f"COALESCE({cond}, false) AS __p{i}" for i, (cond, *_) in enumerate(checks)]
    has_problem = " OR ".join(f"__p{i}" for i in range(len(checks))) or "false"
    flags = ""
    if "not_final" in table.flags:
        nf = " OR ".join(not_final_terms) if not_final_terms else "false"
        flags = (f", ({nf}) OR ({' AND '.join(missing_terms) or 'false'}) AS not_final")

    key_names = [k for k in select if k in KEY_NAMES]
    inner = ("SELECT *, " + ", ".join(
        [f"{select[k]} AS {k}" for k in key_names]
        + [f"{expr} AS {v}" for v, expr in cell_values.items()]) + " FROM raw")
    con.execute(
        "CREATE OR REPLACE TEMP VIEW cleaned AS SELECT *, " + has_problem + " AS has_problem FROM ("
        "SELECT __row, "
        + ", ".join(key_names + [f"{expr} AS {f}" for f, expr in select.items()
                                 if f not in KEY_NAMES])
        + flags
        + f", COALESCE({is_total}, false) AS is_total, ({all_missing}) AS is_blank"
        + "".join(", " + c for c in check_flags)
        + f" FROM ({inner}))"
    )

    # Counts derived from a rate only when the file lacks the count itself.
    derive = {"buyers": ("visitors", "conversion_rate"),
              "closed_inquiries": ("inquiries", "inquiry_conversion"),
              "sales": ("buyers", "aov")}
    metric_exprs = {m: m for m in metric_fields if m in table.metrics}
    for target, (base, rate) in derive.items():
        if target in table.metrics and target not in metric_exprs and base in metric_exprs \
                and rate in metric_fields:
            metric_exprs[target] = (f"round({base} * {rate})" if target != "sales"
                                    else f"{base} * {rate}")

    # One streaming pass over the file writes every row's key, values and verdict; no hash
    # table over millions of keys unless rows must be summed (ad reports). Rows are listed
    # one by one (another pass) only when something was left out.
    keys = list(table.keys)
    grouped = ", ".join(keys)
    ok = "NOT is_total AND NOT is_blank AND NOT has_problem"
    missing_key = " OR ".join(f"{k} IS NULL" for k in keys)
    keep = f"{ok} AND NOT ({missing_key})"
    values = [f"{e} AS {m}" for m, e in metric_exprs.items()]
    if "not_final" in table.flags:
        values.append("not_final")
    con.execute(
        f"CREATE TEMP TABLE checked AS SELECT {grouped}, {', '.join(values)}, is_total, "
        f"NOT is_total AND NOT is_blank AND has_problem AS __problem, "
        f"{ok} AND ({missing_key}) AS __missing_key, {keep} AS __keep FROM cleaned")
    total, totals, problems, missing = con.execute(
        "SELECT count(*), count_if(is_total), count_if(__problem), count_if(__missing_key) "
        "FROM checked").fetchall()[0]
    if parsed.kind == "ad":
        # One product appears once per plan: additive columns are summed per day.
        sums = [f"sum({m}) AS {m}" for m in metric_exprs] + (
            ["bool_or(not_final) AS not_final"] if "not_final" in table.flags else [])
        con.execute(f"CREATE TEMP TABLE staged AS SELECT {grouped}, {', '.join(sums)} "
                    f"FROM checked WHERE __keep GROUP BY {grouped}")
        dup_rows = 0
    else:
        con.execute(f"CREATE TEMP TABLE dup_keys AS SELECT {grouped}, count(*) AS n "
                    f"FROM checked WHERE __keep GROUP BY {grouped} HAVING count(*) > 1")
        dup_rows = con.execute("SELECT COALESCE(sum(n), 0) FROM dup_keys").fetchall()[0][0]
        anti = (f" AND NOT EXISTS (SELECT 1 FROM dup_keys d WHERE "
                f"{' AND '.join(f'd.{k} = c.{k}' for k in keys)})" if dup_rows else "")
        con.execute(f"CREATE TEMP VIEW staged AS SELECT * FROM checked c WHERE __keep{anti}")
    if source is not None:
        parsed.rows_read = int(total or 0)
    parsed.totals_dropped = int(totals or 0)
    parsed.rows_rejected = int((problems or 0) + (missing or 0) + dup_rows)
    if problems or missing or dup_rows:
        if source is not None:
            source.number_rows(con)
        _list_problems(con, parsed, checks, headers, keys, keep, ok, missing_key,
                       dup_rows > 0)

    out_cols = keys + [m for m in table.metrics if m in metric_exprs] + (
        ["not_final"] if "not_final" in table.flags else [])
    folder = tempfile.mkdtemp(prefix="ecdata-staged-")
    weakref.finalize(parsed, shutil.rmtree, folder, True)  # the file lives as long as parsed
    parsed.staged_file = str(Path(folder) / "staged.parquet")
    con.execute(f"COPY (SELECT {', '.join(out_cols)} FROM staged) "
                f"TO '{_sql_path(Path(parsed.staged_file))}' (FORMAT parquet)")
    stats = con.execute(
        f"SELECT min({keys[0]}), max({keys[0]}) FROM staged").fetchall()[0]
    parsed.date_min, parsed.date_max = stats
    if "not_final" in table.flags:
        parsed.not_final_dates = [r[0] for r in con.execute(
            "SELECT DISTINCT date FROM staged WHERE not_final ORDER BY 1").fetchall()]
    if parsed.staged_rows == 0:
        first = parsed.problems[0].message if parsed.problems else Message("err.empty", {
            "file": name})
        return _fail(parsed, "err.no_valid_rows", file=name, rejected=parsed.rows_rejected,
                     first=first.text("zh") + " / " + first.text("en"))
    return parsed


def _list_problems(con, parsed: ParsedExport, checks, headers, keys, keep, ok, missing_key,
                   reject_dups: bool) -> None:
    """Name each skipped row with its row number, column and value (up to 200 of each)."""
    if checks:
        flagged = con.execute(
            f"SELECT __row, {', '.join(f'__p{i}' for i in range(len(checks)))} FROM cleaned "
            f"WHERE has_problem AND NOT is_total AND NOT is_blank ORDER BY __row "
            f"LIMIT {MAX_PROBLEMS_LISTED}").fetchall()
        if flagged:
            values = {r[0]: r[1:] for r in con.execute(
                f"SELECT __row, {', '.join(v for *_, v in checks)} FROM raw "
                f"WHERE __row IN ({', '.join(str(r[0]) for r in flagged)})").fetchall()}
            for row, *hits in flagged:
                for i, hit in enumerate(hits):
                    if hit:
                        _, pos, key, _ = checks[i]
                        parsed.problems.append(RowProblem(row, headers[pos], Message(
                            key, {"row": row, "column": headers[pos], "value": values[row][i]})))
    # Rows with a key cell left empty (a store or agent name missing) are problems too.
    for row, in con.execute(
            f"SELECT __row FROM cleaned WHERE {ok} AND ({missing_key}) ORDER BY __row "
            f"LIMIT {MAX_PROBLEMS_LISTED}").fetchall():
        parsed.problems.append(RowProblem(row, "", Message("row.missing_key", {"row": row})))
    if reject_dups:
        key_text = " || ' / ' || ".join(f"CAST({k} AS VARCHAR)" for k in keys)
        for row, n, key in con.execute(
                f"SELECT min(__row), count(*), {key_text} FROM cleaned WHERE {keep} "
                f"GROUP BY {', '.join(keys)} HAVING count(*) > 1 ORDER BY 1 "
                f"LIMIT {MAX_PROBLEMS_LISTED}").fetchall():
            parsed.problems.append(RowProblem(
                row, "", Message("row.duplicate", {"row": row, "key": key, "count": n})))
    parsed.problems.sort(key=lambda p: p.row)


def _day_first(con, text_column: str) -> bool:
    """Whether this file writes slash dates day first: only a first part above 12 proves it."""
    has_slash = con.execute(
        f"SELECT bool_or(contains(t, '/')) FROM (SELECT {text_column} AS t FROM raw LIMIT 1000)"
    ).fetchall()[0][0]
    if not has_slash:
        return False
    return bool(con.execute(
        f"SELECT bool_or(ec_day_first_evidence({text_column})) FROM raw").fetchall()[0][0])


def _rate_expr(con, column: str, text: bool) -> str:
    """A rate column's values as fractions, reading plain numbers consistently per column."""
    if text:
        plain_max = con.execute(
            f"SELECT max(ec_number({column})) FROM raw "
            f"WHERE NOT regexp_matches(trim({column}), '[%％]$')").fetchall()[0][0]
        return f"ec_rate({column}, {str(bool(plain_max and plain_max > 1)).lower()})"
    plain_max = con.execute(f"SELECT max({column}) FROM raw").fetchall()[0][0]
    divisor = " / 100" if plain_max and plain_max > 1 else ""
    return f"CAST({column} AS DOUBLE){divisor}"


def _sql_str(value: str | None) -> str:
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"

