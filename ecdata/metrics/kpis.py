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
    LEDGER_BASE,
    METRICS,
    SOURCE_BASE,
    STORE_BASE,
    TARGETS,
    TOTAL_COST,
    TOTAL_COST_SQL,
    Metric,
    inquiry_target_sql,
    is_money,
)
from ecdata.metrics.currency import Conversion, rate_factors_sql, reporting_currency
from ecdata.metrics.sources import (
    facts_sql,
    has_store_periods,
    period_facts_sql,
    periods_left_out_sql,
    store_currency_rows,
    store_currency_values,
)
from ecdata.sql import Sql, execute
from ecdata.store.database import Cursor, per_data_version
from ecdata.store.settings import stated_currency_rows, store_days_for

GRAINS = ("day", "week", "month", "total")
# SQL: the last day of a KPI table's period, by grain (`period` is its first day).
PERIOD_END = {
    "day": "period",
    "week": "period + 6",
    "month": "last_day(period)",
    "total": "COALESCE($date_to, period)",
}
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
# Every ratio of a KPI table, each summed over the store-days that reported all its parts;
# `<ratio>_days` says how many store-days that was, of `store_days` in the row.
COVERED_RATIOS = [m for m in DERIVED + TARGETS if m.derived]
COVERAGE_COLUMNS = ["store_days"] + [f"{m.name}_days" for m in COVERED_RATIOS]

# Columns that are money, or ratios of money: undefined across currencies (the catalogue).
MONEY_COLUMNS = [name for name in METRICS if is_money(name)]

# Targets, spread like costs; completion metrics are ratios of sums too.
TARGET_COLUMNS = ["sales_target", "inquiry_target"]


@dataclass(frozen=True)
class Filters:
    """The scope of a KPI query. Empty tuples mean 'all'; dates are inclusive. `currency`:
    report money in this currency (converted at each month's rate); None reports a scope of
    one currency in it and converts a mix into the reporting currency (rates.py)."""

    stores: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    currency: str | None = None

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        """(first day, last day): for the questions that need a range (a comparison, a
        week's trend); a scope without both dates is a bug in the caller."""
        if self.date_from is None or self.date_to is None:
            raise ValueError(f"{self} has no date range")
        return self.date_from, self.date_to


# A store-day's money columns, converted together when a scope's currencies are mixed.
UNIT_MONEY = (
    "sales",
    "spend",
    "refunds",
    "breakdown_spend",
    "labor_cost",
    "management_cost",
    "sales_target",
)


def money_currency(cur: Cursor, filters: Filters) -> tuple[str, bool]:
    """(the currency the scope's money is reported in, whether it is converted into it):
    its stores' own currency when they share one and none other is asked for, else
    `filters.currency` or the reporting currency (rates.reporting_currency)."""
    currencies = dict(store_currency_rows(cur))
    if filters.stores and not set(filters.stores) <= set(currencies):
        # A store of product reports alone (a Shopee market's) has no store rows to take a
        # currency from: the one its files stated.
        currencies = {**stated_currency_rows(cur), **currencies}
    used = {currencies.get(s, "¥") for s in (filters.stores or tuple(currencies))} or {"¥"}
    if filters.currency is None and len(used) == 1:
        return next(iter(used)), False
    target = filters.currency or reporting_currency(cur)
    return target, used != {target}


def scope(filters: Filters, with_channel: bool = True, prefix: str = "") -> Sql:
    """The filters as an SQL condition, with the parameters it names ($stores, $date_from,
    $date_to and, by channel, $channels), over columns with `prefix` ("c.")."""
    terms = [
        f"(len($stores) = 0 OR list_contains($stores, {prefix}store))",
        f"{prefix}date BETWEEN COALESCE($date_from, DATE '0001-01-01') "
        f"AND COALESCE($date_to, DATE '9999-12-31')",
    ]
    params: dict[str, object] = {
        "stores": list(filters.stores),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
    }
    if with_channel:
        terms.append(f"(len($channels) = 0 OR list_contains($channels, {prefix}channel))")
        params["channels"] = list(filters.channels)
    return Sql(" AND ".join(terms), params)


def period_fits(grain: str) -> str:
    """SQL: a store period fact (date to date_to) lies inside one period of `grain`, so a
    table at that grain can count it whole (a day table never can)."""
    if grain == "day":
        return "date = date_to"
    if grain == "total":
        return "true"
    return f"date_trunc('{grain}', date) = date_trunc('{grain}', date_to)"


def counted_facts_sql(cur: Cursor, grain: str, per_channel: bool = True) -> str:
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


def store_periods_left_out(cur: Cursor, filters: Filters, grain: str = "total") -> pd.DataFrame:
    """Store period facts in scope that a KPI table at `grain` does not count (store,
    channel, date, date_to, reason: 'daily', 'range' or 'grain'), for the page to say so."""
    if not has_store_periods(cur):
        return pd.DataFrame(columns=["store", "channel", "date", "date_to", "reason"])
    left_out = Sql(periods_left_out_sql(period_fits(grain)), scope(filters).params)
    frame = execute(cur, left_out).df()
    for column in ("date", "date_to"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def kpi_table(
    cur: Cursor, grain: str = "week", by: str = "store", filters: Filters = Filters()
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


def _kpi_table(
    cur: Cursor, grain: str, by: str, filters: Filters, use_rollup: bool = True
) -> pd.DataFrame:
    """kpi_table, computed; `use_rollup` False reads every channel's row even when no
    channel is asked for (tests/test_rollup.py compares the two)."""
    period = {
        "day": "date",
        # One row for the whole range, labelled with its first day.
        # (the filter's first day, else the first day of the facts in scope).
        "total": "CAST((SELECT lo FROM span) AS DATE)",
    }.get(grain, f"CAST(date_trunc('{grain}', date) AS DATE)")
    dim = "" if by == "none" else by
    by_channel = by == "channel" or bool(filters.channels)
    # The last day the scope has data for: without a channel filter, from the rollup.
    last_days, last_days_channel = store_days_for(bool(filters.channels))
    base_sums = ", ".join(f"{m.expr} AS {m.name}" for m in STORE_BASE + SOURCE_BASE + LEDGER_BASE)

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
    cost_facts = f"SELECT * FROM facts WHERE {scope(filters, with_channel=False).text}"
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
    # A ratio counts only the store-days (store-channel-days when split by channel) where
    # every part it needs was reported: a week whose inquiries cover one day has that day's
    # inquiry cost, not the week's costs over one day's inquiries.
    unit_keys = ["date", "store"] + (["channel"] if by_channel else [])
    unit_cols = ", ".join(unit_keys)
    ratio_sums = ", ".join(
        f"sum({m.numerator}) FILTER (WHERE {_covered(m)}) AS {m.name}__num, "
        f"sum({m.denominator}) FILTER (WHERE {_covered(m)}) AS {m.name}__den, "
        f"COALESCE(sum(days) FILTER (WHERE {_covered(m)}), 0) AS {m.name}_days"
        for m in COVERED_RATIOS
    )
    ratios = ", ".join(
        f"{m.name}__num / NULLIF({m.name}__den, 0) AS {m.name}" for m in COVERED_RATIOS
    )
    summed = ", ".join(
        f"sum({c}) AS {c}"
        for c in [m.name for m in STORE_BASE + SOURCE_BASE + LEDGER_BASE + COST_BASE]
        + TARGET_COLUMNS
    )
    # Money is never added across currencies: a row mixing stores in ¥ and $ has no total
    # for it (nor for ratios of money); callers show one figure per currency instead.
    # A month whose rate is missing leaves its money out of a converted total: the row has
    # none then (a gap), never a sum that silently lacks a store.
    money_masks = ", ".join(
        f"CASE WHEN mixed_currency OR rate_missing THEN NULL ELSE {c} END AS {c}"
        for c in MONEY_COLUMNS
    )
    target, converting = money_currency(cur, filters)
    params = scope(filters).params | ({"into": target} if converting else {})
    if converting:
        factor = "CASE WHEN u.unit_currency = $into THEN 1.0 ELSE r.factor END"
        rate_join = f"""LEFT JOIN ({rate_factors_sql()}) r
            ON r.month = date_trunc('month', u.date) AND r.currency = u.unit_currency"""
    else:
        factor, rate_join = "1.0", ""
    has_money = " OR ".join(f"u.{c} IS NOT NULL" for c in UNIT_MONEY)
    converted = ", ".join(f"u.{c} * factor AS {c}" for c in UNIT_MONEY)
    span = (
        "SELECT CAST($date_from AS DATE) AS lo, CAST($date_to AS DATE) AS hi"
        if filters.date_from and filters.date_to
        else "SELECT COALESCE($date_from, min(date)) AS lo, COALESCE($date_to, max(date_to)) "
        f"AS hi FROM facts WHERE {scope(filters, with_channel=False).text}"
    )
    # A store period fact (one row for several days) is one unit with its first day's date:
    # the cost days of its range join it, so its inquiries meet the costs of the same days.
    periods = has_store_periods(cur) and not by_channel
    cost_date = "COALESCE(p.first_day, c.date)" if periods else "c.date"
    period_join = (
        """LEFT JOIN (SELECT store, d AS date, min(date) AS first_day FROM (
                SELECT DISTINCT store, date, date_to,
                       unnest(generate_series(date, date_to, INTERVAL 1 DAY))::DATE AS d
                FROM facts WHERE date_to > date) GROUP BY ALL) p
             ON p.store = c.store AND p.date = c.date"""
        if periods
        else ""
    )
    sql = f"""
        -- Costs are spread over the filter's dates, else over the span of the facts.
        WITH facts AS ({counted_facts_sql(cur, grain, by_channel or not use_rollup)}),
        span AS ({span}),
        daily_costs AS ({daily_costs}),
        cost_rows AS ({cost_rows}),
        fact_units AS (
            SELECT {unit_cols}, {base_sums},
                   date_diff('day', date, max(date_to)) + 1 AS fact_days,
                   -- min/max, not count(DISTINCT): half the cost of a 10M-row week.
                   min(currency) AS currency_lo, max(currency) AS currency_hi
            FROM facts WHERE {scope(filters).text} GROUP BY {unit_cols}
        ),
        cost_units AS (
            SELECT {cost_date} AS date, c.store{", c.channel" if by_channel else ""},
                   {cost_sums}, sum(sales_target) AS sales_target,
                   sum(inquiry_target) AS inquiry_target, any_value(sc.currency) AS cost_currency
            FROM cost_rows c {period_join}
            LEFT JOIN ({store_currency_values(cur)}) sc ON sc.store = c.store, span
            WHERE c.date BETWEEN span.lo AND span.hi
              AND {scope(filters, with_channel=by_channel, prefix="c.").text}
            GROUP BY {", ".join(["1"] + [f"c.{k}" for k in unit_keys[1:]])}
        ),
        unit_rows AS (
            SELECT *, COALESCE(currency_lo, cost_currency, '¥') AS unit_currency
            FROM fact_units FULL OUTER JOIN cost_units USING ({unit_cols})
        ),
        -- Money into the reporting currency at its month's rate, when the scope mixes
        -- currencies (rates.py); otherwise every factor is 1.
        converted AS (
            SELECT * REPLACE ({converted}),
                   ({has_money}) AND factor IS NULL AS rate_missing
            FROM (SELECT u.*, {factor} AS factor FROM unit_rows u {rate_join}) u
        ),
        units AS (
            SELECT *, {period} AS period, COALESCE(fact_days, 1) AS days,
                   {TOTAL_COST_SQL} AS {TOTAL_COST}
            FROM converted
        ),
        joined AS (
            SELECT {", ".join(join_keys)}, {summed}, {ratio_sums},
                   sum(days) AS store_days, bool_or(rate_missing) AS rate_missing,
                   {"false" if converting else "min(currency_lo) <> max(currency_hi)"}
                       AS mixed_currency
            FROM units GROUP BY {", ".join(join_keys)}
        )
        SELECT * REPLACE ({money_masks}),
               -- A period the data does not reach the end of yet (this week, on Wednesday):
               -- charts draw it hollow, as Metabase marks a period in progress.
               {PERIOD_END[grain]} > (
                   SELECT max(date_to) FROM {last_days}
                   WHERE (len($stores) = 0 OR list_contains($stores, store))
                     AND {last_days_channel}) AS partial,
               -- The targets a completion divides by: those of the days it covers.
               CASE WHEN mixed_currency OR rate_missing THEN NULL
                    ELSE sales_target_completion__den END AS sales_target_covered,
               inquiry_task_completion__den AS inquiry_target_covered
        FROM (SELECT *, {ratios} FROM joined)
        ORDER BY {", ".join(join_keys)}
    """
    frame = execute(cur, Sql(sql, params)).df()
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame[
        join_keys
        + KPI_COLUMNS
        + TARGET_COLUMNS
        + ["sales_target_completion", "inquiry_task_completion", "target_inquiry_cost"]
        + [m.name for m in SOURCE_BASE]
        + COVERAGE_COLUMNS
        + ["partial", "sales_target_covered", "inquiry_target_covered"]
    ]


def coverage(row: pd.Series, ratio: str) -> tuple[int, int] | None:
    """(store-days the ratio counts, store-days of the row) when the ratio covers only part
    of its row's store-days and some; None when it covers all of them (or none at all, when
    the ratio itself is empty)."""
    covered, total = row.get(f"{ratio}_days"), row.get("store_days")
    if covered is None or total is None or pd.isna(total) or pd.isna(covered):
        return None
    covered, total = int(covered), int(total)
    return (covered, total) if 0 < covered < total else None


def conversion(cur: Cursor, filters: Filters) -> Conversion:
    """How the scope's money is reported: its currency and, when converted, each (month,
    currency) of its facts and monthly costs with the factor used, or listed as missing."""
    target, converting = money_currency(cur, filters)
    if not converting:
        return Conversion(target, False)
    params = scope(filters, with_channel=False).params | {"into": target}
    statement = Sql(
        f"""WITH facts AS ({counted_facts_sql(cur, "total", per_channel=False)}),
            needed AS (
                SELECT DISTINCT CAST(date_trunc('month', date) AS DATE) AS month, currency
                FROM facts WHERE {scope(filters, with_channel=False).text} AND currency <> $into
                UNION
                SELECT DISTINCT m.month, sc.currency
                FROM store_monthly m JOIN ({store_currency_values(cur)}) sc USING (store)
                WHERE (len($stores) = 0 OR list_contains($stores, m.store))
                  AND m.month BETWEEN date_trunc('month', COALESCE($date_from, DATE '0001-01-01'))
                                  AND COALESCE($date_to, DATE '9999-12-31')
                  AND sc.currency <> $into)
            SELECT n.month, n.currency, r.factor
            FROM needed n LEFT JOIN ({rate_factors_sql()}) r USING (month, currency)
            ORDER BY n.month, n.currency""",
        params,
    )
    rows = execute(cur, statement).fetchall()
    used = tuple((m, c, f) for m, c, f in rows if f is not None)
    missing = tuple((m, c) for m, c, f in rows if f is None)
    return Conversion(target, True, used, missing)


def _covered(ratio: Metric) -> str:
    """SQL over a unit's sums: every part the ratio needs was reported."""
    return " AND ".join(f"{part} IS NOT NULL" for part in ratio.parts)


def totals(cur: Cursor, filters: Filters) -> pd.Series:
    """The KPIs of the whole filtered range as one row (all NaN when there is no data)."""
    frame = kpi_table(cur, "total", "none", filters)
    if frame.empty:
        return pd.Series(float("nan"), index=frame.columns)
    return frame.iloc[0]


def with_dates(filters: Filters, first: dt.date, last: dt.date) -> Filters:
    return replace(filters, date_from=first, date_to=last)


def target_inquiry_costs(cur: Cursor, filters: Filters) -> pd.DataFrame:
    """Per store and month in range: the target inquiry cost set in the monthly file."""
    statement = Sql(
        """SELECT store, month, target_inquiry_cost FROM store_monthly
           WHERE target_inquiry_cost IS NOT NULL
             AND (len($stores) = 0 OR list_contains($stores, store))
             AND month BETWEEN date_trunc('month', COALESCE($date_from, DATE '0001-01-01'))
                           AND COALESCE($date_to, DATE '9999-12-31')
           ORDER BY store, month""",
        scope(filters, with_channel=False).params,
    )
    return execute(cur, statement).df()


def agent_kpis(cur: Cursor, filters: Filters) -> pd.DataFrame:
    """Per agent (store, member) and one 'team' row: received, inquiries, closed inquiries,
    sales, inquiry_conversion and response_seconds (weighted by customers received)."""
    from ecdata.metrics.catalogue import AGENT_BASE, AGENT_DERIVED

    sums = ", ".join(f"{m.expr} AS {m.name}" for m in AGENT_BASE)
    derived = ", ".join(f"{m.expr} AS {m.name}" for m in AGENT_DERIVED)
    statement = Sql.of(
        """
        WITH per_agent AS (SELECT store, member, {sums} FROM agent_daily WHERE {where}
                           GROUP BY ALL),
             team AS (SELECT '' AS store, 'team' AS member, {sums} FROM agent_daily
                      WHERE {where})
        SELECT store, member, received, inquiries, closed_inquiries, sales, {derived}
        FROM (SELECT * FROM per_agent UNION ALL SELECT * FROM team WHERE inquiries IS NOT NULL)
        ORDER BY member = 'team', inquiries DESC NULLS LAST""",
        sums=sums,
        derived=derived,
        where=scope(filters, with_channel=False),
    )
    return execute(cur, statement).df()


def agent_month_sums(cur: Cursor, filters: Filters) -> pd.DataFrame:
    """Per month and agent (store, member): received, inquiries, closed inquiries and sales,
    each month summed as agent_kpis sums it. One question for many months (score_trend):
    on a DuckLake each question costs a catalog lookup."""
    from ecdata.metrics.catalogue import AGENT_BASE

    sums = ", ".join(f"{m.expr} AS {m.name}" for m in AGENT_BASE)
    statement = Sql.of(
        """
        SELECT CAST(date_trunc('month', date) AS DATE) AS month, store, member, {sums}
        FROM agent_daily WHERE {where} GROUP BY ALL
        ORDER BY month, inquiries DESC NULLS LAST""",
        sums=sums,
        where=scope(filters, with_channel=False),
    )
    return execute(cur, statement).df()
