"""Store reports for a period without a row per day (生意参谋 店铺整体 exported for 近7天):
one fact for the range, counted whole where the range lies inside the period asked for and
no daily row of the store covers its days; otherwise left out, and the page says so."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys

import pytest
from helpers import ROOT, app
from test_mixtures import STORE, ingest, monthly_costs, sycm_store_file

from ecdata.metrics.kpis import Filters, kpi_table, store_periods_left_out, totals
from ecdata.store import Store
from ecdata.store.batches import undo_batch


def sycm_period_file(tmp_path, first: str, last: str, visitors=7000, buyers=280, sales=56000):
    """生意参谋 店铺整体 for 近7天: title rows, then one row of the whole range, no date
    column; the range only in the file name. GBK, as 生意参谋 writes CSV."""
    text = (
        f"生意参谋 - 店铺整体\n统计时间：{first} ~ {last}\n\n\n"
        "访客数,浏览量,支付买家数,支付金额,关键词推广花费,精准人群推广花费,咨询人数,询单成交人数\n"
        f'"{visitors:,}",21000,{buyers},"{sales:,}.00",1400,700,350,105\n'
    )
    path = tmp_path / f"【生意参谋平台】店铺整体_{first}_{last}.csv"
    path.write_bytes(text.encode("gbk"))
    return path


WEEK = (dt.date(2026, 10, 5), dt.date(2026, 10, 11))  # a Monday to a Sunday


@pytest.fixture
def october(store, tmp_path):
    """Daily rows for 10-01..10-03, a period report for the week 10-05..10-11, costs."""
    ingest(store, sycm_store_file(tmp_path), store_name=STORE)
    ingest(store, sycm_period_file(tmp_path, "2026-10-05", "2026-10-11"), store_name=STORE)
    ingest(store, monthly_costs(tmp_path))
    return store


def test_a_period_report_is_one_fact_for_its_range(october):
    rows = october.reader().execute("SELECT * FROM store_periods").df()
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.date.date(), row.date_to.date()) == WEEK
    assert (row.visitors, row.buyers, row.sales, row.spend) == (7000, 280, 56000, 2100)
    assert (row.inquiries, row.closed_inquiries) == (350, 105)
    batch = (
        october.reader()
        .execute("SELECT kind, target_table, date_min, date_max FROM batches ORDER BY batch_id")
        .fetchall()[1]
    )
    assert batch == ("store_period", "store_periods", *WEEK)
    # Nothing was spread into days.
    assert october.reader().execute(
        "SELECT count(*) FROM store_daily WHERE date >= DATE '2026-10-04'"
    ).fetchall() == [(0,)]


def test_its_week_counts_it_whole_with_the_months_costs(october):
    k = totals(october.reader(), Filters(stores=(STORE,), date_from=WEEK[0], date_to=WEEK[1]))
    assert (k.visitors, k.buyers, k.sales) == (7000, 280, 56000)
    assert k.conversion_rate == pytest.approx(280 / 7000)
    # Seven days of October's 31,000 labour and 3,100 management, plus the week's spend.
    cost = 2100 + 7 * 1000 + 7 * 100
    assert k.spend + k.labor_cost + k.management_cost == pytest.approx(cost)
    assert k.inquiry_cost == pytest.approx(cost / 350)
    assert k.closed_inquiry_cost == pytest.approx(cost / 105)


def test_a_range_holding_days_and_the_period_adds_both(october):
    k = totals(
        october.reader(), Filters(stores=(STORE,), date_from=dt.date(2026, 10, 1), date_to=WEEK[1])
    )
    assert (k.visitors, k.buyers, k.sales) == (3000 + 7000, 150 + 280, 30000 + 56000)
    assert k.conversion_rate == pytest.approx(430 / 10000)


def test_weekly_table_puts_it_in_its_week_and_a_daily_table_leaves_it_out(october):
    scope = Filters(stores=(STORE,), date_from=dt.date(2026, 10, 1), date_to=WEEK[1])
    weekly = kpi_table(october.reader(), "week", "none", scope).set_index("period")
    assert weekly.loc[dt.date(2026, 9, 28), "visitors"] == 3000
    assert weekly.loc[WEEK[0], "visitors"] == 7000
    daily = kpi_table(october.reader(), "day", "none", scope)
    assert daily.visitors.sum() == 3000
    left = store_periods_left_out(october.reader(), scope, "day")
    assert left[["date", "date_to", "reason"]].values.tolist() == [[*WEEK, "grain"]]
    assert store_periods_left_out(october.reader(), scope, "week").empty


def test_a_range_that_cuts_the_period_leaves_it_out_and_says_why(october):
    cut = Filters(stores=(STORE,), date_from=dt.date(2026, 10, 8), date_to=dt.date(2026, 10, 20))
    k = totals(october.reader(), cut)
    assert math.isnan(k.visitors)
    left = store_periods_left_out(october.reader(), cut)
    assert left[["store", "date", "date_to", "reason"]].values.tolist() == [[STORE, *WEEK, "range"]]


def test_a_period_that_crosses_weeks_counts_in_the_month_not_in_a_week(store, tmp_path):
    ingest(store, sycm_period_file(tmp_path, "2026-10-08", "2026-10-14"), store_name=STORE)
    month = Filters(stores=(STORE,), date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    assert totals(store.reader(), month).visitors == 7000
    assert kpi_table(store.reader(), "month", "none", month).visitors.tolist() == [7000]
    assert kpi_table(store.reader(), "week", "none", month).visitors.isna().all()
    left = store_periods_left_out(store.reader(), month, "week")
    assert left.reason.tolist() == ["grain"]


def test_daily_rows_on_its_days_win_and_the_period_is_left_out(october, tmp_path):
    overlap = sycm_period_file(tmp_path, "2026-10-01", "2026-10-07", visitors=9999)
    ingest(october, overlap, store_name=STORE)
    scope = Filters(stores=(STORE,), date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 7))
    assert totals(october.reader(), scope).visitors == 3000  # the daily rows only
    left = store_periods_left_out(october.reader(), scope)
    assert left[["date", "reason"]].values.tolist() == [
        [dt.date(2026, 10, 1), "daily"],
        [WEEK[0], "range"],  # the week's report reaches past 10-07
    ]


def test_undo_removes_the_period_and_its_numbers(october):
    batch = (
        october.reader()
        .execute("SELECT batch_id FROM batches WHERE target_table = 'store_periods'")
        .fetchall()[0][0]
    )
    undo_batch(october, batch)
    k = totals(october.reader(), Filters(stores=(STORE,), date_from=WEEK[0], date_to=WEEK[1]))
    assert math.isnan(k.visitors)


def test_the_cli_takes_the_range_of_a_file_whose_name_has_none(tmp_path):
    path = tmp_path / "店铺整体.csv"
    path.write_bytes(sycm_period_file(tmp_path, "2026-10-05", "2026-10-11").read_bytes())
    db = tmp_path / "cli.duckdb"
    command = [sys.executable, "-m", "ecdata", "ingest", "--db", str(db), "--store", STORE]
    done = subprocess.run(
        [*command, "--from", "2026-10-05", "--to", "2026-10-11", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    with Store(db) as store:
        assert store.reader().execute(
            "SELECT date, date_to, visitors FROM store_periods"
        ).fetchall() == [(*WEEK, 7000)]


def test_the_weekly_review_shows_the_week_and_explore_by_day_says_it_left_it_out(october, app_on):
    app_on(october.path)
    week = {"from": "2026-10-05", "to": "2026-10-11"}
    at = app(lang="en", range="custom", **week)
    assert not at.exception
    values = " ".join(m.value for m in at.metric)
    assert "7,000" in values and "56,000" in values
    at = app(lang="en", range="custom", grain="day", **{"from": "2026-10-01", "to": "2026-10-11"})
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    notes = " ".join(c.value for c in at.caption)
    # say() escapes markdown: the page shows "~".
    assert f"{STORE} 2026-10-05 \\~ 2026-10-11" in notes and "cannot be split" in notes
