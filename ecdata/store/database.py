"""The DuckDB connection: one owner of it, and the single write path.

Every write is a *batch* (batches.py): it records the rows it replaced so that undo restores
exactly what was there before.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb

from ecdata.store.schema import FACT_TABLES, MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = Path("data/ecdata.duckdb")


# Who is acting (an account name, "cli:<user>"), recorded on every batch, undo and setting
# written inside `acting_as`; None without accounts.
ACTOR: ContextVar[str | None] = ContextVar("actor", default=None)


@contextmanager
def acting_as(name: str | None):
    """Record `name` as the author of what is written inside this block."""
    token = ACTOR.set(name or None)
    try:
        yield
    finally:
        ACTOR.reset(token)


def default_db_path() -> Path:
    """`ECDATA_DB` if set, else data/ecdata.duckdb relative to the working directory."""
    return Path(os.environ.get("ECDATA_DB") or DEFAULT_DB)


class Store:
    """Owns one DuckDB connection to a file (or ":memory:").

    Reads take a cursor each (`reader()`), so several Streamlit sessions can query at once;
    writes go through `writer()`, which serialises them with a lock and wraps each in one
    transaction: all of it lands or none of it does.
    """

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(self.path)
        # Halves load time and peak memory of large loads; row order is never relied upon.
        self._con.execute("SET preserve_insertion_order = false")
        self._write_lock = threading.Lock()
        self.migrate()

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A cursor for reading; cheap, one per query or per Streamlit rerun."""
        return self._con.cursor()

    @contextmanager
    def writer(self):
        """The single write path: a locked cursor inside one transaction."""
        with self._write_lock:
            cur = self._con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
            finally:
                cur.close()

    def schema_version(self) -> int:
        cur = self.reader()
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchall()[0][0]
        if not exists:
            return 0
        row = cur.execute("SELECT max(version) FROM schema_version").fetchall()
        return row[0][0] or 0

    def migrate(self) -> None:
        current = self.schema_version()
        for version in range(current, SCHEMA_VERSION):
            with self.writer() as cur:
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
                cur.execute("INSERT INTO schema_version VALUES (?)", [version + 1])

    def is_empty(self) -> bool:
        """True when no fact table holds a row."""
        cur = self.reader()
        return all(
            cur.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] == 0 for t in FACT_TABLES
        )

    def never_used(self) -> bool:
        """True when no batch was ever written (undone ones count as use)."""
        return self.reader().execute("SELECT count(*) FROM batches").fetchall()[0][0] == 0

    def data_version(self) -> int:
        """Changes whenever a batch lands or is undone, a timeline note is added or removed,
        a store's currency or an app setting is set, or an action item is added or done: the
        key that invalidates caches."""
        row = (
            self.reader()
            .execute(
                "SELECT (SELECT count(*) + count(undone_at) FROM batches)"
                " + (SELECT count(*) + count(removed_at) FROM timeline_notes)"
                # A changed currency setting keeps the row count: its content is hashed.
                " + (SELECT COALESCE(sum(hash(store || COALESCE(currency, '')) % 1000003), 0)"
                " FROM store_settings)"
                " + (SELECT count(*) + count(undone_at) FROM app_settings)"
                " + (SELECT count(*) + count(done_at) FROM action_items)"
            )
            .fetchall()
        )
        return int(row[0][0])

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: for tests that prove a store was left untouched."""
        cur = self.reader()
        tables = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables ORDER BY table_name"
            ).fetchall()
        ]
        return {t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
