"""DuckLake on PostgreSQL: the store for a team that runs several app processes or machines.

`ECDATA_DB='ducklake:postgres:<libpq conninfo>'` with `ECDATA_DATA_PATH=<folder>` (a path
every process can reach) keeps the catalog in PostgreSQL and the data as Parquet files in
the folder; the engine's SQL is the same as on the embedded file. Two differences are handled
here:

- DuckLake has no PRIMARY KEY/UNIQUE constraints: the schema's are left out (`lake_ddl`);
  the single write path keeps keys unique, as it already checks them inside each write.
- Writers in different processes are serialised by a PostgreSQL advisory lock held for the
  whole write transaction (`writers_lock`), so a batch id or a duplicate check is never
  raced; readers are never blocked.

The extensions come from the PyPI packages duckdb-extension-ducklake and
duckdb-extension-postgres, which exist for duckdb 1.5.x (requirements-ducklake.txt), loaded
from their files: no download at run time.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ecdata.i18n import Refusal

PREFIX = "ducklake:postgres:"
CATALOG = "lake"
LOCK_CATALOG = "ecdata_lock"
LOCK_KEY = 7_316_421  # the advisory lock every ecdata writer takes (any number, shared)
_ATTACH_TRIES = 8


class LakeError(Refusal):
    """DuckLake cannot be opened as configured; the message says what to do."""


def is_lake(target: str) -> bool:
    return target.startswith(PREFIX)


def _extension(package: str, name: str) -> Path:
    """The extension file shipped by a PyPI package for this duckdb version."""
    try:
        module = __import__(package)
    except ImportError:
        raise LakeError("err.lake_packages", version=duckdb.__version__) from None
    path = Path(str(module.__file__)).parent / "extensions" / f"v{duckdb.__version__}" / name
    if not path.exists():
        raise LakeError("err.lake_packages", version=duckdb.__version__)
    return path


def _postgres_extension() -> Path:
    """DuckDB loads the postgres extension only under its internal name: a copy by that
    name, next to the user's other caches."""
    source = _extension("duckdb_extension_postgres", "postgres.duckdb_extension")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecdata"
    target = cache / f"duckdb-{duckdb.__version__}" / "postgres_scanner.duckdb_extension"
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


def open_lake(target: str, data_path: str | None = None) -> duckdb.DuckDBPyConnection:
    """A connection with the DuckLake of `target` attached as the default catalog."""
    conninfo = target[len(PREFIX) :]
    data_path = data_path or os.environ.get("ECDATA_DATA_PATH")
    if not data_path:
        raise LakeError("err.lake_data_path")
    Path(data_path).mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    con.execute(f"LOAD '{_postgres_extension()}'")
    con.execute(f"LOAD '{_extension('duckdb_extension_ducklake', 'ducklake.duckdb_extension')}'")
    quoted = conninfo.replace("'", "''")
    folder = str(Path(data_path).resolve()).replace("'", "''") + "/"
    for attempt in range(_ATTACH_TRIES):
        try:
            con.execute(f"ATTACH 'ducklake:postgres:{quoted}' AS {CATALOG} (DATA_PATH '{folder}')")
            break
        except duckdb.Error as error:
            # Processes attaching a new lake at once race to create its catalog tables:
            # the loser finds them made on the next try.
            if attempt == _ATTACH_TRIES - 1:
                raise LakeError("err.lake_connect", error=str(error).splitlines()[0]) from None
            time.sleep(0.2 * (attempt + 1))
    try:
        con.execute(f"ATTACH '{quoted}' AS {LOCK_CATALOG} (TYPE postgres)")
    except duckdb.Error as error:
        raise LakeError("err.lake_connect", error=str(error).splitlines()[0]) from None
    con.execute(f"USE {CATALOG}")
    return con


def use_lake(cursor: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a DuckLake store, reading and writing the lake by default (each cursor
    starts in the in-memory catalog)."""
    cursor.execute(f"USE {CATALOG}")
    return cursor


@contextmanager
def writers_lock(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Hold the writers' advisory lock in PostgreSQL for the block: it waits while another
    process writes, and is released when the block ends (its transaction commits)."""
    lock = con.cursor()
    lock.execute("BEGIN TRANSACTION")
    try:
        lock.execute(
            f"SELECT * FROM postgres_query('{LOCK_CATALOG}', "
            f"'SELECT pg_advisory_xact_lock({LOCK_KEY})')"
        )
        yield
    finally:
        lock.execute("COMMIT")
        lock.close()


# The catalog DuckLake attaches its PostgreSQL metadata as (its documented default name).
METADATA_CATALOG = f"__ducklake_metadata_{CATALOG}"


def _stand_in(kind: str) -> str:
    """A NOT NULL column's stand-in value in give_every_table_statistics, as text to cast."""
    if kind.endswith("]"):
        return "[]"
    return {"DATE": "2000-01-01", "TIMESTAMP": "2000-01-01 00:00:00"}.get(kind, "0")


def give_every_table_statistics(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Give each lake table that was never written its statistics; returns their names.

    DuckLake keeps a table's statistics from its first write. A table never written has
    none, and DuckLake asks PostgreSQL for them again each time a query plans a column of
    it: some ten lookups a query, never remembered. A page run reads a dozen such empty
    tables (a store with no inquiries, no product reports, no accounts yet): on a 10M-row
    lake a cold review made 465 queries, 244 once every table had statistics. A row put in
    and taken out in one transaction leaves the table empty with statistics that say so
    (0 rows); the stand-in values only widen its columns' min/max, which are bounds, never
    answers. Run inside the writers' lock, on a cursor in a transaction."""
    given: list[str] = []
    names = [
        row[0]
        for row in cur.execute(
            f"""SELECT t.table_name FROM {METADATA_CATALOG}.ducklake_table t
                WHERE t.end_snapshot IS NULL AND NOT EXISTS (
                    SELECT 1 FROM {METADATA_CATALOG}.ducklake_table_stats s
                    WHERE s.table_id = t.table_id)
                ORDER BY 1"""
        ).fetchall()
    ]
    for name in names:
        if cur.execute(f'SELECT count(*) FROM "{name}"').fetchall()[0][0]:
            continue  # rows without statistics: not ours to take out (DuckLake writes both)
        columns = cur.execute(
            "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
            "WHERE database_name = ? AND table_name = ? ORDER BY column_index",
            [CATALOG, name],
        ).fetchall()
        values = ", ".join(
            "NULL" if nullable else f"CAST('{_stand_in(kind)}' AS {kind})"
            for _, kind, nullable in columns
        )
        cur.execute(f'INSERT INTO "{name}" VALUES ({values})')
        cur.execute(f'DELETE FROM "{name}"')  # it was empty: only the stand-in goes
        given.append(name)
    return given


_CONSTRAINT = re.compile(r"\s+PRIMARY KEY\b", re.IGNORECASE)


def lake_ddl(statement: str) -> str:
    """A migration statement as DuckLake takes it: without PRIMARY KEY constraints."""
    return _CONSTRAINT.sub("", statement)
