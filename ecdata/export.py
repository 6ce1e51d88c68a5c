"""Downloads of what a user sees: CSV (UTF-8 with BOM, so Chinese Excel opens it) and XLSX.

Text cells starting with = + - @ (or a tab/CR) are prefixed with an apostrophe so a
spreadsheet never runs them as formulas (CSV injection); a number written as text with its
sign ("-12.5%", "-¥3,900") is left as it is. The pages show every table through the same
rule (ui.tables.show), so the table toolbar's own download is neutralised too.
"""

from __future__ import annotations

import io
import re

import pandas as pd

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


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        values = out[col]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        # Only columns holding text, and in them only cells starting like a formula, go
        # through the check cell by cell (Explore's 50,000 rows: every cell was 0.1 s).
        if pd.api.types.infer_dtype(values, skipna=True) in _NO_TEXT:
            continue
        starts = values.str.startswith(_FORMULA_START).fillna(False).astype(bool)
        if starts.any():
            out.loc[starts, col] = values[starts].map(lambda v: "'" + v if _dangerous(v) else v)
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    return neutralise(frame).to_csv(index=False).encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise(frame).to_excel(writer, index=False, sheet_name=sheet)
    return buffer.getvalue()
