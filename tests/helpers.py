"""Helpers the tests share, imported as a module (`from helpers import TODAY, app, sums`):
plain functions and constants. The pytest fixtures (store, db, app_on, …) are in conftest.py.
"""

import datetime as dt
from pathlib import Path

import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from ecdata.store import accounts

ROOT = Path(__file__).resolve().parents[1]


def run_pages_as_the_server_does() -> None:
    """Make AppTest run every page through app.py, as the server does.

    With a top-level pages/ folder, AppTest (it resets PagesManager.uses_pages_directory on
    each run) runs a page that switch_page chose on its own, without app.py: without its
    sign-in gate, sidebar and run transaction (state.page_run). A server does that at most
    once, for a first request naming a page, and then reruns through app.py
    (state._leave_folder_navigation); st.navigation turns the folder mode off for good. So
    the tests and benchmarks see what a browser gets."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class ServerPages(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    app_test.PagesManager = ServerPages  # type: ignore[misc]


def keep_what_a_server_keeps() -> None:
    """Make AppTest keep, across its runs and apps, what a running server keeps: the scan
    for installed Streamlit components and the compiled scripts.

    Every new AppTest scans the metadata of every installed package for v2 components
    (0.06 s), and every run compiles app.py and its page again with Streamlit's "magic"
    (AppTest makes a ScriptCache per run; 0.014 s for the review): test_pages.py makes 28
    apps and 51 runs, about 2.4 s of its 17 s. A server does both once. Scripts are kept
    by path and text, so one a test rewrites is compiled again."""
    import functools
    import os

    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    scan = manifest_scanner.scan_component_manifests
    if not hasattr(scan, "cache_info"):  # not cached yet
        manifest_scanner.scan_component_manifests = functools.cache(scan)

    compiled: dict[tuple[str, bytes], object] = {}

    class KeptScripts(ScriptCache):
        def get_bytecode(self, script_path: str):
            path = os.path.abspath(script_path)
            key = (path, Path(path).read_bytes())
            if key not in compiled:
                compiled[key] = super().get_bytecode(path)
            return compiled[key]

    app_test.ScriptCache = KeptScripts  # type: ignore[misc]
    local_script_runner.ScriptCache = KeptScripts  # type: ignore[misc]


# The password hasher the app is deployed with, kept before the tests swap it for a cheap one.
PRODUCTION_HASHER = accounts._HASHER


def hash_passwords_cheaply() -> None:
    """Make this test process hash new passwords with Argon2id's smallest cost (one pass over
    8 KiB) instead of the real one (three passes over 64 MiB, four lanes: 0.1 to 0.8 s a hash
    on two cores; the lock-out tests hash a hundred times). A hash names its own cost, so
    either hasher checks either's hashes. test_accounts pins PRODUCTION_HASHER's cost; the
    CLI's and the browser tests' servers run in processes of their own and hash as deployed."""
    accounts._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


# Every parser test pretends "today" is this day, so fixture dates are never in the future.
TODAY = dt.date(2026, 11, 20)


def sums(store, table="store_daily", where="true"):
    """Column totals of a fact table, as a dict: what a user would see summed up."""
    cur = store.reader()
    cols = [r[0] for r in cur.execute(f"DESCRIBE {table}").fetchall() if r[1] == "DOUBLE"]
    row = cur.execute(
        f"SELECT {', '.join(f'sum({c})' for c in cols)}, count(*) FROM {table} WHERE {where}"
    ).fetchall()[0]
    out = dict(zip(cols, row[:-1]))
    out["rows"] = row[-1]
    return out


def plotly_values(value):
    """A trace field as a list: plotly ships numeric arrays as base64 typed arrays."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return value


# Every page of the app, as AppTest.switch_page names them.
ALL_PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


DEMO_END = dt.date(2026, 11, 15)  # a Sunday: the default view is that week
WEEK = (dt.date(2026, 11, 9), DEMO_END)


def rejected(store, tmp_path, name, content: bytes, **kw):
    """Upload `content` as file `name`: it must be refused, named in both languages, and
    leave every table as it was. Returns the message."""
    from ecdata.ingest.upload import ingest_file

    path = tmp_path / name
    path.write_bytes(content)
    before = store.dump()
    outcome = ingest_file(store, path, store_name=kw.pop("store_name", "A店"), today=TODAY, **kw)
    assert not outcome.ok
    assert store.dump() == before
    for lang in ("zh", "en"):
        assert name in outcome.message.text(lang)
    return outcome.message


def app(**params) -> AppTest:
    # The server hides error details from visitors (.streamlit/config.toml); a test wants them.
    st.config.set_option("client.showErrorDetails", "full")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def opened(at: AppTest, key: str) -> AppTest:
    """`at` after a person opens the expander `key` (ui.state.on_demand: its content is
    built only while it is open)."""
    at.session_state[key] = True
    return at.run()


def rollup_differences(store) -> list[tuple]:
    """Rows where the store-day rollup differs from store_daily's own sums per store-day and
    batch (empty when they agree; sums compared to 1e-9, the order of addition may differ)."""
    from ecdata.store.schema import ROLLUP, STORE_DAILY

    metrics = STORE_DAILY.metrics
    sums = ", ".join(f"sum({m}) AS {m}" for m in metrics)
    same = " AND ".join(
        f"(r.{m} IS NULL AND f.{m} IS NULL OR abs(r.{m} - f.{m}) <= 1e-9 * greatest(1, abs(f.{m})))"
        for m in metrics
    )
    return (
        store.reader()
        .execute(
            f"""WITH f AS (SELECT date, store, batch_id, {sums}, bool_or(not_final) AS not_final
                           FROM store_daily GROUP BY ALL)
                SELECT COALESCE(r.date, f.date), COALESCE(r.store, f.store),
                       COALESCE(r.batch_id, f.batch_id), r.sales, f.sales
                FROM {ROLLUP} r FULL OUTER JOIN f
                  ON r.date = f.date AND r.store = f.store AND r.batch_id = f.batch_id
                WHERE r.date IS NULL OR f.date IS NULL OR NOT ({same})
                   OR r.not_final IS DISTINCT FROM f.not_final
                ORDER BY 1, 2, 3"""
        )
        .fetchall()
    )
