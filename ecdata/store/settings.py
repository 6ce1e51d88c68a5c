"""What an owner states beside the files: a store's currency, when its platform's default is
wrong for it (an Amazon UK store sells in £, the platform table says $); and the app's
settings (the meeting's agenda, how people are named on a shared screen), kept with their
history so that a change can be undone."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ecdata.store.database import ACTOR, Cursor, Store, check_company_wide, check_granted

CURRENCIES = ("¥", "$", "£", "€", "HK$", "NT$", "₹", "A$", "C$")


def set_store_currency(store: Store, store_name: str, currency: str | None) -> None:
    """State a store's currency (None: read it from its files' platforms again)."""
    if currency is not None and currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}")
    with store.writer() as cur:
        check_granted(cur, [store_name])
        cur.execute("DELETE FROM store_settings WHERE store = ?", [store_name])
        if currency is not None:
            cur.execute(
                "INSERT INTO store_settings (store, currency, set_by) VALUES (?, ?, ?)",
                [store_name, currency, ACTOR.get()],
            )


def setting(cur: Cursor, key: str, default: Any = None) -> Any:
    """The value in force for `key` (the latest change not undone), else `default`."""
    row = cur.execute(
        """SELECT value FROM app_settings WHERE key = ? AND undone_at IS NULL
           ORDER BY setting_id DESC LIMIT 1""",
        [key],
    ).fetchall()
    return json.loads(row[0][0]) if row else default


def save_setting(store: Store, key: str, value: Any) -> int:
    """Put `value` (anything JSON can hold) in force for `key`; returns the change's id.
    Saving the value already in force changes nothing (and returns 0)."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    with store.writer() as cur:
        check_company_wide(cur)  # settings hold for every store
        current = cur.execute(
            """SELECT value FROM app_settings WHERE key = ? AND undone_at IS NULL
               ORDER BY setting_id DESC LIMIT 1""",
            [key],
        ).fetchall()
        if current and current[0][0] == text:
            return 0
        setting_id = cur.execute(
            "SELECT COALESCE(max(setting_id), 0) + 1 FROM app_settings"
        ).fetchall()[0][0]
        cur.execute(
            "INSERT INTO app_settings (setting_id, key, value, created_by) VALUES (?, ?, ?, ?)",
            [setting_id, key, text, ACTOR.get()],
        )
    return setting_id


def undo_setting(store: Store, *keys: str) -> bool:
    """Undo the latest change in force among `keys` (the value before it is in force
    again); False when there is none."""
    with store.writer() as cur:
        latest = cur.execute(
            """SELECT setting_id FROM app_settings
               WHERE list_contains($keys, key) AND undone_at IS NULL
               ORDER BY setting_id DESC LIMIT 1""",
            {"keys": list(keys)},
        ).fetchall()
        if not latest:
            return False
        cur.execute(
            "UPDATE app_settings SET undone_at = current_timestamp WHERE setting_id = ?",
            [latest[0][0]],
        )
    return True


def setting_history(cur: Cursor, key: str) -> pd.DataFrame:
    """Every change of `key`, newest first: setting_id, value (decoded), created_at,
    undone_at."""
    frame = cur.execute(
        """SELECT setting_id, value, created_at, undone_at, created_by FROM app_settings
           WHERE key = ?
           ORDER BY setting_id DESC""",
        [key],
    ).df()
    frame["value"] = [json.loads(v) for v in frame.value]
    return frame
