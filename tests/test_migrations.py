"""Databases made by every earlier release open, migrate, take uploads and undo, and then
hold what a fresh database holds after the same files.

tests/fixtures/schema_v*.duckdb.gz were made by the code of the commit that released each
schema version (tests/fixtures/make_old_databases.sh), from old_a.csv, old_b.csv and
old_costs.csv. 5a and 5b are the first releases of version 5, before its entry grew.
"""

import gzip
import shutil
from pathlib import Path

import pytest
from helpers import TODAY

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, totals
from ecdata.store import Store
from ecdata.store.batches import undo_batch
from ecdata.store.schema import SCHEMA_VERSION

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VERSIONS = ["1", "2", "3", "4", "5a", "5b", "5", "6", "7"]
ROWS = (
    "SELECT date, store, channel, visitors, buyers, sales, inquiries, spend, batch_id "
    "FROM store_daily ORDER BY date, store, channel"
)


def later_uploads(store: Store, folder: Path) -> None:
    """What happens next week on any database: one more file, and a mistaken one undone."""
    more = folder / "more.csv"
    more.write_text("日期,店铺,访客数,支付金额\n2026-10-05,A店,70,560\n", encoding="utf-8")
    wrong = folder / "wrong.csv"
    wrong.write_text("日期,店铺,访客数\n2026-10-04,A店,1\n", encoding="utf-8")
    assert ingest_file(store, more, today=TODAY).ok
    outcome = ingest_file(store, wrong, today=TODAY)
    assert outcome.ok
    undo_batch(store, outcome.batch.batch_id)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A database made today from the same three files, then the same later uploads."""
    folder = tmp_path_factory.mktemp("fresh")
    with Store(folder / "fresh.duckdb") as store:
        for name in ("old_a.csv", "old_b.csv", "old_costs.csv"):
            assert ingest_file(store, FIXTURES / name, today=TODAY).ok
        later_uploads(store, folder)
        yield store.reader().execute(ROWS).fetchall(), totals(store.reader(), Filters())


@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_database_migrates_and_then_holds_what_a_fresh_one_holds(version, fresh, tmp_path):
    path = tmp_path / f"schema_v{version}.duckdb"
    with gzip.open(FIXTURES / f"schema_v{version}.duckdb.gz") as packed, open(path, "wb") as out:
        shutil.copyfileobj(packed, out)
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        later_uploads(store, tmp_path)
        rows, kpis = fresh
        assert store.reader().execute(ROWS).fetchall() == rows
        again = totals(store.reader(), Filters())
        for metric in ("visitors", "sales", "inquiries", "spend", "labor_cost", "inquiry_cost"):
            assert again[metric] == pytest.approx(kpis[metric]), metric
