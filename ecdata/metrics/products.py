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
    reports sold nothing in it; a period without any report says nothing. One query that
    returns `top` rows: both periods' products (100,000 store-products at 100M rows) never
    come into Python.
    """
    span = compared_range(*filters.span, comparison)
    before = with_dates(filters, *span)
    in_before = _IN_SCOPE.replace("$date_from", "$before_from").replace("$date_to", "$before_to")

    def per_product(where: str) -> str:
        return f"""SELECT store, product_id, arg_max(product_name, date) AS product_name,
                          sum(sales) AS sales
                   FROM product_facts WHERE {where} GROUP BY store, product_id"""

    statement = Sql(
        f"""WITH now AS ({per_product(_IN_SCOPE)}), before AS ({per_product(in_before)}),
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
        },
    )
    return execute(cur, statement).df()
