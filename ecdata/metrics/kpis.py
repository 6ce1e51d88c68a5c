"""KPI tables: the catalogue's metrics per period and dimension, computed in DuckDB.

Sums first, ratios after (catalogue.py). Monthly costs and targets are spread over the days of
their month in proportion to days (`COST_SPREAD_METHOD`), so any period, week or day, carries
its share; when the view is split or filtered by channel, a store-day's cost is shared among
its channels in proportion to their inquiries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from ecdata.metrics.catalogue import (
    COST_BASE,
    DERIVED,
    KPI_COLUMNS,
    SOURCE_BASE,
    STORE_BASE,
    TARGETS,
    inquiry_target_sql,
)
from ecdata.metrics.sources import (
    facts_sql,
    has_store_periods,
    period_facts_sql,
    periods_left_out_sql,
)
from ecdata.store.database import per_data_version

GRAINS = ("day", "week", "month", "total")
DIMENSIONS = ("store", "channel", "none")

# The i18n key of the sentence that states how monthly costs are spread (shown by charts).
COST_SPREAD_METHOD = "note.cost_spread"

# A channel's share of its store-day's monthly costs: its share of the day's inquiries, or an
# equal share when the day had none. Shares add up to exactly one (a channel without
# inquiries on a day with some gets none).
CHANNEL_SHARE = """CASE WHEN sum(inquiries) OVER (PARTITION BY date, store) > 0
    THEN COALESCE(inquiries, 0) / sum(inquiries) OVER (PARTITION BY date, store)
    ELSE 1.0 / count(*) OVER (PARTITION BY date, store) END"""

# A store-day's inquiry target, whole or for one channel's share of its costs (catalogue).
STORE_INQUIRY_TARGET = inquiry_target_sql(
    "f.spend", "c.labor_cost", "c.management_cost", "c.target_inquiry_cost"
)
CHANNEL_INQUIRY_TARGET = inquiry_target_sql(
    "f.spend", "c.labor_cost * f.share", "c.management_cost * f.share", "c.target_inquiry_cost"
)
COMPLETIONS = ", ".join(f"{m.expr} AS {m.name}" for m in TARGETS if m.derived)

# Columns that are money, or ratios of money: undefined across currencies.
MONEY_COLUMNS = [
    *(m.name for m in STORE_BASE + COST_BASE + DERIVED + SOURCE_BASE if m.unit == "currency"),
    "roi",
    "sales_target",
    "sales_target_completion",
    "target_inquiry_cost",
]

# Targets, spread like costs; completion metrics are ratios of sums too.
TARGET_COLUMNS = ["sales_target", "inquiry_target"]


@dataclass(frozen=True)
class Filters:
    """The scope of a KPI query. Empty tuples mean 'all'; dates are inclusive."""

    stores: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def scope_sql(filters: Filters, with_channel: bool = True, prefix: str = "") -> str:
    """SQL condition for the filters, over named parameters (see `_params`)."""
    terms = [
        f"(len($stores) = 0 OR list_contains($stores, {prefix}store))",
        f"{prefix}date BETWEEN COALESCE($date_from, DATE '0001-01-01') "
        f"AND COALESCE($date_to, DATE '9999-12-31')",
    ]
    if with_channel:
        terms.append(f"(len($channels) = 0 OR list_contains($channels, {prefix}channel))")
    return " AND ".join(terms)


def scope_params(filters: Filters, with_channel: bool = True) -> dict:
    """The named parameters `scope_sql` refers to."""
    params = {
        "stores": list(filters.stores),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }
    if with_channel:
        params["channels"] = list(filters.channels)
    return params


def period_fits(grain: str) -> str:
    """SQL: a store period fact (date to date_to) lies inside one period of `grain`, so a
    table at that grain can count it whole (a day table never can)."""
    if grain == "day":
        return "date = date_to"
    if grain == "total":
        return "true"
    return f"date_trunc('{grain}', date) = date_trunc('{grain}', date_to)"


def counted_facts_sql(cur, grain: str, per_channel: bool = True) -> str:
    """The fact rows a KPI table at `grain` counts, with `date_to` (the last day a row
    covers): every daily row, and the store period facts that lie inside the filter's dates
    and inside one period of the grain, each counted whole in the period of its first day.
    Without `per_channel`, daily rows come from the store-day rollup (facts_sql)."""
    daily = f"SELECT *, date AS date_to FROM ({facts_sql(cur, per_channel)})"
    if not has_store_periods(cur):
        return daily
    return f"""{daily}
        UNION ALL BY NAME
        SELECT * FROM ({period_facts_sql(cur)})
        WHERE date_to <= COALESCE($date_to, DATE '9999-12-31') AND {period_fits(grain)}"""


def store_periods_left_out(cur, filters: Filters, grain: str = "total") -> pd.DataFrame:
    """Store period facts in scope that a KPI table at `grain` does not count (store,
    channel, date, date_to, reason: 'daily', 'range' or 'grain'), for the page to say so."""
    if not has_store_periods(cur):
        return pd.DataFrame(columns=["store", "channel", "date", "date_to", "reason"])
    frame = cur.execute(periods_left_out_sql(period_fits(grain)), scope_params(filters)).df()
    for column in ("date", "date_to"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def kpi_table(
    cur, grain: str = "week", by: str = "store", filters: Filters = Filters()
) -> pd.DataFrame:
    """One row per period (and store or channel unless `by` is 'none').

    Columns: period (first day of the period; weeks start Monday), the dimension, then
    KPI_COLUMNS plus sales_target, inquiry_target, sales_target_completion and
    inquiry_task_completion. Rates are fractions. A metric with no data is NaN, not zero.

    Remembered per data version: a weekly review asks for this week's totals four times.
    """
    if grain not in GRAINS or by not in DIMENSIONS:
        raise ValueError(f"grain must be one of {GRAINS} and by one of {DIMENSIONS}")
    frame = per_data_version(
        cur, ("kpi_table", grain, by, filters), lambda: _kpi_table(cur, grain, by, filters)
    )
    return frame.copy()  # callers may add columns; the remembered one stays as computed


def _kpi_table(cur, grain: str, by: str, filters: Filters, use_rollup: bool = True) -> pd.DataFrame:
    """kpi_table, computed; `use_rollup` False reads every channel's row even when no
    channel is asked for (tests/test_rollup.py compares the two)."""
    period = {
        "day": "date",
        # One row for the whole range, labelled with its first day.
        "total": "CAST(COALESCE($date_from, DATE '1970-01-01') AS DATE)",
    }.get(grain, f"CAST(date_trunc('{grain}', date) AS DATE)")
    dim = "" if by == "none" else by
    dim_select = f", {dim}" if dim else ""
    by_channel = by == "channel" or bool(filters.channels)
    base_sums = ", ".join(f"{m.expr} AS {m.name}" for m in STORE_BASE + SOURCE_BASE)

    daily_costs = """
        SELECT d.date, m.store,
               m.labor_cost / day(last_day(m.month)) AS labor_cost,
               m.management_cost / day(last_day(m.month)) AS management_cost,
               m.sales_target / day(last_day(m.month)) AS sales_target,
               m.target_inquiry_cost
        FROM store_monthly m,
             LATERAL (SELECT CAST(unnest(generate_series(CAST(m.month AS TIMESTAMP),
                        CAST(last_day(m.month) AS TIMESTAMP), INTERVAL 1 DAY)) AS DATE) AS date) d
        WHERE (len($stores) = 0 OR list_contains($stores, m.store))
          -- Only the months the filter's dates reach: a day per month of every store's
          -- history is a million rows at 500 stores.
          AND m.month <= COALESCE($date_to, DATE '9999-12-31')
          AND last_day(m.month) >= COALESCE($date_from, DATE '0001-01-01')
    """
    # The facts behind the cost rows, limited to the scope's stores and dates here: the span
    # filter below is a join the planner cannot push into these sums (a one-week total read
    # all 10M rows). Never by channel: a channel's share needs all of its store-day.
    cost_facts = f"SELECT * FROM facts WHERE {scope_sql(filters, with_channel=False)}"
    if by_channel:
        # Each store-day's cost goes to its channels by their share of inquiries (equal
        # shares when the day had none).
        cost_rows = f"""
            SELECT f.date, f.store, f.channel,
                   c.labor_cost * f.share AS labor_cost,
                   c.management_cost * f.share AS management_cost,
                   c.sales_target * f.share AS sales_target,
                   {CHANNEL_INQUIRY_TARGET} AS inquiry_target
            FROM (SELECT date, store, channel, spend, {CHANNEL_SHARE} AS share
                  FROM (SELECT date, store, channel, sum(inquiries) AS inquiries,
                               sum(spend) AS spend
                        FROM ({cost_facts}) GROUP BY ALL)) f
            JOIN daily_costs c USING (date, store)
        """
    else:
        cost_rows = f"""
            SELECT c.date, c.store, NULL AS channel, c.labor_cost, c.management_cost,
                   c.sales_target, {STORE_INQUIRY_TARGET} AS inquiry_target
            FROM daily_costs c
            LEFT JOIN (SELECT date, store, sum(spend) AS spend FROM ({cost_facts})
                       GROUP BY ALL) f USING (date, store)
        """
    cost_sums = ", ".join(f"{m.expr} AS {m.name}" for m in COST_BASE)
    join_keys = ["period"] + ([dim] if dim else [])
    derived = ", ".join(f"{m.expr} AS {m.name}" for m in DERIVED)
    # Money is never added across currencies: a row mixing stores in ¥ and $ has no total
    # for it (nor for ratios of money); callers show one figure per currency instead.
    money_masks = ", ".join(
        f"CASE WHEN mixed_currency THEN NULL ELSE {c} END AS {c}" for c in MONEY_COLUMNS
    )
    span = (
        "SELECT CAST($date_from AS DATE) AS lo, CAST($date_to AS DATE) AS hi"
        if filters.date_from and filters.date_to
        else "SELECT COALESCE($date_from, min(date)) AS lo, COALESCE($date_to, max(date_to)) "
        f"AS hi FROM facts WHERE {scope_sql(filters, with_channel=False)}"
    )
    sql = f"""
        -- Costs are spread over the filter's dates, else over the span of the facts.
        WITH facts AS ({counted_facts_sql(cur, grain, by_channel or not use_rollup)}),
        span AS ({span}),
        daily_costs AS ({daily_costs}),
        cost_rows AS ({cost_rows}),
        fact_agg AS (
            SELECT {period} AS period{dim_select}, {base_sums},
                   -- min/max, not count(DISTINCT): half the cost of a 10M-row week.
                   min(currency) <> max(currency) AS mixed_currency
            FROM facts WHERE {scope_sql(filters)} GROUP BY ALL
        ),
        cost_agg AS (
            SELECT {period} AS period{dim_select}, {cost_sums},
                   sum(sales_target) AS sales_target, sum(inquiry_target) AS inquiry_target
            FROM cost_rows, span
            WHERE date BETWEEN span.lo AND span.hi AND {scope_sql(filters, with_channel=by_channel)}
            GROUP BY ALL
        ),
        joined AS (
            SELECT * FROM fact_agg FULL OUTER JOIN cost_agg USING ({", ".join(join_keys)})
        )
        SELECT * REPLACE ({money_masks}) FROM (
            SELECT *, {derived},
                   {COMPLETIONS}
            FROM joined)
        ORDER BY {", ".join(join_keys)}
    """
    frame = cur.execute(sql, scope_params(filters)).df()
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame[
        join_keys
        + KPI_COLUMNS
        + TARGET_COLUMNS
        + ["sales_target_completion", "inquiry_task_completion", "target_inquiry_cost"]
        + [m.name for m in SOURCE_BASE]
    ]


def totals(cur, filters: Filters) -> pd.Series:
    """The KPIs of the whole filtered range as one row (all NaN when there is no data)."""
    frame = kpi_table(cur, "total", "none", filters)
    if frame.empty:
        return pd.Series(float("nan"), index=frame.columns)
    return frame.iloc[0]


def with_dates(filters: Filters, first: dt.date, last: dt.date) -> Filters:
    return replace(filters, date_from=first, date_to=last)


def target_inquiry_costs(cur, filters: Filters) -> pd.DataFrame:
    """Per store and month in range: the target inquiry cost set in the monthly file."""
    return cur.execute(
        """SELECT store, month, target_inquiry_cost FROM store_monthly
           WHERE target_inquiry_cost IS NOT NULL
             AND (len($stores) = 0 OR list_contains($stores, store))
             AND month BETWEEN date_trunc('month', COALESCE($date_from, DATE '0001-01-01'))
                           AND COALESCE($date_to, DATE '9999-12-31')
           ORDER BY store, month""",
        {
            "stores": list(filters.stores),
            "date_from": filters.date_from,
            "date_to": filters.date_to,
        },
    ).df()


def agent_kpis(cur, filters: Filters) -> pd.DataFrame:
    """Per agent (store, member) and one 'team' row: received, inquiries, closed inquiries,
    sales, inquiry_conversion and response_seconds (weighted by customers received)."""
    from ecdata.metrics.catalogue import AGENT_BASE, AGENT_DERIVED

    sums = ", ".join(f"{m.expr} AS {m.name}" for m in AGENT_BASE)
    derived = ", ".join(f"{m.expr} AS {m.name}" for m in AGENT_DERIVED)
    where = scope_sql(filters, with_channel=False)
    sql = f"""
        WITH per_agent AS (SELECT store, member, {sums} FROM agent_daily WHERE {where}
                           GROUP BY ALL),
             team AS (SELECT '' AS store, 'team' AS member, {sums} FROM agent_daily
                      WHERE {where})
        SELECT store, member, received, inquiries, closed_inquiries, sales, {derived}
        FROM (SELECT * FROM per_agent UNION ALL SELECT * FROM team WHERE inquiries IS NOT NULL)
        ORDER BY member = 'team', inquiries DESC NULLS LAST"""
    return cur.execute(sql, scope_params(filters, with_channel=False)).df()
