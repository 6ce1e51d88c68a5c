"""Ratios that know what they cover: a 生意参谋 store file for three days, a 赤兔 report for
one of them and the month's costs. Inquiry cost is that one day's cost over that day's
inquiries, and every face says it covers 1 of 3 days.

Hand-computed: day 2 (2026-10-02) spend 150 + 100 + 50 = 300; October's labour 31,000 and
management 3,100 spread over 31 days: 1,000 and 100 a day; 赤兔 agents 40 + 20 = 60 inquiries,
16 + 5 = 21 closed. Inquiry cost = (300 + 1,000 + 100) / 60 = 23.33, not the three days'
(600 + 3,000 + 300) / 60 = 65.00.
"""

import datetime as dt
import json

import pytest
from helpers import app
from test_mixtures import STORE, chitu_day_files, ingest, monthly_costs, sycm_store_file

from ecdata.cli import main
from ecdata.meeting.agenda import target_lines
from ecdata.metrics.kpis import Filters, kpi_table, totals
from ecdata.metrics.review import kpi_cards, source_notes
from ecdata.report import build_report

DAYS = Filters((STORE,), (), dt.date(2026, 10, 1), dt.date(2026, 10, 3))
COVERED_COST = (300 + 1000 + 100) / 60


@pytest.fixture
def one_day_of_inquiries(store, tmp_path):
    ingest(store, sycm_store_file(tmp_path), store_name=STORE)
    ingest(store, chitu_day_files(tmp_path)[1])  # 2026-10-02 only
    ingest(store, monthly_costs(tmp_path))
    return store


def test_inquiry_cost_is_the_covered_days_cost(one_day_of_inquiries):
    k = totals(one_day_of_inquiries.reader(), DAYS)
    assert (k.inquiries, k.closed_inquiries) == (60, 21)
    assert k.inquiry_cost == pytest.approx(COVERED_COST)  # 23.33, not 65.00
    assert k.closed_inquiry_cost == pytest.approx(1400 / 21)
    assert (k.inquiry_cost_days, k.store_days) == (1, 3)
    # Sums stay whole: the three days' spend, sales and costs.
    assert (k.spend, k.sales, k.labor_cost) == (600, 30000, pytest.approx(3000))
    # Conversion and ROI have all their parts on every day.
    assert (k.conversion_rate_days, k.roi_days) == (3, 3)
    assert k.roi == pytest.approx(30000 / 600)


def test_the_review_says_what_the_ratio_covers(one_day_of_inquiries):
    cur = one_day_of_inquiries.reader()
    notes = source_notes(cur, DAYS)
    (coverage,) = [n for n in notes if n.key == "note.coverage_days"]
    assert "1/3" in coverage.text("zh") and "理论询盘成本" in coverage.text("zh")
    assert "covers 1 of 3 days" in coverage.text("en")
    # Every cost part was uploaded for this store: no warning that the cost is partial.
    assert not [n for n in notes if n.key.startswith("warn.cost_part")]
    card = next(c for c in kpi_cards(cur, DAYS, "previous") if c.metric == "inquiry_cost")
    assert card.value == pytest.approx(COVERED_COST) and card.covered == (1, 3)


def test_a_store_without_costs_is_named_not_every_store(one_day_of_inquiries, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("日期,访客数,询单人数\n2026-10-02,100,10\n", encoding="utf-8")
    ingest(one_day_of_inquiries, other, store_name="B店")
    both = Filters((), (), DAYS.date_from, DAYS.date_to)
    warnings = [n for n in source_notes(one_day_of_inquiries.reader(), both) if "warn" in n.key]
    assert [(n.params["stores"], n.params["part_en"]) for n in warnings] == [
        (["B店"], "promotion spend, labor cost, management cost")
    ]


def test_the_cli_prints_the_days_each_ratio_covers(one_day_of_inquiries, capsys):
    db = one_day_of_inquiries.path
    one_day_of_inquiries.close()
    args = ["kpis", "--db", db, "--grain", "total", "--by", "none", "--store", STORE]
    assert main(args + ["--from", "2026-10-01", "--to", "2026-10-03", "--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["period"] == "2026-10-01"
    assert row["inquiry_cost"] == pytest.approx(COVERED_COST)
    assert (row["inquiry_cost_days"], row["store_days"]) == (1, 3)
    # Without dates, a total's row is labelled with the first day of the facts, not 1970.
    assert main(args + ["--format", "json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["period"] == "2026-10-01"


def test_the_meeting_and_the_report_say_it_too(one_day_of_inquiries):
    cur = one_day_of_inquiries.reader()
    line = next(x for x in target_lines(cur, DAYS) if x.metric == "inquiry_cost")
    assert line.value == pytest.approx(COVERED_COST) and line.covered == (1, 3)
    # The inquiry target shown is the covered day's, the one its completion divides by:
    # (300 + 1,000 + 100) / 20 = 70, so 60 / 70 on the screen is the 85.7% beside it.
    asked = next(x for x in target_lines(cur, DAYS) if x.metric == "inquiries")
    assert asked.target == pytest.approx(70) and asked.covered == (1, 3)
    assert asked.completion == pytest.approx(asked.value / asked.target)
    # The report's week (Sep 28 - Oct 4): the store file's 3 days and Oct 4's costs.
    report = build_report(cur, dt.date(2026, 10, 1), (STORE,), "zh")
    assert "覆盖 1/4 天" in report.html
    weekly = kpi_table(cur, "week", "none", Filters((STORE,), (), dt.date(2026, 9, 28)))
    assert weekly.inquiry_cost.iloc[-1] == pytest.approx(COVERED_COST)


def test_the_overview_page_shows_the_coverage(one_day_of_inquiries, app_on):
    one_day_of_inquiries.close()
    app_on(one_day_of_inquiries.path)
    at = app(lang="zh", stores=STORE, range="custom", **{"from": "2026-10-01", "to": "2026-10-03"})
    assert not at.exception
    labels = [m.label for m in at.metric]
    assert "理论询盘成本 · 覆盖 1/3 天" in labels
    shown = next(m.value for m in at.metric if m.label.startswith("理论询盘成本"))
    assert shown == "¥23.33"
    assert any("1/3" in c.value for c in at.caption)


def test_a_day_whose_sales_are_a_placeholder_is_not_final_and_the_report_says_so(store, tmp_path):
    path = tmp_path / "store.csv"
    path.write_text(
        "日期,访客数,支付金额\n2026-10-01,100,1000\n2026-10-02,120,-\n", encoding="utf-8"
    )
    ingest(store, path, store_name=STORE)
    cur = store.reader()
    flags = cur.execute("SELECT date::VARCHAR, not_final FROM store_daily ORDER BY 1").fetchall()
    assert flags == [("2026-10-01", False), ("2026-10-02", True)]
    report = build_report(cur, dt.date(2026, 10, 1), (STORE,), "en")
    assert "2026-10-02 still hold placeholder numbers" in report.html
