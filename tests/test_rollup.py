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


def product_week_differences(store) -> list[tuple]:
    """Rows where the product-week rollup differs from product_facts: its one-day rows
    summed per store, product and week, its period rows as they are (empty when equal)."""
    from ecdata.store.schema import PRODUCT_WEEKS

    columns = ("visitors", "page_views", "buyers", "units", "sales")
    sums = ", ".join(f"sum({m}) AS {m}" for m in columns)
    same = " AND ".join(
        f"(r.{m} IS NULL AND f.{m} IS NULL OR abs(r.{m} - f.{m}) <= 1e-9 * greatest(1, abs(f.{m})))"
        for m in columns
    )
    week = "CAST(date_trunc('week', date) AS DATE)"
    return (
        store.reader()
        .execute(
            f"""WITH f AS (SELECT {week} AS date, {week} + 6 AS date_to, store, product_id,
                                  arg_max(product_name, date) AS product_name,
                                  max(date) AS name_date, {sums}
                           FROM product_facts WHERE date = date_to GROUP BY ALL
                           UNION ALL
                           SELECT date, date_to, store, product_id, product_name,
                                  date AS name_date, {", ".join(columns)}
                           FROM product_facts WHERE date <> date_to)
                SELECT COALESCE(r.date, f.date), COALESCE(r.store, f.store),
                       COALESCE(r.product_id, f.product_id), r.sales, f.sales
                FROM {PRODUCT_WEEKS} r FULL OUTER JOIN f
                  USING (date, date_to, store, product_id)
                WHERE r.date IS NULL OR f.date IS NULL OR NOT ({same})
                   OR r.name_date <> f.name_date
                   OR r.product_name IS DISTINCT FROM f.product_name"""
        )
        .fetchall()
    )


# Whole weeks, a range starting and ending mid-week, one shorter than a week, everything.
PRODUCT_RANGES = [
    Filters(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 15)),
    Filters(date_from=dt.date(2026, 11, 4), date_to=dt.date(2026, 11, 19)),
    Filters(date_from=dt.date(2026, 11, 10), date_to=dt.date(2026, 11, 12)),
    Filters(date_from=dt.date(2026, 11, 9), date_to=dt.date(2026, 11, 22), stores=("京东店",)),
    Filters(),
]


def assert_products_agree(store):
    from ecdata.metrics.products import product_movers, product_table

    assert product_week_differences(store) == []
    cur = store.reader()
    for filters in PRODUCT_RANGES:
        rolled = product_table(cur, filters, use_rollup=True)
        every_day = product_table(cur, filters, use_rollup=False)
        assert same_numbers(rolled, every_day) == [], filters
        if filters.date_from is not None:
            rolled = product_movers(cur, filters, "previous", top=50, use_rollup=True)
            every_day = product_movers(cur, filters, "previous", top=50, use_rollup=False)
            assert same_numbers(rolled, every_day) == [], filters


def jd_products(tmp_path, name, rows):
    """京东商智 商品明细 by day: (day, sku, name, visitors, sales)."""
    body = "".join(f"{d},{sku},{title},{v},{s}\n" for d, sku, title, v, s in rows)
    path = tmp_path / name
    path.write_text("日期,SKU,商品名称,访客数,成交金额\n" + body, encoding="utf-8")
    return path


def test_every_kind_of_write_keeps_the_product_weeks_equal_to_the_rows(store, tmp_path):
    """Three weeks of product days for two stores; an overwrite that renames a product; a
    merge of one store into the other; a period report of a whole week; undo of each."""
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(21)]
    rows = [
        (d, sku, title, 10 + i, 100.0 * (i % 5) + float(sku))
        for i, d in enumerate(days)
        for sku, title in (("1", "杯子"), ("2", "壶"))
        if not (sku == "2" and d.weekday() == 6)  # no pot on Sundays
    ]
    first = ingest_file(
        store, jd_products(tmp_path, "a.csv", rows), store_name="京东店", today=TODAY
    )
    other = ingest_file(store, jd_products(tmp_path, "b.csv", rows[:9]), store_name="京东二店", today=TODAY)  # fmt: skip
    assert first.ok and other.ok
    assert_products_agree(store)
    renamed = [(d, "1", "保温杯", 5, 999.0) for d in days[8:11]]  # mid-week to mid-week
    overwrite = ingest_file(store, jd_products(tmp_path, "c.csv", renamed), store_name="京东店", today=TODAY)  # fmt: skip
    assert overwrite.ok
    assert_products_agree(store)
    from ecdata.metrics.products import product_table

    whole = product_table(store.reader(), PRODUCT_RANGES[4], use_rollup=True)
    cup = whole[(whole.store == "京东店") & (whole.product_id == "1")].iloc[0]
    assert cup.product_name == "杯子"  # the latest day (11-22) still calls it 杯子
    # A week's report (Douyin's product list, 11-02..08) is one period row, not days.
    from test_products import douyin_product_xlsx

    week = ingest_file(store, douyin_product_xlsx(tmp_path), store_name="京东二店", today=TODAY)
    assert week.ok
    assert_products_agree(store)
    merged = rename_store(store, "京东二店", "京东店").batch_id
    assert_products_agree(store)
    for batch in (merged, week.batch.batch_id, overwrite.batch.batch_id, other.batch.batch_id):
        undo_batch(store, batch)
        assert_products_agree(store)


def test_a_database_from_before_the_product_weeks_gets_them_filled(tmp_path):
    path = tmp_path / "old.duckdb"
    rows = [(dt.date(2026, 11, 2) + dt.timedelta(days=i), "1", "杯子", 10, 100.0) for i in range(9)]
    with Store(path) as store:
        outcome = ingest_file(store, jd_products(tmp_path, "a.csv", rows), store_name="京东店", today=TODAY)  # fmt: skip
        assert outcome.ok
        version = store.schema_version()
        with store.writer() as w:  # as schema version 14 left it
            w.execute("DROP TABLE product_weekly")
            w.execute("DELETE FROM schema_version WHERE version > 14")
    with Store(path) as store:
        assert store.schema_version() == version
        assert product_week_differences(store) == []
        weeks = store.reader().execute("SELECT date, sales FROM product_weekly ORDER BY 1")
        assert weeks.fetchall() == [(dt.date(2026, 11, 2), 700.0), (dt.date(2026, 11, 9), 200.0)]
