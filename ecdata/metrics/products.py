"""Products: what each product sold over a range, from product-level reports only.

Product visitors are visitor-days summed over the range (a product report counts a person
once per product per day); they never add into store visitors. Rates are ratios of sums.
"""

from __future__ import annotations

import pandas as pd

from ecdata.metrics.catalogue import DERIVED, PRODUCT_BASE, PRODUCT_COLUMNS
from ecdata.metrics.kpis import Filters, scope_params, scope_sql

CONVERSION = next(m for m in DERIVED if m.name == "conversion_rate")


def product_table(cur, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """One row per store and product over the range, best-selling first.

    Columns: store, product_id, product_name (the latest name seen), then PRODUCT_COLUMNS.
    Money in the store's currency; conversion_rate a fraction; missing stays NaN.
    """
    sums = ", ".join(f"{m.expr} AS {m.name}" for m in PRODUCT_BASE)
    limit_sql = "" if limit is None else f"LIMIT {int(limit)}"
    frame = cur.execute(
        f"""WITH per_product AS (
                SELECT store, product_id, arg_max(product_name, date) AS product_name, {sums}
                FROM product_daily WHERE {scope_sql(filters, with_channel=False)}
                GROUP BY store, product_id)
            SELECT *, {CONVERSION.expr} AS conversion_rate FROM per_product
            ORDER BY sales DESC NULLS LAST, visitors DESC NULLS LAST, store, product_id
            {limit_sql}""",
        scope_params(filters, with_channel=False),
    ).df()
    return frame[["store", "product_id", "product_name", *PRODUCT_COLUMNS]]
