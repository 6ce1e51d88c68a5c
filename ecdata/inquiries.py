"""The inquiry ledger: inquiry lists stored one row per inquiry, managers' marks, the team's
standard, and the questions the pages, the meeting and the CLI ask of it.

Reading a list is ingest/inquiries.py; judging an inquiry and the daily counts that stand in
for store-level counts are metrics/ledger.py. Every figure here is a sum, and every rate the
catalogue's ratio of those sums (inquiry_quality, first_reply_hours, reply_in_time_rate).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from ecdata.i18n import Message, Refusal
from ecdata.ingest.inquiries import InquiryFile
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters
from ecdata.metrics.ledger import (
    JUDGED_FIELDS,
    JUDGED_SUMS,
    RULES_SETTING,
    InquiryRules,
    inquiry_rules,
    judged_sql,
)
from ecdata.sql import Sql, execute
from ecdata.store import INQUIRIES, INQUIRY_MARKS, Store
from ecdata.store.batches import BatchResult, write_batch
from ecdata.store.database import Cursor, check_owner, per_data_version
from ecdata.store.settings import save_setting

# The ways the ledger is broken down on the pages and in the meeting.
DIMENSIONS = ("agent", "channel", "country", "product", "week")
# The ledger's rates, as the catalogue defines them.
RATES = ("inquiry_quality", "first_reply_hours", "reply_in_time_rate", "inquiry_conversion")
# Columns `inquiry_list` returns (no personal data: that is read only where it is kept).
LIST_COLUMNS = [
    "store",
    "inquiry_id",
    "received",
    "channel",
    "country",
    "product",
    "agent",
    "status",
    "qualified",
    "qualified_by",
    "closed",
    "first_reply",
    "reply_hours",
    "amount",
    "company",
    "quantity",
]
CONTACT_COLUMNS = ["customer", "email", "phone"]
# A person or source needs this many inquiries in each of two weeks before the meeting says
# its quality or reply time fell: two of three is not a trend.
LAG_MIN_INQUIRIES = 5


def save_inquiry_file(store: Store, inquiries: InquiryFile) -> BatchResult:
    """Store a read list as one batch: an inquiry seen before (same store and id) is
    updated, never counted twice; undo restores what it replaced."""
    if inquiries.frame is None:
        raise ValueError(f"{inquiries.file_name} was refused: it has no inquiries to save")
    frame = inquiries.frame.astype(object).where(inquiries.frame.notna(), None)
    stores = sorted(frame["store"].unique())
    meta = {
        "file_name": inquiries.file_name,
        "content_hash": inquiries.content_hash,
        "kind": "inquiries",
        "platform": inquiries.profile.platform.platform if inquiries.profile else "generic",
        "store_param": stores[0] if len(stores) == 1 else None,
        "rows_read": len(frame) + inquiries.duplicates + len({p.row for p in inquiries.problems}),
        "rows_rejected": len({p.row for p in inquiries.problems}),
        "date_min": pd.Timestamp(min(frame["received"])).date(),
        "date_max": pd.Timestamp(max(frame["received"])).date(),
    }
    return write_batch(store, INQUIRIES, frame, meta)


def saved_message(inquiries: InquiryFile, result: BatchResult) -> Message:
    """What the page and the CLI say once a list is stored."""
    return Message(
        "ok.inquiries",
        {
            "file": inquiries.file_name,
            "new": result.rows_new,
            "updated": result.rows_replaced,
            "skipped": len({p.row for p in inquiries.problems}),
            "batch": result.batch_id,
        },
    )


def save_rules(store: Store, rules: InquiryRules) -> int:
    """Put the team's standard in force (a setting, undoable). A field the standard may not
    name, or a reply limit that is not a positive number of hours, is refused."""
    unknown = [f for f in rules.qualified_fields if f not in JUDGED_FIELDS]
    if unknown:
        raise Refusal("err.rules_field", fields=unknown)
    if not rules.reply_hours or rules.reply_hours <= 0:
        raise Refusal("err.rules_hours")
    try:
        ZoneInfo(rules.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise Refusal("err.rules_zone", zone=rules.time_zone) from None
    cur = store.reader()
    if rules.keep_contacts != inquiry_rules(cur).keep_contacts:
        check_owner(cur)  # keeping customers' personal data is the owner's decision
    return save_setting(store, RULES_SETTING, rules.as_setting())


def mark_inquiries(store: Store, marks: pd.DataFrame) -> BatchResult:
    """Managers' judgements of single inquiries (store, inquiry_id, qualified: True, False
    or None to judge it by the standard again), one undoable batch; a mark outlives
    re-uploaded lists."""
    mark = marks["qualified"].map(
        lambda q: "standard" if q is None or pd.isna(q) else ("qualified" if q else "not_qualified")
    )
    frame = pd.DataFrame({"store": marks["store"], "inquiry_id": marks["inquiry_id"], "mark": mark})
    meta = {
        "file_name": "marks",
        "content_hash": f"marks:{pd.Timestamp.now().isoformat()}",
        "kind": "inquiry_marks",
        "rows_read": len(frame),
    }
    return write_batch(store, INQUIRY_MARKS, frame, meta)


def _where(filters: Filters) -> Sql:
    """The filters over judged rows (their day, store and channel)."""
    return Sql(
        "(len($stores) = 0 OR list_contains($stores, store))"
        " AND day BETWEEN COALESCE($date_from, DATE '0001-01-01')"
        " AND COALESCE($date_to, DATE '9999-12-31')"
        " AND (len($channels) = 0 OR list_contains($channels, COALESCE(channel, 'all')))",
        {
            "stores": list(filters.stores),
            "date_from": filters.date_from,
            "date_to": filters.date_to,
            "channels": list(filters.channels),
        },
    )


def inquiry_list(cur: Cursor, filters: Filters, contacts: bool = False) -> pd.DataFrame:
    """The inquiries in scope, newest first, judged (LIST_COLUMNS; with `contacts` and the
    owner's setting keeping them, the customer's name, e-mail and phone too)."""
    columns = LIST_COLUMNS + (CONTACT_COLUMNS if contacts else [])
    where = _where(filters)
    statement = Sql(
        f"""SELECT {", ".join(c if c != "closed" else "closed_any AS closed" for c in columns)}
            FROM ({judged_sql(cur)}) WHERE {where.text}
            ORDER BY received DESC, store, inquiry_id""",
        where.params,
    )
    return execute(cur, statement).df()


def _sums() -> str:
    """The ledger's sums (metrics/ledger.JUDGED_SUMS) and the closed inquiries' amount."""
    return f"{JUDGED_SUMS}, sum(amount) FILTER (WHERE closed_any) AS closed_amount"


def _rates() -> str:
    return ", ".join(f"{METRICS[r].expr} AS {r}" for r in RATES)


def breakdown(cur: Cursor, filters: Filters, by: str) -> pd.DataFrame:
    """Per agent, channel (the inquiry's source), country, product or week: inquiries,
    closed, qualified, reply sums and RATES; largest first (weeks in order). An inquiry
    without the field is counted under '' (never dropped)."""
    if by not in DIMENSIONS:
        raise ValueError(f"by must be one of {DIMENSIONS}")
    key = "CAST(date_trunc('week', day) AS DATE)" if by == "week" else f"COALESCE({by}, '')"
    where = _where(filters)

    def compute() -> pd.DataFrame:
        statement = Sql(
            f"""SELECT *, {_rates()} FROM (
                    SELECT {key} AS {by}, {_sums()}
                    FROM ({judged_sql(cur)}) WHERE {where.text} GROUP BY 1)
                ORDER BY {"week" if by == "week" else "inquiries DESC, " + by}""",
            where.params,
        )
        frame = execute(cur, statement).df()
        if by == "week":
            frame["week"] = pd.to_datetime(frame["week"]).dt.date
        return frame

    return per_data_version(cur, ("ledger_breakdown", by, filters), compute).copy()


def trend(cur: Cursor, filters: Filters, by: str = "channel") -> pd.DataFrame:
    """Week × `by` (channel or agent): the same sums and RATES, for a quality trend."""
    if by not in ("channel", "agent"):
        raise ValueError("a trend is by channel or agent")
    where = _where(filters)
    statement = Sql(
        f"""SELECT *, {_rates()} FROM (
                SELECT CAST(date_trunc('week', day) AS DATE) AS week,
                       COALESCE({by}, '') AS {by}, {_sums()}
                FROM ({judged_sql(cur)}) WHERE {where.text} GROUP BY 1, 2)
            ORDER BY week, {by}""",
        where.params,
    )
    frame = execute(cur, statement).df()
    frame["week"] = pd.to_datetime(frame["week"]).dt.date  # a day, as every chart's periods
    return frame


def coverage(cur: Cursor, filters: Filters) -> pd.DataFrame:
    """Per store whose ledger reaches into the scope: the ledger's first and last day, its
    inquiries in scope, and how many store-days in scope also had counts from store files
    or service reports that the ledger's counts replaced ('the page says which it used')."""
    where = _where(filters)
    statement = Sql(
        f"""WITH judged AS ({judged_sql(cur)}),
            span AS (SELECT store, min(day) AS first_day, max(day) AS last_day
                     FROM judged GROUP BY store),
            counted AS (SELECT store, count(*) AS inquiries FROM judged
                        WHERE {where.text} GROUP BY store),
            stated AS (
                SELECT s.store, count(DISTINCT d.date) AS replaced_days
                FROM span s JOIN (SELECT date, store FROM store_daily
                                  WHERE inquiries IS NOT NULL
                                  UNION SELECT date, store FROM agent_daily
                                  WHERE inquiries IS NOT NULL) d
                  ON d.store = s.store AND d.date BETWEEN s.first_day AND s.last_day
                WHERE d.date BETWEEN COALESCE($date_from, DATE '0001-01-01')
                                 AND COALESCE($date_to, DATE '9999-12-31')
                GROUP BY s.store)
            SELECT s.store, s.first_day, s.last_day, COALESCE(c.inquiries, 0) AS inquiries,
                   COALESCE(t.replaced_days, 0) AS replaced_days
            FROM span s LEFT JOIN counted c USING (store) LEFT JOIN stated t USING (store)
            WHERE (len($stores) = 0 OR list_contains($stores, s.store))
              AND s.first_day <= COALESCE($date_to, DATE '9999-12-31')
              AND s.last_day >= COALESCE($date_from, DATE '0001-01-01')
            ORDER BY s.store""",
        where.params,
    )
    frame = execute(cur, statement).df()
    for column in ("first_day", "last_day"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def agent_month(cur: Cursor, month: dt.date, stores: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per agent (as the list names them) in `month`: inquiries and qualified inquiries, for
    the growth stage's inquiry task completion and inquiry quality (Team KPIs)."""
    last = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    frame = breakdown(cur, Filters(stores=stores, date_from=month, date_to=last), "agent")
    return frame[frame["agent"] != ""][["agent", "inquiries", "qualified_inquiries"]]


def lagging(cur: Cursor, filters: Filters, week: dt.date) -> list[dict]:
    """Agents and sources whose inquiry quality or reply-in-time rate fell from the week
    before `week` to `week` (each with at least LAG_MIN_INQUIRIES inquiries in both weeks):
    {'by', 'name', 'metric', 'now', 'before'}, the largest falls first."""
    out = []
    for by in ("agent", "channel"):
        weeks = [
            breakdown(
                cur, Filters(filters.stores, filters.channels, start, start + dt.timedelta(6)), by
            ).set_index(by)
            for start in (week - dt.timedelta(7), week)
        ]
        before, now = (w.to_dict("index") for w in weeks)
        for name in sorted(set(now) & set(before) - {""}, key=str):
            if min(now[name]["inquiries"], before[name]["inquiries"]) < LAG_MIN_INQUIRIES:
                continue
            for metric in ("inquiry_quality", "reply_in_time_rate"):
                a, b = now[name][metric], before[name][metric]
                if pd.notna(a) and pd.notna(b) and a < b:
                    out.append({"by": by, "name": name, "metric": metric, "now": a, "before": b})
    return sorted(out, key=lambda r: r["now"] - r["before"])
