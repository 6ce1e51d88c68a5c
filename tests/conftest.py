import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecdata.store import Store  # noqa: E402

# Every parser test pretends "today" is this day, so fixture dates are never in the future.
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def store(tmp_path):
    """A fresh DuckDB file per test."""
    with Store(tmp_path / "test.duckdb") as s:
        yield s


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
