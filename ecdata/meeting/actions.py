"""Action items agreed in the weekly meeting: what, who, by which week, and optionally the
metric it should move. An item is carried to every later week's agenda until it is done; a
done item keeps its history, with the metric's value when it was added, when it was done and
in the week looked at."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ecdata.formatting import is_missing
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters, totals
from ecdata.metrics.periods import week_start
from ecdata.store import Store
from ecdata.store.database import ACTOR, check_company_wide, check_granted

MAX_TEXT = 200
COLUMNS = [
    "item_id",
    "week",
    "what",
    "owner",
    "due_week",
    "metric",
    "stores",
    "value_then",
    "done_week",
    "value_done",
    "value_now",
    "carried",
    "overdue",
]


def metric_in_week(cur, metric: str | None, week: dt.date, stores=()) -> float | None:
    """The metric's value over the Monday-to-Sunday week of `week`, for these stores (all
    when empty); None without a metric or a value."""
    if not metric:
        return None
    first = week_start(week)
    value = totals(cur, Filters(tuple(stores), (), first, first + dt.timedelta(days=6)))[metric]
    return None if is_missing(value) else value


def add_action(
    store: Store,
    week: dt.date,
    what: str,
    owner: str | None = None,
    due_week: dt.date | None = None,
    metric: str | None = None,
    stores: tuple[str, ...] = (),
) -> int:
    """Keep an action item agreed in the meeting of `week`; returns its id."""
    what = " ".join(what.split())[:MAX_TEXT]
    if not what:
        raise ValueError("an action item says what is to be done")
    if metric and metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    week = week_start(week)
    due = week_start(due_week) if due_week else None
    value_then = metric_in_week(store.reader(), metric, week, stores)
    with store.writer() as cur:
        # An item is about its stores' numbers, or about every store.
        if stores:
            check_granted(cur, stores)
        else:
            check_company_wide(cur)
        item_id = cur.execute("SELECT COALESCE(max(item_id), 0) + 1 FROM action_items").fetchall()
        item_id = item_id[0][0]
        cur.execute(
            """INSERT INTO action_items
               (item_id, week, what, owner, due_week, metric, stores, value_then, created_by)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                item_id,
                week,
                what,
                owner or None,
                due,
                metric or None,
                list(stores),
                value_then,
                ACTOR.get(),
            ],
        )
    return item_id


def mark_done(store: Store, item_id: int, week: dt.date) -> None:
    """Mark an item done in the meeting of `week`, reading its metric then."""
    row = (
        store.reader()
        .execute("SELECT metric, stores FROM action_items WHERE item_id = ?", [item_id])
        .fetchall()
    )
    if not row:
        raise KeyError(item_id)
    metric, stores = row[0]
    value = metric_in_week(store.reader(), metric, week, stores or ())
    with store.writer() as cur:
        if stores:
            check_granted(cur, stores)
        else:
            check_company_wide(cur)
        cur.execute(
            """UPDATE action_items SET done_week = ?, value_done = ?, done_at = current_timestamp
               WHERE item_id = ? AND done_at IS NULL""",
            [week_start(week), value, item_id],
        )


def action_items(cur, week: dt.date | None = None, open_only: bool = False) -> pd.DataFrame:
    """The items of the meeting of `week` (every item when None): those added by then that
    are still open, and those done in that week or later. `carried`: added in an earlier
    week; `overdue`: open past its due week; `value_now`: the metric in that week."""
    first = week_start(week) if week else None
    frame = cur.execute(
        """SELECT item_id, week, what, owner, due_week, metric, stores, value_then,
                  done_week, value_done
           FROM action_items
           WHERE ($week IS NULL OR week <= $week)
             AND (done_week IS NULL OR (NOT $open_only AND ($week IS NULL OR done_week >= $week)))
           ORDER BY done_week IS NOT NULL, due_week NULLS LAST, item_id""",
        {"week": first, "open_only": open_only},
    ).df()
    for column in ("week", "due_week", "done_week"):
        frame[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    now = first or week_start(dt.date.today())
    frame["value_now"] = [
        metric_in_week(cur, m, now, tuple(s) if s is not None else ()) if m else None
        for m, s in zip(frame.metric, frame.stores)
    ]
    frame["carried"] = [w < now for w in frame.week]
    frame["overdue"] = [
        d is not None and done is None and d < now
        for d, done in zip(frame.due_week, frame.done_week)
    ]
    return frame[COLUMNS]
