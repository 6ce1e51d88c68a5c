"""One store's week per platform family, uploaded the way owners do: the store report, the
service report, the ad reports and the month's costs, each in its download's shape
(tests/fixtures/reports), and the KPIs a person sees, worked out by hand."""

import datetime as dt
from pathlib import Path

import pytest
from helpers import TODAY

from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, totals

REPORTS = Path(__file__).parent / "fixtures" / "reports"


def ingest(store, path, **kw):
    outcome = ingest_file(store, path, today=TODAY, **kw)
    assert outcome.ok, str(outcome.message)
    assert outcome.parsed.rows_rejected == 0
    return outcome


def moved(tmp_path, name: str, new_name: str, old: str, new: str) -> Path:
    """A fixture with its dates moved (old -> new in the text), under another name."""
    path = tmp_path / new_name
    path.write_text((REPORTS / name).read_text(encoding="utf-8").replace(old, new), "utf-8")
    return path


def costs(tmp_path, store: str, month: str, labor: int, management: int) -> Path:
    path = tmp_path / f"月度成本_{store}.csv"
    path.write_text(
        f"月份,店铺,人力成本,管理成本\n{month},{store},{labor},{management}\n", encoding="utf-8"
    )
    return path


def scope(store, first, last):
    return Filters(stores=(store,), date_from=dt.date(*first), date_to=dt.date(*last))


def test_a_shopify_store_with_google_and_meta_ads(store, tmp_path):
    shop = "Shop US"
    sales = moved(
        tmp_path, "shopify_total_sales_over_time_2025.csv", "sales.csv", "2025-09-", "2026-09-"
    )
    ingest(store, sales, store_name=shop)
    ingest(store, REPORTS / "Campaign report.csv", store_name=shop)
    # The fixture's ad account bills in GBP; this store's account bills in USD.
    meta = moved(
        tmp_path, "Meta-Ads-Campaigns-Sep-1-2026-Sep-2-2026.csv", "Meta-Ads.csv", "GBP", "USD"
    )
    ingest(store, meta, store_name=shop)
    ingest(store, costs(tmp_path, shop, "2026-09", 3000, 300))
    k = totals(store.reader(), scope(shop, (2026, 9, 1), (2026, 9, 2)))
    assert (k.sales, k.buyers) == (pytest.approx(1000 + 278), 14)
    # Google: 12.34 + 3.10 on the 1st, 1,020.50 on the 2nd; Meta: 100 + 80.50, then 110.
    assert k.spend == pytest.approx(1035.94 + 290.5)
    assert k.roi == pytest.approx(1278 / 1326.44)
    # September's 3,000 and 300 over 30 days: two days' worth.
    assert (k.labor_cost, k.management_cost) == (pytest.approx(200), pytest.approx(20))
    # All of it in dollars: Shopify's, Google Ads' and Meta's money is one currency.
    from ecdata.metrics.sources import store_currency_rows

    assert dict(store_currency_rows(store.reader()))[shop] == "$"


def test_a_pinduoduo_store_with_both_promotion_reports(store, tmp_path):
    shop = "拼多多旗舰店"
    for name in (
        "拼多多_商品概况_2026-10-01_2026-10-02.xlsx",
        "拼多多_推广中心_标准推广_2026-10-01_2026-10-02.xlsx",
        "拼多多_推广中心_全站推广_2026-10-01_2026-10-02.xlsx",
    ):
        ingest(store, REPORTS / name, store_name=shop)
    ingest(store, costs(tmp_path, shop, "2026-10", 31000, 3100))
    k = totals(store.reader(), scope(shop, (2026, 10, 1), (2026, 10, 2)))
    assert (k.visitors, k.buyers, k.sales) == (1580, 112, pytest.approx(10300.5))
    assert k.spend == pytest.approx(310.5 + 136.6)  # 总花费 of 标准推广 + 全站推广's 成交花费
    assert k.roi == pytest.approx(10300.5 / 447.1)
    assert (k.labor_cost, k.management_cost) == (pytest.approx(2000), pytest.approx(200))


def test_a_jd_store_with_its_service_report(store, tmp_path):
    shop = "京东自营店"
    ingest(store, REPORTS / "京东商智_流量_渠道明细_2026-10-01_2026-10-02.xlsx", store_name=shop)
    ingest(store, REPORTS / "京东客服_售前绩效_2026-10-02.csv", store_name=shop)
    ingest(store, costs(tmp_path, shop, "2026-10", 31000, 3100))
    k = totals(store.reader(), scope(shop, (2026, 10, 1), (2026, 10, 2)))
    assert (k.visitors, k.buyers, k.sales) == (2650, 68, pytest.approx(13500.5))
    assert (k.inquiries, k.closed_inquiries) == (25 + 31, 5 + 9)  # the agents, 2 October
    # Inquiry cost covers the store-days with inquiries: 2 October's 1,000 + 100 of cost.
    assert k.inquiry_cost == pytest.approx(1100 / 56)
    assert k.closed_inquiry_cost == pytest.approx(1100 / 14)


def test_a_douyin_store_with_qianchuan_and_feige(store, tmp_path):
    shop = "弹动官方旗舰店"
    ingest(
        store,
        REPORTS / "全域数据_直播分析_弹动官方旗舰店_2026-07-08_2026-07-09.xlsx",
        store_name=shop,
    )
    feige = tmp_path / "飞鸽_客服数据_2026-07-09.csv"
    feige.write_bytes((REPORTS / "飞鸽_客服数据_2026-10-02.csv").read_bytes())
    ingest(store, feige, store_name=shop)
    ingest(store, costs(tmp_path, shop, "2026-07", 31000, 3100))
    k = totals(store.reader(), scope(shop, (2026, 7, 8), (2026, 7, 9)))
    assert k.spend == pytest.approx(900 + 1100)  # not the 全部 row's 2,000 again
    assert (k.inquiries, k.closed_inquiries) == (62, 17)
    # 9 July only: 1,100 of 千川 spend + 1,000 labour + 100 management.
    assert k.inquiry_cost == pytest.approx(2200 / 62)


def test_an_alibaba_com_store_for_a_week(store, tmp_path):
    shop = "国际站"
    ingest(store, REPORTS / "Products-2026-09-19.xls", store_name=shop)
    ingest(store, costs(tmp_path, shop, "2026-09", 30000, 3000))
    k = totals(store.reader(), scope(shop, (2026, 9, 13), (2026, 9, 19)))
    assert (k.inquiries, k.closed_inquiries, k.visitors) == (5, 1, 190)
    # The week's seven days of September's costs: 7,000 + 700, over 5 inquiries.
    assert k.inquiry_cost == pytest.approx(7700 / 5)


def test_an_ad_account_in_another_currency_never_adds_to_the_store(store, tmp_path):
    """Meta writes the account's currency into the spend header ('Amount spent (GBP)'): a
    GBP account's spend is refused on a $ Shopify store (nothing stored, the store named),
    a CNY account's lands on a ¥ Taobao store and the store stays in ¥; on a new store it
    sets the store's currency, since Meta's platform default ($) would be wrong for it."""
    from ecdata.ingest.upload import ingest_file
    from ecdata.metrics.sources import store_currency_rows

    meta = "Meta-Ads-Campaigns-Sep-1-2026-Sep-2-2026.csv"
    shop = "Shop US"
    sales = moved(
        tmp_path, "shopify_total_sales_over_time_2025.csv", "sales.csv", "2025-09-", "2026-09-"
    )
    ingest(store, sales, store_name=shop)
    before = store.dump()
    refused = ingest_file(store, REPORTS / meta, store_name=shop, today=TODAY)
    assert not refused.ok and refused.message.key == "err.store_currency_differs"
    assert "Amount spent (GBP)" in refused.message.text("en") and "Shop US" in refused.message.text(
        "zh"
    )
    assert store.dump() == before

    taobao = "淘宝旗舰店"
    ingest(store, REPORTS / "【生意参谋平台】店铺整体_2026-10-01_2026-10-03.csv", store_name=taobao)
    cny = moved(tmp_path, meta, "Meta-CNY.csv", "GBP", "CNY")
    ingest(store, cny, store_name=taobao)
    uk = "Shop UK"
    ingest(store, REPORTS / meta, store_name=uk)
    currencies = dict(store_currency_rows(store.reader()))
    assert (currencies[shop], currencies[taobao], currencies[uk]) == ("$", "¥", "£")
    k = totals(store.reader(), scope(uk, (2026, 9, 1), (2026, 9, 2)))
    assert k.spend == pytest.approx(100 + 80.5 + 110)


def test_the_store_picker_offers_the_currency_the_header_states(tmp_path):
    from ecdata.ingest.upload import file_platform

    meta = "Meta-Ads-Campaigns-Sep-1-2026-Sep-2-2026.csv"
    cny = moved(tmp_path, meta, "Meta-CNY.csv", "GBP", "CNY")
    assert file_platform((REPORTS / meta).read_bytes(), meta).currency == "£"
    assert file_platform(cny.read_bytes(), cny.name).currency == "¥"
    shopify = "shopify_total_sales_over_time.csv"
    assert file_platform((REPORTS / shopify).read_bytes(), shopify).currency == "$"
    # TikTok Shop says it in the cells: "Rp12.450.000".
    tiktok = "tiktok_shop_product_analytics.xlsx"
    assert file_platform((REPORTS / tiktok).read_bytes(), tiktok).currency == "Rp"


def test_a_shopee_store_in_rupiah_beside_a_taobao_store_in_yuan(store, tmp_path):
    """Shopee's key metrics and its month's costs on an Indonesian store, next to a Taobao
    store: the store is in Rp because its file says IDR, its KPIs are its own, and a
    product file of a MYR market is refused on it with nothing stored."""
    from ecdata.metrics.kpis import money_currency
    from ecdata.metrics.products import product_table
    from ecdata.metrics.sources import store_currency_rows
    from ecdata.store.settings import stated_currencies

    shop, taobao = "Shopee ID", "淘宝旗舰店"
    ingest(store, REPORTS / "【生意参谋平台】店铺整体_2026-10-01_2026-10-03.csv", store_name=taobao)
    ingest(store, REPORTS / "shop.shopee-shop-stats.20251012-20251013.xlsx", store_name=shop)
    ingest(store, costs(tmp_path, shop, "2025-10", 3_100_000, 310_000))
    k = totals(store.reader(), scope(shop, (2025, 10, 12), (2025, 10, 13)))
    assert (k.visitors, k.buyers) == (1200 + 1650, 9 + 14)
    assert k.sales == pytest.approx(1_250_000 + 2_015_500.50)
    refunds = (
        store.reader()
        .execute("SELECT sum(refunds) FROM store_daily WHERE store = ?", [shop])
        .fetchall()[0][0]
    )
    assert refunds == pytest.approx(120_000)
    # October's costs over 31 days: two days' worth.
    assert k.labor_cost == pytest.approx(200_000)
    assert k.conversion_rate == pytest.approx(23 / 2850)
    currencies = dict(store_currency_rows(store.reader()))
    assert (currencies[shop], currencies[taobao]) == ("Rp", "¥")

    before = store.dump()
    refused = ingest_file(
        store, REPORTS / "parentskudetail.20260807_20260905.xlsx", store_name=shop, today=TODAY
    )
    assert not refused.ok and refused.message.key == "err.store_currency_differs"
    assert store.dump() == before

    sg = "Shopee SG"
    ingest(store, REPORTS / "export_report.parentskudetail.20240901_20240930.xlsx", store_name=sg)
    assert stated_currencies(store)[sg] == "S$"
    # A product file of another market is refused on it too, though it has no store rows.
    refused = ingest_file(
        store, REPORTS / "parentskudetail.20260807_20260905.xlsx", store_name=sg, today=TODAY
    )
    assert not refused.ok and refused.message.key == "err.store_currency_differs"
    september = Filters(stores=(sg,), date_from=dt.date(2024, 9, 1), date_to=dt.date(2024, 9, 30))
    table = product_table(store.reader(), september)
    # Its products' money is shown in S$, the currency its files stated.
    assert money_currency(store.reader(), september) == ("S$", False)
    # A TikTok Shop store in the same market: its cells say Rp.
    tiktok = "TikTok ID"
    ingest(store, REPORTS / "tiktok_shop_product_analytics.xlsx", store_name=tiktok)
    june = Filters(stores=(tiktok,), date_from=dt.date(2026, 6, 1), date_to=dt.date(2026, 6, 7))
    assert money_currency(store.reader(), june) == ("Rp", False)
    assert product_table(store.reader(), june)["sales"].sum() == pytest.approx(14_430_000)
    by_name = table.set_index("product_name")
    assert by_name.loc["Linen Shirt", "sales"] == pytest.approx(300)
    assert by_name.loc["Canvas Tote", "units"] == 4
