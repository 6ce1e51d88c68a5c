"""The pages driven as a person would, through Streamlit's AppTest, on a demo database."""

import datetime as dt
import json

import pandas as pd
import pytest
import streamlit as st
from helpers import ALL_PAGES, ROOT, WEEK, app

from ecdata.formatting import format_value
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters, totals
from ecdata.store import Store


def engine_totals(path, **filters):
    with Store(path) as store:
        return totals(store.reader(), Filters(date_from=WEEK[0], date_to=WEEK[1], **filters))


def shown_metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_cards_show_the_engine_numbers(db):
    at = app(lang="zh")
    assert not at.exception
    expected = engine_totals(db)
    shown = shown_metrics(at)
    for name in ("visitors", "sales", "conversion_rate", "inquiry_cost"):
        metric = METRICS[name]
        assert shown[metric.label_zh] == format_value(expected[name], metric.unit, "zh")
    # Hand check of one card: the week's visitors, every digit (below a million, no 万).
    assert shown["访客数"] == f"{expected['visitors']:,.0f}"


def test_store_filter_from_the_url_changes_the_numbers(db):
    at = app(lang="en", stores="京东自营店")
    expected = engine_totals(db, stores=("京东自营店",))
    assert shown_metrics(at)["Visitors"] == format_value(expected["visitors"], "count", "en")
    all_stores = engine_totals(db)
    assert expected["visitors"] < all_stores["visitors"]


def test_language_follows_the_url(db):
    assert app(lang="en").title[0].value.endswith("Weekly review")
    assert app(lang="zh").title[0].value.endswith("周会总览")


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs(db, page):
    at = app(lang="en")
    at.switch_page(page).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_on_an_empty_database(tmp_path, monkeypatch, page):
    monkeypatch.setenv("ECDATA_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("ECDATA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app(lang="en")
    at.switch_page(page).run()
    assert not at.exception
    if page in ("pages/team_kpis.py", "pages/org.py"):
        assert "No roster yet" in at.info[0].value
    elif page != "pages/upload.py":
        assert "No data yet" in at.info[0].value


def test_inquiry_cost_page_shows_the_formula(db):
    at = app(lang="en")
    at.switch_page("pages/inquiry_cost.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "(promotion spend + labor cost + management cost) ÷ inquiries" in text
    assert "days in month" in text


def test_explore_page_compares_periods(db):
    at = app(lang="en", metrics="sales", by="store")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    comparison = next(d.value for d in at.dataframe if "Sales · Current" in d.value.columns)
    assert "Sales · Current" in comparison.columns
    with Store(db) as store:
        expected = totals(store.reader(), Filters(("天猫旗舰店",), (), *WEEK))["sales"]
    row = comparison[comparison["Store"] == "天猫旗舰店"].iloc[0]
    assert row["Sales · Current"] == format_value(expected, "currency", "en")


def test_upload_commit_then_overview_shows_the_new_store(db):
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    sample = ROOT / "sample_data" / "生意参谋_店铺整体_淘宝C店.csv"
    at.selectbox(key="up_store_pick_en").set_value("➕ New store…").run()  # ➕ New store…
    at.text_input(key="up_store").input("淘宝C店").run()
    at.file_uploader[0].upload(sample.name, sample.read_bytes(), "text/csv").run()
    assert not at.exception
    preview = [i.value for i in at.info]
    assert any("Will add 14 rows" in v for v in preview), preview
    commit = [b for b in at.button if b.label.startswith("Import")][0]
    commit.click().run()
    assert any("wrote 14" in s.value for s in at.success)
    # A colleague opens the overview for the new store: the week's visitors are the file's.
    st.cache_data.clear()
    fresh = app(lang="en", stores="淘宝C店")
    visitors = engine_totals(db, stores=("淘宝C店",))["visitors"]
    assert visitors > 0
    assert shown_metrics(fresh)["Visitors"] == format_value(visitors, "count", "en")


def test_bad_upload_shows_the_reason_and_changes_nothing(db):
    with Store(db) as store:
        before = store.dump()
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("photo.csv", b"\x89PNG\r\n\x1a\n" + bytes(40), "text/csv").run()
    assert any("not a table" in e.value for e in at.error)
    with Store(db) as store:
        assert store.dump() == before


def test_money_shows_the_stores_currency_and_mixed_currencies_are_warned(db):
    from ecdata.ingest.upload import ingest_file
    from ecdata.metrics.review import store_currencies

    sample = ROOT / "sample_data" / "shopify_sales_by_day.csv"
    with Store(db) as store:
        assert ingest_file(store, sample, store_name="Shopify US", today=dt.date(2026, 11, 20)).ok
        assert store_currencies(store.reader())["Shopify US"] == "$"
        assert store_currencies(store.reader())["天猫旗舰店"] == "¥"
    st.cache_data.clear()
    dollars = app(lang="en", stores="Shopify US")
    assert shown_metrics(dollars)["Sales"].startswith("$")
    assert not dollars.sidebar.warning
    mixed = app(lang="en")
    assert any("different currencies" in c.value for c in mixed.caption)  # converted, said
    # No exchange rate stored: the months are named, and no converted total is shown.
    assert any("Missing exchange rates" in w.value and "USD" in w.value for w in mixed.warning)
    with Store(db) as store:
        cur = store.reader()
        yuan = engine_totals(db, stores=("天猫旗舰店", "京东自营店", "抖音小店")).sales
        dollar = totals(cur, Filters(stores=("Shopify US",), date_from=WEEK[0], date_to=WEEK[1]))
        assert pd.isna(totals(cur, Filters(date_from=WEEK[0], date_to=WEEK[1])).sales)
    card = shown_metrics(mixed)["Sales"]
    # Without rates, one figure per currency, in the order of their symbols: never one
    # added-up number (tests/test_currency.py converts with rates).
    assert card == f"{format_value(dollar.sales, 'currency', 'en', '$')} · " + format_value(
        yuan, "currency", "en", "¥"
    )


def test_inquiry_cost_trends_write_the_currency_on_their_numbers(db):
    """The value axis of each trend reads ¥10, ¥8: a lone '¥' as the axis title is drawn
    turned on its side, where it reads as another glyph."""
    at = app(lang="en")
    at.switch_page("pages/inquiry_cost.py").run()
    assert not at.exception
    trends = {
        spec["layout"]["title"]["text"]: spec
        for spec in (json.loads(c.proto.spec) for c in at.get("plotly_chart"))
        if spec["layout"].get("title", {}).get("text") in ("Inquiry cost", "Closed-inquiry cost")
    }
    assert len(trends) == 2
    for spec in trends.values():
        assert spec["layout"]["yaxis"]["tickprefix"] == "¥"
        assert not spec["layout"]["yaxis"].get("title", {}).get("text")


def test_two_funnels_because_buyers_are_not_a_subset_of_closed_inquiries(db):
    at = app(lang="en")
    assert not at.exception
    titles = [
        json.loads(c.proto.spec)["layout"].get("title", {}).get("text")
        for c in at.get("plotly_chart")
    ]
    assert "Visitors → buyers" in titles and "Inquiries → closed inquiries" in titles
    funnels = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)["data"][0]
        for c in at.get("plotly_chart")
        if json.loads(c.proto.spec)["data"][0]["type"] == "funnel"
    }
    assert funnels["Visitors → buyers"]["y"] == ["Visitors", "Buyers"]
    assert funnels["Inquiries → closed inquiries"]["y"] == ["Inquiries", "Closed inquiries"]


def test_no_target_uploaded_is_not_called_targets_met(tmp_path, app_on):
    path = tmp_path / "store.csv"
    path.write_text("日期,访客数,支付金额\n2026-11-10,100,1000\n2026-11-11,100,1000\n", "utf-8")
    with Store(tmp_path / "t.duckdb") as store:
        from ecdata.ingest.upload import ingest_file

        assert ingest_file(store, path, store_name="A店", today=dt.date(2026, 11, 20)).ok
    app_on(str(tmp_path / "t.duckdb"))
    at = app(lang="en")
    assert not at.exception
    assert any("No sales target or target inquiry cost" in s.value for s in at.success)
    st.cache_resource.clear()


def test_every_page_asks_for_the_app_shell():
    """A page opened by a shared link before any session ran app.py must bring the shell
    (and its navigation) back, and mark the demo company: every page calls page_start or
    page_view (ui/sidebar), which call current_view (ui/state)."""
    for page in sorted((ROOT / "pages").glob("*.py")):
        source = page.read_text(encoding="utf-8")
        assert "page_start(" in source or "page_view()" in source, page.name


def test_each_card_draws_its_last_twelve_weeks_in_the_colour_of_its_change(db):
    """The sales card's line: the weekly sales sums of the twelve weeks to the range's end,
    lowest at the bottom, red when the card's change is bad (sales fell)."""
    import base64
    import re

    at = app(lang="en")
    images = [h.proto.body for h in at.get("html") if h.proto.body.startswith("<img")]
    assert len(images) == 10  # one per card
    (sales,) = [i for i in images if 'alt="Sales, week by week"' in i]
    svg = base64.b64decode(re.search(r"base64,([^\"]+)", sales)[1]).decode()
    drawn = [float(p.split(",")[1]) for p in re.search(r'points="([^"]+)"', svg)[1].split()]
    with Store(db) as store:
        weekly = [
            r[0]
            for r in store.reader()
            .execute(
                "SELECT sum(sales) FROM store_daily WHERE date BETWEEN ? AND ? "
                "GROUP BY date_trunc('week', date) ORDER BY date_trunc('week', date)",
                [WEEK[1] - dt.timedelta(days=7 * 12 - 1), WEEK[1]],
            )
            .fetchall()
        ]
    assert len(weekly) == 12
    low, high = min(weekly), max(weekly)
    assert drawn == [round(28 - (v - low) / (high - low) * 26, 2) for v in weekly]
    delta = next(m.delta for m in at.metric if m.label == "Sales")
    assert ('stroke="#e03131"' in svg) == delta.startswith("-"), delta


def test_explore_sends_a_long_table_of_rows_as_they_are_scrolled_to(tmp_path, app_on, monkeypatch):
    """Explore's rows of a long range go to the browser as the rows in view, the rest as it
    scrolls (a week of 500 stores' rows was the whole 5.4 MB of the page's load); a short
    table goes whole, keeping its toolbar's search and download."""
    from ecdata.store import STORE_DAILY
    from ecdata.store.batches import write_batch
    from ui.tables import ROWS_SENT_AT_ONCE

    path = tmp_path / "long.duckdb"
    with Store(path) as store:
        facts = (
            store.reader()
            .sql("""
            SELECT CAST(DATE '2026-01-01' + CAST(d AS INTEGER) AS DATE) AS date,
                   '店' || s AS store, '渠道' || c AS channel, 100.0 AS visitors,
                   300.0 AS page_views, 5.0 AS buyers, 800.0 AS sales, 20.0 AS inquiries,
                   4.0 AS closed_inquiries, 30.0 AS spend, false AS not_final
            FROM range(300) r(d), range(2) t(s), range(10) u(c)""")
            .to_arrow_table()
        )
        write_batch(
            store, STORE_DAILY, facts, {"file_name": "x", "content_hash": "x", "kind": "store"}
        )
    app_on(path)
    sent = []
    dataframe = st.dataframe

    def recording(data, *args, **kwargs):
        sent.append((len(data), kwargs.get("lazy", False)))
        return dataframe(data, *args, **kwargs)

    monkeypatch.setattr(st, "dataframe", recording)
    for period, rows, lazy in (("last_52_weeks", 6000, True), ("last_week", 140, False)):
        sent.clear()
        at = app(lang="en", range=period, by="store")
        at.switch_page("pages/explore.py").run()
        assert not at.exception
        assert max(sent) == (rows, lazy), period  # the rows table is the longest
        assert (rows > ROWS_SENT_AT_ONCE) == lazy
        assert len(at.get("download_button")) == 2  # CSV and Excel of every row


def test_a_question_asked_with_or_without_its_defaults_is_one_question():
    """The pages' one cache keys a question by its arguments with the defaults filled in:
    the sidebar's `data_bounds` for every store and for none picked is one answer (on a
    DuckLake each asking is a dozen catalog queries)."""
    from ecdata.metrics.review import data_bounds
    from ui.state import _arguments

    bare = _arguments(data_bounds, (), {})
    assert bare == _arguments(data_bounds, ((), ()), {})
    assert bare == _arguments(data_bounds, (), {"channels": (), "stores": ()})
    assert bare != _arguments(data_bounds, (("天猫旗舰店",),), {})
