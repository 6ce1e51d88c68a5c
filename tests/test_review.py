"""The weekly review's engine (flags, movers, comparisons), the customer-service sums and
the stage evidence, each checked against numbers worked out by hand."""

import datetime as dt
import json
import math

import pytest
from helpers import TODAY, app

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, agent_kpis
from ecdata.metrics.review import movers, period_comparison, week_flags
from ecdata.team.diagnosis import gather_evidence
from ecdata.team.files import read_team_file, save_team_file
from ecdata.team.scoring import agent_month

# Two stores, one day in each of two weeks (Mon 10-05 and Mon 10-12 start them).
FACTS = """日期,店铺,访客数,支付买家数,支付金额,询单人数,询单成交人数,推广费
2026-10-06,A店,1000,50,5000,100,40,500
2026-10-13,A店,1000,30,3000,100,30,500
2026-10-06,B店,200,10,1000,20,10,100
2026-10-13,B店,220,11,1100,22,11,110
"""
# A店's October sales target: ¥31,000 for 31 days, ¥7,000 a week.
TARGETS = "月份,店铺,销售目标\n2026-10,A店,31000\n"
WEEK2 = Filters(date_from=dt.date(2026, 10, 12), date_to=dt.date(2026, 10, 18))


def load(store, tmp_path, **files):
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text, encoding="utf-8")
        outcome = ingest_file(store, path, today=TODAY)
        assert outcome.ok, str(outcome.message)
    return store


@pytest.fixture
def two_weeks(store, tmp_path):
    return load(store, tmp_path, facts=FACTS, targets=TARGETS)


def test_week_flags_name_missed_targets_and_big_moves(two_weeks):
    flags = week_flags(two_weeks.reader(), WEEK2, threshold=0.25)
    rows = [
        (r.store, r.metric, round(r.value, 4), round(r.reference, 4), r.kind)
        for r in flags.itertuples()
    ]
    assert rows == [
        ("A店", "sales", 3000, 7000, "target"),  # ¥3,000 against a week's ¥7,000
        ("A店", "conversion_rate", 0.03, 0.05, "move"),  # 30/1000 after 50/1000: -40%
        ("A店", "sales", 3000, 5000, "move"),  # -40%
    ]  # B店: +10% sales, conversion and inquiry cost flat, no target: nothing to flag
    assert week_flags(two_weeks.reader(), WEEK2, threshold=0.5).kind.tolist() == ["target"]


def test_a_missed_target_is_flagged_in_a_stores_first_week(store, tmp_path):
    """A store new in the shown week has no week to move from, but can miss its target."""
    new_store = "日期,店铺,访客数,支付买家数,支付金额\n2026-10-13,C店,100,5,500\n"
    target = "月份,店铺,销售目标\n2026-10,C店,3100\n"  # ¥700 a week
    load(store, tmp_path, facts=new_store, targets=target)
    flags = week_flags(store.reader(), WEEK2, threshold=0.25)
    assert [
        (r.store, r.metric, r.value, round(r.reference, 2), r.kind) for r in flags.itertuples()
    ] == [("C店", "sales", 500, 700, "target")]


def test_movers_rank_stores_by_relative_change_with_a_verdict(two_weeks):
    moved = movers(two_weeks.reader(), WEEK2, "previous", "store", "sales")
    assert moved[["store", "current", "previous", "change"]].values.tolist() == [
        ["A店", 3000, 5000, -2000],
        ["B店", 1100, 1000, 100],
    ]
    assert moved.change_pct.tolist() == pytest.approx([-0.4, 0.1])
    assert moved.verdict.tolist() == ["bad", "good"]
    # Inquiry cost going down is good: B's ¥110/22 = ¥5 flat, A's ¥5 flat: no movers.
    costs = movers(two_weeks.reader(), WEEK2, "previous", "store", "inquiry_cost")
    assert costs.change.tolist() == [0, 0] and set(costs.verdict) == {"neutral"}


def test_period_comparison_totals_are_ratios_of_sums(two_weeks):
    both = period_comparison(
        two_weeks.reader(), WEEK2, "previous", "none", ("sales", "conversion_rate")
    )
    row = both.iloc[0]
    assert (row.sales, row.sales_before) == (4100, 6000)
    assert row.sales_change == pytest.approx(-1900 / 6000)
    # 41 buyers of 1,220 visitors, not the mean of 3% and 5%.
    assert row.conversion_rate == pytest.approx(41 / 1220)
    assert row.conversion_rate_before == pytest.approx(60 / 1200)
    by_store = period_comparison(two_weeks.reader(), WEEK2, "previous", "store", ("sales",))
    assert by_store.set_index("store").sales_change.to_dict() == pytest.approx(
        {"A店": -0.4, "B店": 0.1}
    )


AGENTS = """日期,店铺,客服昵称,接待人数,询单人数,询单成交人数,平均响应时长
2026-10-06,A店,小美,100,40,20,20
2026-10-07,A店,小美,50,30,10,50
2026-10-06,A店,阿杰,10,5,1,100
"""


def test_agent_response_time_is_weighted_by_customers_received(store, tmp_path):
    load(store, tmp_path, agents=AGENTS)
    october = Filters(date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))
    table = agent_kpis(store.reader(), october).set_index("member")
    # 小美: (100 x 20 s + 50 x 50 s) / 150 = 30 s; the mean of the days would be 35 s.
    assert table.loc["小美", "response_seconds"] == pytest.approx(30)
    assert table.loc["team", "response_seconds"] == pytest.approx((2000 + 2500 + 1000) / 160)
    assert table.loc["小美", "inquiry_conversion"] == pytest.approx(30 / 70)
    assert table.loc["team", "inquiries"] == 75
    # Scoring reads the same sums (one query for both pages).
    month = agent_month(store.reader(), dt.date(2026, 10, 1)).set_index("member")
    assert month.loc["小美", ["inquiries", "closed_inquiries"]].tolist() == [70, 30]
    assert "team" not in month.index


ROSTER = """工号,姓名,岗位,入职日期,店铺
1,王店长,店长,2025-11-20,A店
2,小美,售前客服,2026-01-10,A店
3,阿木,美工,2026-03-01,A店
"""
RATINGS = "月份,姓名,询盘任务数\n2026-09,小美,100\n2026-10,小美,110\n"
# One day a month: inquiry cost ¥4, 5, 4, 5, 6, 7 (spend / 100 inquiries, no labour cost).
MONTHS = "日期,店铺,询单人数,推广费,支付金额\n" + "".join(
    f"2026-{m:02d}-15,A店,100,{cost * 100},{sales}\n"
    for m, cost, sales in ((5, 4, 1), (6, 5, 1), (7, 4, 1), (8, 5, 1), (9, 6, 10000), (10, 7, 8000))
)
MONTH_TARGETS = "月份,店铺,销售目标\n2026-09,A店,9000\n2026-10,A店,9000\n"


def test_gather_evidence_from_roster_ratings_and_months(store, tmp_path):
    for text, name in ((ROSTER, "花名册.csv"), (RATINGS, "评分.csv")):
        team = read_team_file(text.encode(), name)
        assert team.ok, team.error
        save_team_file(store, team)
    load(store, tmp_path, months=MONTHS, targets=MONTH_TARGETS)
    e = gather_evidence(store.reader(), dt.date(2026, 11, 20))
    assert (e.headcount, e.distinct_roles) == (3, 3)
    assert e.team_age_months == 12  # the first hire, 2025-11-20
    assert e.inquiry_target_months == 2
    # Costs 4, 5, 4, 5, 6, 7: population std / mean; rising the last three months.
    costs = [4, 5, 4, 5, 6, 7]
    mean = sum(costs) / 6
    std = math.sqrt(sum((c - mean) ** 2 for c in costs) / 6)
    assert e.inquiry_cost_variation == pytest.approx(std / mean)
    assert e.inquiry_cost_rising_months == 3
    # September ¥10,000 against ¥9,000 (met), October ¥8,000 (missed).
    assert (e.target_attained_months, e.target_months) == (1, 2)
    assert e.roles_present == {"store_manager", "presales", "designer"}
    # Another store's view has none of A店's months.
    assert gather_evidence(store.reader(), dt.date(2026, 11, 20), ("B店",)).target_months == 0


def test_movers_compared_with_target_measure_the_gap_to_it(two_weeks):
    # A店's week 2: ¥3,000 against its ¥7,000 weekly target: -57%. B店 has no target.
    moved = movers(two_weeks.reader(), WEEK2, "target", "store", "sales")
    assert moved[["store", "current", "previous", "change"]].values.tolist() == [
        ["A店", 3000, 7000, -4000]
    ]
    assert moved.change_pct.iloc[0] == pytest.approx(-4000 / 7000)
    # No target for conversion: the previous period is the reference.
    conversion = movers(two_weeks.reader(), WEEK2, "target", "store", "conversion_rate")
    assert conversion.set_index("store").previous.to_dict() == pytest.approx(
        {"A店": 0.05, "B店": 0.05}
    )


def test_explore_charts_the_ten_biggest_of_many_stores_and_says_so(store, app_on):
    import pyarrow as pa

    from ecdata.store import STORE_DAILY
    from ecdata.store.batches import write_batch

    days = [dt.date(2026, 10, 1) + dt.timedelta(days=d) for d in range(14)]
    rows = [(d, f"店{s:02d}", "all", 100.0, 1000.0 * (s + 1)) for s in range(12) for d in days]
    facts = pa.table(
        {
            "date": [r[0] for r in rows],
            "store": [r[1] for r in rows],
            "channel": [r[2] for r in rows],
            "visitors": [r[3] for r in rows],
            "sales": [r[4] for r in rows],
        }
    )
    write_batch(store, STORE_DAILY, facts, {"file_name": "x", "content_hash": "x", "kind": "store"})
    app_on(store.path)
    at = app(
        lang="en",
        metrics="sales",
        by="store",
        range="custom",
        **{"from": "2026-10-01", "to": "2026-10-14"},
    )
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    traces = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    # The smallest two (店00, 店01 sell least) are left out of the chart, not the tables.
    assert sorted(t["name"] for t in traces) == [f"店{s:02d}" for s in range(2, 12)]
    assert any("10 stores with the most sales, of 12" in c.value for c in at.caption)
    comparison = next(d.value for d in at.dataframe if "Store" in d.value.columns)
    assert len(comparison) == 12


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 100])
def test_fact_rows_are_the_newest_rows_whatever_the_limit(two_weeks, limit):
    """Only the days that can hold the newest `limit` rows are sorted: the rows are still
    exactly the first `limit` of every row in scope sorted newest first."""
    from ecdata.metrics.review import fact_rows

    cur = two_weeks.reader()
    every = cur.execute(
        "SELECT date, store, sales FROM store_daily ORDER BY date DESC, store, channel"
    ).fetchall()
    rows = fact_rows(cur, Filters(), limit=limit)
    got = [(d.date(), s, v) for d, s, v in zip(rows.date, rows.store, rows.sales)]
    assert got == every[:limit]
