"""Which stored numbers count, and where each came from: the fact view every KPI reads.

Uploads are stored as they were sent (so undo stays exact); two corrections are made when
they are read, because owners upload overlapping reports:

- **Inquiries from customer-service reports.** A store-day with no store-level inquiries
  takes the sum of its agents' inquiries and closed inquiries that day (赤兔, 千牛, 飞鸽, 京东
  service reports), as channel 'all'. A store-level figure, when uploaded, wins.
- **Spend counted once.** An ad report of a platform whose store file already includes that
  spend (Alimama plans inside 生意参谋's 推广花费) is a breakdown: on a store-day whose store
  file states its spend, the ad report's spend is kept as `breakdown_spend`, not added.
  Ad platforms the store file does not cover (千川 for a Tmall store) still add.

Every row says its `source`: the platform of the batch that stored it, or 'service' for
inquiries taken from agents; and its store's `currency` (kpis.py never adds two currencies).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ecdata.metrics.ledger import (
    HAS_LEDGER_SQL,
    LEDGER_SOURCE,
    LEDGER_SUMS,
    ledger_days_sql,
    ledger_facts_sql,
)
from ecdata.platforms import spend_overlaps
from ecdata.sql import Sql, execute
from ecdata.store.database import Cursor, per_data_version
from ecdata.store.schema import ROLLUP, STORE_DAILY
from ecdata.store.settings import store_currency_sql

SERVICE_SOURCE = "service"  # inquiries summed from customer-service (agent) reports
STORE_CHANNEL = "all"  # the channel of store-level figures

# The store metrics a fact row carries besides spend (spend is counted once, below).
_FACT_COLUMNS = ", ".join(c for c in STORE_DAILY.metrics + STORE_DAILY.flags if c != "spend")
# The sums only the inquiry ledger has (ledger.py), NULL on every other fact row.
_NO_LEDGER = ", ".join(f"CAST(NULL AS DOUBLE) AS {c}" for c in LEDGER_SUMS)
# Inquiry counts a store file states, unless the ledger counts that store-day (alias `ld`).
_LEDGER_WINS = (
    "CASE WHEN ld.store IS NULL THEN s.inquiries END AS inquiries, "
    "CASE WHEN ld.store IS NULL THEN s.closed_inquiries END AS closed_inquiries"
)


def store_currency_rows(cur: Cursor) -> list[tuple[str, str]]:
    """(store, currency) for every store, as store_currency_sql finds them; remembered until
    the data change: every KPI query needs them, and finding them scans the fact tables
    (0.06 s at 10M rows, 15 times in a cold weekly review)."""
    return per_data_version(
        cur, ("store_currency",), lambda: execute(cur, Sql(store_currency_sql())).fetchall()
    )


def store_currency_values(cur: Cursor) -> str:
    """A SELECT of (store, currency) (store_currency_rows), from a table registered on `cur`:
    written out as VALUES, 500 stores cost 10 ms of parsing in every query that joins them."""
    rows = store_currency_rows(cur)
    table = pa.table(
        {"store": [r[0] for r in rows], "currency": [r[1] for r in rows]},
        schema=pa.schema([("store", pa.string()), ("currency", pa.string())]),
    )
    cur.register("ec_store_currency", table)
    return "SELECT store, currency FROM ec_store_currency"


@dataclass(frozen=True)
class StoredKinds:
    """Which optional kinds of rows are stored: the fact view skips what is absent (most
    databases, most days, have none of them)."""

    breakdowns: bool  # an ad report that may be a breakdown of a store file's spend
    agents: bool  # a customer-service report
    ledger: bool  # an inquiry in the ledger
    periods: bool  # a store period report


def stored_kinds(cur: Cursor) -> StoredKinds:
    """StoredKinds, asked in one query and remembered until the data change: every KPI
    question needs them, and on a DuckLake each table asked is a catalog lookup (5 ms)."""
    ads = [ad for ad, _ in spend_overlaps()]
    question = Sql(
        f"""SELECT COALESCE(count_if(list_contains($ads, platform)) > 0, false),
                   COALESCE(count_if(target_table = 'agent_daily') > 0, false),
                   {HAS_LEDGER_SQL}, EXISTS (SELECT 1 FROM store_periods)
            FROM batches WHERE undone_at IS NULL""",
        {"ads": ads},
    )
    return per_data_version(
        cur, ("stored_kinds",), lambda: StoredKinds(*execute(cur, question).fetchall()[0])
    )


def facts_sql(cur: Cursor, per_channel: bool = True) -> str:
    """A SELECT (to use as a CTE or subquery) with store_daily's keys and metrics, `spend`
    counted once, `breakdown_spend`, `service_inquiries` and `source` for every row.

    `cur` is asked which corrections the stored batches call for; the result is the same
    either way, only cheaper without them. Without `per_channel`, the rows are the
    store-day rollup's (channels added up per batch; `channel` NULL): the same sums for any
    question that does not split or filter by channel, from a tenth of the rows. Every
    correction holds per store-day and batch, so it applies to those rows alike."""
    kinds = stored_kinds(cur)
    breakdowns, agents, ledger = kinds.breakdowns, kinds.agents, kinds.ledger
    rows = "store_daily" if per_channel else f"(SELECT *, NULL::VARCHAR AS channel FROM {ROLLUP})"
    # Where the inquiry ledger covers a store-day, its counts are the inquiries: a store
    # file's or the service reports' counts of the same day are not added to them.
    columns = _FACT_COLUMNS
    ledger_join = ""
    if ledger:
        columns = ", ".join(
            f"s.{c}"
            for c in (c.strip() for c in _FACT_COLUMNS.split(","))
            if c not in ("inquiries", "closed_inquiries")
        )
        columns += ", " + _LEDGER_WINS
        ledger_join = "LEFT JOIN ledger_days ld ON ld.date = s.date AND ld.store = s.store"
    overlaps = spend_overlaps()
    pairs = ", ".join(f"('{ad}', '{store}')" for ad, store in overlaps) or "(NULL, NULL)"
    if breakdowns:
        store_rows = f"""
            SELECT s.date, s.store, s.channel, {columns}, s.source, s.batch_id,
                   CASE WHEN t.ad_platform IS NULL THEN s.spend END AS spend,
                   CASE WHEN t.ad_platform IS NOT NULL THEN s.spend END AS breakdown_spend,
                   CAST(NULL AS DOUBLE) AS service_inquiries, {_NO_LEDGER}
            FROM stored s
            LEFT JOIN spend_stated t
              ON t.date = s.date AND t.store = s.store AND t.ad_platform = s.source
            {ledger_join}"""
    else:
        store_rows = f"""
            SELECT s.date, s.store, s.channel, {columns}, s.source, s.batch_id, s.spend,
                   CAST(NULL AS DOUBLE) AS breakdown_spend,
                   CAST(NULL AS DOUBLE) AS service_inquiries, {_NO_LEDGER}
            FROM stored s {ledger_join}"""
    service_union = (
        f"UNION ALL BY NAME SELECT *, '{SERVICE_SOURCE}' AS source FROM service_rows"
        if agents
        else ""
    )
    ledger_union = (
        f"UNION ALL BY NAME SELECT *, '{LEDGER_SOURCE}' AS source FROM ({ledger_facts_sql(cur)})"
        if ledger
        else ""
    )
    ledger_days = ledger_days_sql() if ledger else "SELECT NULL::DATE AS date, NULL AS store"
    return f"""
        WITH store_currency AS ({store_currency_values(cur)}),
        stored AS (
            SELECT f.*, COALESCE(b.platform, 'generic') AS source
            FROM {rows} f LEFT JOIN batches b USING (batch_id)
        ),
        overlap(ad_platform, store_platform) AS (VALUES {pairs}),
        ledger_days AS ({ledger_days}),
        -- Store-days whose store file (of a platform that includes some ad platform's spend)
        -- states that spend.
        spend_stated AS (
            SELECT DISTINCT s.date, s.store, o.ad_platform
            FROM stored s JOIN overlap o ON s.source = o.store_platform
            WHERE s.spend IS NOT NULL
        ),
        store_rows AS ({store_rows}),
        service_rows AS (
            SELECT a.date, a.store, '{STORE_CHANNEL}' AS channel,
                   sum(a.inquiries) AS inquiries, sum(a.closed_inquiries) AS closed_inquiries,
                   sum(a.inquiries) AS service_inquiries
            FROM agent_daily a
            ANTI JOIN (SELECT DISTINCT date, store FROM {rows}
                       WHERE inquiries IS NOT NULL
                       UNION SELECT date, store FROM ledger_days) s
              ON s.date = a.date AND s.store = a.store
            GROUP BY a.date, a.store
            HAVING sum(a.inquiries) IS NOT NULL
        )
        SELECT u.*, COALESCE(c.currency, '¥') AS currency FROM (
            SELECT * FROM store_rows
            {service_union}
            {ledger_union}
        ) u LEFT JOIN store_currency c USING (store)
    """


def has_store_periods(cur: Cursor) -> bool:
    """Whether any store period report is stored (most databases have none)."""
    return stored_kinds(cur).periods


# A store period fact, and a daily row of its store and channel on one of its days.
_DAILY_COVERS = """EXISTS (SELECT 1 FROM store_daily d
    WHERE d.store = p.store AND d.channel = p.channel AND d.date BETWEEN p.date AND p.date_to)"""


def period_facts_sql(cur: Cursor) -> str:
    """A SELECT of store period facts in facts_sql's columns plus `date_to` (`date` is the
    first day): only those no daily row of their store and channel covers, since the daily
    rows already count those days and a period's share of them cannot be told apart."""
    return f"""
        WITH store_currency AS ({store_currency_values(cur)})
        SELECT p.date, p.date_to, p.store, p.channel,
               {", ".join("p." + c.strip() for c in _FACT_COLUMNS.split(","))},
               COALESCE(b.platform, 'generic') AS source, p.batch_id, p.spend,
               CAST(NULL AS DOUBLE) AS breakdown_spend,
               CAST(NULL AS DOUBLE) AS service_inquiries, {_NO_LEDGER},
               COALESCE(c.currency, '¥') AS currency
        FROM store_periods p LEFT JOIN batches b USING (batch_id)
        LEFT JOIN store_currency c USING (store)
        WHERE NOT {_DAILY_COVERS}"""


def periods_left_out_sql(counted: str) -> str:
    """A SELECT of the store period facts that overlap the scope's dates but do not count
    (store, channel, date, date_to, reason): 'daily' when daily rows cover some of their
    days, 'range' when they reach outside the dates, 'grain' when `counted` (SQL over the
    period row) is false, e.g. a range that crosses a week of a weekly chart."""
    return f"""
        SELECT store, channel, date, date_to,
               CASE WHEN {_DAILY_COVERS} THEN 'daily'
                    WHEN date < COALESCE($date_from, DATE '0001-01-01')
                      OR date_to > COALESCE($date_to, DATE '9999-12-31') THEN 'range'
                    ELSE 'grain' END AS reason
        FROM store_periods p
        WHERE (len($stores) = 0 OR list_contains($stores, store))
          AND (len($channels) = 0 OR list_contains($channels, channel))
          AND date <= COALESCE($date_to, DATE '9999-12-31')
          AND date_to >= COALESCE($date_from, DATE '0001-01-01')
          AND ({_DAILY_COVERS} OR date < COALESCE($date_from, DATE '0001-01-01')
               OR date_to > COALESCE($date_to, DATE '9999-12-31') OR NOT ({counted}))
        ORDER BY store, date, channel"""


# The store file's spend and an ad report's breakdown of it may differ a little (rounding,
# late attribution); beyond this the page says so.
SPEND_MISMATCH_TOLERANCE = 0.02


def spend_breakdown_check(cur: Cursor, in_scope: Sql) -> tuple[float, float] | None:
    """(spend stated by store files, ad reports' breakdown of it) over the store-days in scope
    that have both, when they differ by more than SPEND_MISMATCH_TOLERANCE; else None.

    `in_scope` is kpis.scope without the channel term."""
    if not stored_kinds(cur).breakdowns:
        return None  # no ad report that could be a breakdown is stored
    store_platforms = ", ".join(f"'{p}'" for _, p in spend_overlaps()) or "NULL"
    check = Sql.of(
        """WITH facts AS ({facts}),
            days AS (SELECT date, store,
                            sum(spend) FILTER (WHERE source IN ({store_platforms})) AS spend,
                            sum(breakdown_spend) AS breakdown
                     FROM facts WHERE {in_scope} GROUP BY ALL)
            SELECT sum(spend), sum(breakdown) FROM days
            WHERE breakdown IS NOT NULL AND spend IS NOT NULL""",
        facts=facts_sql(cur),
        store_platforms=store_platforms,
        in_scope=in_scope,
    )
    stated, breakdown = execute(cur, check).fetchall()[0]
    if not stated or breakdown is None:
        return None
    if abs(breakdown - stated) <= SPEND_MISMATCH_TOLERANCE * stated:
        return None
    return float(stated), float(breakdown)
