"""Product-level reports land in the product table, never in store facts.

Fixtures are written in the shapes owners download: 生意参谋 商品效果 as a binary .xls in GBK
with title rows, 商品id as text, one row per terminal and the date only in the file name;
京东商智 商品明细 as xlsx with SKU; Shopify's sales by product (titles, no id).
"""

import datetime as dt
import json

import pandas as pd
import pytest
from conftest import TODAY, sums

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
            "FROM product_daily ORDER BY product_id"
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
        .execute("SELECT product_id, visitors, sales FROM product_daily ORDER BY product_id")
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
        "SELECT product_id, product_name, units, sales FROM product_daily ORDER BY 1"
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
    from conftest import app

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
