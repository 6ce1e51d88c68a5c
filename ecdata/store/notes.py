"""Dated notes on the timeline: what happened on a day (a promotion, a price change, a
stock-out, Double 11), for one store or all, shown on every trend chart. Removing a note
keeps it (removed_at), so the history of what was said stays."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ecdata.store.database import Cursor, Store, check_company_wide, check_granted

MAX_NOTE_LENGTH = 200


def add_note(store: Store, day: dt.date, text: str, store_name: str | None = None) -> int:
    """Keep a note for `day` (for `store_name`, or every store); returns its id."""
    text = " ".join(text.split())[:MAX_NOTE_LENGTH]
    if not text:
        raise ValueError("a note needs text")
    with store.writer() as cur:
        if store_name:
            check_granted(cur, [store_name])
        else:
            check_company_wide(cur)
        note_id = cur.execute(
            "SELECT COALESCE(max(note_id), 0) + 1 FROM timeline_notes"
        ).fetchall()[0][0]
        cur.execute(
            "INSERT INTO timeline_notes (note_id, day, store, text) VALUES (?, ?, ?, ?)",
            [note_id, day, store_name or None, text],
        )
    return note_id


def remove_note(store: Store, note_id: int) -> None:
    with store.writer() as cur:
        cur.execute(
            "UPDATE timeline_notes SET removed_at = current_timestamp WHERE note_id = ?",
            [note_id],
        )


def timeline_notes(
    cur: Cursor, first: dt.date | None, last: dt.date | None, stores: tuple[str, ...] = ()
) -> pd.DataFrame:
    """The notes in force between `first` and `last` for these stores (all when empty):
    note_id, day, store (None: every store), text; by day."""
    return cur.execute(
        """SELECT note_id, day, store, text FROM timeline_notes
           WHERE removed_at IS NULL
             AND day BETWEEN COALESCE($first, DATE '0001-01-01')
                         AND COALESCE($last, DATE '9999-12-31')
             AND (store IS NULL OR len($stores) = 0 OR list_contains($stores, store))
           ORDER BY day, note_id""",
        {"first": first, "last": last, "stores": list(stores)},
    ).df()
