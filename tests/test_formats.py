"""Each real export format, written by the test in its real encoding and shape, ingested and
checked against totals computed by hand."""

import datetime as dt
import zipfile

import pandas as pd
import pytest
from helpers import TODAY, sums

from ecdata.ingest.reader import read_export
from ecdata.ingest.upload import ingest_file


def ingest(store, path, **kw):
    outcome = ingest_file(store, path, today=TODAY, **kw)
    assert outcome.ok, str(outcome.message)
    return outcome


def test_sycm_gbk_csv_with_title_rows_total_row_and_split_spend(store, tmp_path):
    text = (
        "生意参谋 - 店铺整体\n统计时间：2026-10-01 ~ 2026-10-03\n\n\n"
        "统计日期,访客数,浏览量,支付金额,支付买家数,支付转化率,直通车消耗,关键词推广花费,淘宝客佣金,咨询人数\n"
        '2026-10-01,"7,001","21,003","¥35,000.10",350,5.00%,100.5,20,"1,000",400\n'
        "2026/10/2,800,2400,4000,40,5.00%,-,30,0,--\n"
        "20261003,延迟统计,延迟统计,延迟统计,延迟统计,延迟统计,延迟统计,延迟统计,延迟统计,延迟统计\n"
        "合计,7801,23403,39000.10,390,5%,100.5,50,1000,400\n"
        "同行同层均值,500,1500,2000,20,4%,-,-,-,-\n"
    )
    path = tmp_path / "【生意参谋平台】店铺整体_2026-10-01_2026-10-03.csv"
    path.write_bytes(text.encode("gb18030"))
    parsed = read_export(path, store_name="天猫店", today=TODAY)
    assert parsed.encoding == "gb18030"
    assert parsed.header_row == 5
    assert parsed.platform.platform == "sycm"
    assert parsed.totals_dropped == 2
    # Oct 2's 咨询人数 is '--' (its only column): not filled in yet; Oct 3 says 延迟统计.
    assert parsed.not_final_dates == [dt.date(2026, 10, 2), dt.date(2026, 10, 3)]

    out = ingest(store, path, store_name="天猫店")
    assert out.batch.rows_written == 3
    s = sums(store)
    assert s["visitors"] == 7001 + 800
    assert s["sales"] == pytest.approx(35000.10 + 4000)
    # 直通车 + 关键词 + 淘宝客 columns are all promotion spend; '-' is missing, not zero.
    assert s["spend"] == pytest.approx(100.5 + 20 + 1000 + 30 + 0)
    assert s["inquiries"] == 400  # '--' stays missing
    day3 = (
        store.reader()
        .execute("SELECT visitors, not_final FROM store_daily WHERE date = '2026-10-03'")
        .fetchall()[0]
    )
    assert day3 == (None, True)


def test_utf8_bom_csv_and_ga4_comment_lines(store, tmp_path):
    path = tmp_path / "ga4.csv"
    path.write_text(
        "# ----------------------------------------\n# Reports snapshot\n# Start date: 20261001\n"
        "\nDate,Sessions,Total users,Key events,Total revenue\n"
        "20261001,1200,1000,30,4500.5\n20261002,1300,1100,25,3900\n",
        encoding="utf-8-sig",
    )
    outcome = ingest(store, path, store_name="独立站")
    assert outcome.parsed.profile.id == "ga4.daily"
    s = sums(store)
    # Total users are the day's visitors (sessions are visits); key events are whatever the
    # property marks, so no buyers are read from them.
    assert (s["visitors"], s["buyers"], s["sales"]) == (2100, None, pytest.approx(8400.5))


def test_shopify_dollars_and_amazon_en_dash_headers(store, tmp_path):
    shop = tmp_path / "sales_over_time.csv"
    shop.write_text(
        'Day,Sessions,Orders,Total sales\n2026-10-01,"1,500",30,"$2,345.60"\n'
        "2026-10-02,1600,31,$2000\n",
        encoding="utf-8",
    )
    ingest(store, shop, store_name="Shopify US")
    amazon = tmp_path / "BusinessReport.csv"
    amazon.write_text(
        "Date,Sessions – Total,Page Views – Total,Units Ordered,Total Order Items,"
        'Ordered Product Sales\n10/01/2026,900,2000,25,22,"$1,100.00"\n'
        "10/13/2026,950,2100,27,24,$1200.50\n",
        encoding="utf-8",
    )
    ingest(store, amazon, store_name="Amazon US")
    s = sums(store, where="store = 'Amazon US'")
    assert (s["visitors"], s["page_views"], s["buyers"]) == (1850, 4100, 46)
    assert s["sales"] == pytest.approx(2300.5)
    dates = (
        store.reader()
        .execute("SELECT list(date ORDER BY date) FROM store_daily WHERE store = 'Amazon US'")
        .fetchall()[0][0]
    )
    assert dates == [dt.date(2026, 10, 1), dt.date(2026, 10, 13)]  # month first, as US writes
    assert sums(store, where="store = 'Shopify US'")["sales"] == pytest.approx(4345.60)


def test_day_first_dates_when_the_file_proves_it(store, tmp_path):
    path = tmp_path / "uk.csv"
    path.write_text(
        'Date,Sessions,Orders,Total sales\n05/10/26,10,1,£50\n13/10/26,20,2,"£1,000"\n',
        encoding="utf-8",
    )
    ingest(store, path, store_name="UK")
    dates = (
        store.reader().execute("SELECT list(date ORDER BY date) FROM store_daily").fetchall()[0][0]
    )
    assert dates == [dt.date(2026, 10, 5), dt.date(2026, 10, 13)]
    assert sums(store)["sales"] == 1050


def test_xlsx_jd_shangzhi_with_excel_dates(store, tmp_path):
    path = tmp_path / "京东商智_经营概况.xlsx"
    frame = pd.DataFrame(
        {
            "时间": [dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 2)],
            "访客数(UV)": [3000, 3200],
            "浏览量(PV)": [9000, 9500],
            "成交客户数": [120, 130],
            "成交金额": [24000.5, 26000],
        }
    )
    with pd.ExcelWriter(path) as w:
        pd.DataFrame([["京东商智 经营概况"]]).to_excel(w, index=False, header=False, startrow=0)
        frame.to_excel(w, index=False, startrow=2)
    ingest(store, path, store_name="京东店")
    s = sums(store)
    assert (s["visitors"], s["page_views"], s["buyers"]) == (6200, 18500, 250)
    assert s["sales"] == pytest.approx(50000.5)


def test_binary_xls_with_excel_serial_dates(store, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for col, head in enumerate(["日期", "访客数", "支付金额", "支付买家数"]):
        sheet.write(0, col, head)
    # 46296 is 2026-10-01 as an Excel serial number.
    for row, values in enumerate([(46296, 100, 1000.5, 5), (46297, 200, 2000, 9)], start=1):
        for col, v in enumerate(values):
            sheet.write(row, col, v)
    path = tmp_path / "old_excel.xls"
    book.save(str(path))
    parsed = read_export(path, store_name="老店", today=TODAY)
    assert parsed.format == "xls"
    ingest(store, path, store_name="老店")
    assert store.reader().execute("SELECT min(date), max(date) FROM store_daily").fetchall()[0] == (
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 2),
    )
    assert sums(store)["sales"] == pytest.approx(3000.5)


def test_xls_that_is_really_html(store, tmp_path):
    html = (
        "<html><head><meta charset='gbk'></head><body><table>"
        "<tr><td>京东商智</td></tr>"
        "<tr><th>日期</th><th>访客数</th><th>成交金额</th><th>成交客户数</th></tr>"
        "<tr><td>2026-10-01</td><td>1,000</td><td>5,000.00</td><td>20</td></tr>"
        "<tr><td>2026-10-02</td><td>1,100</td><td>6,000.00</td><td>25</td></tr>"
        "<tr><td>合计</td><td>2,100</td><td>11,000.00</td><td>45</td></tr>"
        "</table></body></html>"
    )
    path = tmp_path / "经营数据.xls"
    path.write_bytes(html.encode("gbk"))
    parsed = read_export(path, store_name="京东店", today=TODAY)
    assert parsed.format == "html"
    ingest(store, path, store_name="京东店")
    s = sums(store)
    assert (s["visitors"], s["sales"], s["buyers"], s["rows"]) == (2100, 11000, 45, 2)


def test_xls_that_is_really_tab_separated_gbk_text(store, tmp_path):
    path = tmp_path / "report.xls"
    path.write_bytes(
        "日期\t访客数\t支付金额\n2026-10-01\t10\t100\n2026-10-02\t20\t250\n".encode("gbk")
    )
    ingest(store, path, store_name="店")
    assert sums(store)["sales"] == 350


def test_zip_holding_one_csv(store, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data.csv", "日期,访客数,支付金额\n2026-10-01,10,100\n".encode("gb18030"))
    ingest(store, path, store_name="店")
    assert sums(store)["visitors"] == 10


def test_chitu_agent_report_dated_by_file_name(store, tmp_path):
    frame = pd.DataFrame(
        {
            "客服昵称": ["小美", "阿杰", "合计"],
            "接待人数": [60, 40, 100],
            "询单人数": [50, 30, 80],
            "询单->最终付款人数": [20, 9, 29],
            "询单->最终付款转化率": ["40.00%", "30.00%", "36.25%"],
            "平均响应(秒)": [12, 30, 19.2],
        }
    )
    path = tmp_path / "客服绩效_2026-04-20至2026-04-20.xlsx"
    frame.to_excel(path, index=False)
    out = ingest(store, path, store_name="天猫店")
    assert out.parsed.kind == "agent" and out.parsed.platform.platform == "chitu"
    rows = (
        store.reader()
        .execute(
            "SELECT date, member, inquiries, closed_inquiries, response_seconds FROM agent_daily "
            "ORDER BY member"
        )
        .fetchall()
    )
    assert rows == [
        (dt.date(2026, 4, 20), "小美", 50, 20, 12),
        (dt.date(2026, 4, 20), "阿杰", 30, 9, 30),
    ]


def test_feige_durations_and_jd_service_file_date(store, tmp_path):
    feige = tmp_path / "飞鸽_客服数据_2026-08-25.csv"
    feige.write_text(
        "客服账号,询单人数,支付人数,客服询单支付额,全天平响时长\n"
        '晓晓,40,10,"1,200",11秒\n大鹏,30,6,800,2分30秒\n',
        encoding="utf-8",
    )
    ingest(store, feige, store_name="抖音店")
    jd = tmp_path / "京东pop2026-08-25.csv"
    jd.write_text(
        "客服,售前接待人数,促成下单人数,促成下单商品金额\n老王,25,5,990\n", encoding="utf-8"
    )
    ingest(store, jd, store_name="京东店")
    rows = (
        store.reader()
        .execute(
            "SELECT store, member, inquiries, closed_inquiries, sales, response_seconds "
            "FROM agent_daily ORDER BY store, member"
        )
        .fetchall()
    )
    assert rows == [
        ("京东店", "老王", 25, 5, 990, None),
        ("抖音店", "大鹏", 30, 6, 800, 150),
        ("抖音店", "晓晓", 40, 10, 1200, 11),
    ]


def test_alimama_gbk_ad_report_sums_products_across_plans(store, tmp_path):
    text = (
        "日期,计划名称,宝贝名称,展现量,点击量,花费,总成交金额,点击率\n"
        '2026-10-01,计划A,连衣裙,1000,50,"1,000.50",3000,5.00%\n'
        "2026-10-01,计划B,连衣裙,500,20,200,800,4.00%\n"
        "2026-10-02,计划A,连衣裙,800,40,300,0,5.00%\n"
    )
    path = tmp_path / "阿里妈妈_推广报表.csv"
    path.write_bytes(text.encode("gbk"))
    out = ingest(store, path, store_name="天猫店")
    assert out.parsed.kind == "ad"
    rows = (
        store.reader()
        .execute(
            "SELECT date, channel, impressions, clicks, spend, ad_sales, sales FROM store_daily "
            "ORDER BY date"
        )
        .fetchall()
    )
    assert rows == [
        (dt.date(2026, 10, 1), "阿里妈妈", 1500, 70, 1200.5, 3800, None),
        (dt.date(2026, 10, 2), "阿里妈妈", 800, 40, 300, 0, None),
    ]


def test_indian_thousands_and_a_rate_never_becomes_a_count(store, tmp_path):
    path = tmp_path / "derived.csv"
    path.write_text(
        '日期,访客数,支付转化率,支付金额\n2026-10-01,"1,000",4.5%,"₹1,08,218.36"\n',
        encoding="utf-8",
    )
    ingest(store, path, store_name="店")
    s = sums(store)
    assert s["buyers"] is None  # the file has no buyer count: 1000 x 4.5% is not one
    assert s["sales"] == pytest.approx(108218.36)


def test_store_column_and_channel_column_come_from_the_file(store, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(
        "日期,店铺,渠道,访客数,询单人数,询单成交人数\n"
        "2026-10-01,A店,搜索,100,10,4\n2026-10-01,A店,直播,50,5,2\n"
        "2026-10-01,B店,,70,7,3\n",
        encoding="utf-8",
    )
    ingest(store, path)
    rows = (
        store.reader()
        .execute("SELECT store, channel, visitors FROM store_daily ORDER BY store, channel")
        .fetchall()
    )
    assert rows == [("A店", "搜索", 100), ("A店", "直播", 50), ("B店", "all", 70)]


def test_monthly_costs_and_targets(store, tmp_path):
    path = tmp_path / "月度成本.csv"
    path.write_text(
        "月份,店铺,人力成本,管理成本,销售目标,目标询盘成本\n"
        '2026-10,A店,"30,000","6,000","500,000",25\n'
        "2026年11月,A店,31000,6000,520000,25\n",
        encoding="utf-8",
    )
    out = ingest(store, path)
    assert out.parsed.kind == "monthly"
    rows = (
        store.reader()
        .execute("SELECT month, labor_cost, management_cost FROM store_monthly ORDER BY month")
        .fetchall()
    )
    assert rows == [(dt.date(2026, 10, 1), 30000, 6000), (dt.date(2026, 11, 1), 31000, 6000)]


def test_qianchuan_ad_report_and_amazon_old_and_chinese_headers(store, tmp_path):
    qc = tmp_path / "千川_计划数据.csv"
    qc.write_text(
        "日期,计划名称,整体消耗,整体成交金额,展示次数,点击次数\n"
        "2026-10-01,A,500.5,2000,10000,300\n2026-10-01,B,100,400,2000,60\n",
        encoding="utf-8",
    )
    out = ingest(store, qc, store_name="抖音店")
    assert out.parsed.platform.platform == "qianchuan" and out.parsed.kind == "ad"
    assert store.reader().execute(
        "SELECT channel, spend, ad_sales, impressions, clicks FROM store_daily"
    ).fetchall() == [("巨量千川", 600.5, 2400, 12000, 360)]
    old = tmp_path / "amazon_old.csv"
    old.write_text("Date,Sessions,Gross Product Sales\n10/01/2026,50,$100\n", encoding="utf-8")
    ingest(store, old, store_name="Amazon")
    cn = tmp_path / "amazon_cn.csv"
    cn.write_text(
        "日期,会话数 - 总计,页面浏览次数 - 总计,已订购商品销售额\n2026-10-02,70,150,US$200\n",
        encoding="utf-8",
    )
    ingest(store, cn, store_name="Amazon")
    s = sums(store, where="store = 'Amazon'")
    assert (s["visitors"], s["page_views"], s["sales"]) == (120, 150, 300)


def test_text_far_below_duckdbs_type_sample_still_reads(store, tmp_path):
    # DuckDB types columns from a sample of the first rows; a placeholder 30,000 rows down
    # must not fail the file.
    rows = [
        (dt.date(2025, 1, 1) + dt.timedelta(days=d), f"店{s}")
        for s in range(100)
        for d in range(300)
    ]
    lines = (
        ["日期,店铺,访客数"]
        + [f"{d},{s},1" for d, s in rows[:-1]]
        + [f"{rows[-1][0]},{rows[-1][1]},暂无数据"]
    )
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = ingest(store, path)
    assert out.batch.rows_written == 30_000
    assert sums(store)["visitors"] == 29_999
    assert out.parsed.not_final_dates == [rows[-1][0]]


def test_uk_business_report_saved_by_excel_in_windows_1252(store, tmp_path):
    """Excel on a Western Windows saves CSV in Windows-1252: `£` is the single byte 0xA3."""
    report = tmp_path / "BusinessReport-23-11-2026.csv"
    report.write_bytes(
        (
            '"Date","Ordered Product Sales","Ordered Product Sales - B2B","Units Ordered",'
            '"Total Order Items","Sessions - Total","Page Views - Total"\r\n'
            '"28/10/2026","£1,234.56","£0.00","41","40","5,824","9,120"\r\n'
            '"29/10/2026","£980.10","£12.00","33","31","4,310","7,002"\r\n'
            '"30/10/2026","£0.00","£0.00","0","0","3,001","4,500"\r\n'
        ).encode("cp1252")
    )
    outcome = ingest(store, report, store_name="Amazon UK Café")
    assert outcome.parsed.encoding == "cp1252"
    s = sums(store, where="store = 'Amazon UK Café'")
    assert (s["visitors"], s["page_views"], s["buyers"]) == (
        5824 + 4310 + 3001,
        9120 + 7002 + 4500,
        40 + 31,
    )
    assert s["sales"] == pytest.approx(1234.56 + 980.10)
    days = store.reader().execute("SELECT min(date), max(date) FROM store_daily").fetchone()
    assert days == (dt.date(2026, 10, 28), dt.date(2026, 10, 30))  # day first, proven by 28


def test_european_decimals_when_the_file_proves_them(store, tmp_path):
    """A German Amazon report: 1.234,56 € and 4,5 %; the 12,50 cell proves the comma style."""
    path = tmp_path / "Geschaeftsbericht.csv"
    path.write_text(
        "Date;Sessions – Total;Total Order Items;Ordered Product Sales\n"
        '01/10/2026;"1.500";30;"1.234,56 €"\n'
        "02/10/2026;900;18;12,50 €\n",
        encoding="utf-8",
    )
    ingest(store, path, store_name="Amazon DE")
    s = sums(store)
    assert (s["visitors"], s["buyers"]) == (2400, 48)
    assert s["sales"] == pytest.approx(1234.56 + 12.50)


def test_us_thousands_are_not_mistaken_for_decimals(store, tmp_path):
    path = tmp_path / "us.csv"
    path.write_text('Date,Sessions,Total sales\n2026-10-01,"7,001","$1,234"\n', encoding="utf-8")
    ingest(store, path, store_name="US")
    assert (sums(store)["visitors"], sums(store)["sales"]) == (7001, 1234)


def test_shopify_returns_are_negative_and_a_net_negative_day_is_kept(store, tmp_path):
    """Shopify's 'Sales over time': Discounts and Returns written negative, and a day whose
    returns exceed its sales has negative Total sales. Every day is kept; refunds are
    stored as positive money."""
    path = tmp_path / "Sales over time - 2025-03-01 - 2025-03-03.csv"
    path.write_text(
        "Day,Orders,Gross sales,Discounts,Returns,Net sales,Shipping,Taxes,Total sales\n"
        "2025-03-01,3,300.00,-30.00,0.00,270.00,10.00,0.00,280.00\n"
        "2025-03-02,0,0.00,0.00,-150.00,-150.00,0.00,0.00,-150.00\n"
        "2025-03-03,2,200.00,0.00,-20.00,180.00,5.00,0.00,185.00\n",
        encoding="utf-8",
    )
    outcome = ingest(store, path, store_name="Shopify US")
    assert outcome.parsed.rows_rejected == 0
    s = sums(store)
    assert s["rows"] == 3
    assert s["sales"] == pytest.approx(280 - 150 + 185)
    assert s["refunds"] == pytest.approx(150 + 20)
    assert s["buyers"] == 5


def test_a_sessions_file_gets_no_sales_or_buyers_made_from_its_rates(store, tmp_path):
    path = tmp_path / "Sessions over time.csv"
    path.write_text(
        "Day,Sessions,Conversion rate,Average order value\n"
        "2025-03-01,1000,3.5%,$50.00\n2025-03-02,800,2.5%,$40.00\n",
        encoding="utf-8",
    )
    ingest(store, path, store_name="Shopify US")
    s = sums(store)
    assert s["visitors"] == 1800
    assert s["buyers"] is None and s["sales"] is None  # never rate x sessions x AOV


def test_ga4_date_and_hour_rows_are_summed_into_their_day(store, tmp_path):
    """GA4's 'Date + hour' export: a `#` preamble padded with commas, one row per hour
    (YYYYMMDDHH). The hours add up to their day; nothing is refused as a duplicate."""
    path = tmp_path / "ga4_date_hour.csv"
    path.write_text(
        "# ----------------------------------------,,\n# Date + hour,,\n"
        "# Start date: 20261001,,\n# End date: 20261002,,\n,,\n"
        "Date + hour (YYYYMMDDHH),Sessions,Total revenue\n"
        "2026100100,12,100.50\n2026100113,30,250\n2026100123,8,0\n2026100209,20,80\n",
        encoding="utf-8",
    )
    outcome = ingest(store, path, store_name="Shop")
    assert outcome.parsed.rows_rejected == 0
    assert outcome.parsed.profile.id == "ga4.date_hour"
    assert [n.key for n in outcome.parsed.notes] == ["note.profile", "note.summed_into_days"]
    rows = (
        store.reader()
        .execute("SELECT date::VARCHAR, visitors, sales FROM store_daily ORDER BY 1")
        .fetchall()
    )
    assert rows == [("2026-10-01", 50, 350.5), ("2026-10-02", 20, 80)]


def test_exact_repeated_rows_of_a_stacked_download_count_once(store, tmp_path):
    """赤兔 summaries stacked in one sheet repeat some rows whole: kept once, said; a key
    repeated with different values is still refused."""
    path = tmp_path / "stacked.csv"
    path.write_text(
        "日期,访客数,支付金额\n2026-10-01,100,1000\n2026-10-02,120,1200\n"
        "2026-10-01,100,1000\n2026-10-03,90,900\n2026-10-03,95,900\n",
        encoding="utf-8",
    )
    outcome = ingest(store, path, store_name="A店")
    notes = [n for n in outcome.parsed.notes if n.key != "note.generic_profile"]
    assert [n.key for n in notes] == ["note.exact_duplicates"]
    assert notes[0].params["count"] == 1
    rows = (
        store.reader()
        .execute("SELECT date::VARCHAR, visitors FROM store_daily ORDER BY 1")
        .fetchall()
    )
    assert rows == [("2026-10-01", 100), ("2026-10-02", 120)]  # Oct 3 repeats differently


def test_shopify_compare_to_previous_year_reads_this_year_only(store, tmp_path):
    """'Compare to previous year': each column has a `(previous_year)` twin, and the file
    ends with a total row without a Day. This year's days are read, last year's columns
    ignored, the total row dropped as a total (it was refused as 'store name empty')."""
    path = tmp_path / "Total sales over time - 2025-03-01 - 2025-03-02.csv"
    path.write_text(
        "Day,Orders,Total sales,Day (previous_year),Orders (previous_year),"
        "Total sales (previous_year)\n"
        "2025-03-01,3,280.00,2024-03-01,2,150.00\n"
        "2025-03-02,0,-150.00,2024-03-02,4,400.00\n"
        ",3,130.00,,6,550.00\n",
        encoding="utf-8",
    )
    outcome = ingest(store, path, store_name="Shopify US")
    assert (outcome.parsed.rows_rejected, outcome.parsed.totals_dropped) == (0, 1)
    s = sums(store)
    assert (s["rows"], s["buyers"], s["sales"]) == (2, 3, pytest.approx(130.0))


def test_bilingual_headers_are_read_by_either_language(store, tmp_path):
    """Registers built from 直通车 and 生意参谋 downloads name columns twice: 'Date\\n时间',
    'Total UV(总访客数)', 'Cost(花费)'. It was refused as having no header."""
    path = tmp_path / "直通车登记表.xlsx"
    pd.DataFrame(
        {
            "Date\n时间": ["2026-10-01", "2026-10-02"],
            "Total UV(总访客数)": [1200, 900],
            "Cost(花费)": [300.5, 210],
            "Total sales (previous_year)": [9999, 9999],
        }
    ).to_excel(path, index=False)
    outcome = ingest(store, path, store_name="天猫店")
    assert outcome.parsed.mapping == {0: "date", 1: "visitors", 2: "spend"}
    s = sums(store)
    assert (s["visitors"], s["spend"]) == (2100, pytest.approx(510.5))


def test_day_first_dashed_dates_a_repeated_header_and_a_range_total_row(store, tmp_path):
    """A European-style export: DD-MM-YYYY dates (a day above 12 proves the order), the
    header repeated in the body, a total row dated with its range, 1.234,56 numbers."""
    path = tmp_path / "shop_stats.csv"
    path.write_text(
        "Date;Sessions;Total sales\n"
        "01-10-2025-31-10-2025;36.776;114.926,74\n"
        "12-10-2025;1.200;3.456,50\n"
        "Date;Sessions;Total sales\n"
        "13-10-2025;1.100;2.000,00\n",
        encoding="utf-8",
    )
    outcome = ingest(store, path, store_name="Shop")
    assert (outcome.parsed.rows_rejected, outcome.parsed.totals_dropped) == (0, 2)
    rows = (
        store.reader()
        .execute("SELECT date::VARCHAR, visitors, sales FROM store_daily ORDER BY 1")
        .fetchall()
    )
    assert rows == [("2025-10-12", 1200, 3456.5), ("2025-10-13", 1100, 2000.0)]


def test_every_sheet_of_a_workbook_is_read_or_named(store, tmp_path):
    """Sheet 1 a store file, sheet 2 an ad plan report: sheet 2 is named as not read, with
    what to do, instead of its spend being lost without a word; an empty sheet is not."""
    path = tmp_path / "店铺与推广.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"统计日期": ["2026-10-01"], "访客数": [100]}).to_excel(
            book, sheet_name="店铺整体", index=False
        )
        pd.DataFrame({"日期": ["2026-10-01"], "计划名称": ["万相台"], "花费": [26384.71]}).to_excel(
            book, sheet_name="万相台计划", index=False
        )
        pd.DataFrame().to_excel(book, sheet_name="空白", index=False)
    outcome = ingest(store, path, store_name="天猫店")
    (note,) = [n for n in outcome.parsed.notes if n.key == "note.sheets_left_out"]
    assert note.key == "note.sheets_left_out" and note.params["sheets"] == ["万相台计划"]
    assert "万相台计划" in note.text("zh") and "save each as a file" in note.text("en")
    assert sums(store)["visitors"] == 100


def test_a_file_no_profile_knows_with_hours_sums_them_into_days(tmp_path):
    """Rows stamped with an hour (a shop's own hourly sheet, GA4's YYYYMMDDHH) are parts of
    their day, found from the cells alone: summed, never refused as repeated days. Midnight
    stamps are plain days."""
    hourly = tmp_path / "hourly.csv"
    hourly.write_text(
        "时间,访客数,支付金额\n2026-10-01 10:00:00,30,900\n2026-10-01 15:00:00,20,600\n"
        "2026-10-02 00:00:00,25,750\n",
        encoding="utf-8",
    )
    parsed = read_export(hourly, store_name="S", today=TODAY)
    assert parsed.ok and parsed.profile is None and parsed.rows_rejected == 0
    days = parsed.staged.to_pandas().set_index("date").sort_index()
    assert days["visitors"].tolist() == [50, 25] and days["sales"].tolist() == [1500, 750]
    ga4_hours = tmp_path / "hours.csv"
    ga4_hours.write_text("时间,访客数\n2026100110,3\n2026100111,4\n2026100209,5\n", "utf-8")
    parsed = read_export(ga4_hours, store_name="S", today=TODAY)
    assert parsed.ok and parsed.rows_rejected == 0
    assert sorted(parsed.staged.to_pandas()["visitors"].tolist()) == [5, 7]


def test_hours_below_the_first_thousand_rows_are_summed_into_their_days_too(tmp_path):
    """The survey looks at the first rows for times within a day; the check looks at every
    row. A sheet of 1,200 midnight-stamped days with two hours of one day at its end sums
    those hours into their day, as a sheet with hours in its first row would."""
    days = pd.date_range("2023-01-01", periods=1200)
    lines = [f"{d:%Y-%m-%d} 00:00:00,10,300" for d in days]
    lines += ["2026-10-01 10:00:00,30,900", "2026-10-01 15:00:00,20,600"]
    sheet = tmp_path / "history_then_hours.csv"
    sheet.write_text("时间,访客数,支付金额\n" + "\n".join(lines) + "\n", encoding="utf-8")
    parsed = read_export(sheet, store_name="S", today=TODAY)
    assert parsed.ok and parsed.rows_rejected == 0
    assert "note.summed_into_days" in [n.key for n in parsed.notes]
    staged = parsed.staged.to_pandas().set_index("date")
    assert len(staged) == 1201
    assert staged.loc[pd.Timestamp("2026-10-01").date(), ["visitors", "sales"]].tolist() == [
        50,
        1500,
    ]
    assert staged["visitors"].sum() == 1200 * 10 + 50
