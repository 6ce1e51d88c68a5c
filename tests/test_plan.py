"""The fact plan, from headers and column types alone: no file. Each plan is run on a
few cells in DuckDB (with the reader's macros) and the values it makes are checked, never
the text of its SQL."""

import datetime as dt

import duckdb
import pytest
from helpers import TODAY

from ecdata.ingest.cleaning import install_macros
from ecdata.ingest.plan import (
    Evidence,
    Options,
    Refused,
    plan_facts,
    resolve_layout,
    with_grain,
)
from ecdata.store import AGENT_DAILY, PRODUCT_FACTS, STORE_DAILY, STORE_PERIODS


def plan(headers, types=None, table=STORE_DAILY, override=None, **opts):
    layout = resolve_layout(headers, override)
    types = types or {f"c{i}": "VARCHAR" for i in range(len(headers))}
    evidence = opts.pop("evidence", Evidence(types=types))
    return layout, plan_facts(
        layout, table, evidence, Options(opts.pop("name", "f.csv"), TODAY, **opts)
    )


def run(p, rows: list[tuple], types: list[str] | None = None) -> list[dict]:
    """The plan's keys and fields for `rows` of cells (c0, c1, …, of `types`)."""
    types = types or ["VARCHAR"] * len(rows[0])
    con = duckdb.connect()
    install_macros(con)
    con.execute(f"CREATE TABLE raw ({', '.join(f'c{i} {t}' for i, t in enumerate(types))})")
    con.executemany(f"INSERT INTO raw VALUES ({', '.join('?' * len(types))})", rows)
    values = ", ".join(f"{sql} AS {v}" for v, sql in p.cell_values.items())
    chosen = ", ".join(f'{sql} AS "{k}"' for k, sql in p.select.items())
    cells = f"SELECT *, {values} FROM raw" if values else "SELECT * FROM raw"
    result = con.execute(f"SELECT {chosen} FROM ({cells})")
    names = [d[0] for d in result.description]
    return [dict(zip(names, r)) for r in result.fetchall()]


def test_a_sycm_store_file_maps_keys_and_sums_spend_columns():
    headers = ["统计日期", "访客数", "关键词推广花费", "精准人群推广花费", "支付金额"]
    layout, p = plan(headers, store="淘宝C店")
    assert layout.platform.platform == "sycm" and layout.kind == "store"
    assert p.keys == ["date", "store", "channel"]
    first, second = run(
        p, [("2026-10-01", "1,000", "30", "-", "¥2,000.50"), ("2026-10-02", "5", "-", "-", "0")]
    )
    assert (first["store"], first["channel"]) == ("淘宝C店", "all")
    assert (first["visitors"], first["sales"]) == (1000, 2000.5)
    # Two spend columns: one field, missing only when both are.
    assert first["spend"] == 30 and second["spend"] is None
    assert p.combine == "reject"
    assert set(p.metric_exprs) == {"visitors", "spend", "sales"}


def test_numbers_the_reader_already_typed_are_cast_not_parsed():
    _, p = plan(["Date", "Sessions"], types={"c0": "DATE", "c1": "BIGINT"}, store="s")
    (row,) = run(p, [(dt.date(2026, 10, 1), 1500)], ["DATE", "BIGINT"])
    assert (row["date"], row["visitors"]) == (dt.date(2026, 10, 1), 1500.0)
    # A typed column cannot hold a bad number; only text columns get that check.
    assert [c.key for c in p.checks if c.pos == 1] == ["row.negative", "row.bad_count"]


def test_evidence_decides_day_first_decimal_comma_and_percent_columns():
    ev = Evidence(
        types={"c0": "VARCHAR", "c1": "VARCHAR", "c2": "VARCHAR"},
        day_first=True,
        decimal_comma=True,
        percent_columns=frozenset({2}),
    )
    _, p = plan(["Date", "Sessions", "转化率"], evidence=ev, store="s")
    (row,) = run(p, [("05/10/2026", "1.500", "4,5")])
    assert row["date"] == dt.date(2026, 10, 5)  # day first
    assert row["visitors"] == 1500  # 1.500 with decimal commas
    assert p.cell_values and run_rate(p) == pytest.approx(0.045)  # 4,5 % as a fraction
    # No buyer count in the file: none is made from visitors x conversion rate.
    assert "buyers" not in p.metric_exprs


def run_rate(p) -> float:
    """The conversion rate cell '4,5' as the plan reads it (rates are checked, not stored)."""
    con = duckdb.connect()
    install_macros(con)
    con.execute("CREATE TABLE raw (c0 VARCHAR, c1 VARCHAR, c2 VARCHAR)")
    con.execute("INSERT INTO raw VALUES ('05/10/2026', '1.500', '4,5')")
    return con.execute(f"SELECT {p.cell_values['v2']} FROM raw").fetchone()[0]


def test_an_ad_report_sums_its_plans_and_its_gmv_is_ad_sales():
    _, p = plan(["日期", "计划名称", "展现量", "点击量", "花费", "总成交金额"], store="s")
    assert p.combine == "sum"
    (row,) = run(p, [("2026-10-01", "货品加速", "100", "5", "12.5", "80")])
    assert (row["channel"], row["spend"], row["ad_sales"]) == ("阿里妈妈", 12.5, 80)
    assert "ad_sales" in p.metric_exprs and "sales" not in p.metric_exprs


def test_agent_names_with_a_store_prefix_name_the_store():
    headers = ["日期", "客服昵称", "询单人数"]
    ev = Evidence(types={f"c{i}": "VARCHAR" for i in range(3)}, store_in_member=True)
    _, p = plan(headers, table=AGENT_DAILY, evidence=ev)
    (row,) = run(p, [("2026-10-01", "天猫旗舰店:小美", "20")])
    assert (row["store"], row["member"]) == ("天猫旗舰店", "天猫旗舰店:小美")
    with pytest.raises(Refused) as no_store:
        plan(headers, table=AGENT_DAILY)
    assert no_store.value.message.key == "err.no_store"


def test_a_product_period_comes_from_the_name_or_the_form_never_from_amazons_name():
    headers = ["商品ID", "商品名称", "商品访客数", "支付金额"]
    _, p = plan(headers, table=PRODUCT_FACTS, store="s", name="商品效果-2026-04-20-2026-04-26.xls")
    (row,) = run(p, [("6001", "睡衣", "30", "100")])
    assert (row["date"], row["date_to"]) == (
        dt.date(2026, 4, 20),
        dt.date(2026, 4, 26),
    )
    week = (dt.date(2026, 5, 4), dt.date(2026, 5, 10))
    _, p = plan(headers, table=PRODUCT_FACTS, store="s", name="x-2026-04-20.xls", period=week)
    assert run(p, [("6001", "睡衣", "30", "100")])[0]["date_to"] == dt.date(2026, 5, 10)
    amazon = ["(Parent) ASIN", "(Child) ASIN", "Title", "SKU", "Sessions - Total", "Units Ordered"]
    with pytest.raises(Refused) as no_period:
        plan(amazon, table=PRODUCT_FACTS, store="s", name="BusinessReport-2026-11-20.csv")
    assert no_period.value.message.key == "err.needs_period"
    _, p = plan(amazon, table=PRODUCT_FACTS, store="s", name="BusinessReport.csv", period=week)
    assert p.combine == "per_product"
    (row,) = run(p, [("B0PARENT", "B0CHILD\x07", "Sack", "SKU-1", "12", "3")])
    assert row["product_id"] == "B0CHILD"  # the child ASIN (control characters dropped)


def test_a_store_file_for_a_range_becomes_a_period_report_and_agents_refuse_it():
    opts = Options("店铺_2026-04-20至2026-04-26.csv", TODAY, "s")
    layout = with_grain(resolve_layout(["访客数", "支付金额"], None), opts)
    assert layout.kind == "store_period"
    p = plan_facts(layout, STORE_PERIODS, Evidence(types={"c0": "VARCHAR", "c1": "VARCHAR"}), opts)
    assert p.keys == ["date", "date_to", "store", "channel"]
    (row,) = run(p, [("100", "1000")])
    assert (row["date"], row["date_to"]) == (
        dt.date(2026, 4, 20),
        dt.date(2026, 4, 26),
    )
    one_day = Options("店铺_2026-04-20.csv", TODAY, "s")
    assert with_grain(resolve_layout(["访客数", "支付金额"], None), one_day).kind == "store"
    dated = resolve_layout(["日期", "访客数"], None)
    assert with_grain(dated, opts) is dated
    with pytest.raises(Refused) as range_:
        plan(["客服昵称", "询单人数"], table=AGENT_DAILY, store="s", name=opts.file_name)
    assert range_.value.message.key == "err.date_range_name"


def test_impossible_periods_are_refused():
    backwards = (dt.date(2026, 5, 10), dt.date(2026, 5, 4))
    with pytest.raises(Refused) as bad:
        plan(["商品ID", "支付金额"], table=PRODUCT_FACTS, store="s", period=backwards)
    assert bad.value.message.key == "err.bad_period"


def test_a_mapping_override_can_make_a_file_an_agent_report():
    layout, _ = plan(
        ["日期", "客服", "接待"],
        table=AGENT_DAILY,
        store="s",
        override={"客服": "member", "接待": "inquiries"},
    )
    assert layout.kind == "agent" and layout.mapping == {0: "date", 1: "member", 2: "inquiries"}


def test_rates_alone_are_no_fact():
    with pytest.raises(Refused) as only_rates:
        plan(["月份", "店铺", "转化率"], table=STORE_DAILY)
    assert only_rates.value.message.key == "err.no_metric"
