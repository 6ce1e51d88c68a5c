"""Reading an export as downloaded: any of the formats owners really have, uncleaned.

`read_export` turns one file into a `ParsedExport` (parsed.py): the facts at their grain,
ready to merge, plus everything the upload page shows before committing: detected format,
encoding, platform, header row, column mapping, rows skipped and why. This module gets the
file's cells into DuckDB as the `raw` view; facts.py checks them. Nothing here touches the
store. A file the user got wrong yields `error` (a Message in zh/en), never an exception.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import fastexcel
import pandas as pd
import pyarrow as pa
from python_calamine import CalamineError

from ecdata.i18n import Message, Refusal, not_a_table
from ecdata.ingest import headers as hd
from ecdata.ingest.cleaning import install_macros, sql_path
from ecdata.ingest.facts import check_facts
from ecdata.ingest.parsed import ParsedExport
from ecdata.ingest.profiles import Profile, preferred_sheets
from ecdata.ingest.scratch import scratch_prefix
from ecdata.ingest.sniff import (
    UndecodableText,
    archive_problem,
    detect_encoding,
    extract_bounded,
    first_undecodable,
    html_table_rows,
    sniff_format,
    transcode_to_utf8,
    zip_member_kind,
)
from ecdata.names import has_control_characters, normalize_header

DEFAULT_MAX_MB = 150
# A megabyte as the browser's uploader counts it: one limit in bytes for the browser, the
# server's guard (ui/server.py) and the reader.
MB = 1_000_000
# What a broken or truncated file raises while it is read: DuckDB's CSV reader, the zip
# directory, calamine's Excel reader. Anything else (a binder error in our own SQL, a
# TypeError) is a bug and propagates.
UNREADABLE = (
    duckdb.InvalidInputException,
    zipfile.BadZipFile,
    CalamineError,
    fastexcel.CalamineError,
    fastexcel.CalamineCellError,
    fastexcel.SheetNotFoundError,
    EOFError,
)
# DuckDB's own memory while a file is read (it spills to disk past it): a 10M-row CSV read in
# the same 12 s at 512 MB as at 1 GB, its peak 1.26 GB -> 0.72 GB (bench/ingest.py).
PARSE_MEMORY_LIMIT = "512MB"
HEAD_BYTES = 256 * 1024


def file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def read_export(
    source: Path | str | bytes,
    file_name: str | None = None,
    store_name: str | None = None,
    mapping_override: dict[str, str] | None = None,
    today: dt.date | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    header_row: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    profiles: tuple[Profile, ...] = (),
) -> ParsedExport:
    """Read one export file into facts at their grain.

    `store_name` is used when the file has no store column. `mapping_override` maps header
    text to a canonical field ('' to ignore a column) and wins over the alias table. Dates
    after `today` + 1 day are rejected as rows. `header_row` (1-based) says where the header
    is when the alias table recognises none of it (with `mapping_override` naming columns).
    `period` (first, last day) is the range a file without a date column covers; without it
    the range comes from the file name. `profiles` are a team's own report profiles, tried
    with the shipped ones (profiles.py). Units: money as in the file (yuan, dollars), rates
    as fractions (0.05 = 5%), durations in seconds; missing cells stay missing.
    """
    today = today or dt.date.today()
    with tempfile.TemporaryDirectory(prefix=scratch_prefix("read")) as tmp:
        if isinstance(source, bytes):
            name = file_name or "upload"
            path = Path(tmp) / "upload.bin"
            path.write_bytes(source)
        else:
            path = Path(source)
            name = file_name or path.name
        parsed = ParsedExport(
            file_name=name,
            store_param=store_name,
            header_row_chosen=header_row,
            period=period,
            extra_profiles=tuple(profiles),
        )
        if store_name and has_control_characters(store_name):
            return parsed.fail(
                "err.name_control", file=name, name=store_name.encode("unicode_escape").decode()
            )
        size = path.stat().st_size
        if size == 0:
            return parsed.fail("err.empty", file=name)
        if size > max_mb * MB:
            return parsed.fail("err.too_large", file=name, size_mb=size / MB, limit_mb=max_mb)
        # hashlib lets go of the GIL: the file is hashed while DuckDB reads it.
        with ThreadPoolExecutor(1, thread_name_prefix="ecdata-hash") as hashing:
            content_hash = hashing.submit(file_hash, path)
            read = _read_in_duckdb(path, Path(tmp), parsed, mapping_override, today, max_mb)
            read.content_hash = content_hash.result()
            return read


def _read_in_duckdb(path: Path, tmp: Path, parsed: ParsedExport, mapping_override, today, max_mb):
    """The file's facts, read by a DuckDB of its own that spills to `tmp`; a file DuckDB or
    the zip and Excel readers cannot read is refused in the user's words."""
    name = parsed.file_name  # as uploaded: a zip's member is named after it once opened
    con = duckdb.connect()
    try:
        # Large files spill to disk instead of growing the process past a few GB.
        con.execute(f"SET temp_directory = '{sql_path(tmp / 'spill')}'")
        con.execute(f"SET memory_limit = '{PARSE_MEMORY_LIMIT}'")
        install_macros(con)
        return _read(con, path, tmp, parsed, mapping_override, today, max_mb * MB)
    except UndecodableText as exc:
        return parsed.fail(
            "err.decode", file=name, offset=exc.offset, encoding=exc.encoding.upper()
        )
    except UNREADABLE as exc:
        return parsed.fail("err.unreadable", file=name, detail=str(exc).splitlines()[0])
    finally:
        con.close()


def _read(con, path: Path, tmp: Path, parsed: ParsedExport, mapping_override, today, limit):
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES)
    fmt = sniff_format(head)
    if fmt in ("xlsx", "zip"):
        fmt = zip_member_kind(path)
    if fmt.startswith("binary:"):
        return parsed.refuse(not_a_table(parsed.file_name, fmt))
    if fmt in ("xlsx", "zip") and (problem := archive_problem(path, limit)):
        return parsed.fail(problem[0], file=parsed.file_name, **problem[1])
    if fmt == "zip":
        with zipfile.ZipFile(path) as z:
            members = [
                n for n in z.namelist() if not n.endswith("/") and not n.startswith("__MACOSX")
            ]
            if len(members) != 1:
                return parsed.fail("err.zip", file=parsed.file_name, count=len(members))
            inner = tmp / "inner.bin"
            if not extract_bounded(z, members[0], inner, limit):
                return parsed.fail(
                    "err.archive_too_large",
                    file=parsed.file_name,
                    size_mb=limit / MB,
                    limit_mb=limit / MB,
                )
        # The member's own name may carry the date (customer-service reports).
        parsed.file_name = f"{parsed.file_name}/{members[0]}"
        with open(inner, "rb") as f:
            head = f.read(HEAD_BYTES)
        path, fmt = inner, sniff_format(head)
        if fmt in ("xlsx", "zip"):
            fmt = zip_member_kind(path)
            if problem := archive_problem(path, limit):
                return parsed.fail(problem[0], file=parsed.file_name, **problem[1])
        if fmt.startswith("binary:") or fmt == "zip":
            return parsed.refuse(not_a_table(parsed.file_name, fmt))
    parsed.format = fmt
    try:
        return _facts_from(con, path, tmp, head, parsed, mapping_override, today)
    except duckdb.InvalidInputException:
        # DuckDB's CSV reader met bytes that are not UTF-8 beyond the sample the encoding was
        # judged from: say where, rather than a line number in DuckDB's terms.
        if fmt == "text" and parsed.encoding in ("utf-8", "utf-8-sig"):
            offset = first_undecodable(path, "utf-8")
            if offset is not None:
                raise UndecodableText(offset, "utf-8") from None
        raise


def _facts_from(
    con, path: Path, tmp: Path, head: bytes, parsed: ParsedExport, mapping_override, today
) -> ParsedExport:
    """The file's cells into the `raw` view, then checked into facts (facts.py)."""
    fmt = parsed.format
    if fmt == "text":
        found = _load_text(con, path, tmp, head, parsed)
    elif fmt == "html":
        encoding = detect_encoding(head, at_eof=path.stat().st_size <= HEAD_BYTES)
        parsed.encoding = encoding
        rows = html_table_rows(path.read_bytes().decode(encoding, errors="replace"))
        found = _load_rows(con, rows, parsed)
    else:
        found = _load_excel(con, path, parsed)
    if not found:
        return parsed.fail("err.no_header", file=parsed.file_name, rows=hd.HEADER_SCAN_ROWS)
    source = found if isinstance(found, CsvSource) else None
    start = replace(parsed, problems=[], notes=list(parsed.notes))
    try:
        return check_facts(con, parsed, mapping_override, today, source)
    except duckdb.ConversionException:
        if source is None or set(source.types) == {"VARCHAR"}:
            raise
        if parsed.encoding in ("utf-8", "utf-8-sig"):
            # Not text in a number column but bytes that are not UTF-8 (duckdb 1.5 reports
            # them so): say where, and read no further (1.5 fails inside on a retry).
            offset = first_undecodable(path, "utf-8")
            if offset is not None:
                raise UndecodableText(offset, "utf-8") from None
        # A column typed from DuckDB's sample holds text further down: read it all as text.
        source.all_text()
        source.create_view(con)
        _forget_the_check(con)
        return check_facts(con, start, mapping_override, today, source)


# What check_facts leaves in the reading connection (facts.py): dropped before it runs again.
_CHECK_SCRATCH = ("staged", "kept_once", "dup_keys", "repeated_keys", "checked")


def _forget_the_check(con) -> None:
    """Drop the first check's views and tables (`staged` is either, by the rows), views
    first: they read the tables."""
    names = list(_CHECK_SCRATCH)
    views = con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND list_contains($1, view_name)",
        [names],
    ).fetchall()
    tables = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND list_contains($1, table_name)",
        [names],
    ).fetchall()
    for kind, found in (("VIEW", views), ("TABLE", tables)):
        for (name,) in sorted(found, key=lambda r: names.index(r[0])):
            con.execute(f"DROP {kind} {name}")


def first_rows(data: bytes, n: int = hd.HEADER_SCAN_ROWS) -> list[list[str]]:
    """The first `n` rows of an upload as text cells, for a person to point at its header;
    an empty list for what is not a table."""
    try:
        return read_rows(data, limit=n)
    except (ValueError, *UNREADABLE):
        return []


def read_rows(data: bytes, limit: int | None = None) -> list[list]:
    """A table file (CSV/TSV, xlsx, binary xls, HTML-as-xls) as rows of text cells, all of
    them or the first `limit` (then only the start of a text file is decoded).

    For the team's roster and ratings and for the Upload page's header picker. Raises
    ValueError naming what the bytes are when they are not a table (a picture, a PDF, an
    archive).
    """
    fmt = sniff_format(data[:HEAD_BYTES])
    if fmt == "zip":
        fmt = sniff_format(data)  # the directory that tells an xlsx sits at the end
    if fmt in ("xlsx", "xls"):
        sheet = fastexcel.read_excel(data).load_sheet(
            0, header_row=None, dtypes="string", skip_rows=0, n_rows=limit
        )
        return [list(r.values()) for r in sheet.to_arrow().to_pylist()]
    if fmt.startswith("binary") or fmt == "zip":
        raise ValueError(fmt)
    sample = data if limit is None else data[:HEAD_BYTES]
    encoding = detect_encoding(sample, at_eof=len(sample) == len(data))
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    if fmt == "html":
        return html_table_rows(text)[:limit]
    lines = text.splitlines()[:limit]
    tabs, commas = (sum(line.count(c) for line in lines) for c in ("\t", ","))
    return list(csv.reader(lines, delimiter="\t" if tabs > commas else ","))


def table_rows(data: bytes, file_name: str) -> list[list]:
    """The rows of a small table file (team sheets, exchange rates, task lists) as text
    cells; an empty file or bytes that are not a table are refused (Refusal)."""
    if not data:
        raise Refusal("err.empty", file=file_name)
    try:
        return read_rows(data)
    except ValueError as exc:
        refusal = not_a_table(file_name, str(exc))
        raise Refusal(refusal.key, **refusal.params) from None


def columns_by_alias(header: list, aliases: dict[str, str]) -> dict[int, str]:
    """Column position -> the field a small table file's header cell names (`aliases`:
    normalized header -> field), each field from its first column only."""
    mapping: dict[int, str] = {}
    for i, cell in enumerate(header):
        name = aliases.get(normalize_header(cell))
        if name and name not in mapping.values():
            mapping[i] = name
    return mapping


def _header_index(rows: list[list], parsed: ParsedExport) -> int | None:
    """The 0-based header row: the one a person chose, else the first the aliases know."""
    if parsed.header_row_chosen is not None:
        chosen = parsed.header_row_chosen - 1
        return chosen if 0 <= chosen < len(rows) else None
    return hd.find_header_row(rows, parsed.extra_profiles)


def _load_rows(con, rows: list[list], parsed: ParsedExport) -> bool:
    """Put already-split rows (Excel, HTML) into the `raw` view: text columns + __row."""
    header_idx = _header_index(rows, parsed)
    if header_idx is None:
        return False
    width = max(len(r) for r in rows[header_idx:])
    parsed.header_row = header_idx + 1
    parsed.above_header = _text_of(rows[:header_idx])
    parsed.headers = [
        header_text(c, i)
        for i, c in enumerate(list(rows[header_idx]) + [None] * (width - len(rows[header_idx])))
    ]
    body = [list(r) + [None] * (width - len(r)) for r in rows[header_idx + 1 :]]
    frame = pd.DataFrame(body, columns=[f"c{i}" for i in range(width)], dtype="object")
    frame = frame.astype("string")
    frame.insert(0, "__row", range(header_idx + 2, header_idx + 2 + len(body)))
    con.register("raw_frame", frame)
    con.execute("CREATE TEMP TABLE raw AS SELECT * FROM raw_frame")
    con.unregister("raw_frame")
    parsed.rows_read = len(body)
    return True


def _load_excel(con, path: Path, parsed: ParsedExport) -> bool:
    """An .xlsx/.xls sheet into the `raw` view, column by column: calamine (fastexcel) hands
    Arrow string columns to DuckDB, which types them with the same macros as a CSV.

    The sheet read is the first whose header is recognised, trying first the sheets a report
    profile names (Shopee's download holds a dozen); a header row a person chose is on the
    first sheet. Every cell arrives as the text calamine gives it: 3.0 as '3', a date cell
    as '2026-10-01 00:00:00', an empty cell as ''. No Python runs per cell.
    """
    workbook = fastexcel.read_excel(str(path))
    names = workbook.sheet_names
    preferred = preferred_sheets(parsed.extra_profiles)
    order = sorted(names, key=lambda n: n not in preferred)  # stable: file order otherwise
    if parsed.header_row_chosen is not None:
        order = names[:1]
    found = None
    for name in order:
        probe = workbook.load_sheet(
            name, header_row=None, dtypes="string", skip_rows=0, n_rows=hd.HEADER_SCAN_ROWS
        )
        head = [list(r.values()) for r in probe.to_arrow().to_pylist()]
        header_idx = _header_index(head, parsed)
        if header_idx is not None:
            found = (name, head, header_idx)
            break
    if found is None:
        return False
    chosen, head, header_idx = found
    parsed.sheet = chosen
    table = workbook.load_sheet(chosen, header_row=None, dtypes="string", skip_rows=0).to_arrow()
    # Every other sheet holding cells is named, never lost without a word (a 万相台 plan
    # report on sheet 2 of a 生意参谋 workbook).
    left_out = [
        name
        for name in names
        if name != chosen and workbook.load_sheet(name, header_row=None, n_rows=2).height > 0
    ]
    if left_out:
        # A sheet a profile names is its report's (Shopee's "Confirmed Order"): the others
        # are the same download's other measures, which must not be uploaded as well.
        key = "note.sheets_beside_the_report" if chosen in preferred else "note.sheets_left_out"
        parsed.notes.append(Message(key, {"first": chosen, "sheets": list(left_out)}))
    parsed.header_row = header_idx + 1
    parsed.above_header = _text_of(head[:header_idx])
    parsed.headers = [header_text(c, i) for i, c in enumerate(head[header_idx])]
    body = table.slice(header_idx + 1)
    body = body.rename_columns([f"c{i}" for i in range(body.num_columns)])
    rows = pa.array(range(header_idx + 2, header_idx + 2 + body.num_rows), pa.int64())
    con.register("raw_arrow", body.add_column(0, "__row", rows))
    # Empty cells are '' from calamine: NULL, as a CSV's empty field is.
    cells = ", ".join(f"NULLIF(c{i}, '') AS c{i}" for i in range(body.num_columns))
    con.execute(f"CREATE TEMP TABLE raw AS SELECT __row, {cells} FROM raw_arrow")
    con.unregister("raw_arrow")
    parsed.rows_read = body.num_rows
    return True


def _text_of(rows: list[list]) -> str:
    return "\n".join(" ".join(str(c) for c in r if c not in (None, "")) for r in rows)


def header_text(cell, i: int) -> str:
    text = "" if cell is None else str(cell).strip()
    return text or f"column{i + 1}"


def _sniff_delimiter(lines: list[str], parsed: ParsedExport) -> tuple[str, int | None, list[str]]:
    """The delimiter under which a header row is found with the most cells."""
    best: tuple[str, int | None, list[str]] = (",", None, [])
    for delim in (",", "\t", ";", "|"):
        rows = list(csv.reader(lines, delimiter=delim))
        idx = _header_index(rows, parsed)
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
    delim, header_idx, header = _sniff_delimiter(lines[: hd.HEADER_SCAN_ROWS + 1], parsed)
    if header_idx is None:
        return None
    parsed.header_row = header_idx + 1
    parsed.above_header = "\n".join(lines[:header_idx])
    source = CsvSource(path, header_idx, delim)
    described = con.execute(f"DESCRIBE SELECT * FROM {source.read()}").fetchall()
    columns = [r[0] for r in described]
    source.types = [r[1] for r in described]
    parsed.headers = [
        header_text(h, i) for i, h in enumerate(header + [None] * (len(columns) - len(header)))
    ][: len(columns)]
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
    columns: list = field(default_factory=list)
    types: list = field(default_factory=list)  # fixed after the first sniff

    def read(self) -> str:
        options = (
            f"skip={self.header_idx}, header=true, delim='{self.delim}', quote='\"', "
            "null_padding=true, strict_mode=false"
        )
        if self.types:
            # Later reads reuse the first sniff's columns: no second guess, no sniffing cost.
            columns = ", ".join(
                f"'{c.replace(chr(39), chr(39) * 2)}': '{t}'"
                for c, t in zip(self.columns, self.types)
            )
            return (
                f"read_csv('{sql_path(self.path)}', {options}, auto_detect=false, "
                f"columns={{{columns}}})"
            )
        # Dates stay text for ec_date: the sniffer would read 05/10/26 as 2005-10-26.
        return (
            f"read_csv('{sql_path(self.path)}', {options}, "
            "auto_type_candidates=['BIGINT', 'DOUBLE', 'VARCHAR'])"
        )

    def all_text(self) -> None:
        self.types = ["VARCHAR"] * len(self.columns)

    def _renamed(self) -> str:
        return ", ".join(
            f'"{c.replace(chr(34), chr(34) * 2)}" AS c{i}' for i, c in enumerate(self.columns)
        )

    def create_view(self, con) -> None:
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw AS SELECT CAST(NULL AS BIGINT) AS __row, "
            f"{self._renamed()} FROM {self.read()}"
        )

    def number_rows(self, con) -> None:
        # Numbered as a spreadsheet would (header = row header_idx + 1); the table keeps file
        # order, so rowid is the position in the file.
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_numbered AS SELECT * FROM {self.read()}")
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw AS SELECT rowid + {self.header_idx + 2} "
            f"AS __row, {self._renamed()} FROM raw_numbered"
        )
