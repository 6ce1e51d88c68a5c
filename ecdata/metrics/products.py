"""Products: what each product sold over a range, from product-level reports only.

Product visitors are visitor-days summed over the range (a product report counts a person
once per product per day, a period report once per period); they never add into store
visitors. Rates are ratios of sums. A period report counts in a range only when its whole
period lies inside it: its numbers are never spread over days it did not report by day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ecdata.metrics.catalogue import DERIVED, PRODUCT_BASE, PRODUCT_COLUMNS
from ecdata.metrics.kpis import Filters, scope, with_dates
from ecdata.metrics.periods import compared_range
from ecdata.sql import Sql, execute
from ecdata.store.database import Cursor
from ecdata.store.schema import PRODUCT_WEEKS

CONVERSION = next(m for m in DERIVED if m.name == "conversion_rate")

# A product fact counts when the days it covers lie inside the range.
_IN_STORES = "(len($stores) = 0 OR list_contains($stores, store))"
_IN_SCOPE = (
    f"{_IN_STORES} "
    "AND date >= COALESCE($date_from, DATE '0001-01-01') "
    "AND date_to <= COALESCE($date_to, DATE '9999-12-31')"
)


_SUMMED = [m.name for m in PRODUCT_BASE]  # each one a SUM: partial sums add up again
_EARLIEST, _LATEST = dt.date(1, 1, 1), dt.date(9999, 12, 31)


def end_days(date_from: dt.date | None, date_to: dt.date | None) -> list[tuple[dt.date, dt.date]]:
    """The days of the range outside its whole weeks (Monday to Sunday), as up to two
    (first, last) spans: product_facts' own rows on those days, the rollup's for the rest.
    A range with no whole week in it is all ends."""
    first, last = date_from or _EARLIEST, date_to or _LATEST
    monday = first + dt.timedelta(days=-first.weekday() % 7)
    sunday = last - dt.timedelta(days=(last.weekday() + 1) % 7)
    if monday > sunday:
        return [(first, last)]
    spans = []
    if first < monday:
        spans.append((first, monday - dt.timedelta(days=1)))
    if sunday < last:
        spans.append((sunday + dt.timedelta(days=1), last))
    return spans


def _product_rows(where: str, ends: str, use_rollup: bool) -> str:
    """A SELECT of (store, product_id, product_name, name_date, the summed columns) whose
    sums per store and product are the range's: the rollup's rows (whole weeks, period
    reports) that `where` takes (_IN_SCOPE or its twin over other parameters), and
    product_facts' one-day rows on the range's end days (`ends`: a condition on date)."""
    columns = ", ".join(_SUMMED)
    facts = (
        f"SELECT store, product_id, product_name, date AS name_date, {columns} FROM product_facts"
    )
    if not use_rollup:
        return f"{facts} WHERE {where}"
    return f"""SELECT store, product_id, product_name, name_date, {columns}
               FROM {PRODUCT_WEEKS} WHERE {where}
               UNION ALL {facts} WHERE {_IN_STORES} AND date = date_to AND ({ends})"""


def _ends(filters: Filters, prefix: str = "") -> tuple[str, dict]:
    """The condition on date for the range's end days, and its parameters (one range scan
    each: DuckDB skips the row groups of the weeks between)."""
    spans = end_days(filters.date_from, filters.date_to)
    condition = " OR ".join(
        f"date BETWEEN ${prefix}end{i}_from AND ${prefix}end{i}_to" for i in range(len(spans))
    )
    params: dict[str, dt.date] = {}
    for i, (first, last) in enumerate(spans):
        params |= {f"{prefix}end{i}_from": first, f"{prefix}end{i}_to": last}
    return condition or "false", params


def product_table(
    cur: Cursor, filters: Filters, limit: int | None = None, use_rollup: bool = True
) -> pd.DataFrame:
    """One row per store and product over the range, best-selling first.

    Columns: store, product_id, product_name (the latest name seen), then PRODUCT_COLUMNS.
    Money in the store's currency; conversion_rate a fraction; missing stays NaN.
    `use_rollup` False reads every product-day (tests/test_rollup.py compares the two).
    """
    sums = ", ".join(f"{m.expr} AS {m.name}" for m in PRODUCT_BASE)
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    ends, end_params = _ends(filters) if use_rollup else ("", {})
    statement = Sql(
        f"""WITH per_product AS (
                SELECT store, product_id, arg_max(product_name, name_date) AS product_name,
                       {sums}
                FROM ({_product_rows(_IN_SCOPE, ends, use_rollup)}) GROUP BY store, product_id)
            SELECT *, {CONVERSION.expr} AS conversion_rate FROM per_product
            ORDER BY sales DESC NULLS LAST, visitors DESC NULLS LAST, store, product_id
            {limit_sql}""",
        {**scope(filters, with_channel=False).params, **end_params},
    )
    frame = execute(cur, statement).df()
    return frame[["store", "product_id", "product_name", *PRODUCT_COLUMNS]]


def periods_left_out(cur: Cursor, filters: Filters) -> pd.DataFrame:
    """Period reports that overlap the range without lying inside it (store, date, date_to,
    products): left out of `product_table`, so the page can say so."""
    statement = Sql(
        """SELECT store, date, date_to, count(*) AS products FROM product_facts
           WHERE (len($stores) = 0 OR list_contains($stores, store))
             AND date <= COALESCE($date_to, DATE '9999-12-31')
             AND date_to >= COALESCE($date_from, DATE '0001-01-01')
             AND NOT (date >= COALESCE($date_from, DATE '0001-01-01')
                      AND date_to <= COALESCE($date_to, DATE '9999-12-31'))
           GROUP BY ALL ORDER BY store, date""",
        scope(filters, with_channel=False).params,
    )
    return execute(cur, statement).df()


def product_movers(
    cur: Cursor, filters: Filters, comparison: str, top: int = 5, use_rollup: bool = True
) -> pd.DataFrame:
    """Products whose sales moved most, in money, against the comparison period (the
    previous one when comparing with targets: products have none).

    Columns: store, product_id, product_name, current, previous, change, change_pct.
    Empty unless both periods have product reports: a product absent from a period that has
    reports sold nothing in it; a period without any report says nothing. One query that
    returns `top` rows: both periods' products (100,000 store-products at 100M rows) never
    come into Python.
    """
    span = compared_range(*filters.span, comparison)
    before = with_dates(filters, *span)
    in_before = _IN_SCOPE.replace("$date_from", "$before_from").replace("$date_to", "$before_to")

    def per_product(where: str, ends: str) -> str:
        return f"""SELECT store, product_id, arg_max(product_name, name_date) AS product_name,
                          sum(sales) AS sales
                   FROM ({_product_rows(where, ends, use_rollup)}) GROUP BY store, product_id"""

    now_ends, now_params = _ends(filters) if use_rollup else ("", {})
    before_ends, before_params = _ends(before, "before_") if use_rollup else ("", {})
    statement = Sql(
        f"""WITH now AS ({per_product(_IN_SCOPE, now_ends)}),
            before AS ({per_product(in_before, before_ends)}),
            both_periods AS (
                SELECT COALESCE(n.store, b.store) AS store,
                       COALESCE(n.product_id, b.product_id) AS product_id,
                       COALESCE(n.product_name, b.product_name) AS product_name,
                       COALESCE(n.sales, 0.0) AS current, COALESCE(b.sales, 0.0) AS previous
                FROM now n FULL JOIN before b USING (store, product_id))
            SELECT store, product_id, product_name, current, previous,
                   current - previous AS change,
                   (current - previous) / NULLIF(previous, 0) AS change_pct
            FROM both_periods
            WHERE current <> previous
              AND EXISTS (SELECT 1 FROM now) AND EXISTS (SELECT 1 FROM before)
            ORDER BY abs(current - previous) DESC, current DESC, store, product_id
            LIMIT {int(top)}""",
        {
            **scope(filters, with_channel=False).params,
            "before_from": before.date_from,
            "before_to": before.date_to,
            **now_params,
            **before_params,
        },
    )
    return execute(cur, statement).df()
