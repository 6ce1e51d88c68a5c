"""What an owner states about a store beside its files: its currency, when its platform's
default is wrong for it (an Amazon UK store sells in £, the platform table says $)."""

from __future__ import annotations

from ecdata.store.database import Store

CURRENCIES = ("¥", "$", "£", "€", "HK$", "NT$", "₹", "A$", "C$")


def set_store_currency(store: Store, store_name: str, currency: str | None) -> None:
    """State a store's currency (None: read it from its files' platforms again)."""
    if currency is not None and currency not in CURRENCIES:
        raise ValueError(f"unknown currency {currency!r}")
    with store.writer() as cur:
        cur.execute("DELETE FROM store_settings WHERE store = ?", [store_name])
        if currency is not None:
            cur.execute(
                "INSERT INTO store_settings (store, currency) VALUES (?, ?)",
                [store_name, currency],
            )
