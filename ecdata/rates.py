"""Exchange-rate files and typed rates, stored (metrics/currency.py converts with them).

Rates are data like any upload: a file (月份/币种/汇率 or month/currency/rate, optionally a
目标币种/into column) or rows typed on the Upload page, stored as one undoable batch in
`exchange_rates` (month, currency, into_currency, rate: 1 `currency` = `rate`
`into_currency`).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from ecdata.i18n import Message
from ecdata.ingest import (
    RowProblem,
    TableFile,
    first_rows,
    parse_months,
    parse_numbers,
)
from ecdata.metrics.currency import CODE_OF, currency_symbol
from ecdata.names import normalize_header
from ecdata.store.batches import BatchResult, write_batch
from ecdata.store.database import Store, check_company_wide
from ecdata.store.schema import EXCHANGE_RATES

_HEADERS = {
    "month": ("月份", "月", "month", "期间", "period"),
    "currency": ("币种", "货币", "currency", "from", "原币"),
    "into": ("目标币种", "折算币种", "into", "to", "reporting currency", "本位币"),
    "rate": ("汇率", "rate", "exchange rate", "fx rate"),
}
_HEADER_OF = {normalize_header(a): f for f, aliases in _HEADERS.items() for a in aliases}
MAX_RATE = 100_000.0  # 1 unit of anything is worth less than this much of another


class RatesFile(TableFile):
    """An exchange-rate table: month, currency, into_currency, rate."""


def _header_row(rows: list[list]) -> int | None:
    for i, row in enumerate(rows[:30]):
        fields = {_HEADER_OF.get(normalize_header(str(c or ""))) for c in row}
        if {"month", "currency", "rate"} <= fields:
            return i
    return None


def is_rates_file(data: bytes) -> bool:
    """Whether an upload is an exchange-rate table (a month, a currency and a rate column)."""
    return _header_row(first_rows(data)) is not None


def read_rates_file(data: bytes, file_name: str, into: str) -> RatesFile:
    """Read a rates file; `into` is the currency its rates convert to when it has no
    目标币种/into column (the reporting currency). Rows with a month, currency or rate that
    cannot be read are skipped and named; a file with none left is refused."""
    out, rows = RatesFile.opened(data, file_name)
    if rows is None:
        return out
    header = _header_row(rows)
    if header is None:
        out.error = Message("err.rates_no_header", {"file": file_name})
        return out
    columns = {}
    for i, cell in enumerate(rows[header]):
        name = _HEADER_OF.get(normalize_header(str(cell or "")))
        if name and name not in columns:
            columns[name] = i
    body = [r for r in rows[header + 1 :] if any(str(c or "").strip() for c in r)]

    def column(name):
        i = columns.get(name)
        return [
            str(r[i]).strip() if i is not None and i < len(r) and r[i] is not None else None
            for r in body
        ]

    month_texts, rate_texts = column("month"), column("rate")
    months, rates = parse_months(month_texts), parse_numbers(rate_texts)
    currencies = [currency_symbol(c) for c in column("currency")]
    targets = (
        [currency_symbol(c) for c in column("into")] if "into" in columns else [into] * len(body)
    )
    known = ", ".join(CODE_OF.values())
    kept = []
    for i, (month, currency, target, rate) in enumerate(zip(months, currencies, targets, rates)):
        row = header + 2 + i  # as a spreadsheet numbers it
        if month is None:
            problem = (
                "month",
                Message("err.rates_bad_month", {"row": row, "value": month_texts[i] or ""}),
            )
        elif currency is None or target is None:
            problem = "currency", Message("err.rates_bad_currency", {"row": row, "known": known})
        elif rate is None or not 0 < rate < MAX_RATE:
            problem = (
                "rate",
                Message("err.rates_bad_rate", {"row": row, "value": rate_texts[i] or ""}),
            )
        else:
            problem = None
        if problem:
            out.problems.append(RowProblem(row, problem[0], problem[1]))
        elif currency != target:
            kept.append((month, currency, target, rate))
    if not kept:
        out.error = Message("err.rates_none", {"file": file_name})
        return out
    frame = pd.DataFrame(kept, columns=["month", "currency", "into_currency", "rate"])
    # The last row of a month and pair wins, as a later line corrects an earlier one.
    out.frame = frame.drop_duplicates(
        ["month", "currency", "into_currency"], keep="last"
    ).reset_index(drop=True)
    return out


def save_rates(
    store: Store, frame: pd.DataFrame, file_name: str, content_hash: str = "", whole: bool = False
) -> BatchResult:
    """Store rates (month, currency, into_currency, rate) as one undoable batch; `whole`: the
    frame is every rate (the Upload page's table), so a rate left out of it is removed. Rates
    convert every store's money: an account limited to some stores may not set them."""
    with store.writer() as cur:
        check_company_wide(cur)
    frame = frame.assign(month=pd.to_datetime(frame.month).dt.date)
    meta = {
        "file_name": file_name,
        "content_hash": content_hash or hashlib.sha256(frame.to_csv().encode()).hexdigest(),
        "kind": "rates",
        "rows_read": len(frame),
        "rows_rejected": 0,
    }
    return write_batch(store, EXCHANGE_RATES, frame, meta, delete_missing=whole)


def stored_rates(cur) -> pd.DataFrame:
    """Every stored rate, newest month first."""
    frame = cur.execute(
        "SELECT month, currency, into_currency, rate FROM exchange_rates "
        "ORDER BY month DESC, currency"
    ).df()
    frame["month"] = pd.to_datetime(frame.month).dt.date
    return frame
