"""The store-day rollup (channels added up per store, day and batch) that KPI queries without
a channel split read: after every kind of write it equals store_daily's own sums, and every
KPI table read from it equals the one read from every channel's row."""

import datetime as dt
import math

import pandas as pd
import pytest
from helpers import TODAY, rollup_differences
from test_mixtures import STORE, alimama_plans, chitu_day_files, qianchuan

from ecdata.demo import load_demo, remove_demo
from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, _kpi_table
from ecdata.store import Store
from ecdata.store.batches import rename_store, undo_batch
from ecdata.store.schema import ROLLUP

OCTOBER = Filters(date_from=dt.date(2026, 9, 28), date_to=dt.date(2026, 10, 11))
QUESTIONS = [
    ("week", "store", OCTOBER),
    ("total", "none", OCTOBER),
    ("day", "none", OCTOBER),
    ("month", "store", Filters()),
    ("week", "none", Filters(stores=(STORE,))),
]

STORE_FILE = """日期,店铺,渠道,访客数,支付买家数,支付金额,询单人数,询单成交人数,推广费
2026-10-01,A店,搜索,100,5,500,10,4,30
2026-10-01,A店,直播,50,1,80,,1,
2026-10-02,A店,搜索,200,6,900.5,20,8,60
2026-10-02,B店,搜索,40,0,0,0,0,5
"""
OVERWRITE = """日期,店铺,渠道,支付金额,推广费
2026-10-01,A店,直播,120,7
2026-10-03,A店,直播,300,
"""
COSTS = "月份,店铺,人力成本,管理成本,销售目标,目标询盘成本\n2026-10,A店,3100,310,31000,10\n"


def ingest(store, tmp_path, name, text, **kw):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    outcome = ingest_file(store, path, today=TODAY, **kw)
    assert outcome.ok, str(outcome.message)
    return outcome.batch.batch_id


def same_numbers(left: pd.DataFrame, right: pd.DataFrame) -> list[str]:
    """Columns where two KPI tables differ (NaN equals NaN; sums to 1e-9)."""
    assert list(left.columns) == list(right.columns) and len(left) == len(right)
    differ = []
    for column in left.columns:
        for a, b in zip(left[column], right[column]):
            if isinstance(a, float) or isinstance(b, float):
                if not (
                    (pd.isna(a) and pd.isna(b))
                    or (not pd.isna(a) and not pd.isna(b) and math.isclose(a, b, rel_tol=1e-9))
                ):
                    differ.append(column)
                    break
            elif a != b and not (pd.isna(a) and pd.isna(b)):
                differ.append(column)
                break
    return differ


def assert_rollup_agrees(store):
    assert rollup_differences(store) == []
    cur = store.reader()
    for grain, by, filters in QUESTIONS:
        rolled = _kpi_table(cur, grain, by, filters, use_rollup=True)
        every_row = _kpi_table(cur, grain, by, filters, use_rollup=False)
        assert same_numbers(rolled, every_row) == [], (grain, by, filters)


def test_every_kind_of_write_keeps_the_rollup_equal_to_the_rows(store, tmp_path):
    """A store file, service reports, an ad report that is a breakdown and one that is not,
    costs; an overwrite; a rename that merges; undo of each: after every step."""
    first = ingest(store, tmp_path, "store.csv", STORE_FILE)
    assert_rollup_agrees(store)
    ingest(store, tmp_path, "costs.csv", COSTS)
    for path in chitu_day_files(tmp_path):
        ingest_file(store, path, today=TODAY)
    ingest_file(store, alimama_plans(tmp_path), store_name=STORE, today=TODAY)
    ingest_file(store, qianchuan(tmp_path), store_name=STORE, today=TODAY)
    assert_rollup_agrees(store)
    overwrite = ingest(store, tmp_path, "again.csv", OVERWRITE)
    assert_rollup_agrees(store)
    day_sales = (
        store.reader()
        .execute(f"SELECT date, sum(sales) FROM {ROLLUP} WHERE store = 'A店' GROUP BY 1 ORDER BY 1")
        .fetchall()
    )
    # 10-01: 搜索 500 + 直播 120 (the overwrite's, not 80); 10-02: 900.5; 10-03: 300.
    assert [(str(d), v) for d, v in day_sales] == [
        ("2026-10-01", 620),
        ("2026-10-02", 900.5),
        ("2026-10-03", 300),
    ]
    merged = rename_store(store, "B店", "A店").batch_id
    assert_rollup_agrees(store)
    renamed = rename_store(store, "A店", STORE).batch_id  # into the Tmall store's days
    assert_rollup_agrees(store)
    for batch in (renamed, merged, overwrite, first):
        undo_batch(store, batch)
        assert_rollup_agrees(store)
    # Everything of A店 and B店 undone: only the Tmall store's rows are left.
    stores = store.reader().execute(f"SELECT DISTINCT store FROM {ROLLUP}").fetchall()
    assert stores == [(STORE,)]


def test_the_demo_company_and_its_removal(store):
    load_demo(store, dt.date(2026, 11, 15))
    assert rollup_differences(store) == []
    assert store.reader().execute(f"SELECT count(*) FROM {ROLLUP}").fetchall()[0][0] > 0
    remove_demo(store)
    assert rollup_differences(store) == []
    assert store.reader().execute(f"SELECT count(*) FROM {ROLLUP}").fetchall()[0][0] == 0


def test_a_database_from_before_the_rollup_gets_it_filled(tmp_path):
    path = tmp_path / "old.duckdb"
    with Store(path) as store:
        ingest(store, tmp_path, "store.csv", STORE_FILE)
        version = store.schema_version()
        with store.writer() as w:  # as schema version 5 left it: no rollup table (nor v7's)
            w.execute(f"DROP TABLE {ROLLUP}")
            w.execute("DROP TABLE sign_in_failures")
            w.execute("DELETE FROM schema_version WHERE version > 5")
    with Store(path) as store:
        assert store.schema_version() == version
        assert rollup_differences(store) == []
        cur = store.reader()
        assert cur.execute(f"SELECT sum(sales) FROM {ROLLUP}").fetchall()[0][0] == pytest.approx(
            500 + 80 + 900.5
        )
