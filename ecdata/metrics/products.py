"""Products: what each product sold over a range, from product-level reports only.

Product visitors are visitor-days summed over the range (a product report counts a person
once per product per day, a period report once per period); they never add into store
visitors. Rates are ratios of sums. A period report counts in a range only when its whole
period lies inside it: its numbers are never spread over days it did not report by day.
"""

from __future__ import annotations

import pandas as pd

from ecdata.metrics.catalogue import DERIVED, PRODUCT_BASE, PRODUCT_COLUMNS
from ecdata.metrics.kpis import Filters, scope, with_dates
from ecdata.metrics.periods import compared_range
from ecdata.sql import Sql, execute
from ecdata.store.database import Cursor

CONVERSION = next(m for m in DERIVED if m.name == "conversion_rate")

# A product fact counts when the days it covers lie inside the range.
_IN_SCOPE = (
    "(len($stores) = 0 OR list_contains($stores, store)) "
    "AND date >= COALESCE($date_from, DATE '0001-01-01') "
    "AND date_to <= COALESCE($date_to, DATE '9999-12-31')"
)


def product_table(cur: Cursor, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """One row per store and product over the range, best-selling first.

    Columns: store, product_id, product_name (the latest name seen), then PRODUCT_COLUMNS.
    Money in the store's currency; conversion_rate a fraction; missing stays NaN.
    """
    sums = ", ".join(f"{m.expr} AS {m.name}" for m in PRODUCT_BASE)
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    statement = Sql(
        f"""WITH per_product AS (
                SELECT store, product_id, arg_max(product_name, date) AS product_name, {sums}
                FROM product_facts WHERE {_IN_SCOPE}
                GROUP BY store, product_id)
            SELECT *, {CONVERSION.expr} AS conversion_rate FROM per_product
            ORDER BY sales DESC NULLS LAST, visitors DESC NULLS LAST, store, product_id
            {limit_sql}""",
        scope(filters, with_channel=False).params,
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


def product_movers(cur: Cursor, filters: Filters, comparison: str, top: int = 5) -> pd.DataFrame:
    """Products whose sales moved most, in money, against the comparison period (the
    previous one when comparing with targets: products have none).

    Columns: store, product_id, product_name, current, previous, change, change_pct.
    Empty unless both periods have product reports: a product absent from a period that has
    reports sold nothing in it; a period without any report says nothing.
    """
    span = compared_range(*filters.span, comparison)
    cols = ["store", "product_id", "product_name", "sales"]
    now = product_table(cur, filters)[cols]
    before = product_table(cur, with_dates(filters, *span))[cols]
    out_cols = [*cols[:3], "current", "previous", "change", "change_pct"]
    if now.empty or before.empty:
        return pd.DataFrame(columns=out_cols)
    both = now.merge(before, on=["store", "product_id"], how="outer", suffixes=("", "_before"))
    both["product_name"] = both.product_name.fillna(both.product_name_before)
    both["current"] = both.sales.fillna(0.0)
    both["previous"] = both.sales_before.fillna(0.0)
    both["change"] = both.current - both.previous
    both["change_pct"] = both.change / both.previous.where(both.previous != 0)
    both = both[both.change != 0]
    order = both.change.abs().sort_values(ascending=False, kind="stable").index
    return both.reindex(order).head(top)[out_cols].reset_index(drop=True)
