"""What reading an export yields: the facts at their grain and everything said about them."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ecdata.i18n import Message, Refusal
from ecdata.ingest import headers as hd
from ecdata.ingest.profiles import Profile
from ecdata.store import (
    AGENT_DAILY,
    PRODUCT_FACTS,
    STORE_DAILY,
    STORE_MONTHLY,
    STORE_PERIODS,
    FactTable,
)

TABLE_FOR_KIND = {
    "product": PRODUCT_FACTS,
    "store": STORE_DAILY,
    "store_period": STORE_PERIODS,
    "ad": STORE_DAILY,
    "agent": AGENT_DAILY,
    "monthly": STORE_MONTHLY,
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based row number as a spreadsheet shows it
    column: str
    message: Message


@dataclass
class TableFile:
    """A small table file read whole (exchange rates, a task list): its rows as a frame of
    canonical columns, the rows left out and why, or the message refusing the file."""

    file_name: str
    frame: pd.DataFrame | None = None
    problems: list[RowProblem] = field(default_factory=list)
    error: Message | None = None
    content_hash: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def opened(cls, data: bytes, file_name: str):
        """(the result to fill for this file, its rows as text cells), or (the result
        refusing it, None) when the bytes are empty or not a table."""
        from ecdata.ingest.reader import table_rows  # reader builds on this module

        out = cls(file_name, content_hash=hashlib.sha256(data).hexdigest())
        try:
            return out, table_rows(data, file_name)
        except Refusal as refused:
            out.error = refused.message
            return out, None

    def refuse_for_no_rows(self) -> None:
        """Refuse the file: not one row could be kept (the first problem says why)."""
        first = (
            self.problems[0].message
            if self.problems
            else Message("err.empty", {"file": self.file_name})
        )
        self.error = Message(
            "err.no_valid_rows",
            {"file": self.file_name, "rejected": len(self.problems), "first": str(first)},
        )

    @property
    def rows(self) -> pd.DataFrame:
        """The rows read; a refused file has none (asking for them is a bug)."""
        if self.frame is None:
            raise ValueError(f"{self.file_name} was refused: it has no rows")
        return self.frame


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
    # The range a file without a date column covers, as the user gave it (first, last day).
    period: tuple[dt.date, dt.date] | None = None
    # The header row a person chose (1-based) for a layout no alias recognises; None: found.
    header_row_chosen: int | None = None
    # The facts at their grain, as a Parquet file: a million rows cost no memory until they
    # are read (`staged`), and the store inserts straight from it.
    staged_file: str | None = None
    rows_read: int = 0
    rows_rejected: int = 0
    totals_dropped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    # What the reader did that the person should know (duplicates kept once, hours summed).
    notes: list[Message] = field(default_factory=list)
    not_final_dates: list[dt.date] = field(default_factory=list)
    # The report profile that read the file (None: the generic one, aliases alone), the
    # workbook sheet it was on, and the team's own profiles tried besides the shipped ones.
    profile: Profile | None = None
    # The text above the header (title rows, a `#` preamble): where some reports write their
    # period ("时间周期2026-09-13~2026-09-19", "# Start date: 20261001").
    above_header: str = ""
    sheet: str = ""
    extra_profiles: tuple[Profile, ...] = ()
    date_min: dt.date | None = None
    date_max: dt.date | None = None
    # The currency the file's money columns state ('Amount spent (EUR)' -> '€') and the
    # column that states it; None: the platform's (or the store's).
    currency: str | None = None
    currency_column: str = ""

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
    def table(self) -> FactTable:
        """The fact table the file's facts go to (a file read into facts has a kind)."""
        return TABLE_FOR_KIND[self.kind]

    @property
    def metrics(self) -> list[str]:
        if self.staged_file is None or self.kind not in TABLE_FOR_KIND:
            return []
        names = pq.read_schema(self.staged_file).names
        return [m for m in self.table.metrics if m in names]

    def mapping_by_header(self) -> dict[str, str]:
        return {self.headers[i]: f for i, f in self.mapping.items()}

    def fail(self, key: str, **params) -> ParsedExport:
        """Reject the file with message `key`: nothing of it will be stored."""
        return self.refuse(Message(key, params))

    def refuse(self, message: Message) -> ParsedExport:
        """Reject the file with `message`: nothing of it will be stored."""
        self.error = message
        self.staged_file = None
        return self


def text_cell(value) -> str | None:
    """A small table file's cell as text; None when empty or a placeholder (whatever the
    format wrote: None, NaN, '', '-', '暂无数据')."""
    from ecdata.ingest.cleaning import PLACEHOLDERS

    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return None if not text or text in PLACEHOLDERS else text


def row_problem(row: int, column: str, key: str, value) -> RowProblem:
    """The RowProblem keeping row `row` out, its message `key` naming the row, the column
    and the value."""
    return RowProblem(row, column, Message(key, {"row": row, "column": column, "value": value}))
