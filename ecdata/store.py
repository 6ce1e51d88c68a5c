"""The DuckDB store: one owner of the connection, the schema, and the single write path.

Facts live in three tables whose grain is their key: store metrics per date x store x channel,
customer-service metrics per date x store x member, and monthly costs and targets per
month x store. Every write is a *batch*: it records the rows it replaced so that undo restores
exactly what was there before.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

DEFAULT_DB = Path("data/ecdata.duckdb")


def default_db_path() -> Path:
    """`ECDATA_DB` if set, else data/ecdata.duckdb relative to the working directory."""
    return Path(os.environ.get("ECDATA_DB") or DEFAULT_DB)


@dataclass(frozen=True)
class FactTable:
    """A table of facts at one grain: `keys` identify a row, `metrics` are its numbers."""

    name: str
    keys: tuple[str, ...]
    metrics: tuple[str, ...]
    flags: tuple[str, ...] = ()  # non-additive columns that the latest upload sets (not_final)
    types: tuple[tuple[str, str], ...] = ()  # metric columns that are not DOUBLE

    @property
    def columns(self) -> tuple[str, ...]:
        return self.keys + self.metrics + self.flags + ("batch_id",)


STORE_DAILY = FactTable(
    "store_daily",
    ("date", "store", "channel"),
    ("visitors", "page_views", "buyers", "sales", "inquiries", "closed_inquiries", "spend",
     "refunds", "impressions", "clicks", "ad_sales"),
    ("not_final",),
)
AGENT_DAILY = FactTable(
    "agent_daily",
    ("date", "store", "member"),
    ("received", "inquiries", "closed_inquiries", "sales", "response_seconds"),
    ("not_final",),
)
STORE_MONTHLY = FactTable(
    "store_monthly",
    ("month", "store"),
    ("labor_cost", "management_cost", "sales_target", "target_inquiry_cost"),
)
# The team (issue: team pages): people, keyed by a person id (工号, or store/name without one),
# and their monthly ratings and targets.
ROSTER = FactTable(
    "roster",
    ("person_id",),
    ("name", "role_title", "role", "department", "manager", "store", "hired", "left_on",
     "base_pay", "level_coef", "float_coef", "other_pay", "collaborator"),
    types=(("name", "VARCHAR"), ("role_title", "VARCHAR"), ("role", "VARCHAR"),
           ("department", "VARCHAR"), ("manager", "VARCHAR"), ("store", "VARCHAR"),
           ("hired", "DATE"), ("left_on", "DATE"), ("collaborator", "BOOLEAN")),
)
RATINGS = FactTable(
    "ratings",
    ("month", "person_id"),
    ("task_completion", "work_quality", "supervisor_rating", "peer_rating",
     "qualified_inquiries", "inquiries", "inquiry_target", "sales", "sales_target", "profit",
     "profit_target", "other_incentive", "perf_coef"),
)
FACT_TABLES = {t.name: t for t in (STORE_DAILY, AGENT_DAILY, STORE_MONTHLY, ROSTER, RATINGS)}
_V1_TABLES = (STORE_DAILY, AGENT_DAILY, STORE_MONTHLY)

_KEY_TYPES = {"date": "DATE", "month": "DATE"}


def _fact_ddl(table: FactTable, name: str, extra: str = "") -> str:
    cols = [f"{k} {_KEY_TYPES.get(k, 'VARCHAR')} NOT NULL" for k in table.keys]
    types = dict(table.types)
    cols += [f"{m} {types.get(m, 'DOUBLE')}" for m in table.metrics]
    cols += [f"{f} BOOLEAN" for f in table.flags]
    cols += ["batch_id INTEGER"]
    if extra:
        cols.append(extra)
    return f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)})"


# Each entry migrates the schema from version i to i+1; never edit a released entry.
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
        """CREATE TABLE IF NOT EXISTS batches (
            batch_id INTEGER PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            content_hash VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            platform VARCHAR,
            target_table VARCHAR NOT NULL,
            store_param VARCHAR,
            encoding VARCHAR,
            header_row INTEGER,
            rows_read INTEGER,
            rows_written INTEGER,
            rows_new INTEGER,
            rows_replaced INTEGER,
            rows_rejected INTEGER,
            date_min DATE,
            date_max DATE,
            created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
            undone_at TIMESTAMP
        )""",
        """CREATE TABLE IF NOT EXISTS header_mappings (
            shape VARCHAR PRIMARY KEY,
            mapping VARCHAR NOT NULL,
            saved_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
        *[_fact_ddl(t, t.name) for t in _V1_TABLES],
        # The rows a batch replaced, kept so that undoing it restores them exactly.
        *[_fact_ddl(t, f"replaced_{t.name}", "replaced_by INTEGER NOT NULL")
          for t in _V1_TABLES],
    ],
    [
        *[_fact_ddl(t, t.name) for t in (ROSTER, RATINGS)],
        *[_fact_ddl(t, f"replaced_{t.name}", "replaced_by INTEGER NOT NULL")
          for t in (ROSTER, RATINGS)],
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)


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

    def data_version(self) -> int:
        """Changes whenever a batch lands or is undone: the key that invalidates caches."""
        row = self.reader().execute(
            "SELECT count(*) + count(undone_at) FROM batches"
        ).fetchall()
        return int(row[0][0])

    def dump(self) -> dict[str, list[tuple]]:
        """Every row of every table, sorted: for tests that prove a store was left untouched."""
        cur = self.reader()
        tables = [r[0] for r in cur.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()]
        return {t: sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
