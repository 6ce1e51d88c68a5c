"""Money in several currencies: the reporting currency, and the monthly rates that convert
into it (stored in `exchange_rates` by ecdata.rates, which reads rate files).

Money is added across currencies only after conversion at a stated rate per month; kpis.py
converts a scope's money when its stores mix currencies (a single store keeps its own). The
inverse of a stated rate serves too (USD→¥ 7.10 gives ¥→USD 1/7.10).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ecdata.store.database import Cursor, Store
from ecdata.store.settings import (  # noqa: F401 (CODE_OF, currency_symbol: used from here)
    CODE_OF,
    CURRENCIES,
    currency_symbol,
    save_setting,
    setting,
)

REPORTING_KEY = "money.reporting_currency"


def reporting_currency(cur: Cursor) -> str:
    """The currency totals across currencies are reported in: the setting, else ¥ when any
    store is in ¥ (or none has data), else the currency most stores use."""
    chosen = setting(cur, REPORTING_KEY)
    if chosen in CURRENCIES:
        return chosen
    from ecdata.metrics.sources import store_currency_rows

    used = [c for _, c in store_currency_rows(cur) if c in CURRENCIES]
    if not used or "¥" in used:
        return "¥"
    return max(sorted(set(used)), key=used.count)


def save_reporting_currency(store: Store, symbol: str) -> int:
    if symbol not in CURRENCIES:
        raise ValueError(f"unknown currency {symbol!r}")
    return save_setting(store, REPORTING_KEY, symbol)


def rate_factors_sql() -> str:
    """A SELECT of (month, currency, factor): what one unit of `currency` is worth in the
    currency named by the parameter $into, per month: a stated rate into it, else the
    inverse of its rate from it."""
    return """
        SELECT month, currency, arg_max(factor, direct) AS factor FROM (
            SELECT month, currency, rate AS factor, 1 AS direct FROM exchange_rates
            WHERE into_currency = $into
            UNION ALL
            SELECT month, into_currency AS currency, 1 / rate, 0 FROM exchange_rates
            WHERE currency = $into)
        GROUP BY month, currency"""


@dataclass(frozen=True)
class Conversion:
    """How a scope's money is reported: in `currency`; `rates` used (month, from, factor),
    `missing` (month, from) pairs without a rate, whose money is left out."""

    currency: str
    converted: bool
    rates: tuple[tuple[dt.date, str, float], ...] = ()
    missing: tuple[tuple[dt.date, str], ...] = ()
