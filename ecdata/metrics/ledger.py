"""The inquiry ledger as numbers: each inquiry judged by the team's standard, and the ledger's
daily counts that stand in for store-level inquiry counts (sources.facts_sql).

The team's standard (docs/domain.md §3, 询盘质量度) is a setting: an inquiry is *qualified*
when its status is one of `qualified_statuses`, or when every field of `qualified_fields` is
filled (a company and a quantity); a manager's mark on a single inquiry wins over both. It is
*closed* when the list says so (a 是否成交 column) or its status is one of `closed_statuses`.
A reply counts as prompt within `reply_hours` of the inquiry.

Where the ledger covers a store (from its first inquiry's day to its last), its counts are
the store's inquiries and closed inquiries on those days: store files' and service reports'
counts for the same store-days are not added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from ecdata.store.database import Cursor
from ecdata.store.settings import setting

RULES_SETTING = "inquiry_rules"
LEDGER_SOURCE = "ledger"  # the `source` of fact rows counted from the ledger
# A day's counts of a ledger that has no inquiry that day: its channel (sources.STORE_CHANNEL).
LEDGER_EMPTY_CHANNEL = "all"
# What a row of the ledger may be judged by (the standard's field names).
JUDGED_FIELDS = ("company", "quantity", "country", "product", "agent", "channel", "amount")
# Per store-day (and channel) sums the ledger adds to the fact rows; NULL elsewhere.
LEDGER_SUMS = (
    "ledger_inquiries",
    "qualified_inquiries",
    "reply_hours",
    "replied",
    "replied_within",
    "reply_known",
)


@dataclass(frozen=True)
class InquiryRules:
    """The team's standard for its inquiry list (setting RULES_SETTING)."""

    qualified_statuses: tuple[str, ...] = (
        "有效",
        "已报价",
        "已成交",
        "qualified",
        "open_deal",
        "converted",
    )
    qualified_fields: tuple[str, ...] = ()
    closed_statuses: tuple[str, ...] = ("已成交", "成交", "closed won", "won", "converted")
    reply_hours: float = 24.0
    time_zone: str = "Asia/Shanghai"
    keep_contacts: bool = False

    def as_setting(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_setting(cls, value: dict | None) -> InquiryRules:
        value = value or {}
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for name, raw in value.items():
            if name not in known:
                continue
            kwargs[name] = tuple(str(v) for v in raw) if isinstance(raw, list) else raw
        return cls(**kwargs)


def inquiry_rules(cur: Cursor) -> InquiryRules:
    return InquiryRules.from_setting(setting(cur, RULES_SETTING))


def _words(values: tuple[str, ...]) -> str:
    """A DuckDB list literal of lower-cased, trimmed words."""
    quoted = ", ".join("'" + v.strip().lower().replace("'", "''") + "'" for v in values)
    return f"[{quoted}]::VARCHAR[]"


def judged_sql(cur: Cursor) -> str:
    """A SELECT of every ledger row with its `day` (the received time's date), `qualified`,
    `qualified_by` ('mark', 'standard' or NULL when the standard says nothing), `closed`,
    `reply_hours` (NULL without a reply) and `replied_within` (NULL where the list has no
    reply times; false for an inquiry not answered)."""
    rules = inquiry_rules(cur)
    by_status = f"list_contains({_words(rules.qualified_statuses)}, lower(trim(i.status)))"
    filled = " AND ".join(
        f"(i.{f} IS NOT NULL AND trim(CAST(i.{f} AS VARCHAR)) <> '')"
        for f in rules.qualified_fields
        if f in JUDGED_FIELDS
    )
    standard = " OR ".join(
        ([by_status] if rules.qualified_statuses else []) + ([f"({filled})"] if filled else [])
    )
    judged = f"COALESCE({standard}, false)" if standard else "NULL"
    closed_status = f"list_contains({_words(rules.closed_statuses)}, lower(trim(i.status)))"
    hours = "date_diff('second', i.received, i.first_reply) / 3600.0"
    marked = "CASE m.mark WHEN 'qualified' THEN true WHEN 'not_qualified' THEN false END"
    return f"""
        SELECT i.*, CAST(i.received AS DATE) AS day,
               COALESCE({marked}, {judged}) AS qualified,
               CASE WHEN {marked} IS NOT NULL THEN 'mark'
                    WHEN {judged} IS NOT NULL THEN 'standard' END AS qualified_by,
               COALESCE(i.closed, false) OR COALESCE({closed_status}, false) AS closed_any,
               CASE WHEN i.first_reply >= i.received THEN {hours} END AS reply_hours,
               -- Unanswered counts as not in time, once the list says it records replies.
               CASE WHEN i.reply_known THEN COALESCE(i.first_reply >= i.received
                         AND {hours} <= {float(rules.reply_hours)}, false) END AS replied_within
        FROM inquiries i LEFT JOIN inquiry_marks m USING (store, inquiry_id)"""


# Sums over judged rows (judged_sql) under the catalogue's base names: a count judged by no
# standard, or of replies where the list has no reply times, is NULL, never zero.
JUDGED_SUMS = """count(*)::DOUBLE AS inquiries,
    count_if(closed_any)::DOUBLE AS closed_inquiries,
    CASE WHEN count(qualified) > 0 THEN count_if(qualified) END::DOUBLE AS qualified_inquiries,
    sum(reply_hours) AS reply_hours,
    count(reply_hours)::DOUBLE AS replied,
    CASE WHEN count(replied_within) > 0 THEN count_if(replied_within) END::DOUBLE
        AS replied_within,
    CASE WHEN count(replied_within) > 0 THEN count(replied_within) END::DOUBLE AS reply_known"""


HAS_LEDGER_SQL = "EXISTS (SELECT 1 FROM inquiries)"


def has_ledger(cur: Cursor) -> bool:
    """Whether any inquiry is stored (most databases have none: the fact view skips it)."""
    return bool(cur.execute(f"SELECT {HAS_LEDGER_SQL}").fetchall()[0][0])


def ledger_days_sql() -> str:
    """A SELECT of (date, store): every day from a store's first inquiry in the ledger to its
    last, the store-days whose inquiries the ledger counts."""
    return """
        SELECT CAST(unnest(generate_series(lo, hi, INTERVAL 1 DAY)) AS DATE) AS date, store
        FROM (SELECT store, CAST(CAST(min(received) AS DATE) AS TIMESTAMP) AS lo,
                     CAST(CAST(max(received) AS DATE) AS TIMESTAMP) AS hi
              FROM inquiries GROUP BY store)"""


def ledger_facts_sql(cur: Cursor) -> str:
    """A SELECT of fact rows counted from the ledger, per date, store and channel (the
    inquiry's source; 'all' when it names none, and for a covered day without inquiries,
    which counts zero): inquiries, closed_inquiries and LEDGER_SUMS."""
    return f"""
        WITH judged AS ({judged_sql(cur)}),
        counted AS (
            SELECT day AS date, store, COALESCE(channel, '{LEDGER_EMPTY_CHANNEL}') AS channel,
                   {JUDGED_SUMS}, count(*)::DOUBLE AS ledger_inquiries
            FROM judged GROUP BY ALL
        ),
        quiet AS (
            SELECT d.date, d.store, '{LEDGER_EMPTY_CHANNEL}' AS channel, 0.0 AS inquiries,
                   0.0 AS closed_inquiries, 0.0 AS ledger_inquiries
            FROM ({ledger_days_sql()}) d
            ANTI JOIN counted c ON c.date = d.date AND c.store = d.store
        )
        SELECT * FROM counted UNION ALL BY NAME SELECT * FROM quiet"""
