"""The files one store uploads together, in their real shapes, and the numbers a person sees.

A Tmall store's week: a 生意参谋 store file (GBK, title rows, spend in three columns, no
inquiries), 赤兔 customer-service reports (one xlsx a day, dated by file name, agents written
店铺:客服), an Alimama plan report (a breakdown of the same spend), a 千川 report (spend the
store file does not include) and the monthly cost file. Every expected number is worked out
by hand in the test.
"""

import datetime as dt
import shutil

import pandas as pd
import pytest
from helpers import TODAY, plotly_values
from hypothesis import given, settings
from hypothesis import strategies as st

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, kpi_table, scope, totals
from ecdata.metrics.sources import spend_breakdown_check
from ecdata.store import Store
from ecdata.store.batches import write_batch
from ecdata.store.schema import STORE_DAILY, STORE_MONTHLY

STORE = "天猫旗舰店"
DAYS = (dt.date(2026, 10, 1), dt.date(2026, 10, 3))
SCOPE = Filters(stores=(STORE,), date_from=DAYS[0], date_to=DAYS[1])


def ingest(store, path, **kw):
    outcome = ingest_file(store, path, today=TODAY, **kw)
    assert outcome.ok, str(outcome.message)
    return outcome


def sycm_store_file(tmp_path, inquiries_day1=None):
    inquiries = "" if inquiries_day1 is None else ",咨询人数"
    first = "" if inquiries_day1 is None else f",{inquiries_day1}"
    rest = "" if inquiries_day1 is None else ",-"
    text = (
        "生意参谋 - 店铺整体\n统计时间：2026-10-01 ~ 2026-10-03\n\n\n"
        f"统计日期,访客数,支付买家数,支付金额,关键词推广花费,精准人群推广花费,全站推广花费{inquiries}\n"
        f'2026-10-01,"1,000",50,"10,000.00",100,50,50{first}\n'
        f"2026-10-02,1200,60,12000,150,100,50{rest}\n"
        f"2026-10-03,800,40,8000,100,-,0{rest}\n"
        "合计,3000,150,30000,350,150,100\n"
    )
    path = tmp_path / f"【生意参谋平台】店铺整体_{inquiries_day1}_2026-10-01_2026-10-03.csv"
    path.write_bytes(text.encode("gbk"))
    return path


def chitu_day_files(tmp_path):
    """One 赤兔 客服绩效 export per day; agents as 店铺:客服, a 合计 row at the bottom."""
    per_day = {1: [(50, 20), (30, 9)], 2: [(40, 16), (20, 5)], 3: [(30, 10), (10, 2)]}
    paths = []
    for day, agents in per_day.items():
        frame = pd.DataFrame(
            {
                "客服昵称": [f"{STORE}:小美", f"{STORE}:阿杰", "合计"],
                "接待人数": [a[0] + 5 for a in agents] + [sum(a[0] + 5 for a in agents)],
                "询单人数": [a[0] for a in agents] + [sum(a[0] for a in agents)],
                "询单->最终付款人数": [a[1] for a in agents] + [sum(a[1] for a in agents)],
            }
        )
        path = tmp_path / f"客服绩效_2026-10-0{day}至2026-10-0{day}.xlsx"
        frame.to_excel(path, index=False)
        paths.append(path)
    return paths


def alimama_plans(tmp_path, day2_spend=300):
    text = (
        "日期,计划名称,宝贝名称,展现量,点击量,花费,总成交金额\n"
        "2026-10-01,关键词计划,连衣裙,1000,50,150,3000\n"
        "2026-10-01,人群计划,连衣裙,500,20,50,800\n"
        f"2026-10-02,关键词计划,连衣裙,800,40,{day2_spend},2000\n"
        "2026-10-03,关键词计划,连衣裙,700,30,100,900\n"
    )
    path = tmp_path / "阿里妈妈_推广报表_2026-10.csv"
    path.write_bytes(text.encode("gbk"))
    return path


def qianchuan(tmp_path):
    path = tmp_path / "千川_计划数据.csv"
    path.write_text(
        "日期,计划名称,整体消耗,整体成交金额,展示次数,点击次数\n2026-10-01,直播A,90,500,9000,100\n",
        encoding="utf-8",
    )
    return path


def monthly_costs(tmp_path):
    path = tmp_path / "月度成本.csv"
    path.write_text(
        f'月份,店铺,人力成本,管理成本,目标询盘成本\n2026-10,{STORE},"31,000",3100,20\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def tmall_week_file(tmp_path_factory):
    """The usual Taobao week, ingested once; each test opens a private copy."""
    folder = tmp_path_factory.mktemp("tmall_week")
    path = folder / "tmall_week.duckdb"
    with Store(path) as store:
        ingest(store, sycm_store_file(folder), store_name=STORE)
        for day_file in chitu_day_files(folder):
            ingest(store, day_file)  # the store comes from the 店铺: prefix of the agent names
        ingest(store, alimama_plans(folder), store_name=STORE)
        ingest(store, qianchuan(folder), store_name=STORE)
        ingest(store, monthly_costs(folder))
    return path


@pytest.fixture
def tmall_week(tmall_week_file, tmp_path):
    path = tmp_path / "tmall_week.duckdb"
    shutil.copy(tmall_week_file, path)
    with Store(path) as store:
        yield store


def test_the_usual_taobao_set_gives_an_inquiry_cost(tmall_week):
    k = totals(tmall_week.reader(), SCOPE)
    # Inquiries from the 赤兔 reports: 80 + 60 + 40; closed 29 + 21 + 12.
    assert (k.inquiries, k.closed_inquiries) == (180, 62)
    assert k.service_inquiries == 180
    # Spend: 生意参谋's three columns (200 + 300 + 100) and 千川's 90; Alimama's plans are a
    # breakdown of the first, not more spend.
    assert k.spend == pytest.approx(690)
    assert k.breakdown_spend == pytest.approx(600)
    # October's 31,000 labour and 3,100 management cost spread over 31 days: 3 days' worth.
    assert (k.labor_cost, k.management_cost) == (pytest.approx(3000), pytest.approx(300))
    assert k.inquiry_cost == pytest.approx((690 + 3000 + 300) / 180)  # 22.17
    assert k.closed_inquiry_cost == pytest.approx(3990 / 62)  # 64.35
    assert k.roi == pytest.approx(30000 / 690)  # sales from the store file only
    assert k.sales == 30000 and k.visitors == 3000
    # Inquiry target = total cost / target inquiry cost (20); completion = inquiries / target.
    assert k.inquiry_target == pytest.approx(3990 / 20)
    assert k.inquiry_task_completion == pytest.approx(180 / (3990 / 20))


def test_agents_store_comes_from_their_name_prefix(tmall_week):
    stores = tmall_week.reader().execute("SELECT DISTINCT store FROM agent_daily").fetchall()
    assert stores == [(STORE,)]


def test_a_store_level_inquiry_count_wins_over_the_agents(tmall_week, tmp_path):
    ingest(tmall_week, sycm_store_file(tmp_path, inquiries_day1=100), store_name=STORE)
    k = totals(tmall_week.reader(), SCOPE)
    assert k.inquiries == 100 + 60 + 40  # day 1 from the store file, days 2-3 from agents
    assert k.service_inquiries == 60 + 40
    assert k.closed_inquiries == 21 + 12  # day 1's store file has no closed count


def test_spend_breakdown_that_disagrees_is_reported(tmall_week, tmp_path):
    cur = tmall_week.reader()
    in_scope = scope(SCOPE, with_channel=False)
    assert spend_breakdown_check(cur, in_scope) is None  # 600 stated, 600 in plans
    ingest(tmall_week, alimama_plans(tmp_path, day2_spend=330), store_name=STORE)
    assert spend_breakdown_check(cur, in_scope) == (600, 630)  # 5% apart
    assert totals(cur, SCOPE).spend == pytest.approx(690)  # totals still count it once


def test_without_a_store_file_the_ad_reports_are_the_spend(store, tmp_path):
    ingest(store, alimama_plans(tmp_path), store_name=STORE)
    ingest(store, qianchuan(tmp_path), store_name=STORE)
    assert totals(store.reader(), SCOPE).spend == pytest.approx(200 + 300 + 100 + 90)


def test_by_channel_the_store_days_costs_add_up_to_the_whole(tmall_week):
    by_channel = kpi_table(tmall_week.reader(), "total", "channel", SCOPE)
    whole = totals(tmall_week.reader(), SCOPE)
    assert by_channel.labor_cost.sum() == pytest.approx(whole.labor_cost)
    assert by_channel.management_cost.sum() == pytest.approx(whole.management_cost)
    assert by_channel.spend.sum() == pytest.approx(whole.spend)


@settings(max_examples=30, deadline=None)
@given(
    inquiries=st.lists(
        st.one_of(st.none(), st.just(0.0), st.integers(1, 500).map(float)), min_size=1, max_size=5
    )
)
def test_channel_shares_of_a_days_cost_sum_to_one(tmp_path_factory, inquiries):
    """Whatever the channels' inquiries (some missing, some zero), their shares of the
    store-day's labour cost add up to exactly the labour cost."""
    with Store(tmp_path_factory.mktemp("share") / "s.duckdb") as store:
        day = dt.date(2026, 10, 5)
        facts = pd.DataFrame(
            {
                "date": [day] * len(inquiries),
                "store": ["A"] * len(inquiries),
                "channel": [f"c{i}" for i in range(len(inquiries))],
                "inquiries": inquiries,
            }
        )
        write_batch(
            store, STORE_DAILY, facts, {"file_name": "f", "content_hash": "h1", "kind": "store"}
        )
        costs = pd.DataFrame(
            {"month": [dt.date(2026, 10, 1)], "store": ["A"], "labor_cost": [31000.0]}
        )
        write_batch(
            store, STORE_MONTHLY, costs, {"file_name": "m", "content_hash": "h2", "kind": "monthly"}
        )
        split = kpi_table(store.reader(), "day", "channel", Filters(date_from=day, date_to=day))
        assert split.labor_cost.sum() == pytest.approx(1000, rel=1e-12)


def test_the_inquiry_cost_page_shows_the_number_and_says_where_it_came_from(
    tmall_week, tmp_path, app_on
):
    from helpers import app

    ingest(tmall_week, alimama_plans(tmp_path, day2_spend=330), store_name=STORE)
    app_on(tmall_week.path)
    at = app(lang="en", stores=STORE, range="custom", **{"from": "2026-10-01", "to": "2026-10-03"})
    assert not at.exception
    assert any(m.label == "Inquiry cost" and m.value == "¥22.17" for m in at.metric)
    at.switch_page("pages/inquiry_cost.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "180 of 180 inquiries come from customer-service reports" in captions
    warning = " ".join(w.value for w in at.warning)
    assert "600.00" in warning and "630.00" in warning and "+5.0%" in warning


def test_an_inquiry_to_payment_workbook_with_a_title_row(store, tmp_path):
    """千牛's 询单到付款 export: a title row, then 日期 / 当日询单人数 / 当日付款人数."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["询单到付款转化（2026-10-01 至 2026-10-03）"])
    sheet.append(["日期", "当日询单人数", "当日付款人数", "当日询单转化率"])
    for row in (["2026-10-01", 80, 29, "36.25%"], ["2026-10-02", 60, 21, "35.00%"]):
        sheet.append(row)
    path = tmp_path / "询单到付款.xlsx"
    book.save(path)
    out = ingest(store, path, store_name=STORE)
    assert out.parsed.header_row == 2 and out.parsed.kind == "store"
    k = totals(store.reader(), SCOPE)
    assert (k.inquiries, k.closed_inquiries) == (140, 50)
    assert k.inquiry_conversion == pytest.approx(50 / 140)


def test_inquiry_cost_without_labour_and_management_says_so(store, tmp_path):
    from ecdata.metrics.review import source_notes

    ingest(store, sycm_store_file(tmp_path), store_name=STORE)
    for path in chitu_day_files(tmp_path):
        ingest(store, path)
    k = totals(store.reader(), SCOPE)
    assert k.inquiry_cost == pytest.approx(600 / 180)  # spend only: what is known
    (note,) = [n for n in source_notes(store.reader(), SCOPE) if n.key.startswith("warn.")]
    assert note.text("zh").startswith(f"{STORE} 的询盘成本未包含人力成本、管理成本")
    assert f"Inquiry cost of {STORE} leaves out labor cost, management cost" in note.text("en")


def test_two_platforms_in_two_currencies_are_never_added_unconverted(store, tmp_path):
    """A Tmall store in ¥ and a Shopify store in $ and no exchange rate: counts add, money
    across them stays empty (tests/test_currency.py converts it with rates)."""
    ingest(store, sycm_store_file(tmp_path), store_name=STORE)
    shop = tmp_path / "sales_over_time.csv"
    shop.write_text(
        'Day,Sessions,Orders,Total sales\n2026-10-01,"1,500",30,"$2,345.60"\n', encoding="utf-8"
    )
    ingest(store, shop, store_name="Shopify US")
    days = Filters(date_from=DAYS[0], date_to=DAYS[1])
    both = totals(store.reader(), days)
    assert both.visitors == 3000 + 1500  # counts add
    assert pd.isna(both.sales) and pd.isna(both.spend) and pd.isna(both.roi)
    # Each store alone keeps its own currency.
    alone = totals(store.reader(), Filters(("Shopify US",), (), *DAYS))
    assert alone.sales == pytest.approx(2345.60)
    assert totals(store.reader(), Filters((STORE,), (), *DAYS)).sales == 30000


def test_the_inquiry_target_chart_shows_target_actual_and_completion_in_percent(tmall_week, app_on):
    import json

    from helpers import app

    app_on(tmall_week.path)
    at = app(
        lang="en",
        stores=STORE,
        range="custom",
        grain="day",
        **{"from": "2026-10-01", "to": "2026-10-03"},
    )
    at.switch_page("pages/inquiry_cost.py").run()
    assert not at.exception
    spec = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if any(t.get("name") == "Inquiry target" for t in json.loads(c.proto.spec)["data"])
    )
    traces = {t["name"]: {k: plotly_values(v) for k, v in t.items()} for t in spec["data"]}
    day1 = traces["Inquiries"]["x"].index("2026-10-01")
    # Day 1: 80 inquiries; cost 200 (生意参谋) + 90 (千川) + 1,000 + 100 = 1,390, over a
    # target inquiry cost of 20: a target of 69.5 inquiries, beaten (115%).
    assert traces["Inquiries"]["y"][day1] == 80
    assert traces["Inquiry target"]["y"][day1] == pytest.approx(1390 / 20)
    assert traces["Inquiry task completion"]["y"][day1] == pytest.approx(80 / 69.5)
    assert spec["layout"]["yaxis2"]["tickformat"] == ".0%"


def test_the_drill_down_rows_add_up_to_the_page(tmall_week, tmp_path):
    """Explore's rows and their CSV: spend counted once with Alimama's breakdown in its own
    column, the 赤兔 agents' inquiries as rows of their own, money to the cent."""
    import io

    from ecdata.metrics.review import fact_rows

    cur = tmall_week.reader()
    rows = fact_rows(cur, SCOPE)
    k = totals(cur, SCOPE)
    assert rows.spend.sum() == pytest.approx(k.spend)  # 690, not 690 + 600
    assert rows.breakdown_spend.sum() == pytest.approx(600)
    assert rows.inquiries.sum() == k.inquiries == 180  # the agents' inquiries included
    assert rows.sales.sum() == k.sales
    assert set(rows.source) >= {"sycm", "alimama", "qianchuan", "service"}

    from streamlit.testing.v1 import AppTest

    def export():
        import streamlit as st

        from ecdata.export import to_csv_bytes
        from ecdata.metrics.review import fact_rows
        from ecdata.store import Store
        from ui.tables import labelled_rows

        with Store(st.session_state["db"]) as store:
            rows = labelled_rows(fact_rows(store.reader(), st.session_state["scope"]))
        st.session_state["csv"] = to_csv_bytes(rows)

    tmall_week.close()
    at = AppTest.from_function(export)
    at.session_state["db"], at.session_state["scope"] = tmall_week.path, SCOPE
    at.run()
    assert not at.exception
    table = pd.read_csv(io.BytesIO(at.session_state["csv"]), encoding="utf-8-sig")
    assert {"推广费", "推广明细花费（已含在店铺推广费中）", "询单人数", "来源"} <= set(
        table.columns
    )
    assert table["推广费"].sum() == pytest.approx(690)
    assert table["询单人数"].sum() == 180
    assert all(len(f"{v}".split(".")[-1]) <= 2 for v in table["推广费"].dropna())
