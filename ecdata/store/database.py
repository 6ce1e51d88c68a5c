"""The DuckDB connection: one owner of it, and the single write path.

Every write is a *batch* (batches.py): it records the rows it replaced so that undo restores
exactly what was there before.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from ecdata.i18n import Refusal
from ecdata.store.lake import (
    CATALOG,
    give_every_table_statistics,
    is_lake,
    lake_ddl,
    open_lake,
    use_lake,
    writers_lock,
)
from ecdata.store.schema import FACT_TABLES, MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

# A DuckDB connection or one of its cursors (the same type in duckdb's API).
Cursor = duckdb.DuckDBPyConnection

DEFAULT_DB = Path("data/ecdata.duckdb")


# Who is acting (an account name, "cli:<user>"), recorded on every batch, undo and setting
# written inside `acting_as`; None without accounts.
ACTOR: ContextVar[str | None] = ContextVar("actor", default=None)


@contextmanager
def acting_as(name: str | None) -> Iterator[None]:
    """Record `name` as the author of what is written inside this block."""
    token = ACTOR.set(name or None)
    try:
        yield
    finally:
        ACTOR.reset(token)


class StoreNotGranted(Refusal):
    """The acting account may not write to these stores (a store-limited account), or not
    what belongs to every store (no `stores`)."""

    def __init__(self, stores: list[str]):
        key = "acc.store_not_granted" if stores else "acc.company_wide"
        super().__init__(key, stores=list(stores))


def granted_stores(cur: Cursor) -> tuple[str, ...] | None:
    """The stores the acting account (ACTOR) is limited to; None when it is not limited (no
    account, the command line, an account with no stores granted)."""
    name = ACTOR.get()
    if not name:
        return None
    row = cur.execute("SELECT stores FROM users WHERE name = ?", [name]).fetchall()
    return tuple(row[0][0]) if row and row[0][0] else None


def check_granted(cur: Cursor, stores: Iterable[str]) -> None:
    """Raise StoreNotGranted unless the acting account may write to every one of `stores`:
    checked inside the writer's transaction, so no page can forget it."""
    granted = granted_stores(cur)
    if granted is None:
        return
    refused = sorted({s for s in stores if s not in granted})
    if refused:
        raise StoreNotGranted(refused)


def check_may_write(cur: Cursor) -> None:
    """Raise a Refusal when the acting account only reads (a viewer): checked by the single
    write path, so no page or call can write in a viewer's name."""
    name = ACTOR.get()
    if not name:
        return
    row = cur.execute("SELECT role FROM users WHERE name = ?", [name]).fetchall()
    if row and row[0][0] == "viewer":
        raise Refusal("acc.viewer_write", name=name)


def check_owner(cur: Cursor) -> None:
    """Raise a Refusal unless the acting account is an owner (or no account acts: the
    command line, a single-user install): for the owner's own decisions."""
    name = ACTOR.get()
    if not name:
        return
    row = cur.execute("SELECT role FROM users WHERE name = ?", [name]).fetchall()
    if not row or row[0][0] != "owner":
        raise Refusal("acc.owner_only", name=name)


def check_company_wide(cur: Cursor) -> None:
    """Raise StoreNotGranted unless the acting account may change what belongs to every
    store (settings, company-wide notes and action items, exchange rates, whole tables)."""
    if granted_stores(cur) is not None:
        raise StoreNotGranted([])


def default_db_path() -> Path | str:
    """`ECDATA_DB` if set, else data/ecdata.duckdb relative to the working directory. A
    DuckLake (`ducklake:postgres:<conninfo>`, lake.py) is returned as it is written."""
    value = os.environ.get("ECDATA_DB") or ""
    if is_lake(value):
        return value
    return Path(value or DEFAULT_DB)


# What changes whenever a batch lands or is undone, a note, a currency, a setting or an
# action item changes: the key that invalidates caches (Store.data_version, metrics caches).
DATA_VERSION_SQL = (
    "SELECT (SELECT count(*) + count(undone_at) FROM batches)"
    " + (SELECT count(*) + count(removed_at) FROM timeline_notes)"
    # A changed currency setting keeps the row count: its content is hashed.
    " + (SELECT COALESCE(sum(hash(store || COALESCE(currency, '')) % 1000003), 0)"
    " FROM store_settings)"
    " + (SELECT count(*) + count(undone_at) FROM app_settings)"
    " + (SELECT count(*) + count(done_at) FROM action_items)"
)


def data_version(cur: Cursor) -> int:
    """DATA_VERSION_SQL on any cursor of a store; on a DuckLake, its current snapshot: every
    commit makes one, and reading it is one catalog lookup where DATA_VERSION_SQL's five
    tables are five (1.7 ms against 39 ms a page run, measured at 10M rows)."""
    if cur.execute("SELECT current_database()").fetchall()[0][0] == CATALOG:
        return int(cur.execute(f"SELECT id FROM {CATALOG}.current_snapshot()").fetchall()[0][0])
    return int(cur.execute(DATA_VERSION_SQL).fetchall()[0][0])


# Answers remembered per database, store scope, data version and question
# (`per_data_version`): the one cache of the app's answers (the pages' `ui.state.query` and
# the engine's repeated KPI questions), within a memory budget, oldest forgotten first.
_REMEMBERED: dict[tuple, tuple[Any, int]] = {}  # key -> (answer, its bytes)
_REMEMBERED_LOCK = threading.Lock()  # sessions run in threads: one clears while one reads
_REMEMBERED_BYTES = [0]
_BUDGET_BYTES = 384 * 2**20  # what the answers of a busy morning take, at 10M fact rows
# The data version a page run read once (pin_data_version): (database path, version).
_PINNED: ContextVar[tuple[str, int] | None] = ContextVar("pinned_data_version", default=None)
# Each Store.reader cursor's (database path, ("stores", its stores)): per_data_version's key
# without asking DuckDB (a query of its catalog views costs 1.8 ms, some twenty a page run).
_READERS: weakref.WeakKeyDictionary[Cursor, tuple[str | None, tuple]] = weakref.WeakKeyDictionary()
# Whether this context is inside Store.writer (its answers are never remembered).
_WRITING: ContextVar[bool] = ContextVar("inside_a_write", default=False)
# Inside a page run (run_reads): its readers, one per store and store scope, each in one
# read transaction until the run ends or writes. A run's answers read one snapshot, and a
# DuckLake reads its catalog once a run rather than once a question (the review's cold run
# opened 79 metadata transactions for its 25 questions).
_RUN_READERS: ContextVar[dict[tuple, Cursor] | None] = ContextVar("run_readers", default=None)
# Answers kept for the rest of a page run (for_this_run), forgotten with it or by a write.
_RUN_ANSWERS: ContextVar[dict[tuple, Any] | None] = ContextVar("run_answers", default=None)


def _database_path(cur: Cursor) -> str | None:
    row = cur.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return row[0][0] if row and row[0][0] else None


@contextmanager
def run_reads() -> Iterator[None]:
    """A page run: each reader it takes through Store.run_reader stays in one read
    transaction, ended with the block (whatever ends it: st.stop, a rerun, an error)."""
    token, answers = _RUN_READERS.set({}), _RUN_ANSWERS.set({})
    try:
        yield
    finally:
        _end_run_readers(close=True)
        _RUN_READERS.reset(token)
        _RUN_ANSWERS.reset(answers)


def for_this_run(question: tuple, answer: Callable[[], T]) -> T:
    """`answer()` once per page run (run_reads) and question; outside a run, every time.
    For what a run asks again and again and only a write changes (who is signed in: five
    times a run, a query each, 10 ms on a DuckLake); a write in the run forgets them."""
    answers = _RUN_ANSWERS.get()
    if answers is None or _WRITING.get():
        return answer()
    if question not in answers:
        answers[question] = answer()
    return answers[question]


def in_run() -> bool:
    """Whether this context is inside run_reads (a page run through app.py)."""
    return _RUN_READERS.get() is not None


def _end_run_readers(close: bool) -> None:
    """End the run readers' transactions: closed at the run's end; after a write, each
    starts a new one, which sees the write (a page reading on after it sees its own change)."""
    readers, answers = _RUN_READERS.get(), _RUN_ANSWERS.get()
    if answers:
        answers.clear()
    for cursor in (readers or {}).values():
        try:
            cursor.execute("ROLLBACK")  # nothing was written: nothing to keep
        except duckdb.TransactionException:
            pass  # no transaction left: a query of the run failed and its error was raised
        if close:
            cursor.close()
        else:
            cursor.execute("BEGIN TRANSACTION")
    if readers and close:
        readers.clear()


def pin_data_version(cur: Cursor) -> None:
    """Read the data version once for this run of a page: its answers are all keyed by it
    (the version costs a query; a page asks some twenty questions). A write in the run
    unpins it (Store.writer), so what follows sees its own change."""
    path = _database_path(cur)
    _PINNED.set((path, data_version(cur)) if path else None)


def _size(answer: object) -> int:
    """Roughly what an answer holds in memory: frames by their columns, tuples by parts."""
    if hasattr(answer, "memory_usage"):  # a DataFrame (a Series per column) or a Series
        usage = answer.memory_usage(index=True)
        return int(usage.sum() if hasattr(usage, "sum") else usage)
    if isinstance(answer, tuple | list):
        return sum(_size(part) for part in answer) + 64
    return 1024


def per_data_version(cur: Cursor, question: tuple, answer: Callable[[], T]) -> T:
    """`answer()`, computed once per database file, store scope, data version and
    `question` (hashable) in this process. An in-memory database (no name another could not
    share) and an unhashable question are answered every time."""
    # The cursor's store scope is part of the key (limit_to_stores): a limited account's
    # answer is never served to another, nor the reverse.
    known = _READERS.get(cur)
    if known is not None:  # a Store.reader's, noted when it was made: no 1.8 ms query
        path, scope = known
    else:
        row = cur.execute(
            "SELECT path, (SELECT sql FROM duckdb_views() WHERE temporary "
            "AND view_name = 'store_daily') FROM duckdb_databases() "
            "WHERE database_name = current_database()"
        ).fetchall()
        path, scope = (row[0][0], ("view", row[0][1])) if row else (None, ())
    if not path:
        return answer()
    return _remembered(path, scope, question, answer, lambda: data_version(cur))


def _remembered(
    path: str, scope: tuple, question: tuple, answer: Callable[[], T], version: Callable[[], int]
) -> T:
    if _WRITING.get():
        # Inside a write the version is still the committed one: an answer read there
        # holds rows that may yet be rolled back, and would hide the write's own rows.
        return answer()
    pinned = _PINNED.get()
    key = (
        path,
        scope,
        pinned[1] if pinned is not None and pinned[0] == path else version(),
        question,
    )
    try:
        kept = _REMEMBERED.get(key)  # one lookup: no KeyError if cleared in between
    except TypeError:  # an argument that cannot be a key (a list, a frame)
        return answer()
    if kept is not None:
        return kept[0]
    result = answer()
    size = _size(result)
    with _REMEMBERED_LOCK:
        if size <= _BUDGET_BYTES // 4:  # one huge answer never pushes out all the others
            _REMEMBERED[key] = (result, size)
            _REMEMBERED_BYTES[0] += size
        while _REMEMBERED_BYTES[0] > _BUDGET_BYTES and _REMEMBERED:
            oldest = next(iter(_REMEMBERED))
            _REMEMBERED_BYTES[0] -= _REMEMBERED.pop(oldest)[1]
    return result


def forget_remembered() -> None:
    """Empty `per_data_version`'s memory (benchmarks measuring a cold start)."""
    with _REMEMBERED_LOCK:
        _REMEMBERED.clear()
        _REMEMBERED_BYTES[0] = 0


# How a store-limited cursor sees each table that holds stores' rows (SQL over the table's
# columns; $granted is the list of stores). Batches stay whole: the fact view reads every
# batch's platform; exchange rates, settings and accounts belong to no store.
_STORE_ROWS = "store IN (SELECT unnest($granted))"
SCOPED_TABLES = {
    **{
        t: _STORE_ROWS
        for t in (
            "store_daily",
            "store_periods",
            "store_daily_rollup",
            "product_weekly",
            "agent_daily",
            "store_monthly",
            "product_facts",
            "store_settings",
            "inquiries",
            "inquiry_marks",
        )
    },
    **{
        f"{twin}_{t}": _STORE_ROWS
        for twin in ("replaced", "undone")
        for t in (
            "store_daily",
            "store_periods",
            "agent_daily",
            "store_monthly",
            "product_facts",
            "inquiries",
            "inquiry_marks",
        )
    },
    # People of the granted stores and the staff serving every store (no store).
    "roster": f"store IS NULL OR {_STORE_ROWS}",
    "replaced_roster": f"store IS NULL OR {_STORE_ROWS}",
    "undone_roster": f"store IS NULL OR {_STORE_ROWS}",
    "ratings": "person_id IN (SELECT person_id FROM roster)",
    "replaced_ratings": "person_id IN (SELECT person_id FROM roster)",
    "undone_ratings": "person_id IN (SELECT person_id FROM roster)",
    # Plan tasks belong to people: those of the granted stores and the shared staff.
    **{
        f"{twin}plan_tasks": "person_id IN (SELECT person_id FROM roster)"
        for twin in ("", "replaced_", "undone_")
    },
    # Company-wide notes stay; another store's notes do not.
    "timeline_notes": f"store IS NULL OR {_STORE_ROWS}",
    # An action item is seen only when every store it is about is granted (its figures are
    # those stores' numbers); a company-wide item is about every store.
    "action_items": "len(stores) > 0 AND list_has_all($granted, stores)",
    # A scheduled report is seen when every store it sends is granted; its sends with it;
    # its destination (secrets) never through a limited cursor.
    "report_schedules": "len(stores) > 0 AND list_has_all($granted, stores)",
    "report_sends": "schedule_id IN (SELECT schedule_id FROM report_schedules)",
    "report_destinations": "false",
}


def limit_to_stores(cursor: Cursor, stores: tuple[str, ...]) -> None:
    """Shadow SCOPED_TABLES on `cursor` by views of `stores`' rows (temp views resolve
    before the database's tables; each reads the table by its full name)."""
    database = cursor.execute("SELECT current_database()").fetchall()[0][0]
    granted = "[" + ", ".join("'" + s.replace("'", "''") + "'" for s in stores) + "]::VARCHAR[]"
    for table, condition in SCOPED_TABLES.items():
        cursor.execute(
            f'CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM "{database}".main.{table} '
            f"WHERE {condition.replace('$granted', granted)}"
        )


class Store:
    """Owns one DuckDB connection to a file (or ":memory:"), or to a DuckLake on PostgreSQL
    (`ducklake:postgres:<conninfo>`, lake.py) for several processes sharing the data.

    Reads take a cursor each (`reader()`), so several Streamlit sessions can query at once;
    writes go through `writer()`, which serialises them with a lock (on a DuckLake, also
    across processes) and wraps each in one transaction: all of it lands or none of it does.
    """

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self.lake = is_lake(self.path)
        if self.lake:
            self._con = open_lake(self.path)
        else:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._con = duckdb.connect(self.path)
        # Halves load time and peak memory of large loads; row order is never relied upon.
        self._con.execute("SET preserve_insertion_order = false")
        self._write_lock = threading.Lock()
        # What the pinned data version and per_data_version's keys name this database by.
        self._database_path = _database_path(self._con)
        self.migrate()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reader(self, stores: tuple[str, ...] | None = None) -> duckdb.DuckDBPyConnection:
        """A cursor for reading; cheap, one per query or per Streamlit rerun.

        With `stores` (an account limited to them), every table whose rows belong to a store
        is shadowed on this cursor by a view of those stores' rows: whatever a page or an
        engine function asks through it, it cannot read another store's numbers, people,
        channels or action items."""
        cursor = self._con.cursor()
        cursor = use_lake(cursor) if self.lake else cursor
        if stores is not None:
            limit_to_stores(cursor, stores)
        _READERS[cursor] = (self._database_path, ("stores", stores))
        return cursor

    def run_reader(self, stores: tuple[str, ...] | None = None) -> duckdb.DuckDBPyConnection:
        """This page run's reader for `stores`, inside the run's one read transaction
        (run_reads); outside a run, or inside a write, a new reader."""
        readers = _RUN_READERS.get()
        if readers is None or _WRITING.get():
            return self.reader(stores)
        key = (id(self), stores)
        cursor = readers.get(key)
        if cursor is None:
            cursor = readers[key] = self.reader(stores)
            cursor.execute("BEGIN TRANSACTION")
        return cursor

    def remembered(
        self, stores: tuple[str, ...] | None, question: tuple, answer: Callable[[Cursor], T]
    ) -> T:
        """`answer(cursor)` on a reader limited to `stores`, once per data version, `stores`
        and `question` (per_data_version's memory). The cursor is opened only to answer: a
        page run asks a dozen questions it mostly has answers to, and on a DuckLake opening
        a cursor costs a catalog lookup (2.7 ms)."""
        cursor: list[Cursor] = []

        def reader() -> Cursor:
            if not cursor:
                cursor.append(self.run_reader(stores))
            return cursor[0]

        def version() -> int:
            return data_version(reader())

        if not self._database_path:
            return answer(reader())
        scope = ("stores", stores)
        return _remembered(self._database_path, scope, question, lambda: answer(reader()), version)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """This process's write lock, and on a DuckLake the one shared by every process."""
        with self._write_lock:
            if not self.lake:
                yield
                return
            with writers_lock(self._con):
                yield

    @contextmanager
    def _transaction(self) -> Iterator[Cursor]:
        """A cursor inside one transaction: all of it lands or none of it does."""
        cur = self.reader()
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

    @contextmanager
    def writer(self) -> Iterator[Cursor]:
        """The single write path: a locked cursor inside one transaction."""
        writing = _WRITING.set(True)
        try:
            with self._exclusive(), self._transaction() as cur:
                check_may_write(cur)
                yield cur
        finally:
            _WRITING.reset(writing)
            _PINNED.set(None)  # the run's pinned data version is stale once anything is written
            _end_run_readers(close=False)

    def schema_version(self) -> int:
        cur = self.reader()
        exists = cur.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' "
            "AND table_catalog = current_database()"
        ).fetchall()[0][0]
        if not exists:
            return 0
        row = cur.execute("SELECT max(version) FROM schema_version").fetchall()
        return row[0][0] or 0

    def migrate(self) -> None:
        """Bring the schema to SCHEMA_VERSION. The version is read under the writers' lock
        (on a DuckLake, every process's): processes starting together on an empty lake
        migrate once, the others find it done."""
        with self._exclusive():
            for version in range(self.schema_version(), SCHEMA_VERSION):
                with self._transaction() as cur:
                    for statement in MIGRATIONS[version]:
                        cur.execute(lake_ddl(statement) if self.lake else statement)
                    cur.execute("INSERT INTO schema_version VALUES (?)", [version + 1])
            if self.lake:
                with self._transaction() as cur:
                    give_every_table_statistics(cur)

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
        return data_version(self.reader())

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: for tests that prove a store was left untouched."""
        cur = self.reader()
        tables = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_catalog = current_database() ORDER BY table_name"
            ).fetchall()
        ]
        return {t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
