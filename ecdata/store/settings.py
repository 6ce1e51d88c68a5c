"""What an owner states beside the files: a store's currency, when its platform's default is
wrong for it (an Amazon UK store sells in £, the platform table says $); and the app's
settings (the meeting's agenda, how people are named on a shared screen), kept with their
history so that a change can be undone."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ecdata.platforms import platform_markers
from ecdata.store.database import ACTOR, Cursor, Store, check_company_wide, check_granted
from ecdata.store.schema import ROLLUP

CURRENCIES = ("¥", "$", "£", "€", "HK$", "NT$", "₹", "A$", "C$", "S$", "RM", "Rp", "₱", "฿", "₫")

# What owners write for a currency, to the symbol ecdata shows (settings.CURRENCIES).
CURRENCY_NAMES = {
    "¥": ("CNY", "RMB", "人民币", "元", "¥", "￥"),
    "$": ("USD", "US$", "美元", "$"),
    "£": ("GBP", "英镑", "£"),
    "€": ("EUR", "欧元", "€"),
    "HK$": ("HKD", "港币", "港元", "HK$"),
    "NT$": ("TWD", "新台币", "NT$"),
    "₹": ("INR", "卢比", "₹"),
    "A$": ("AUD", "澳元", "A$"),
    "C$": ("CAD", "加元", "C$"),
    # Shopee, Lazada and TikTok Shop markets: the code in a header ("Sales (IDR)"), the sign
    # in a cell ("S$12.50", "Rp 36.776.556").
    "S$": ("SGD", "新加坡元", "新币", "S$"),
    "RM": ("MYR", "马币", "林吉特", "RM"),
    "Rp": ("IDR", "印尼盾", "Rp"),
    "₱": ("PHP", "菲律宾比索", "₱"),
    "฿": ("THB", "泰铢", "฿"),
    "₫": ("VND", "越南盾", "₫"),
}
_SYMBOL_OF = {name.casefold(): symbol for symbol, names in CURRENCY_NAMES.items() for name in names}
# The ISO code shown beside a symbol (CLI output, messages).
CODE_OF = {symbol: names[0] for symbol, names in CURRENCY_NAMES.items()}


def currency_symbol(text: object) -> str | None:
    """The symbol for a currency as owners write it ('USD', '美元', '$' -> '$'); None for
    one ecdata does not know."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    return _SYMBOL_OF.get(str(text).strip().casefold())


# Every store figure, daily or for a period, with the days it covers and its batch.
STORE_ROWS = """(SELECT date, date AS date_to, store, channel, batch_id FROM store_daily
    UNION ALL SELECT date, date_to, store, channel, batch_id FROM store_periods)"""
# STORE_ROWS without their channel: the store-day rollup holds store_daily's days, stores
# and batches in a tenth of its rows (store_currency_sql at 10M rows: 57 ms -> 12 ms).
STORE_DAYS = f"""(SELECT date, date AS date_to, store, batch_id FROM {ROLLUP}
    UNION ALL SELECT date, date_to, store, batch_id FROM store_periods)"""
# Each (store, batch) of STORE_ROWS.
STORE_BATCHES = f"(SELECT DISTINCT store, batch_id FROM {STORE_DAYS})"


def store_days_for(channels: bool) -> tuple[str, str]:
    """(the rows, a condition on them) a question of store days asks: STORE_ROWS with the
    `$channels` it is limited to, else STORE_DAYS (no channel to test)."""
    if channels:
        return STORE_ROWS, "list_contains($channels, channel)"
    return STORE_DAYS, "true"


def store_currency_sql() -> str:
    """A SELECT of (store, currency): the currency set for the store, else the symbol of
    every platform the store's rows came from (¥ for a platform without one), '?' when its
    files came in different currencies."""
    symbols = ", ".join(
        sorted({f"('{p.platform}', '{p.currency}')" for _, p in platform_markers()})
    )
    return f"""
        WITH platform_currency(platform, currency) AS (VALUES {symbols}),
        from_files AS (
            SELECT f.store,
                   CASE WHEN count(DISTINCT COALESCE(p.currency, '¥')) = 1
                        THEN any_value(COALESCE(p.currency, '¥')) ELSE '?' END AS currency
            -- Distinct (store, batch) pairs first: a few hundred, not every fact row, go
            -- through the joins (a 10M-row store_daily: 0.24 s -> see the commit).
            FROM {STORE_BATCHES} f
            LEFT JOIN batches b USING (batch_id)
            LEFT JOIN platform_currency p ON p.platform = b.platform
            GROUP BY f.store)
        SELECT store, COALESCE(s.currency, f.currency) AS currency
        FROM from_files f LEFT JOIN store_settings s USING (store)"""


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


def stated_currencies(store: Store) -> dict[str, str]:
    """store -> the currency an owner (or a file stating its own) set for it."""
    cur = store.reader()
    try:
        return stated_currency_rows(cur)
    finally:
        cur.close()


def stated_currency_rows(cur: Cursor) -> dict[str, str]:
    """stated_currencies on a cursor: also what a store without store rows is in (a Shopee
    market's store of product reports alone), which store_currency_sql cannot find."""
    return dict(cur.execute("SELECT store, currency FROM store_settings").fetchall())


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
