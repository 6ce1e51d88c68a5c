"""The sales equation and inquiry-cost split, against numbers worked out by hand."""

import datetime as dt
import math

import pytest
from helpers import TODAY

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.equation import (
    equation_table,
    log_mean,
    split_inquiry_cost,
    split_product,
)
from ecdata.metrics.kpis import Filters


def test_log_mean_by_hand():
    assert log_mean(5, 5) == 5
    # L(6000, 4000) = 2000 / ln(1.5) = 4932.6…
    assert log_mean(6000, 4000) == pytest.approx(2000 / math.log(1.5))


def test_sales_change_splits_exactly_into_its_three_factors():
    # Before: 1,000 visitors x 5% x ¥100 = ¥5,000. Now: 1,200 x 4% x ¥125 = ¥6,000.
    before = {"visitors": 1000, "conversion_rate": 0.05, "aov": 100, "sales": 5000}
    now = {"visitors": 1200, "conversion_rate": 0.04, "aov": 125, "sales": 6000}
    parts = split_product(now, before, ("visitors", "conversion_rate", "aov"), "sales")
    weight = 1000 / math.log(6000 / 5000)  # L(6000, 5000)
    # Visitors grew as much as sales (x1.2): all of the +¥1,000; conversion (x0.8) and
    # order value (x1.25) cancel: ∓¥1,223.9 = 1000 · ln 0.8 / ln 1.2.
    assert parts["visitors"] == pytest.approx(weight * math.log(1.2)) == pytest.approx(1000)
    assert parts["conversion_rate"] == pytest.approx(weight * math.log(0.8))
    assert round(parts["conversion_rate"], 1) == -1223.9
    assert parts["aov"] == pytest.approx(weight * math.log(1.25))
    assert round(parts["aov"], 1) == 1223.9
    assert sum(parts.values()) == pytest.approx(1000, abs=1e-9)  # exactly the change


def test_no_split_where_a_factor_is_zero_or_missing():
    before = {"visitors": 1000, "conversion_rate": 0.0, "aov": math.nan, "sales": 0}
    now = {"visitors": 1200, "conversion_rate": 0.04, "aov": 125, "sales": 6000}
    assert split_product(now, before, ("visitors", "conversion_rate", "aov"), "sales") is None
    # Unchanged: every part is 0 and they still add up.
    same = split_product(now, dict(now), ("visitors", "conversion_rate", "aov"), "sales")
    assert same == {"visitors": 0, "conversion_rate": 0, "aov": 0}


def test_inquiry_cost_change_splits_into_spend_labor_management_and_inquiries():
    # Before: (300 + 500 + 200) / 100 = ¥10. Now: (450 + 500 + 150) / 110 = ¥10.
    before = {"spend": 300, "labor_cost": 500, "management_cost": 200, "inquiries": 100}
    now = {"spend": 450, "labor_cost": 500, "management_cost": 150, "inquiries": 110}
    parts = split_inquiry_cost(now, before)
    assert sum(parts.values()) == pytest.approx(0, abs=1e-12)  # ¥10 -> ¥10
    per_money = 10 / log_mean(1100, 1000)  # L(10, 10) / L(1100, 1000)
    assert parts["spend"] == pytest.approx(per_money * 150)
    assert parts["labor_cost"] == 0
    assert parts["management_cost"] == pytest.approx(per_money * -50)
    assert parts["inquiries"] == pytest.approx(10 * math.log(100 / 110))
    # A cost part missing in both periods counts as nothing; no inquiries: no split.
    assert split_inquiry_cost({**now, "labor_cost": math.nan}, {**before, "labor_cost": math.nan})
    assert split_inquiry_cost({**now, "inquiries": 0}, before) is None


def test_equation_table_per_store_from_uploaded_files(store, tmp_path):
    path = tmp_path / "facts.csv"
    path.write_text(
        "日期,店铺,访客数,支付买家数,支付金额,询单人数,推广费\n"
        "2026-10-06,A店,1000,50,5000,100,300\n"
        "2026-10-13,A店,1200,48,6000,110,450\n"
        "2026-10-06,B店,500,0,0,10,50\n"
        "2026-10-13,B店,500,10,900,10,50\n",
        encoding="utf-8",
    )
    assert ingest_file(store, path, today=TODAY).ok
    week2 = Filters(date_from=dt.date(2026, 10, 12), date_to=dt.date(2026, 10, 18))
    table = equation_table(store.reader(), week2, "previous", "store").set_index("store")
    a = table.loc["A店"]
    assert a.sales_change == 1000
    parts = a[["visitors_part", "conversion_rate_part", "aov_part"]]
    assert parts.sum() == pytest.approx(1000)
    assert a.visitors_part == pytest.approx(1000 / math.log(1.2) * math.log(1.2))
    # B店 sold nothing the week before: no split, said as NaN rather than invented.
    assert table.loc["B店"].sales_change == 900 and math.isnan(table.loc["B店"].visitors_part)
    # Spend only (no labour file): inquiry cost ¥3 -> ¥4.09, all of it spend and inquiries.
    cost_parts = a[["spend_part", "labor_cost_part", "management_cost_part", "inquiries_part"]]
    assert cost_parts.sum() == pytest.approx(450 / 110 - 3)
    total = equation_table(store.reader(), week2, "previous", "none").iloc[0]
    assert total.sales_change == 1900


def test_the_weekly_review_draws_both_equations_with_parts_that_add_up(db):
    import json

    from helpers import app, plotly_values

    from ecdata.metrics.kpis import totals
    from ecdata.store import Store

    at = app(lang="en")
    assert not at.exception
    falls = [
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "waterfall"
    ]
    assert len(falls) == 2
    sales, cost = (plotly_values(f["data"][0]["x"]) for f in falls)  # bars lie across
    with Store(db) as store:
        now = totals(
            store.reader(), Filters(date_from=dt.date(2026, 11, 9), date_to=dt.date(2026, 11, 15))
        )
        before = totals(
            store.reader(), Filters(date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 8))
        )
    assert sales[0] == pytest.approx(before.sales)
    assert sum(sales[1:4]) == pytest.approx(now.sales - before.sales)
    assert cost[0] == pytest.approx(before.inquiry_cost)
    assert sum(cost[1:5]) == pytest.approx(now.inquiry_cost - before.inquiry_cost)
    # In plain words on the page; the method (LMDI) behind the title's help icon.
    assert any("Each bar is the change one factor brought" in c.value for c in at.caption)
    assert any("LMDI" in (h.proto.help or "") for h in at.subheader)
