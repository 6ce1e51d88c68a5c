"""An upload that would change stored values from another file shows before and after, and
is imported only once the person confirms."""

import streamlit as st
from conftest import TODAY, app

from ecdata.ingest.upload import ingest_file, preview, read_for_store
from ecdata.store import Store

SHOPIFY = (
    'Day,Sessions,Orders,Total sales\n2026-10-01,"1,500",30,"$2,345.60"\n2026-10-02,1600,31,$2000\n'
)
GA4 = (
    "# Reports snapshot\n\nDate,Sessions,Total users,Key events,Total revenue\n"
    "20261001,1200,1000,30,2500\n20261002,1300,1100,25,2100\n"
)


def test_the_preview_lists_each_changed_metric_before_and_after(store, tmp_path):
    shop = tmp_path / "sales_over_time.csv"
    shop.write_text(SHOPIFY, encoding="utf-8")
    assert ingest_file(store, shop, store_name="US", today=TODAY).ok
    ga4 = tmp_path / "ga4.csv"
    ga4.write_text(GA4, encoding="utf-8")
    change = preview(store, read_for_store(store, ga4, store_name="US", today=TODAY))
    assert change.rows_replaced == 2
    # Shopify: 1,500 + 1,600 sessions, 30 + 31 orders, $4,345.60; GA4: 2,500, 55, $4,600.
    assert change.changes == {
        "visitors": (3100, 2500),
        "buyers": (61, 55),
        "sales": (4345.60, 4600),
    }
    assert change.replaced_files == ("sales_over_time.csv",)


def test_the_upload_page_asks_before_replacing(tmp_path, monkeypatch):
    db = tmp_path / "o.duckdb"
    with Store(db) as store:
        shop = tmp_path / "sales_over_time.csv"
        shop.write_text(SHOPIFY, encoding="utf-8")
        assert ingest_file(store, shop, store_name="US", today=TODAY).ok
    monkeypatch.setenv("ECDATA_DB", str(db))
    monkeypatch.setenv("ECDATA_DEMO", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.text_input(key="up_store").set_value("US").run()
    at.file_uploader[0].upload("ga4.csv", GA4.encode(), "text/csv").run()
    assert not at.exception
    assert any("would change values already stored" in w.value for w in at.warning)
    table = next(d.value for d in at.dataframe if "After import" in d.value.columns)
    assert list(table["Metric"]) == ["Visitors", "Buyers", "Sales"]
    assert list(table["Now"]) == ["3,100", "61", "$4,346"]
    assert list(table["After import"]) == ["2,500", "55", "$4,600"]
    commit = next(b for b in at.button if "ga4.csv" in b.label)
    assert commit.disabled
    at.checkbox[0].check().run()
    commit = next(b for b in at.button if "ga4.csv" in b.label)
    assert not commit.disabled
    st.cache_resource.clear()
