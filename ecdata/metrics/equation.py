"""The sales equation and the inquiry-cost equation: how much of a change came from where.

销售额 = 访客数 × 转化率 × 客单价 (sales = visitors × conversion rate × order value) holds
exactly for sums (conversion = buyers ÷ visitors, order value = sales ÷ buyers). A change in
sales is split among the three factors by the logarithmic-mean (LMDI) method: factor i gets
L(S₁, S₀) · ln(fᵢ₁ / fᵢ₀), where L(a, b) = (a − b) / (ln a − ln b). The parts add up to the
change exactly, whatever the order of the factors, with no residual.

Inquiry cost = (spend + labor + management) ÷ inquiries splits the same way between the cost
and the inquiries; the cost's part is shared among spend, labor and management in proportion
to each one's own change, so the four parts again add up exactly.

A split needs every factor positive in both periods (a logarithm of zero does not exist): when
one is zero or missing the row says why instead of inventing a split.
"""

from __future__ import annotations

import math

import pandas as pd

from ecdata.metrics.kpis import Filters, kpi_table, with_dates
from ecdata.metrics.periods import compared_range
from ecdata.store.database import Cursor

SALES_FACTORS = ("visitors", "conversion_rate", "aov")
COST_PARTS = ("spend", "labor_cost", "management_cost")


def log_mean(a: float, b: float) -> float:
    """L(a, b) = (a − b) / (ln a − ln b), and a when a = b (its limit)."""
    if a == b:
        return a
    return (a - b) / (math.log(a) - math.log(b))


def _positive(*values: float) -> bool:
    return all(v is not None and not math.isnan(v) and v > 0 for v in values)


def split_product(now: dict, before: dict, factors: tuple[str, ...], total: str) -> dict | None:
    """Contributions of `factors` to the change of `total` = their product (LMDI), or None
    when a factor or the total is not positive in both periods."""
    values = [now[f] for f in factors] + [before[f] for f in factors]
    if not _positive(now[total], before[total], *values):
        return None
    weight = log_mean(now[total], before[total])
    return {f: weight * math.log(now[f] / before[f]) for f in factors}


def split_inquiry_cost(now: dict, before: dict) -> dict | None:
    """Contributions of spend, labor, management and inquiries to the change of inquiry
    cost; a missing cost part counts as 0 in both periods. None when a total cost, the
    inquiries or the inquiry cost is not positive in both periods."""
    cost = {
        p: {k: (0.0 if _missing(d[p]) else d[p]) for k, d in (("now", now), ("before", before))}
        for p in COST_PARTS
    }
    total_now = sum(c["now"] for c in cost.values())
    total_before = sum(c["before"] for c in cost.values())
    if not _positive(total_now, total_before, now["inquiries"], before["inquiries"]):
        return None
    cost_now, cost_before = total_now / now["inquiries"], total_before / before["inquiries"]
    weight = log_mean(cost_now, cost_before)
    # L(c)·ln(N₁/N₀) = L(c)/L(N) · ΔN: shared among the parts by their own changes.
    per_money = weight / log_mean(total_now, total_before)
    out = {p: per_money * (c["now"] - c["before"]) for p, c in cost.items()}
    out["inquiries"] = weight * math.log(before["inquiries"] / now["inquiries"])
    return out


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def equation_table(cur: Cursor, filters: Filters, comparison: str, by: str) -> pd.DataFrame:
    """Per store or channel (or in total, by='none'): sales and inquiry cost now and in the
    comparison period, their changes, and each factor's contribution (<factor>_part, NaN
    where the split does not exist; see the module). The previous period stands in when
    comparing with targets."""
    span = compared_range(*filters.span, comparison)
    keys = [] if by == "none" else [by]
    columns = ["sales", *SALES_FACTORS, "inquiry_cost", "inquiries", *COST_PARTS]
    now = kpi_table(cur, "total", by, filters)[keys + columns]
    before = kpi_table(cur, "total", by, with_dates(filters, *span))[keys + columns]
    if keys:
        both = now.merge(before, on=keys, how="inner", suffixes=("", "_before"))
    else:
        both = pd.concat([now, before.add_suffix("_before")], axis=1)
    rows = []
    for _, row in both.iterrows():
        current = {c: row[c] for c in columns}
        previous = {c: row[f"{c}_before"] for c in columns}
        sales = split_product(current, previous, SALES_FACTORS, "sales") or {}
        cost = split_inquiry_cost(current, previous) or {}
        rows.append(
            {
                **{k: row[k] for k in keys},
                "sales": current["sales"],
                "sales_before": previous["sales"],
                "sales_change": current["sales"] - previous["sales"],
                **{f"{f}_part": sales.get(f, math.nan) for f in SALES_FACTORS},
                "inquiry_cost": current["inquiry_cost"],
                "inquiry_cost_before": previous["inquiry_cost"],
                "inquiry_cost_change": current["inquiry_cost"] - previous["inquiry_cost"],
                **{f"{p}_part": cost.get(p, math.nan) for p in (*COST_PARTS, "inquiries")},
            }
        )
    return pd.DataFrame(rows)


def waterfall_steps(row: pd.Series, which: str) -> list[tuple[str, float, str]] | None:
    """The steps of a waterfall from the comparison period's value to this period's, for
    one row of `equation_table`: (metric name, value, 'absolute' | 'relative' | 'total'),
    the first and last named by the metric itself. `which`: 'sales' (its three factors) or
    'inquiry_cost' (its cost parts and inquiries). None when the change cannot be split."""
    parts = SALES_FACTORS if which == "sales" else (*COST_PARTS, "inquiries")
    if any(math.isnan(row[f"{p}_part"]) for p in parts):
        return None
    return (
        [(which, row[f"{which}_before"], "absolute")]
        + [(p, row[f"{p}_part"], "relative") for p in parts]
        + [(which, row[which], "total")]
    )
