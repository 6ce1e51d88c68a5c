"""Downloads of what a user sees: CSV (UTF-8 with BOM, so Chinese Excel opens it) and XLSX.

Text cells starting with = + - @ (or a tab/CR) are prefixed with an apostrophe so a
spreadsheet never runs them as formulas (CSV injection); a number written as text with its
sign ("-12.5%", "-¥3,900") is left as it is. The pages show every table through the same
rule (ui.tables.show), so the table toolbar's own download is neutralised too.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A signed number as the pages write it: digits, separators, a currency sign, %, 万/亿, pp.
_SIGNED_NUMBER = re.compile(r"^[-+][\s\d.,%¥$£€₹万亿]*(pp)?$")


# pandas' inferred kinds of a column that holds no text at all.
_NO_TEXT = frozenset(
    ("empty", "integer", "floating", "mixed-integer-float", "decimal", "complex", "boolean",
     "datetime64", "datetime", "date", "timedelta64", "timedelta", "time", "period",
     "interval", "categorical", "bytes")
)  # fmt: skip


def _dangerous(value) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(_FORMULA_START)
        and not _SIGNED_NUMBER.match(value)
    )


def _inert(value):
    """`value` as a spreadsheet takes it as text: prefixed with ' when _dangerous."""
    return "'" + value if _dangerous(value) else value


# _dangerous's first half in RE2 (Arrow's regexes; _SIGNED_NUMBER is its second), for one
# pass over every text cell. RE2's \d and \s match fewer characters than Python's, so a
# cell that pass reads as a signed number is one for _dangerous too; the cells it flags are
# checked again by _dangerous itself.
_STARTS_LIKE_FORMULA = "^[=+\\-@\t\r]"


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell a spreadsheet would run as a formula prefixed with '."""
    out = frame.copy()
    strings, objects = [], []
    for i, dtype in enumerate(out.dtypes):
        if isinstance(dtype, pd.StringDtype):
            strings.append(i)
        elif pd.api.types.is_object_dtype(dtype):
            objects.append(i)
        elif isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
            dtype.categories
        ):
            # A prefixed name would be a new category: the column becomes plain values.
            out.isetitem(i, out.iloc[:, i].to_numpy(dtype=object))
            objects.append(i)
    for i in objects:
        values = out.iloc[:, i]
        # Only columns holding text, and in them only cells starting like a formula, go
        # through the check cell by cell (Explore's 50,000 rows: every cell was 0.1 s).
        if pd.api.types.infer_dtype(values, skipna=True) in _NO_TEXT:
            continue
        starts = values.str.startswith(_FORMULA_START).fillna(False).astype(bool)
        rows = np.flatnonzero(starts.to_numpy())
        if len(rows):
            out.iloc[rows, i] = values.iloc[rows].map(_inert)
    if strings:
        _neutralise_strings(out, strings)
    return out


def _neutralise_strings(out: pd.DataFrame, columns: list[int]) -> None:
    """neutralise's string columns, in one pass over all their cells: column by column,
    pandas' own string methods cost 0.36 s for Explore's pivot of 500 stores, on every
    rerun of the page."""
    # Read in one go, a cell costs 0.14 µs; column by column, a column costs 36 µs.
    if len(out) < 256:  # a wide table (a pivot): its cells in one go, column after column
        cells = pa.array(
            out.iloc[:, columns].to_numpy(dtype=object).ravel(order="F"),
            type=pa.large_string(),
            from_pandas=True,
        )
    else:  # a long one: column by column
        cells = pa.chunked_array(
            [pa.array(out.iloc[:, i], from_pandas=True).cast(pa.large_string()) for i in columns],
            type=pa.large_string(),
        ).combine_chunks()
    suspect = pc.fill_null(pc.match_substring_regex(cells, _STARTS_LIKE_FORMULA), False)
    if not pc.any(suspect).as_py():
        return
    signed = pc.fill_null(pc.match_substring_regex(cells, _SIGNED_NUMBER.pattern), False)
    suspect = pc.and_(suspect, pc.invert(signed)).to_numpy(zero_copy_only=False)
    start = 0
    for i in columns:
        end = start + len(out)
        rows = np.flatnonzero(suspect[start:end])
        start = end
        if len(rows):
            out.iloc[rows, i] = out.iloc[rows, i].map(_inert)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()
