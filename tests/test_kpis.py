"""KPIs computed from sums, checked against numbers worked out by hand."""

import datetime as dt
import math

import pytest
from helpers import TODAY

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, kpi_table

FACTS = """日期,店铺,渠道,访客数,支付买家数,支付金额,询单人数,询单成交人数,推广费
2026-09-30,A店,搜索,100,5,500,10,4,30
2026-09-30,A店,直播,50,1,80,10,1,
2026-10-01,A店,搜索,200,6,900,20,8,60
2026-10-05,A店,搜索,40,0,0,0,0,5
"""
COSTS = """月份,店铺,人力成本,管理成本,销售目标,目标询盘成本
2026-09,A店,3000,600,30000,10
2026-10,A店,3100,310,31000,10
"""


@pytest.fixture
def shop(store, tmp_path):
    for name, text in (("facts.csv", FACTS), ("costs.csv", COSTS)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert ingest_file(store, path, today=TODAY).ok
    return store


def test_week_totals_are_ratios_of_sums(shop):
    week = Filters(date_from=dt.date(2026, 9, 28), date_to=dt.date(2026, 10, 4))
    row = kpi_table(shop.reader(), "week", "none", week).iloc[0]
    assert row.period == dt.date(2026, 9, 28)
    assert (row.visitors, row.buyers, row.sales, row.inquiries, row.closed_inquiries) == (
        350,
        12,
        1480,
        40,
        13,
    )
    assert row.spend == 90
    assert row.conversion_rate == pytest.approx(12 / 350)  # not the mean of daily rates
    assert row.aov == pytest.approx(1480 / 12)
    assert row.inquiry_conversion == pytest.approx(13 / 40)
    assert row.roi == pytest.approx(1480 / 90)
    # Monthly costs spread by day over the whole week Sep 28 - Oct 4:
    # September 3000/30 = 100 a day x 3 days, October 3100/31 = 100 a day x 4 days.
    assert row.labor_cost == pytest.approx(700)
    assert row.management_cost == pytest.approx(3 * 20 + 4 * 10)
    total = 90 + 700 + 100
    # Inquiry target: each day's cost over the target inquiry cost (10 yuan), all 7 days.
    assert row.inquiry_target == pytest.approx(total / 10)
    # Inquiries were reported on 2 of the week's 7 days (Sep 30, Oct 1): the ratios take
    # those days' costs only: spend 90, labor 100 + 100, management 20 + 10.
    covered = 90 + 200 + 30
    assert row.store_days == 7
    assert (row.inquiry_cost_days, row.closed_inquiry_cost_days) == (2, 2)
    assert row.inquiry_cost == pytest.approx(covered / 40)  # 8.0, not 890 / 40 = 22.25
    assert row.closed_inquiry_cost == pytest.approx(covered / 13)
    assert row.inquiry_task_completion == pytest.approx(40 / (covered / 10))
    assert row.conversion_rate_days == 2


def test_days_spread_costs_and_channels_share_them_by_inquiries(shop):
    two_days = Filters(date_from=dt.date(2026, 9, 30), date_to=dt.date(2026, 10, 1))
    rows = kpi_table(shop.reader(), "week", "channel", two_days).set_index("channel")
    # Sep 30: 120 yuan of cost split 10:10 by inquiries; Oct 1: 110 all to 搜索.
    assert rows.loc["搜索"].labor_cost == pytest.approx(50 + 100)
    assert rows.loc["直播"].labor_cost == pytest.approx(50)
    assert rows.loc["搜索"].inquiry_cost == pytest.approx((90 + 150 + 20) / 30)
    assert rows.loc["直播"].inquiry_cost == pytest.approx((0 + 50 + 10) / 10)
    assert math.isnan(rows.loc["直播"].spend)  # no spend uploaded: empty, not zero


def test_period_without_inquiries_has_no_inquiry_cost(shop):
    day = Filters(date_from=dt.date(2026, 10, 5), date_to=dt.date(2026, 10, 5))
    row = kpi_table(shop.reader(), "day", "store", day).iloc[0]
    assert row.inquiries == 0
    assert math.isnan(row.inquiry_cost) and math.isnan(row.conversion_rate) is False
    assert row.conversion_rate == 0


def test_month_grain_and_store_filter(shop):
    rows = kpi_table(shop.reader(), "month", "store", Filters(stores=("A店",)))
    assert list(rows.period) == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert list(rows.visitors) == [150, 240]
    # The span of the facts (Sep 30 - Oct 5) bounds the cost: 1 day of Sep, 5 of Oct.
    assert list(rows.labor_cost) == pytest.approx([100, 500])
    assert kpi_table(shop.reader(), "month", "store", Filters(stores=("B店",))).empty


def test_empty_store_gives_an_empty_table(store):
    assert kpi_table(store.reader(), "week", "store").empty


def test_a_remembered_answer_is_never_served_after_the_data_change(shop, tmp_path):
    """kpi_table answers each question once per data version: an upload, an undo and a
    currency setting must each give the new numbers, not the remembered ones."""
    from ecdata.store.batches import undo_batch
    from ecdata.store.settings import set_store_currency

    week = Filters(date_from=dt.date(2026, 9, 28), date_to=dt.date(2026, 10, 4))
    assert kpi_table(shop.reader(), "total", "none", week).sales.iloc[0] == 1480
    more = tmp_path / "more.csv"
    more.write_text("日期,店铺,渠道,支付金额\n2026-10-02,B店,直播,20\n", encoding="utf-8")
    outcome = ingest_file(shop, more, today=TODAY)
    assert outcome.ok
    assert kpi_table(shop.reader(), "total", "none", week).sales.iloc[0] == 1500
    # Money is never added across currencies: B店 in dollars withholds the total at once.
    set_store_currency(shop, "B店", "$")
    assert math.isnan(kpi_table(shop.reader(), "total", "none", week).sales.iloc[0])
    set_store_currency(shop, "B店", None)
    assert kpi_table(shop.reader(), "total", "none", week).sales.iloc[0] == 1500
    undo_batch(shop, outcome.batch.batch_id)
    assert kpi_table(shop.reader(), "total", "none", week).sales.iloc[0] == 1480


def test_a_period_the_data_does_not_reach_the_end_of_is_partial(shop):
    """The data ends on Monday Oct 5: that week is in progress, the one before is not."""
    weeks = kpi_table(shop.reader(), "week", "none", Filters()).set_index("period")
    assert weeks.partial.to_dict() == {dt.date(2026, 9, 28): False, dt.date(2026, 10, 5): True}
    months = kpi_table(shop.reader(), "month", "none", Filters()).set_index("period")
    assert months.partial.to_dict() == {dt.date(2026, 9, 1): False, dt.date(2026, 10, 1): True}


def test_a_range_past_the_data_is_said_to_be_in_progress(shop):
    from ecdata.metrics.review import source_notes

    week = Filters(date_from=dt.date(2026, 10, 5), date_to=dt.date(2026, 10, 11))
    (note,) = [n for n in source_notes(shop.reader(), week) if n.key == "note.partial_range"]
    assert "2026-10-05" in note.text("en") and "2026-10-11" in note.text("en")
    done = Filters(date_from=dt.date(2026, 9, 28), date_to=dt.date(2026, 10, 4))
    assert not [n for n in source_notes(shop.reader(), done) if n.key == "note.partial_range"]
