"""Ingest: from a file as downloaded to checked facts, and from facts to a stored batch.

sniff (what the bytes are, which encoding) → reader (cells into DuckDB) → headers (which
column is which metric, which platform) → cleaning (the cell grammar, as SQL macros) → facts
(row checks, the staged Parquet) → upload (preview and commit as a batch). Anything else in
ecdata that reads a file (the team's roster and ratings) goes through `read_rows` here, and
reads its cells with the same grammar (`parse_numbers`, `parse_dates`, …).
"""

from ecdata.ingest.cleaning import (
    PLACEHOLDERS,
    parse_dates,
    parse_months,
    parse_numbers,
    parse_points,
    parse_rates,
)
from ecdata.ingest.parsed import ParsedExport, RowProblem, TableFile, row_problem, text_cell
from ecdata.ingest.reader import (
    DEFAULT_MAX_MB,
    columns_by_alias,
    first_rows,
    read_export,
    read_rows,
    table_rows,
)
from ecdata.ingest.upload import commit, ingest_file, preview, read_for_store

__all__ = [
    "DEFAULT_MAX_MB",
    "PLACEHOLDERS",
    "parse_dates",
    "parse_months",
    "parse_numbers",
    "parse_points",
    "parse_rates",
    "ParsedExport",
    "RowProblem",
    "TableFile",
    "columns_by_alias",
    "commit",
    "first_rows",
    "ingest_file",
    "preview",
    "read_export",
    "read_for_store",
    "read_rows",
    "row_problem",
    "table_rows",
    "text_cell",
]
