"""Product-level reports land in the product table, never in store facts.

Fixtures are written in the shapes owners download: 生意参谋 商品效果 as a binary .xls in GBK
with title rows, 商品id as text, one row per terminal and the date only in the file name;
京东商智 商品明细 as xlsx with SKU; Shopify's sales by product (titles, no id).
"""

import datetime as dt
import json
import math

import pandas as pd
import pytest
from helpers import TODAY, sums

from ecdata.cli import main as cli
from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, totals
from ecdata.metrics.products import product_table

DAY = dt.date(2026, 11, 2)


def ingest(store, path, **kw):
    outcome = ingest_file(store, path, today=TODAY, **kw)
    assert outcome.ok, str(outcome.message)
    return outcome


def sycm_product_xls(tmp_path, terminals=("所有终端", "PC端", "无线端")):
    """商品效果 as 生意参谋 exported it: GBK binary .xls, header on row 6."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook(encoding="gbk")
    sheet = book.add_sheet("商品效果")
    titles = ["生意参谋 > 商品 > 商品效果", "统计时间：2026-11-02 ~ 2026-11-02", "", "所有终端", ""]
    for row, title in enumerate(titles):
        sheet.write(row, 0, title)
    header = [
        "商品id",
        "商品名称",
        "所属终端",
        "浏览量",
        "访客数",
        "支付买家数",
        "支付商品件数",
        "支付金额",
        "支付转化率",
    ]
    for col, text in enumerate(header):
        sheet.write(5, col, text)
    # Per product: (all terminals), PC, wireless. 商品id is text: 12 digits.
    products = [
        (
            "600012345678",
            "加绒卫衣 女 秋冬",
            [
                (900, 300, 12, 15, "1,788.00", "4.00%"),
                (200, 60, 2, 2, "238.00", "3.33%"),
                (700, 240, 10, 13, "1,550.00", "4.17%"),
            ],
        ),
        (
            "600087654321",
            "羊毛围巾",
            [
                (400, 150, 3, 3, "297.00", "2.00%"),
                (100, 40, 1, 1, "99.00", "2.50%"),
                (300, 110, 2, 2, "198.00", "1.82%"),
            ],
        ),
    ]
    labels = ["所有终端", "PC端", "无线端"]
    row = 6
    for pid, name, per_terminal in products:
        for label, values in zip(labels, per_terminal):
            if label not in terminals:
                continue
            for col, v in enumerate([pid, name, label, *values]):
                sheet.write(row, col, v)
            row += 1
    path = tmp_path / "【生意参谋平台】商品效果-2026-11-02-2026-11-02.xls"
    book.save(str(path))
    return path


def test_sycm_product_xls_keeps_the_all_terminal_rows(store, tmp_path):
    out = ingest(store, sycm_product_xls(tmp_path), store_name="天猫店")
    assert out.parsed.format == "xls" and out.parsed.kind == "product"
    assert out.parsed.header_row == 6
    rows = (
        store.reader()
        .execute(
            "SELECT date, product_id, product_name, visitors, page_views, buyers, units, sales "
            "FROM product_facts ORDER BY product_id"
        )
        .fetchall()
    )
    assert rows == [
        (DAY, "600012345678", "加绒卫衣 女 秋冬", 300, 900, 12, 15, 1788.0),
        (DAY, "600087654321", "羊毛围巾", 150, 400, 3, 3, 297.0),
    ]
    assert out.parsed.rows_rejected == 0  # the PC / wireless rows are a breakdown, not errors
    assert sums(store)["rows"] == 0  # nothing reached the store facts


def test_per_terminal_rows_without_a_total_are_summed(store, tmp_path):
    ingest(store, sycm_product_xls(tmp_path, terminals=("PC端", "无线端")), store_name="天猫店")
    rows = (
        store.reader()
        .execute("SELECT product_id, visitors, sales FROM product_facts ORDER BY product_id")
        .fetchall()
    )
    assert rows == [("600012345678", 300, 1788.0), ("600087654321", 150, 297.0)]


def test_product_visitors_never_touch_the_store_visitors(store, tmp_path):
    day_file = tmp_path / "店铺整体_2026-11-02.csv"
    day_file.write_text("统计日期,访客数,支付金额\n2026-11-02,2000,5000\n", encoding="utf-8")
    ingest(store, day_file, store_name="天猫店")
    ingest(store, sycm_product_xls(tmp_path), store_name="天猫店")
    k = totals(store.reader(), Filters(date_from=DAY, date_to=DAY))
    assert (k.visitors, k.sales) == (2000, 5000)


def test_jd_sku_detail_xlsx(store, tmp_path):
    frame = pd.DataFrame(
        {
            "日期": ["2026-11-01", "2026-11-01", "2026-11-02"],
            "商品名称": ["保温杯 500ml", "保温杯 750ml", "保温杯 500ml"],
            "SKU": ["100012345", "100012346", "100012345"],
            "访客数": [500, 200, 450],
            "浏览量": [1500, 500, 1300],
            "成交客户数": [20, 4, 18],
            "成交商品件数": [22, 4, 19],
            "成交金额": [2178.0, 476.0, 1881.0],
        }
    )
    path = tmp_path / "京东商智_商品明细.xlsx"
    frame.to_excel(path, index=False)
    ingest(store, path, store_name="京东店")
    table = product_table(store.reader(), Filters(stores=("京东店",)))
    first = table.iloc[0]
    assert (first.product_id, first.visitors, first.buyers, first.units, first.sales) == (
        "100012345",
        950,
        38,
        41,
        4059.0,
    )
    assert first.conversion_rate == pytest.approx(38 / 950)  # a ratio of sums


def test_shopify_sales_by_product_keys_on_the_title(store, tmp_path):
    path = tmp_path / "Sales by product 2026-11-02.csv"
    path.write_text(
        "Product title,Product vendor,Net quantity,Total sales\n"
        'Wool Scarf,Acme,3,"$120.00"\nCotton Tee,Acme,10,$250.50\n',
        encoding="utf-8",
    )
    ingest(store, path, store_name="Shopify US")
    assert store.reader().execute(
        "SELECT product_id, product_name, units, sales FROM product_facts ORDER BY 1"
    ).fetchall() == [("Cotton Tee", "Cotton Tee", 10, 250.5), ("Wool Scarf", "Wool Scarf", 3, 120)]


def test_cli_products_prints_one_row_per_store_and_product(store, tmp_path, capsys):
    path = sycm_product_xls(tmp_path)
    db = str(tmp_path / "cli.duckdb")
    assert cli(["ingest", str(path), "--db", db, "--store", "天猫店"]) == 0
    capsys.readouterr()
    assert (
        cli(
            [
                "products",
                "--db",
                db,
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-07",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    assert list(rows[0]) == [
        "store",
        "product_id",
        "product_name",
        "visitors",
        "page_views",
        "buyers",
        "units",
        "sales",
        "conversion_rate",
    ]
    assert rows[0]["product_id"] == "600012345678" and rows[0]["sales"] == 1788.0
    assert rows[0]["conversion_rate"] == pytest.approx(12 / 300)
    assert cli(["products", "--db", db, "--store", "别的店", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip() == (
        "store,product_id,product_name,visitors,page_views,buyers,units,sales,conversion_rate"
    )


def test_explore_and_the_weekly_review_show_the_products(db, tmp_path):
    import streamlit
    from helpers import app

    from ecdata.store import Store

    with Store(db) as store:
        ingest(store, sycm_product_xls(tmp_path), store_name="天猫旗舰店")
    streamlit.cache_data.clear()
    at = app(lang="zh", range="custom", **{"from": "2026-11-02", "to": "2026-11-02"})
    assert not at.exception
    top = at.dataframe[-1].value
    assert list(top["商品名称"]) == ["加绒卫衣 女 秋冬", "羊毛围巾"]
    assert list(top["支付金额"]) == ["¥1,788", "¥297.00"]
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    products = next(d.value for d in at.dataframe if "商品 ID" in d.value.columns)
    assert list(products["商品 ID"]) == ["600012345678", "600087654321"]
    assert list(products["支付转化率"]) == ["4.0%", "2.0%"]


# --- period reports: one fact for the range they cover ---

AMAZON_CHILD_HEADER = [
    "(Parent) ASIN",
    "(Child) ASIN",
    "Title",
    "SKU",
    "Sessions – Total",
    "Sessions – Total – B2B",
    "Session Percentage – Total",
    "Session Percentage – Total – B2B",
    "Page Views – Total",
    "Page Views – Total – B2B",
    "Page Views Percentage – Total",
    "Page Views Percentage – Total – B2B",
    "Featured Offer (Buy Box) Percentage",
    "Featured Offer (Buy Box) Percentage – B2B",
    "Units Ordered",
    "Units Ordered – B2B",
    "Unit Session Percentage",
    "Unit Session Percentage – B2B",
    "Ordered Product Sales",
    "Ordered Product Sales – B2B",
    "Total Order Items",
    "Total Order Items – B2B",
]


def amazon_child_report(tmp_path):
    """Seller Central's 'Detail Page Sales and Traffic By Child Item' as downloaded (UTF-8
    with BOM, every cell quoted, £ and thousands separators): one line per child ASIN and
    SKU, the child's sessions and page views repeated on each of its SKU lines, no date
    column, and a name that is the download day (day first), not the period."""
    import csv

    lines = [
        # parent, child, title, sku, sessions, page views, units, sales, order items
        (
            "B0PARENT01",
            "B0CHILD001",
            "Hoodie, grey",
            "HD-GRY-S",
            "5,824",
            "9,100",
            40,
            "£1,234.56",
            38,
        ),
        (
            "B0PARENT01",
            "B0CHILD001",
            "Hoodie, grey",
            "HD-GRY-M",
            "5,824",
            "9,100",
            25,
            "£800.00",
            24,
        ),
        (
            "B0PARENT01",
            "B0CHILD002",
            "Hoodie, black",
            "HD-BLK-S",
            "1,200",
            "2,000",
            10,
            "£300.00",
            10,
        ),
    ]
    path = tmp_path / "BusinessReport-23-11-2026.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(AMAZON_CHILD_HEADER)
        for parent, child, title, sku, sessions, views, units, sales, items in lines:
            writer.writerow(
                [parent, child, title, sku, sessions, "0", "3.10%", "0.00%", views, "0",
                 "2.95%", "0.00%", "100.00%", "0.00%", units, "0", "0.69%", "0.00%", sales,
                 "£0.00", items, "0"]
            )  # fmt: skip
    return path


def test_amazon_child_items_need_their_period_and_take_sessions_once_per_child(
    store, tmp_path, capsys
):
    report = amazon_child_report(tmp_path)
    db = str(store.path)
    store.close()
    # Its name is the download day: without --from/--to it is refused, and says why.
    assert cli(["ingest", "--db", db, "--store", "Amazon UK", str(report)]) == 1
    err = capsys.readouterr().err
    assert "--from" in err and "download" in err
    week = ["--from", "2026-11-09", "--to", "2026-11-15"]
    assert cli(["ingest", "--db", db, "--store", "Amazon UK", *week, str(report)]) == 0
    capsys.readouterr()
    assert cli(["products", "--db", db, *week, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["product_id"], r["product_name"]) for r in rows] == [
        ("B0CHILD001", "Hoodie, grey"),
        ("B0CHILD002", "Hoodie, black"),
    ]
    grey = rows[0]
    # Sessions and page views once for the child (not 11,648 / 18,200); sales summed.
    assert (grey["visitors"], grey["page_views"]) == (5824, 9100)
    assert (grey["units"], grey["sales"], grey["buyers"]) == (65, 2034.56, 62)
    assert grey["conversion_rate"] == pytest.approx(62 / 5824)
    # The period is the fact's: a range that holds only part of it leaves it out.
    assert cli(["products", "--db", db, "--from", "2026-11-10", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def douyin_product_xlsx(tmp_path, week="2026-11-02_2026-11-08", sales=("8,358.00", "1,950.00")):
    """抖店 罗盘 商品 export for a week: xlsx, 19-digit 商品ID as text, the range in the
    name (the only date it carries)."""
    frame = pd.DataFrame(
        {
            "商品ID": ["3612345678901234567", "3612345678901234568"],
            "商品名称": ["冰丝防晒袖套", "遮阳帽"],
            "商品价格": ["¥19.90", "¥39.00"],
            "商品曝光人数": ["120,000", "40,000"],
            "商品点击人数": ["6,000", "1,500"],
            "商品点击率": ["5.00%", "3.75%"],
            "成交人数": [300, 45],
            "成交件数": [420, 50],
            "成交金额": list(sales),
        }
    )
    path = tmp_path / f"抖店罗盘_商品_{week}.xlsx"
    frame.to_excel(path, index=False)
    return path


def test_douyin_product_week_is_one_fact_shown_only_over_its_whole_week(store, tmp_path):
    from ecdata.metrics.products import periods_left_out

    out = ingest(store, douyin_product_xlsx(tmp_path), store_name="抖店")
    assert out.parsed.kind == "product"
    assert (out.parsed.date_min, out.parsed.date_max) == (DAY, dt.date(2026, 11, 8))
    assert store.reader().execute(
        "SELECT date, date_to, product_id, visitors, buyers, units, sales FROM product_facts "
        "ORDER BY product_id"
    ).fetchall() == [
        (DAY, dt.date(2026, 11, 8), "3612345678901234567", 6000, 300, 420, 8358.0),
        (DAY, dt.date(2026, 11, 8), "3612345678901234568", 1500, 45, 50, 1950.0),
    ]
    week = Filters(date_from=DAY, date_to=dt.date(2026, 11, 8))
    assert list(product_table(store.reader(), week).sales) == [8358.0, 1950.0]
    # Three days of that week: never a share of the week's numbers, and said so.
    part = Filters(date_from=DAY, date_to=dt.date(2026, 11, 4))
    assert product_table(store.reader(), part).empty
    left_out = periods_left_out(store.reader(), part)
    assert left_out[["store", "products"]].values.tolist() == [["抖店", 2]]
    assert periods_left_out(store.reader(), week).empty


def test_a_header_row_pointed_at_once_is_remembered_for_the_next_file(store, tmp_path):
    """A layout no alias knows (a German B2B shop's sheet, title on row 1, header on row 3):
    the person picks row 3 and maps the columns once; next week's file reads by itself."""
    from ecdata.ingest.upload import remember_mapping

    def week_file(name, day, visits):
        path = tmp_path / name
        path.write_text(
            f"Shop-Export Besucher\n\nTag,Besuche,Anfragen\n{day},{visits},7\n", encoding="utf-8"
        )
        return path

    mapping = {"Tag": "date", "Besuche": "visitors", "Anfragen": "inquiries"}
    first = week_file("b2b_w45.csv", "2026-11-02", 310)
    assert not ingest_file(store, first, store_name="B2B", today=TODAY).ok
    out = ingest(store, first, store_name="B2B", header_row=3, mapping_override=mapping)
    remember_mapping(store, out.parsed.headers, out.parsed.mapping_by_header(), 3)
    second = ingest(store, week_file("b2b_w46.csv", "2026-11-09", 290), store_name="B2B")
    assert second.parsed.header_row == 3
    assert sums(store, where="store = 'B2B'")["visitors"] == 600


def test_product_movers_rank_by_the_money_a_product_gained_or_lost(store, tmp_path):
    from ecdata.metrics.products import product_movers

    def day_file(day, rows):
        path = tmp_path / f"京东商智_商品明细_{day}.csv"
        body = "".join(f"{day},{sku},{name},{sales}\n" for sku, name, sales in rows)
        path.write_text("日期,SKU,商品名称,成交金额\n" + body, encoding="utf-8")
        return path

    # Week 1 (2026-11-02..08) and week 2 (11-09..15), one day each.
    ingest(
        store,
        day_file("2026-11-03", [("1", "杯子", 1000), ("2", "壶", 500), ("3", "盘", 80)]),
        store_name="京东店",
    )
    ingest(store, day_file("2026-11-10", [("1", "杯子", 700), ("2", "壶", 650), ("4", "碗", 300)]), store_name="京东店")  # fmt: skip
    week2 = Filters(date_from=dt.date(2026, 11, 9), date_to=dt.date(2026, 11, 15))
    moved = product_movers(store.reader(), week2, "previous")
    assert moved[["product_id", "current", "previous", "change"]].values.tolist() == [
        ["1", 700.0, 1000.0, -300.0],
        ["4", 300.0, 0.0, 300.0],  # new this week: sold nothing the week before
        ["2", 650.0, 500.0, 150.0],
        ["3", 0.0, 80.0, -80.0],  # gone this week
    ]
    assert moved.change_pct.iloc[0] == pytest.approx(-0.3)
    assert math.isnan(moved.change_pct.iloc[1])
    # No product report in the week before: no movers, rather than everything "new".
    week3 = Filters(date_from=dt.date(2026, 11, 16), date_to=dt.date(2026, 11, 22))
    assert product_movers(store.reader(), week3, "previous").empty


def test_the_pages_name_period_reports_they_leave_out_and_chart_product_movers(db, tmp_path):
    import streamlit
    from helpers import app, plotly_values

    from ecdata.store import Store

    with Store(db) as store:
        ingest(store, douyin_product_xlsx(tmp_path), store_name="抖店")
        before = douyin_product_xlsx(tmp_path, "2026-10-26_2026-11-01", ("5,000.00", "2,100.00"))
        ingest(store, before, store_name="抖店")
        ingest(store, sycm_product_xls(tmp_path), store_name="天猫旗舰店")  # 2026-11-02 only
    streamlit.cache_data.clear()
    # 11-02..11-04 holds the 天猫 day but only part of the 抖店 week.
    at = app(lang="en", range="custom", **{"from": "2026-11-02", "to": "2026-11-04"})
    assert not at.exception
    notes = " ".join(i.value for i in at.info).replace("\\", "")  # markdown escapes
    assert "抖店 2026-11-02 ~ 2026-11-08" in notes and "never spread" in notes
    # The whole week against the week before: the 天猫 products are new (+¥1,788, +¥297),
    # the sleeve gained ¥3,358 and the hat lost ¥150; the biggest bar is the sleeve's.
    at = app(lang="en", range="custom", **{"from": "2026-11-02", "to": "2026-11-08"})
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    assert not any("抖店 2026-11-02" in i.value for i in at.info)
    chart = next(
        json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
        if "Products whose sales moved" in json.dumps(json.loads(c.proto.spec)["layout"])
    )
    bars = chart["data"][0]
    assert bars["y"] == ["冰丝防晒袖套", "加绒卫衣 女 秋冬", "羊毛围巾", "遮阳帽"]
    assert plotly_values(bars["x"]) == [3358.0, 1788.0, 297.0, -150.0]
