"""Crafted links and hostile names against the pages, through AppTest on the demo database.

Whatever a URL says, a page renders (out-of-range dates are clamped to the data, unknown
values fall back to the default); names reach charts and messages as text, never markup.
"""

import datetime as dt
import json

import pytest
import streamlit as st
from helpers import ALL_PAGES, DEMO_END, app

from ecdata.ingest.upload import ingest_file
from ecdata.store import Store

CRAFTED = {
    "range": "custom",
    "from": "1800-01-01",
    "to": "2999-01-01",
    "scheme": "x",
    "grain": "year",
    "cmp": "<script>",
    "lang": "fr",
    "metrics": ["nope", "sales"],
    "by": "zzz",
    "month": "2999-13-01",
    "stores": ["no such store"],
}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_crafted_link_renders_every_page(db, page):
    at = app(**CRAFTED)
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value if at.exception else ""


def test_custom_dates_outside_the_data_are_clamped_to_it(db):
    at = app(lang="en", range="custom", **{"from": "1800-01-01", "to": "2999-01-01"})
    assert not at.exception
    first, last = (d.value for d in at.sidebar.date_input)
    with Store(db) as store:
        lo, hi = store.reader().execute("SELECT min(date), max(date) FROM store_daily").fetchone()
    assert (first, last) == (lo, hi) and hi == DEMO_END


def test_reversed_custom_dates_are_read_in_order(db):
    at = app(lang="en", range="custom", **{"from": "2026-11-15", "to": "2026-11-09"})
    assert not at.exception
    assert "2026-11-09" in at.caption[0].value and "2026-11-15" in at.caption[0].value


def plotly_specs(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def test_store_names_reach_charts_as_text_not_markup(db):
    with Store(db) as store:
        path = db.parent / "evil.csv"
        path.write_text(
            "日期,店铺,访客数,支付金额\n2026-11-10,<b>bold</b>,10,100\n"
            '2026-11-10,"<a href=""https://example.com"">link</a>",20,200\n',
            encoding="utf-8",
        )
        assert ingest_file(store, path, today=dt.date(2026, 11, 20)).ok
    st.cache_data.clear()
    at = app(lang="en", by="store")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    names = {trace.get("name") for spec in plotly_specs(at) for trace in spec["data"]}
    assert "&lt;b&gt;bold&lt;/b&gt;" in names
    assert '&lt;a href="https://example.com"&gt;link&lt;/a&gt;' in names
    assert not any(n and ("<b>" in n or "<a " in n) for n in names)


def test_a_file_name_shows_literally_in_an_error(db):
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("[click](https://example.com).csv", b"", "text/csv").run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert r"\[click\]\(https\://example.com\).csv" in shown


def test_a_formula_in_a_store_name_is_inert_in_the_tables_and_a_file_name_is_text(
    store, tmp_path, app_on
):
    import io

    from helpers import TODAY, app

    from ecdata.ingest.upload import ingest_file

    path = tmp_path / "f.csv"
    path.write_text(
        '日期,店铺,访客数\n2026-10-01,"=HYPERLINK(""http://x.example"",""点我"")",100\n',
        encoding="utf-8",
    )
    assert ingest_file(store, path, today=TODAY).ok
    store.close()
    app_on(store.path)
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    assert not at.exception
    stores = next(d.value for d in at.dataframe if "Store" in d.value.columns)
    assert stores["Store"].tolist() == ['\'=HYPERLINK("http://x.example","点我")']
    name = "![x](http://x.example/a.png).csv"
    at.file_uploader[0].upload(name, io.BytesIO(b"a,b\n1,2\n").getvalue(), "text/csv").run()
    heading = next(h.value for h in at.markdown if "x.example" in h.value)
    assert "!\\[x\\]" in heading  # escaped: shown as text, no image fetched
