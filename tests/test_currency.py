"""One reporting currency: a ¥ Tmall store beside a $ Shopify store, with monthly rates.

Hand-computed: the Tmall store (生意参谋, 2026-10-01..03) sells ¥30,000 on ¥600 of spend;
the Shopify store sells $2,345.60 on 2026-10-01 and $1,000.00 on 2026-11-02. October's rate
is 7.10 (1 USD = 7.10 CNY): the October total is 30,000 + 2,345.60 x 7.10 = ¥46,653.76. November
has no rate: its money is left out and the month is named.
"""

import datetime as dt
import json

import pandas as pd
import pytest
from test_mixtures import STORE, ingest, sycm_store_file

from ecdata.cli import main
from ecdata.meeting.agenda import target_lines
from ecdata.metrics.currency import reporting_currency
from ecdata.metrics.kpis import Filters, conversion, kpi_table, totals
from ecdata.metrics.review import source_notes
from ecdata.rates import is_rates_file, read_rates_file, save_rates
from ecdata.store.batches import undo_batch

OCTOBER = Filters((), (), dt.date(2026, 10, 1), dt.date(2026, 10, 3))
SHOP = "Shopify US"
RATES = "月份,币种,汇率\n2026-10,USD,7.10\n2026-09,美元,7.05\n"


@pytest.fixture
def two_currencies(store, tmp_path):
    ingest(store, sycm_store_file(tmp_path), store_name=STORE)
    shop = tmp_path / "Sales over time.csv"
    shop.write_text(
        'Day,Orders,Total sales\n2026-10-01,30,"$2,345.60"\n2026-11-02,10,"$1,000.00"\n',
        encoding="utf-8",
    )
    ingest(store, shop, store_name=SHOP)
    costs = tmp_path / "costs.csv"
    costs.write_text(
        f"月份,店铺,销售目标\n2026-10,{STORE},310000\n2026-10,{SHOP},31000\n", encoding="utf-8"
    )
    ingest(store, costs)
    return store


def add_rates(store, text=RATES, name="汇率.csv"):
    rates = read_rates_file(text.encode(), name, into=reporting_currency(store.reader()))
    assert rates.ok, rates.error
    return save_rates(store, rates.frame, name, rates.content_hash)


def test_a_rates_file_is_recognised_in_both_languages():
    assert is_rates_file(RATES.encode())
    assert is_rates_file(b"month,currency,rate\n2026-10,USD,7.1\n")
    assert not is_rates_file("日期,访客数\n2026-10-01,1\n".encode())
    bad = read_rates_file(b"month,currency,rate\n2026-10,XYZ,7.1\nOct,USD,abc\n", "r.csv", "¥")
    assert not bad.ok and bad.error.key == "err.rates_none"
    assert [p.row for p in bad.problems] == [2, 3]


def test_totals_across_currencies_convert_at_each_months_rate(two_currencies):
    cur = two_currencies.reader()
    assert reporting_currency(cur) == "¥"  # a store is in ¥
    assert pd.isna(totals(cur, OCTOBER).sales)  # no rate yet: no silent sum
    add_rates(two_currencies)
    k = totals(cur, OCTOBER)
    assert k.sales == pytest.approx(30000 + 2345.60 * 7.10)  # ¥46,653.76
    assert k.spend == 600  # the Shopify file has no spend
    by_store = kpi_table(cur, "total", "store", OCTOBER).set_index("store")
    assert by_store.loc[SHOP, "sales"] == pytest.approx(2345.60 * 7.10)
    notes = source_notes(cur, OCTOBER)
    (said,) = [n for n in notes if n.key == "note.converted"]
    assert "USD 2026-10 7.1" in said.text("zh") and "CNY" in said.text("en")
    # A single store's view keeps its own currency.
    alone = totals(cur, Filters((SHOP,), (), dt.date(2026, 10, 1), dt.date(2026, 10, 3)))
    assert alone.sales == pytest.approx(2345.60)


def test_a_month_without_a_rate_leaves_money_out_and_names_the_month(two_currencies):
    add_rates(two_currencies)
    cur = two_currencies.reader()
    autumn = Filters((), (), dt.date(2026, 10, 1), dt.date(2026, 11, 30))
    assert pd.isna(totals(cur, autumn).sales)
    assert conversion(cur, autumn).missing == ((dt.date(2026, 11, 1), "$"),)
    (warning,) = [n for n in source_notes(cur, autumn) if n.key == "warn.rate_missing"]
    assert "2026-11 USD" in warning.text("zh") and "2026-11 USD" in warning.text("en")
    months = kpi_table(cur, "month", "none", autumn).set_index("period")
    assert months.loc[dt.date(2026, 10, 1), "sales"] == pytest.approx(30000 + 2345.60 * 7.10)
    assert pd.isna(months.loc[dt.date(2026, 11, 1), "sales"])


def test_the_meetings_targets_are_complete_in_the_reporting_currency(two_currencies):
    add_rates(two_currencies)
    lines = {x.metric: x for x in target_lines(two_currencies.reader(), OCTOBER)}
    sales = lines["sales"]
    assert sales.value == pytest.approx(30000 + 2345.60 * 7.10)
    # October's targets spread over its 31 days, in ¥: Tmall 10,000 a day, Shopify 1,000 x
    # 7.10. Completion counts the store-days with both sales and a target (Tmall's 3 days,
    # Shopify's one: 4 of 6), and the target shown is theirs: 30,000 + 7,100 = 37,100.
    assert sales.target == pytest.approx(3 * 10000 + 1000 * 7.10)
    assert sales.completion == pytest.approx(sales.value / sales.target)
    assert sales.covered == (4, 6)
    whole = totals(two_currencies.reader(), OCTOBER).sales_target
    assert whole == pytest.approx((310000 + 31000 * 7.10) * 3 / 31)  # the range's, in totals


def test_rates_are_undone_like_any_batch(two_currencies):
    batch = add_rates(two_currencies).batch_id
    assert not pd.isna(totals(two_currencies.reader(), OCTOBER).sales)
    undo_batch(two_currencies, batch)
    assert pd.isna(totals(two_currencies.reader(), OCTOBER).sales)


def test_the_cli_reports_in_the_currency_asked(two_currencies, capsys, tmp_path):
    db = two_currencies.path
    two_currencies.close()
    rates = tmp_path / "rates.csv"
    rates.write_text(RATES, encoding="utf-8")
    assert main(["ingest", str(rates), "--db", db]) == 0
    capsys.readouterr()
    args = ["kpis", "--db", db, "--grain", "total", "--by", "none", "--format", "json"]
    span = ["--from", "2026-10-01", "--to", "2026-10-03"]
    assert main(args + span) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["sales"] == pytest.approx(30000 + 2345.60 * 7.10)
    assert main(args + span + ["--currency", "USD"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["sales"] == pytest.approx(30000 / 7.10 + 2345.60)  # the inverse rate


def test_rates_uploaded_on_the_page_convert_the_overview(two_currencies, app_on):
    from helpers import app

    from ecdata.formatting import format_value

    two_currencies.close()
    app_on(two_currencies.path)
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("汇率.csv", RATES.encode(), "text/csv").run()
    assert not at.exception
    commit = [b for b in at.button if b.label.startswith("Import")][0]
    commit.click().run()
    assert any("2 exchange rates stored" in s.value for s in at.success)
    days = {"range": "custom", "from": "2026-10-01", "to": "2026-10-03"}
    overview = app(lang="en", **days)
    assert not overview.exception
    sales = next(m.value for m in overview.metric if m.label.startswith("Sales"))
    assert sales == format_value(30000 + 2345.60 * 7.10, "currency", "en", "¥")
    assert any("CNY" in c.value and "USD 2026-10 7.1" in c.value for c in overview.caption)


def test_rates_typed_on_the_upload_page_are_stored_and_a_bad_row_refuses_the_save(
    two_currencies, app_on
):
    from helpers import app

    two_currencies.close()
    app_on(two_currencies.path)
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    typed = {"month": "2026-10", "currency": "USD", "into": "CNY", "rate": 7.1}
    edits = {
        "edited_rows": {},
        "added_rows": [typed, {**typed, "month": "Oct"}],
        "deleted_rows": [],
    }
    at.session_state["rates_editor"] = edits
    at.run()
    at.button(key="rates_save").click().run()
    assert any("Row 3: month 'Oct' is not a month" in e.value for e in at.error)
    edits["added_rows"] = [typed]
    at.session_state["rates_editor"] = edits
    at.run()
    at.button(key="rates_save").click().run()
    assert any("1 exchange rates stored" in s.value for s in at.success), [
        e.value for e in at.error
    ]
    from ecdata.store import Store

    with Store(two_currencies.path) as store:
        assert totals(store.reader(), OCTOBER).sales == pytest.approx(30000 + 2345.60 * 7.10)


def test_without_rates_the_meeting_shows_each_currency_and_says_why(two_currencies, app_on):
    """October without its rate: the targets screen shows $2,345.60 and ¥30,000 apart (not
    an empty sales figure read as "no target"), and every screen names the missing rate."""
    from helpers import app
    from test_meeting import screen_text

    from ecdata.formatting import format_value

    lines = {x.metric: x for x in target_lines(two_currencies.reader(), OCTOBER)}
    assert pd.isna(lines["sales"].value)
    assert lines["sales"].by_currency == pytest.approx({"$": 2345.60, "¥": 30000})
    assert lines["inquiries"].by_currency == {}  # a count adds up across currencies
    two_currencies.close()
    app_on(two_currencies.path)
    days = {"range": "custom", "from": "2026-10-01", "to": "2026-10-03"}
    for step in (1, 3):
        at = app(lang="en", present="1", step=str(step), **days)
        assert not at.exception
        text = screen_text(at)
        assert "Missing exchange rates (2026-10 USD)" in text
    at = app(lang="en", present="1", step="1", **days)
    text = screen_text(at)
    both = " · ".join(
        format_value(v, "currency", "en", s) for s, v in (("$", 2345.60), ("¥", 30000))
    )
    assert both in text and "No exchange rate: each currency apart" in text
    assert "No target set" not in text.split("Sales")[1].split("Inquiries")[0]
    costs = app(lang="en", present="1", step="3", **days)
    # One figure per currency (neither store has inquiries in October: each says so).
    assert "Inquiry cost — · — · Closed-inquiry cost — · —" in screen_text(costs)
