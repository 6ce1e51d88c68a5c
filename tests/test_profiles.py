"""Report profiles: every shipped profile reads its fixture (tests/fixtures/reports, in the
download's real shape) to the totals worked out by hand below; each quirk a profile declares
has a test that fails without its handling; a profile file that is wrong says what is wrong.
"""

import datetime as dt
from pathlib import Path

import pyarrow.compute as pc
import pytest
from helpers import TODAY

from ecdata.ingest.profiles import (
    ProfileError,
    builtin_profiles,
    match_profile,
    parse_profiles,
)
from ecdata.ingest.reader import read_export

REPORTS = Path(__file__).parent / "fixtures" / "reports"

# file -> (profile, table kind, {field: hand-computed total}, the days or (first, last) range)
CASES = {
    "shopify_total_sales_over_time.csv": (
        "shopify.sales_over_time",
        "store",
        # Orders 3 + 1 + 2; Total sales 156.20 - 21.60 + 1,225.00 (a return-heavy day is
        # negative and kept); Returns -0 - 60 - 25 turned into refunds.
        {"buyers": 6, "sales": 1359.60, "refunds": 85},
        ["2025-03-01", "2025-03-02", "2025-03-03"],
    ),
    "shopify_total_sales_over_time_previous_year.csv": (
        "shopify.sales_over_time",
        "store",
        # This year's columns only (the previous_year twins are 9 + 8 orders, 1,836.00); the
        # last row without a Day totals the range and is dropped.
        {"buyers": 4, "sales": 134.60, "refunds": 60},
        ["2025-03-01", "2025-03-02"],
    ),
    "shopify_total_sales_over_time_2025.csv": (
        "shopify.sales_over_time_2025",
        "store",
        {"buyers": 14, "sales": 1278, "refunds": 130},  # 1,000 + 278; Sales reversals -130
        ["2025-09-01", "2025-09-02"],
    ),
    "shopify_sessions_over_time.csv": (
        "shopify.sessions_over_time",
        "store",
        # Online store visitors 410 + 380 + 0, not the 975 sessions; no sales, no buyers.
        {"visitors": 790, "sales": None, "buyers": None},
        ["2025-03-01", "2025-03-02", "2025-03-03"],
    ),
    "shopify_sessions_over_time_previous_year.csv": (
        "shopify.sessions_over_time",
        "store",
        # This year's 410 + 380 (last year's 300 + 290 and the total row 790 left out).
        {"visitors": 410 + 380, "sales": None, "buyers": None},
        ["2025-03-01", "2025-03-02"],
    ),
    "Sales by product - 2025-03-01 - 2025-03-07 - compared.csv": (
        "shopify.sales_by_product",
        "product",
        # This year's 12 - 1 units and 561.60 - 48.60; last year's twins and the total row
        # (no product) left out.
        {"units": 12 - 1, "sales": 561.60 - 48.60},
        ("2025-03-01", "2025-03-07"),
    ),
    "Sales by product - 2025-03-01 - 2025-03-07.csv": (
        "shopify.sales_by_product",
        "product",
        {"units": 12 - 1 + 5, "sales": 561.60 - 48.60 + 135.00},  # the scarf nets returns
        ("2025-03-01", "2025-03-07"),
    ),
    "BusinessReport-11-26-2026.csv": (
        "amazon.sales_traffic_by_date",
        "store",
        # Sessions 5,824 + 4,310, page views 9,120 + 7,002, order items 40 + 31, sales
        # $1,234.56 + $980.10; the B2B twins are not added.
        {"visitors": 10134, "page_views": 16122, "buyers": 71, "sales": 2214.66},
        ["2026-11-01", "2026-11-02"],
    ),
    "ga4_daily.csv": (
        "ga4.daily",
        "store",
        {"visitors": 1000 + 1100, "sales": 4500.5 + 3900, "buyers": None},  # key events: no
        ["2026-10-01", "2026-10-02"],
    ),
    "ga4_date_hour.csv": (
        "ga4.date_hour",
        "store",
        {"visitors": 12 + 30 + 8 + 20, "sales": 100.50 + 250 + 80},
        ["2026-10-01", "2026-10-02"],
    ),
    "ga4_nth_day.csv": (
        "ga4.nth_day",
        "store",
        # Days 0000-0002 from '# Start date: 20261001'.
        {"visitors": 310 + 290 + 305, "buyers": 6 + 4 + 5, "sales": 480.25 + 300 + 412.75},
        ["2026-10-01", "2026-10-02", "2026-10-03"],
    ),
    "ga4_traffic_acquisition.csv": (
        "ga4.traffic_acquisition",
        "store_period",
        # Three channels for 1-7 October (from the preamble): sessions and revenue summed.
        {"visitors": 1200 + 900 + 300, "sales": 2400 + 1500.5 + 899.5},
        ("2026-10-01", "2026-10-07"),
    ),
    "Campaign report.csv": (
        "google_ads.campaigns_by_day",
        "ad",
        # Cost 12.34 + 1,020.50 + 3.10 + 0; the three 'Total: …' rows are dropped.
        {"spend": 1035.94, "impressions": 1234 + 10500 + 40, "clicks": 7 + 88 + 2},
        ["2026-09-01", "2026-09-02", "2026-09-03"],
    ),
    "Campaign report (Excel).csv": (
        "google_ads.campaigns_by_day",
        "ad",
        {"spend": 1035.94, "impressions": 11774, "clicks": 97},  # the same, UTF-16 with tabs
        ["2026-09-01", "2026-09-02", "2026-09-03"],
    ),
    "Meta-Ads-Campaigns-Sep-1-2026-Sep-2-2026.csv": (
        "meta_ads.campaigns_by_day",
        "ad",
        {
            "spend": 100 + 80.5 + 110,  # 'Amount spent (GBP)'
            "impressions": 1000 + 5200 + 1100,
            "clicks": 50 + 61 + 52,
            "ad_sales": 400 + 90 + 450,
        },
        ["2026-09-01", "2026-09-02"],
    ),
    "【生意参谋平台】店铺整体_2026-10-01_2026-10-03.csv": (
        "sycm.shop_overview",
        "store",
        # The 合计 row is dropped; spend is the three columns: 200 + 300 + 100.
        {"visitors": 3000, "page_views": 8900, "buyers": 150, "sales": 30000, "spend": 600},
        ["2026-10-01", "2026-10-02", "2026-10-03"],
    ),
    "【生意参谋平台】商品效果_2026-10-01.xlsx": (
        "sycm.product_effect",
        "product",
        # The 所有终端 rows only: 300 + 150 visitors, 4,200 + 354 sales.
        {"visitors": 450, "page_views": 1220, "buyers": 17, "units": 20, "sales": 4554},
        ["2026-10-01"],
    ),
    "千牛_询单到付款_2026-10-01_2026-10-03.xlsx": (
        "qianniu.inquiry_to_payment",
        "store",
        {"inquiries": 80 + 60 + 75, "closed_inquiries": 29 + 21 + 30},  # not the 合计 row
        ["2026-10-01", "2026-10-02", "2026-10-03"],
    ),
    "万相台_计划报表_2026-10-01_2026-10-02.csv": (
        "alimama.plan_report",
        "ad",
        {"spend": 180.50 + 99.50 + 170, "clicks": 360 + 200 + 330, "ad_sales": 3400},
        ["2026-10-01", "2026-10-02"],
    ),
    "赤兔_客服绩效_2026-10-01至2026-10-01.xlsx": (
        "chitu.agent_performance",
        "agent",
        # 询单人数 50 + 30 are the inquiries; 咨询人数 60 + 35 everyone received (the alias
        # table alone summed both into 175 inquiries).
        {"inquiries": 80, "received": 95, "closed_inquiries": 29, "sales": 5710.5},
        ["2026-10-01"],
    ),
    "千川_计划数据_2026-10-01_2026-10-02.csv": (
        "qianchuan.plan_report",
        "ad",
        {"spend": 90 + 60.5 + 100, "ad_sales": 500 + 210 + 620},
        ["2026-10-01", "2026-10-02"],
    ),
    "全域数据_直播分析_弹动官方旗舰店_2026-07-08_2026-07-09.xlsx": (
        "qianchuan.global_live",
        "ad",
        # The 全部 row (2,000 of spend) is the range's total, not a third day.
        {"spend": 900 + 1100, "ad_sales": 2160 + 2840, "impressions": 72000 + 89000},
        ["2026-07-08", "2026-07-09"],
    ),
    "全域数据_素材分析_视频_2026-07-09.xlsx": (
        "qianchuan.materials",
        "ad",
        # Two creatives summed into 9 July (the file name's day).
        {"spend": 520.5 + 79.5, "impressions": 69000, "clicks": 1950, "ad_sales": 1336.65},
        ["2026-07-09"],
    ),
    "商品卡列表数据_2026_06_30~2026_07_06.xlsx": (
        "doudian.product_cards",
        "product",
        {"visitors": 960 + 400, "buyers": 46 + 15, "sales": 5980 + 1590},
        ("2026-06-30", "2026-07-06"),
    ),
    "飞鸽_客服数据_2026-10-02.csv": (
        "feige.agent_data",
        "agent",
        {"inquiries": 40 + 22, "closed_inquiries": 12 + 5, "sales": 2400 + 990},
        ["2026-10-02"],
    ),
    "京东商智_流量_渠道明细_2026-10-01_2026-10-02.xlsx": (
        "jd_sz.traffic_channels",
        "store",
        # Channels summed into their day; every 同比 column left out.
        {"visitors": 1000 + 700 + 950, "page_views": 7300, "buyers": 68, "sales": 13500.5},
        ["2026-10-01", "2026-10-02"],
    ),
    "京东客服_售前绩效_2026-10-02.csv": (
        "jd.service_presales",
        "agent",
        {"inquiries": 25 + 31, "closed_inquiries": 5 + 9, "sales": 990 + 1620.4},
        ["2026-10-02"],
    ),
    "拼多多_商品概况_2026-10-01_2026-10-02.xlsx": (
        "pdd.goods_overview",
        "store",
        {"visitors": 820 + 760, "page_views": 4610, "buyers": 58 + 54, "sales": 10300.5},
        ["2026-10-01", "2026-10-02"],
    ),
    "拼多多_推广中心_标准推广_2026-10-01_2026-10-02.xlsx": (
        "pdd.promotion_standard",
        "ad",
        # 总花费 120.50 + 80 + 110; 成交花费 is a part of it and not added.
        {"spend": 310.5, "ad_sales": 810 + 420 + 700, "clicks": 300 + 160 + 280},
        ["2026-10-01", "2026-10-02"],
    ),
    "拼多多_推广中心_全站推广_2026-10-01_2026-10-02.xlsx": (
        "pdd.promotion_global",
        "ad",
        {"spend": 66.6 + 70, "ad_sales": 999 + 1050.5},
        ["2026-10-01", "2026-10-02"],
    ),
    "shop.shopee-shop-stats.20251012-20251013.xlsx": (
        "shopee.shop_stats",
        "store",
        # The Confirmed Order sheet (the Placed Order sheet before it says 1.500.000 and
        # 2.400.000); its range row (3.265.500,50) and repeated header dropped.
        {
            "visitors": 1200 + 1650,
            "buyers": 9 + 14,
            "sales": 1_250_000 + 2_015_500.50,
            "refunds": 120_000,
        },
        ["2025-10-12", "2025-10-13"],
    ),  # fmt: skip
    "export_report.parentskudetail.20240901_20240930.xlsx": (
        "shopee.product_performance",
        "product",
        # Each product's own row: Linen Shirt 420 visitors, 8 buyers, 10 units, S$300.00 paid
        # (its two variations' 6 + 4 units and 180 + 120 are that row's breakdown), Canvas
        # Tote 150, 4, 4, 59.60. Placed orders (9, 11, 330.00…) are not paid ones.
        {
            "visitors": 420 + 150,
            "page_views": 900 + 260,
            "buyers": 8 + 4,
            "units": 10 + 4,
            "sales": 300 + 59.60,
        },
        ("2024-09-01", "2024-09-30"),
    ),  # fmt: skip
    "parentskudetail.20260807_20260905.xlsx": (
        "shopee.product_performance_zh",
        "product",
        # 热销商品's product rows, confirmed orders: 11,861.86 + 5,600.10, units 159 + 109,
        # buyers 146 + 98; visitors 6,120 + 2,890; page views 15,400 + 6,100.
        {
            "visitors": 6120 + 2890,
            "page_views": 15400 + 6100,
            "buyers": 146 + 98,
            "units": 159 + 109,
            "sales": 11861.86 + 5600.10,
        },
        ("2026-08-07", "2026-09-05"),
    ),  # fmt: skip
    "tiktok_shop_product_analytics.xlsx": (
        "tiktok_shop.product_analytics",
        "product",
        # GMV Rp12.450.000 + Rp1.980.000 (dots are thousands: a cell with two proves it),
        # units 83 + 22; the week from the first cell.
        {"units": 83 + 22, "sales": 12_450_000 + 1_980_000},
        ("2026-06-01", "2026-06-07"),
    ),
    "Products-2026-09-19.xls": (
        "alibaba_intl.product_insights",
        "store_period",
        # The week from the title row; 询盘个数 3 + 2 + 0, 访问人数 117 + 64 + 9, 提交订单
        # 1 + 0 + 0 over the three products.
        {"inquiries": 5, "visitors": 190, "closed_inquiries": 1},
        ("2026-09-13", "2026-09-19"),
    ),
}


def read(name: str, **kw):
    return read_export(REPORTS / name, store_name="S", today=TODAY, **kw)


def total(parsed, field: str):
    if field not in parsed.staged.column_names:
        return None
    return pc.sum(parsed.staged[field]).as_py()


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_report_reads_to_its_hand_computed_totals(name):
    profile, kind, expected, days = CASES[name]
    parsed = read(name)
    assert parsed.ok, parsed.error and parsed.error.text("en")
    assert parsed.profile is not None and parsed.profile.id == profile
    assert parsed.kind == kind
    assert parsed.rows_rejected == 0, [p.message.text("en") for p in parsed.problems]
    for field, value in expected.items():
        got = total(parsed, field)
        assert got == (None if value is None else pytest.approx(value)), field
    got_days = sorted({str(d) for d in parsed.staged["date"].to_pylist()})
    if isinstance(days, tuple):  # a report for a period: one fact from its first to last day
        assert got_days == [days[0]]
        assert {str(d) for d in parsed.staged["date_to"].to_pylist()} == {days[1]}
    else:
        assert got_days == days
    said = next(n for n in parsed.notes if n.key == "note.profile")
    assert said.params["id"] == profile


def test_every_shipped_profile_has_a_fixture_in_its_shape():
    covered = {case[0] for case in CASES.values()} | {"amazon.by_child_item"}
    # Inquiry lists have theirs in tests/test_inquiries.py.
    assert {p.id for p in builtin_profiles() if p.kind != "inquiries"} == covered


def test_an_amazon_child_item_report_needs_its_period_and_counts_traffic_once():
    name = "BusinessReport-ByChildItem-26-11-2026.csv"
    assert read(name).error.key == "err.needs_period"  # the name is the download day
    parsed = read(name, period=(dt.date(2026, 11, 1), dt.date(2026, 11, 7)))
    assert parsed.profile.id == "amazon.by_child_item"
    # B0CHILD001's 1,200 sessions stand on both its SKU lines: counted once.
    assert total(parsed, "visitors") == 1200 + 400
    assert total(parsed, "units") == 30 + 10 + 8
    assert total(parsed, "sales") == pytest.approx(900 + 300 + 200)


def test_ad_reports_become_the_profiles_channel():
    assert set(
        read("拼多多_推广中心_标准推广_2026-10-01_2026-10-02.xlsx").staged["channel"].to_pylist()
    ) == {"拼多多标准推广"}
    assert set(read("Campaign report.csv").staged["channel"].to_pylist()) == {"Google Ads"}


def test_the_messages_name_the_profile_and_what_did_not_fit(tmp_path):
    parsed = read("Campaign report.csv")
    said = parsed.notes[0]
    assert "Google Ads · Campaign report, segmented by Day" in said.text("en")
    assert "广告系列报告（按天）" in said.text("zh")
    # A column the profile does not know is named, so it can be mapped.
    path = tmp_path / "Campaign report.csv"
    path.write_text(
        "Day,Campaign,Cost,Impr.,Search impr. share\n2026-09-01,A,1.00,10,45%\n", encoding="utf-8"
    )
    parsed = read_export(path, store_name="S", today=TODAY)
    unread = [n for n in parsed.notes if n.key == "note.columns_unread"]
    assert unread and unread[0].params["columns"] == "Search impr. share"
    # A file no profile knows says it was read by column names alone.
    path = tmp_path / "own.csv"
    path.write_text("日期,访客数,备注\n2026-09-01,10,x\n", encoding="utf-8")
    keys = [n.key for n in read_export(path, store_name="S", today=TODAY).notes]
    assert keys == ["note.generic_profile", "note.columns_unread"]


def test_the_largest_signature_wins_and_a_teams_own_profile_wins_a_tie():
    headers = ["Date", "Sessions", "Total users", "Total revenue"]
    assert match_profile(headers).id == "ga4.daily"
    (own,) = parse_profiles(
        'platform = "ga4"\n[[report]]\nid = "team.ga4"\nheaders = ["Date", "Sessions", '
        '"Total users"]\n',
        user=True,
    )
    assert match_profile(headers, extra=(own,)).id == "team.ga4"
    assert match_profile(["Date", "Sessions"], extra=(own,)) is None


def test_a_report_on_a_later_sheet_is_found_and_the_sheets_before_named(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本报表由拼多多商家后台导出"])
    sheet = book.create_sheet("数据")
    sheet.append(["日期", "成交花费(元)", "交易额(元)", "成交笔数", "曝光量", "点击量"])
    sheet.append(["2026-10-01", 66.6, 999, 11, 20000, 410])
    path = tmp_path / "全站推广.xlsx"
    book.save(path)
    parsed = read_export(path, store_name="S", today=TODAY)
    assert parsed.ok and parsed.sheet == "数据" and total(parsed, "spend") == pytest.approx(66.6)
    left = [n for n in parsed.notes if n.key == "note.sheets_left_out"]
    assert left and left[0].params == {"first": "数据", "sheets": ["说明"]}


@pytest.mark.parametrize(
    "text, says",
    [
        ('[[report]]\nid = "x"\nheaders = ["a", "b"]\n', "platform is missing"),
        ('platform = "p"\n', "no \\[\\[report"),
        ('platform = "p"\n[[report]]\nid = "x"\nheaders = ["a"]\n', "at least two"),
        (
            'platform = "p"\n[[report]]\nid = "x"\nheaders = ["a", "b"]\ngrain = "hourly"\n',
            "grain 'hourly'",
        ),
        (
            'platform = "p"\n[[report]]\nid = "x"\nheaders = ["a", "b"]\n'
            '[report.columns]\n"a" = "revenue"\n',
            "no field 'revenue'",
        ),
        (
            'platform = "p"\n[[report]]\nid = "x"\nheaders = ["a", "b"]\n'
            '[report.columns]\n"a" = { field = "sales", sign = "minus" }\n',
            "sign 'minus'",
        ),
        (
            'platform = "p"\n[[report]]\nid = "x"\nheaders = ["a", "b"]\ntotal_rows = "("\n',
            "total_rows",
        ),
        ("platform = \n", "Invalid"),
    ],
)
def test_a_wrong_profile_says_what_is_wrong(text, says):
    with pytest.raises(ProfileError, match=says):
        parse_profiles(text)


def test_a_profile_exported_reads_back_the_same():
    for profile in builtin_profiles():
        (again,) = [p for p in parse_profiles(profile.to_toml()) if p.id == profile.id]
        assert again == profile


def test_a_teams_profile_is_saved_exported_and_reads_their_next_file(tmp_path, capsys):
    """A layout no shipped profile knows, mapped once on the mapping screen with its quirks
    marked (a last-year column ignored, a 小计 total row, hours summed into days, returns
    written negative), saved as a named profile: the next such file reads by it alone, and
    `profiles export` writes the same TOML that `profiles import` takes on another store."""
    from ecdata.cli import main
    from ecdata.ingest.upload import (
        ProfileChoices,
        profile_from_mapping,
        read_for_store,
        save_team_profiles,
    )
    from ecdata.store import Store

    text = (
        "时段,进店人数,去年进店人数,成交额,退货额\n"
        "2026-10-01 10:00,30,99,900,-100\n2026-10-01 15:00,20,99,600,0\n"
        "2026-10-02 11:00,25,99,750,-50\n小计,75,297,2250,-150\n"
    )
    path = tmp_path / "门店时段.csv"
    path.write_text(text, encoding="utf-8")
    mapping = {"时段": "date", "进店人数": "visitors", "去年进店人数": "", "成交额": "sales"}
    mapping["退货额"] = "refunds"
    db = tmp_path / "t.duckdb"
    with Store(db) as store:
        first = read_for_store(
            store, path, store_name="S", mapping_override=mapping, header_row=1, today=TODAY
        )
        # Before the quirks are marked: two negative returns and the 小计 row are refused.
        assert first.ok and first.rows_rejected == 3
        choices = ProfileChoices(
            "门店时段报表", total_label="小计", rows_are_parts=True, negated=("退货额",)
        )
        profile = profile_from_mapping(first, choices)
        save_team_profiles(store, profile.to_toml())
        again = read_for_store(store, path, store_name="S", today=TODAY)  # no mapping given
    assert again.profile.id == "门店时段报表" and again.rows_rejected == 0
    assert total(again, "visitors") == 30 + 20 + 25  # last year's 99s never read
    assert total(again, "sales") == 900 + 600 + 750  # the 小计 row dropped
    assert total(again, "refunds") == 100 + 50  # turned positive
    assert sorted(map(str, again.staged["date"].to_pylist())) == ["2026-10-01", "2026-10-02"]
    out = tmp_path / "shared.toml"
    assert main(["profiles", "export", "门店时段报表", "--out", str(out), "--db", str(db)]) == 0
    assert parse_profiles(out.read_text(encoding="utf-8")) == [parse_profiles(profile.to_toml())[0]]
    other = tmp_path / "other.duckdb"
    assert main(["profiles", "import", str(out), "--db", str(other)]) == 0
    capsys.readouterr()
    assert main(["profiles", "list", "--db", str(other)]) == 0
    listed = capsys.readouterr().out
    assert "门店时段报表" in listed and "team" in listed and "shopify.sales_over_time" in listed
    assert main(["profiles", "show", "ga4.nth_day", "--db", str(other)]) == 0
    assert "day_offset = true" in capsys.readouterr().out


def test_profiles_are_refused_as_the_cli_says_and_kept_company_wide(tmp_path, capsys):
    from ecdata.cli import main
    from ecdata.ingest.upload import save_team_profiles
    from ecdata.store import Store
    from ecdata.store.accounts import add_user
    from ecdata.store.database import StoreNotGranted, acting_as

    db = tmp_path / "r.duckdb"
    bad = tmp_path / "bad.toml"
    bad.write_text('platform = "x"\n[[report]]\nid = "y"\nheaders = ["a"]\n', encoding="utf-8")
    assert main(["profiles", "import", str(bad), "--db", str(db)]) == 1
    assert "at least two" in capsys.readouterr().err
    clash = tmp_path / "clash.toml"
    clash.write_text(
        'platform = "ga4"\n[[report]]\nid = "ga4.daily"\nheaders = ["a", "b"]\n', encoding="utf-8"
    )
    assert main(["profiles", "import", str(clash), "--db", str(db)]) == 1
    assert "a shipped profile has this name" in capsys.readouterr().err
    assert main(["profiles", "show", "nope", "--db", str(db)]) == 1
    assert main(["profiles", "remove", "nope", "--db", str(db)]) == 1
    with Store(db) as store:
        add_user(store, "limited", "manager", "a-long-password-1", stores=["A店"])
        with acting_as("limited"), pytest.raises(StoreNotGranted):
            save_team_profiles(
                store, 'platform = "x"\n[[report]]\nid = "mine"\nheaders = ["a", "b"]\n'
            )
        assert store.reader().execute("SELECT count(*) FROM report_profiles").fetchone() == (0,)


def test_the_readme_lists_every_shipped_profile_as_the_cli_prints_them():
    from ecdata.cli import profiles_markdown

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- profiles: python -m ecdata profiles list --format markdown -->\n")
    assert len(block) == 2
    assert block[1].split("\n<!-- /profiles -->")[0] == profiles_markdown(builtin_profiles())


TEAM_PROFILE = """platform = "generic"

[[report]]
id = "门店周报"
zh = "门店周报"
en = "Shop weekly"
headers = ["日期", "成交金额(万元)", "访客数", "转化率"]

[report.columns]
"日期" = "date"
"成交金额(万元)" = { field = "sales", unit = "wan" }
"访客数" = "visitors"
"退款(分)" = { field = "refunds", unit = "cents" }
"转化率" = { field = "conversion_rate", unit = "percent" }

[report.limits]
visitors = 100000
"""


def test_a_profile_states_units_and_its_own_plausibility_limits(tmp_path):
    """A column written in 万元 is stored in yuan, one in cents (分) in yuan, a rate in plain
    percents read as percents; a row beyond the report's own limit for visitors (100,000 a
    day for this shop) is skipped and named with that limit. Each survives export."""
    (profile,) = parse_profiles(TEAM_PROFILE, user=True)
    assert parse_profiles(profile.to_toml(), user=True) == [profile]
    path = tmp_path / "门店周报.csv"
    path.write_text(
        "日期,成交金额(万元),访客数,退款(分),转化率\n"
        "2026-10-01,1.25,2000,1050,2.5\n"
        "2026-10-02,0.5,1000,0,2\n"
        "2026-10-03,3,250000,0,1\n",
        encoding="utf-8",
    )
    parsed = read_export(path, store_name="S", today=TODAY, profiles=(profile,))
    assert parsed.ok and parsed.profile.id == "门店周报"
    assert total(parsed, "sales") == pytest.approx(12500 + 5000)
    assert total(parsed, "refunds") == pytest.approx(10.50)
    assert parsed.rows_rejected == 1
    said = parsed.problems[0].message
    assert said.key == "row.above_limit" and "100,000" in said.text("en")
    assert "门店周报" in said.text("zh")
    # The unit decides how a rate's plain numbers read, not their look: declared fractions,
    # 2.5 and 2 are 250% and 200%, and those rows are refused.
    (fractions,) = parse_profiles(
        TEAM_PROFILE.replace('unit = "percent"', 'unit = "fraction"'), user=True
    )
    again = read_export(path, store_name="S", today=TODAY, profiles=(fractions,))
    assert {p.message.key for p in again.problems} == {"row.bad_rate", "row.above_limit"}
    assert again.rows_rejected == 3


@pytest.mark.parametrize(
    "column, says",
    [
        ('{ field = "sales", unit = "yuan" }', "unit 'yuan'"),
    ],
)
def test_a_wrong_unit_or_limit_says_what_is_wrong(column, says):
    head = 'platform = "p"\n[[report]]\nid = "x"\nheaders = ["a", "b"]\n'
    with pytest.raises(ProfileError, match=says):
        parse_profiles(f'{head}[report.columns]\n"a" = {column}\n')
    bad_limit = f"{head}[report.limits]\nsales = -1\n"
    with pytest.raises(ProfileError, match="not a positive number"):
        parse_profiles(bad_limit)


def test_shopee_reads_its_markets_currency_one_order_stage_and_a_products_own_row(tmp_path):
    """Shopee states the market in the sales header (IDR, SGD, MYR) and the cells in its
    style; a product's variations are its breakdown, and without its own row they add up."""
    stats = read("shop.shopee-shop-stats.20251012-20251013.xlsx")
    assert (stats.currency, stats.sheet) == ("Rp", "Confirmed Order")
    # The Placed Order sheet is the same days by another measure: never "upload it too".
    (left_out,) = [n for n in stats.notes if n.key.startswith("note.sheets_")]
    assert left_out.key == "note.sheets_beside_the_report"
    assert left_out.params["sheets"] == ["Placed Order"]
    assert "do not upload them" in left_out.text("en") and "不要另行上传" in left_out.text("zh")
    assert stats.totals_dropped >= 2  # the range row 12-10-2025-13-10-2025, the header again
    english = read("export_report.parentskudetail.20240901_20240930.xlsx")
    chinese = read("parentskudetail.20260807_20260905.xlsx")
    assert (english.currency, chinese.currency) == ("S$", "RM")
    assert english.totals_dropped == chinese.totals_dropped == 2  # two variation rows each
    assert chinese.sheet == "热销商品"
    # Variation rows alone (a product listed only by its variations) are its parts: summed.
    only_parts = tmp_path / "parentskudetail.20240901_20240930.csv"
    only_parts.write_text(
        "Item ID,Product,Variation ID,Product Visitors (Visit),Units (Paid Order),"
        "Sales (Paid Order) (SGD)\n"
        "2001,Linen Shirt,90011,-,6,180.00\n2001,Linen Shirt,90012,-,4,120.00\n",
        encoding="utf-8",
    )
    parsed = read_export(only_parts, store_name="S", today=TODAY)
    assert parsed.ok and parsed.rows_rejected == 0 and parsed.totals_dropped == 0
    assert (total(parsed, "units"), total(parsed, "sales")) == (10, pytest.approx(300))


def test_tiktok_shop_money_says_its_currency_in_the_cells(tmp_path):
    """TikTok Shop writes the market's sign before each amount: the file's currency is
    read from the cells (Rp, S$), and a file whose cells show two currencies is refused."""
    assert read("tiktok_shop_product_analytics.xlsx").currency == "Rp"
    head = "2026-06-01 ~ 2026-06-07\n\nID,Product,GMV,Units sold,Shop tab GMV,Video GMV\n"
    singapore = tmp_path / "sg.csv"
    singapore.write_text(head + '1,Serum,"S$1,234.50",3,"S$1,000.00",S$234.50\n', "utf-8")
    parsed = read_export(singapore, store_name="S", today=TODAY)
    assert parsed.ok and parsed.currency == "S$"
    assert total(parsed, "sales") == pytest.approx(1234.5)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(head + "1,Serum,S$10,1,S$10,S$0\n2,Toner,RM5,1,RM5,RM0\n", "utf-8")
    refused = read_export(mixed, store_name="S", today=TODAY)
    assert not refused.ok and refused.error.key == "err.currencies_in_file"
