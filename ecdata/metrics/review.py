"""What the weekly review shows: KPI cards against a comparison, movers, funnel, flags.

Every number comes from kpis.kpi_table, so the cards, the CLI and the exports agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ecdata.formatting import format_change, is_missing
from ecdata.i18n import Message
from ecdata.metrics.catalogue import METRICS, TARGET_OF
from ecdata.metrics.currency import CODE_OF, Conversion
from ecdata.metrics.kpis import (
    MONEY_COLUMNS,
    Filters,
    conversion,
    coverage,
    kpi_table,
    scope,
    store_periods_left_out,
    totals,
    with_dates,
)
from ecdata.metrics.periods import compared_range, comparison_range, week_start
from ecdata.metrics.sources import (
    facts_sql,
    has_store_periods,
    period_facts_sql,
    spend_breakdown_check,
    store_currency_rows,
    store_currency_values,
)
from ecdata.sql import Sql, execute
from ecdata.store.database import Cursor
from ecdata.store.settings import STORE_DAYS, STORE_ROWS, store_days_for

CARD_METRICS = (
    "visitors",
    "conversion_rate",
    "sales",
    "aov",
    "inquiries",
    "inquiry_conversion",
    "spend",
    "roi",
    "inquiry_cost",
    "closed_inquiry_cost",
)
# Two funnels: buyers are not a subset of closed inquiries (most buy without asking).
FUNNELS = {
    "traffic": ("visitors", "buyers"),
    "inquiry": ("inquiries", "closed_inquiries"),
}
DEFAULT_MOVE_THRESHOLD = 0.15  # a week-on-week move beyond ±15% is flagged (a setting)


@dataclass(frozen=True)
class Card:
    metric: str
    value: float
    reference: float  # the comparison period's value, or the target
    change: str | None  # text such as "+4.2%" or "-0.3 pp"
    verdict: str  # "good", "bad" or "neutral"
    trend: list  # weekly values up to the range's end, for the sparkline
    # When the stores in view mix currencies, a money card has no single value: one figure
    # per currency symbol instead (kpis.MONEY_COLUMNS are never added across currencies).
    by_currency: dict = field(default_factory=dict)
    # (store-days counted, store-days in range) when a ratio covers only part of the range.
    covered: tuple[int, int] | None = None


def data_bounds(
    cur: Cursor, stores: tuple[str, ...] = (), channels: tuple[str, ...] = ()
) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with store data for these stores and channels (all when empty):
    date presets end at the last day the chosen scope has, not the latest of any store."""
    rows, by_channel = store_days_for(bool(channels))
    return tuple(
        cur.execute(
            f"SELECT min(date), max(date_to) FROM {rows} "
            f"WHERE (len($stores) = 0 OR list_contains($stores, store)) AND {by_channel}",
            {"stores": list(stores), **({"channels": list(channels)} if channels else {})},
        ).fetchall()[0]
    )


def store_list(cur: Cursor) -> pd.DataFrame:
    """Every store any file named: store, currency ('' for one without store figures), first
    and last day of store figures, and how many rows each kind of data holds for it."""
    return cur.execute(
        f"""WITH names AS (
                SELECT store FROM {STORE_DAYS} UNION SELECT store FROM agent_daily
                UNION SELECT store FROM store_monthly UNION SELECT store FROM product_facts
                UNION SELECT store FROM roster WHERE store IS NOT NULL),
            days AS (SELECT store, min(date) AS first_day, max(date_to) AS last_day,
                            count(*) AS store_rows
                     FROM {STORE_ROWS} GROUP BY store),
            currency AS ({store_currency_values(cur)})
            SELECT n.store, COALESCE(c.currency, '') AS currency, d.first_day, d.last_day,
                   COALESCE(d.store_rows, 0) AS store_rows,
                   (SELECT count(*) FROM agent_daily a WHERE a.store = n.store) AS agent_rows,
                   (SELECT count(*) FROM store_monthly m WHERE m.store = n.store) AS month_rows
            FROM names n LEFT JOIN days d USING (store) LEFT JOIN currency c USING (store)
            ORDER BY n.store"""
    ).df()


def store_currencies(cur: Cursor) -> dict[str, str]:
    """Each store's currency symbol, from the platforms its rows were uploaded from (a store
    whose files came from Shopify, Amazon or GA4 is in $; otherwise ¥): sources.py's rule."""
    return dict(store_currency_rows(cur))


def dimension_values(cur: Cursor, column: str) -> list[str]:
    if column not in ("store", "channel"):
        raise ValueError(column)
    rows = STORE_DAYS if column == "store" else STORE_ROWS
    return [
        r[0] for r in cur.execute(f"SELECT DISTINCT {column} FROM {rows} ORDER BY 1").fetchall()
    ]


def _verdict(metric: str, change: float) -> str:
    good = METRICS[metric].good
    if good is None or change == 0 or is_missing(change):
        return "neutral"
    return "good" if (change > 0) == (good == "up") else "bad"


def kpi_cards(cur: Cursor, filters: Filters, comparison: str, trend_weeks: int = 12) -> list[Card]:
    """One card per CARD_METRICS for the filtered range, against `comparison`."""
    now = totals(cur, filters)
    span = comparison_range(*filters.span, comparison)
    before = totals(cur, with_dates(filters, *span)) if span else None
    # Whole weeks only: a partial first week would draw a false dip.
    first, last = filters.span
    trend_from = week_start(last) - dt.timedelta(weeks=trend_weeks - 1)
    weekly = kpi_table(cur, "week", "none", with_dates(filters, trend_from, last))
    cards = []
    for name in CARD_METRICS:
        value = now[name]
        if before is not None:
            reference = before[name]
        else:
            # "Compare with target": the metric's target from the catalogue, else none.
            reference = now[TARGET_OF[name]] if name in TARGET_OF else float("nan")
        unit = METRICS[name].unit
        change = format_change(value, reference, unit)
        diff = value - reference if change else float("nan")
        cards.append(
            Card(
                name,
                value,
                reference,
                change,
                _verdict(name, diff) if change else "neutral",
                [None if is_missing(v) else float(v) for v in weekly[name]],
                covered=coverage(now, name),
            )
        )
    return with_each_currency(cur, filters, cards)


def with_each_currency(cur: Cursor, filters: Filters, items: list[Any]) -> list[Any]:
    """`items` (the review's cards, the meeting's target lines: each with a metric and a
    by_currency), the money ones given each currency's own figure when the converted total
    would leave money out (totals_per_currency)."""
    per_currency = totals_per_currency(cur, filters)
    return [
        replace(item, by_currency={s: row[item.metric] for s, row in per_currency.items()})
        if per_currency and item.metric in MONEY_COLUMNS
        else item
        for item in items
    ]


def totals_per_currency(cur: Cursor, filters: Filters) -> dict[str, pd.Series]:
    """Each currency's own totals row when the stores in scope are in several currencies and
    a month's rate is missing (a converted total would leave that money out); else {}: one
    figure, converted or in the one currency, is the answer."""
    groups = currency_groups(cur, filters) if conversion(cur, filters).missing else {}
    if len(groups) < 2:
        return {}
    return {
        symbol: totals(cur, replace(filters, stores=stores)) for symbol, stores in groups.items()
    }


def currency_groups(cur: Cursor, filters: Filters) -> dict[str, tuple[str, ...]]:
    """The stores in scope grouped by their currency symbol ('?' for a store whose files came
    in different currencies), each group sorted."""
    currencies = store_currencies(cur)
    stores = filters.stores or tuple(sorted(currencies))
    groups: dict[str, list[str]] = {}
    for store in stores:
        groups.setdefault(currencies.get(store, "¥"), []).append(store)
    return {symbol: tuple(sorted(names)) for symbol, names in sorted(groups.items())}


def funnel(row: pd.Series, which: str) -> list[tuple[str, float]]:
    """The stages of FUNNELS[which] with the range's values (a totals row)."""
    return [(m, row[m]) for m in FUNNELS[which]]


def has_targets(cur: Cursor, filters: Filters) -> bool:
    """Whether any store in scope has a sales target or a target inquiry cost uploaded."""
    return bool(
        cur.execute(
            """SELECT count(*) FROM store_monthly
               WHERE (sales_target IS NOT NULL OR target_inquiry_cost IS NOT NULL)
                 AND (len($stores) = 0 OR list_contains($stores, store))""",
            {"stores": list(filters.stores)},
        ).fetchall()[0][0]
    )


def movers(
    cur: Cursor, filters: Filters, comparison: str, by: str, metric: str, top: int = 5
) -> pd.DataFrame:
    """Stores or channels whose `metric` moved most against the comparison period, or, when
    comparing with targets, fell furthest short of (or beat) its target. Metrics without a
    target are compared with the previous period.

    Columns: the dimension, current, previous (the target, when that is the reference),
    change (absolute), change_pct, verdict.
    """
    table = kpi_table(cur, "total", by, filters)
    if comparison == "target" and metric in TARGET_OF:
        both = table[[by, metric, TARGET_OF[metric]]].copy()
    else:
        span = compared_range(*filters.span, comparison)
        before = kpi_table(cur, "total", by, with_dates(filters, *span))[[by, metric]]
        both = table[[by, metric]].merge(before, on=by, how="outer", suffixes=("_now", "_before"))
    both.columns = [by, "current", "previous"]
    both["change"] = both.current - both.previous
    both["change_pct"] = both.change / both.previous.abs().where(both.previous != 0)
    both["verdict"] = [_verdict(metric, c) if not math.isnan(c) else "neutral" for c in both.change]
    both = both.dropna(subset=["change"])
    return both.reindex(both.change_pct.abs().sort_values(ascending=False).index).head(top)


def week_flags(
    cur: Cursor,
    filters: Filters,
    threshold: float = DEFAULT_MOVE_THRESHOLD,
    metrics: tuple[str, ...] = ("conversion_rate", "inquiry_cost", "sales"),
) -> pd.DataFrame:
    """Weeks per store that missed a target or moved more than `threshold` week on week.

    Columns: period, store, metric, value, reference, kind ('target' or 'move').
    """
    first, last = filters.span
    weekly = kpi_table(
        cur, "week", "store", with_dates(filters, first - dt.timedelta(weeks=1), last)
    )
    weekly = weekly.sort_values(["store", "period"], kind="stable").reset_index(drop=True)
    # Each store's previous week in the table (vectorised: 500 stores' rows one by one
    # were 0.3 s of a cold weekly review).
    before = weekly.groupby("store", sort=False)[list(metrics)].shift(1)
    shown = weekly.period >= filters.date_from
    found = []
    checks = [
        (m, target, "target")
        for m, target in (("sales", "sales_target"), ("inquiries", "inquiry_target"))
    ]
    checks += [(m, m, "move") for m in metrics]
    for order, (metric, reference_col, kind) in enumerate(checks):
        value = weekly[metric]
        if kind == "target":
            reference = weekly[reference_col]
            hit = value.notna() & reference.notna() & (value < reference)
        else:
            reference = before[metric]
            moved = (value / reference.where(reference != 0) - 1).abs() > threshold
            hit = value.notna() & reference.notna() & moved
        hit &= shown
        found.append(
            pd.DataFrame(
                {
                    "period": weekly.period[hit],
                    "store": weekly.store[hit],
                    "metric": metric,
                    "value": value[hit],
                    "reference": reference[hit],
                    "kind": kind,
                    "_order": order,
                }
            )
        )
    rows = pd.concat(found).sort_values(["store", "period", "_order"], kind="stable")
    return rows.drop(columns="_order").reset_index(drop=True)


# A chart draws this many stores or channels at most: 500 lines are read by nobody, and
# build in seconds. The tables below it keep them all.
CHART_GROUPS = 10


def biggest(frame: pd.DataFrame, by: str, limit: int = CHART_GROUPS) -> list[str]:
    """The `limit` stores or channels of a kpi_table frame with the most sales over its
    periods (then by name), for a chart that cannot show them all."""
    totals_by = frame.groupby(by, sort=True)["sales"].sum(min_count=1)
    ranked = totals_by.reset_index().sort_values(["sales", by], ascending=[False, True])
    return list(ranked[by].head(limit))


def not_final_days(cur: Cursor, filters: Filters) -> list[dt.date]:
    """Days in range whose numbers are still placeholders (T+1 delayed exports)."""
    return [
        r[0]
        for r in execute(
            cur,
            Sql("SELECT DISTINCT date FROM store_daily WHERE not_final AND ")
            + scope(filters)
            + " ORDER BY 1",
        ).fetchall()
    ]


def fact_rows(cur: Cursor, filters: Filters, limit: int = 50_000) -> pd.DataFrame:
    """The rows behind a view, for the drill-down table and its download, as the totals
    count them (sources.facts_sql): spend counted once with an ad report's breakdown of it
    in its own column, inquiries taken from customer-service reports as rows of their own
    (source 'service'), and (with a `date_to` column) the store period facts that overlap
    the dates. Their sums are the page's totals."""
    columns = (
        "store, channel, source, visitors, page_views, buyers, sales, inquiries, "
        "closed_inquiries, spend, breakdown_spend, refunds, not_final, batch_id"
    )
    # The newest `limit` rows lie on or after the last day from which that many daily rows
    # are newer: only those are sorted (a year of 500 stores is 1.8M rows, and sorting them
    # all for the newest 50,000 took 0.55 s). NULL when the scope has fewer rows.
    newest = Sql.of(
        """SELECT max(date) FROM (
                SELECT date, sum(count(*)) OVER (ORDER BY date DESC) AS newer
                FROM store_daily WHERE {scope} GROUP BY date)
            WHERE newer >= $limit""",
        {"limit": limit},
        scope=scope(filters),
    )
    (first_day,) = execute(cur, newest).fetchall()[0]
    if first_day is not None:
        filters = dataclasses.replace(filters, date_from=first_day)
    daily = Sql(f"SELECT date, {columns} FROM ({facts_sql(cur)}) WHERE ") + scope(filters)
    if not has_store_periods(cur):
        last = Sql(" ORDER BY date DESC, store, channel, source LIMIT $limit", {"limit": limit})
        return execute(cur, daily + last).df()
    # A period overlaps the dates when it starts by their end and ends after their start.
    overlap = (
        "(len($stores) = 0 OR list_contains($stores, store)) "
        "AND (len($channels) = 0 OR list_contains($channels, channel)) "
        "AND date <= COALESCE($date_to, DATE '9999-12-31') "
        "AND date_to >= COALESCE($date_from, DATE '0001-01-01')"
    )
    rows = Sql.of(
        """SELECT * FROM (
                SELECT date, date AS date_to, * EXCLUDE (date) FROM ({daily})
                UNION ALL BY NAME
                SELECT date, date_to, {columns} FROM ({periods}) WHERE {overlap})
            ORDER BY date DESC, store, channel, source LIMIT $limit""",
        {"limit": limit},
        daily=daily,
        columns=columns,
        periods=period_facts_sql(cur),
        overlap=overlap,
    )
    return execute(cur, rows).df()


def period_comparison(
    cur: Cursor, filters: Filters, comparison: str, by: str, metrics: tuple[str, ...]
) -> pd.DataFrame:
    """Each metric for the range and its comparison range, per store/channel (or in total).

    Columns: the dimension (unless by == 'none'), then per metric: <m>, <m>_before,
    <m>_change (relative; percentage points are left to the reader for rates).
    """
    span = compared_range(*filters.span, comparison)
    keys = [] if by == "none" else [by]
    now = kpi_table(cur, "total", by, filters)[keys + list(metrics)]
    before = kpi_table(cur, "total", by, with_dates(filters, *span))[keys + list(metrics)]
    if keys:
        both = now.merge(before, on=keys, how="outer", suffixes=("", "_before"))
    else:
        both = pd.concat(
            [now.reset_index(drop=True), before.add_suffix("_before").reset_index(drop=True)],
            axis=1,
        )
    for m in metrics:
        both[f"{m}_change"] = (both[m] - both[f"{m}_before"]) / both[f"{m}_before"].abs().where(
            both[f"{m}_before"] != 0
        )
    return both


def source_notes(cur: Cursor, filters: Filters, grain: str = "total") -> list[Message]:
    """What a reader should know about where the range's numbers came from (sources.py):
    inquiries taken from customer-service reports, and an ad report's breakdown of spend that
    disagrees with the store file's figure; store period reports a table at `grain` leaves
    out, and why."""
    notes = _periods_left_out_notes(cur, filters, grain)
    row = totals(cur, filters)
    if row.get("partial") is True or row.get("partial") == 1:
        latest = data_bounds(cur, filters.stores, filters.channels)[1]
        notes.append(Message("note.partial_range", {"last": latest, "end": filters.date_to}))
    if not is_missing(row.service_inquiries) and row.service_inquiries > 0:
        notes.append(
            Message(
                "note.service_inquiries", {"service": row.service_inquiries, "total": row.inquiries}
            )
        )
    notes += conversion_notes(conversion(cur, filters))
    notes += coverage_notes(row, len(filters.stores) == 1)
    notes += _cost_parts_notes(cur, filters)
    mismatch = spend_breakdown_check(cur, scope(filters, with_channel=False))
    if mismatch:
        stated, breakdown = mismatch
        notes.append(
            Message(
                "warn.spend_breakdown",
                {"stated": stated, "breakdown": breakdown, "diff": breakdown / stated - 1},
            )
        )
    return notes


# The ratios a page of totals shows, whose coverage it states when partial.
COVERAGE_SAID = (
    "conversion_rate",
    "aov",
    "inquiry_conversion",
    "roi",
    "inquiry_cost",
    "closed_inquiry_cost",
    "sales_target_completion",
    "inquiry_task_completion",
)


def conversion_notes(converted: Conversion) -> list[Message]:
    """What a converted total says: the rates it used, and the months and currencies whose
    rate is missing (their money is left out, never summed unconverted)."""
    if not converted.converted:
        return []
    notes = []
    if converted.rates:
        notes.append(
            Message(
                "note.converted",
                {
                    "into": CODE_OF.get(converted.currency, converted.currency),
                    "rates": "; ".join(
                        f"{CODE_OF.get(c, c)} {m:%Y-%m} {factor:.4g}"
                        for m, c, factor in converted.rates
                    ),
                },
            )
        )
    if converted.missing:
        notes.append(
            Message(
                "warn.rate_missing",
                {
                    "missing": ", ".join(
                        f"{m:%Y-%m} {CODE_OF.get(c, c)}" for m, c in converted.missing
                    )
                },
            )
        )
    return notes


def coverage_notes(row: pd.Series, one_store: bool) -> list[Message]:
    """One note per partial coverage (kpis.coverage) of the row's ratios, ratios with the
    same coverage named together: 'inquiry cost covers 1 of 7 days'."""
    by_coverage: dict[tuple[int, int], list[str]] = {}
    for name in COVERAGE_SAID:
        covered = coverage(row, name)
        if covered:
            by_coverage.setdefault(covered, []).append(name)
    key = "note.coverage_days" if one_store else "note.coverage_store_days"
    return [
        Message(
            key,
            {
                "what_zh": "、".join(METRICS[m].label("zh") for m in names),
                "what_en": ", ".join(METRICS[m].label("en") for m in names),
                "covered": covered,
                "total": total,
            },
        )
        for (covered, total), names in by_coverage.items()
    ]


def _cost_parts_notes(cur: Cursor, filters: Filters) -> list[Message]:
    """Inquiry cost adds whatever cost parts a store reported: name the stores whose cost
    leaves a part out (a store without a monthly cost file), so "¥3 per inquiry" from spend
    alone is not read as the full cost, and no other store is blamed for it."""
    stores = kpi_table(cur, "total", "store", filters)
    lacking: dict[tuple[str, ...], list[str]] = {}  # the parts a store lacks -> those stores
    for row in stores[stores.inquiries > 0].itertuples():
        parts = tuple(
            p for p in ("spend", "labor_cost", "management_cost") if is_missing(getattr(row, p))
        )
        if parts:
            lacking.setdefault(parts, []).append(str(row.store))
    return [
        Message(
            "warn.cost_part_missing",
            {
                "part_zh": "、".join(METRICS[p].label("zh") for p in parts),
                "part_en": ", ".join(METRICS[p].label("en").lower() for p in parts),
                "stores": sorted(names),
            },
        )
        for parts, names in lacking.items()
    ]


def _periods_left_out_notes(cur: Cursor, filters: Filters, grain: str) -> list[Message]:
    """One note per reason a store period report in scope does not count (kpis.py)."""
    left = store_periods_left_out(cur, filters, grain)
    notes = []
    for reason, rows in left.groupby("reason", sort=True):
        periods = ", ".join(
            f"{r.store} {r.date:%Y-%m-%d} ~ {r.date_to:%Y-%m-%d}"
            for r in rows.drop_duplicates(["store", "date", "date_to"]).itertuples()
        )
        notes.append(Message(f"note.periods_{reason}", {"periods": periods}))
    return notes
