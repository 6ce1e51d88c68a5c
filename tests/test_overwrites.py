"""An upload that would change stored values from another file shows before and after, and
is imported only once the person confirms."""

from helpers import TODAY, app

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
    # Shopify: 1,500 + 1,600 sessions, $4,345.60; GA4 (profile ga4.daily): 1,000 + 1,100
    # total users, $4,600. GA4's key events are not buyers: the file holds none to change.
    assert change.changes == {
        "visitors": (3100, 2100),
        "sales": (4345.60, 4600),
    }
    assert change.replaced_files == ("sales_over_time.csv",)


def test_the_upload_page_asks_before_replacing(tmp_path, app_on):
    db = tmp_path / "o.duckdb"
    with Store(db) as store:
        shop = tmp_path / "sales_over_time.csv"
        shop.write_text(SHOPIFY, encoding="utf-8")
        assert ingest_file(store, shop, store_name="US", today=TODAY).ok
    app_on(str(db))
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="up_store_pick_en").set_value("US").run()  # a store it knows
    at.file_uploader[0].upload("ga4.csv", GA4.encode(), "text/csv").run()
    assert not at.exception
    assert any("would change values already stored" in w.value for w in at.warning)
    table = next(d.value for d in at.dataframe if "After import" in d.value.columns)
    assert list(table["Metric"]) == ["Visitors", "Sales"]
    assert list(table["Now"]) == ["3,100", "$4,346"]
    assert list(table["After import"]) == ["2,100", "$4,600"]
    commit = next(b for b in at.button if "ga4.csv" in b.label)
    assert commit.disabled
    at.checkbox[0].check().run()
    commit = next(b for b in at.button if "ga4.csv" in b.label)
    assert not commit.disabled


def upload_id(at) -> str:
    """The file id Streamlit gave the one upload on the page (keys of its widgets end in it)."""
    return at.file_uploader[0].value[0].file_id


def test_an_unknown_layout_is_mapped_on_the_upload_page_and_remembered(tmp_path, app_on):
    db = tmp_path / "u.duckdb"
    Store(db).close()
    app_on(str(db))
    text = "客服日报（自制）\n日子,当日咨询,当日成交\n2026-10-01,80,29\n2026-10-02,60,21\n"
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.text_input(key="up_store").set_value("A店").run()
    at.file_uploader[0].upload("日报.csv", text.encode(), "text/csv").run()
    assert not at.exception
    assert any("No header found" in e.value for e in at.error)
    first_rows = at.dataframe[0].value
    assert list(first_rows.iloc[1])[:3] == ["日子", "当日咨询", "当日成交"]
    at.number_input[0].set_value(2).run()
    assert any("no metric column we recognise" in e.value for e in at.error)
    at.session_state[f"editor_{upload_id(at)}_en"] = {
        "edited_rows": {
            0: {"Maps to": "date"},
            1: {"Maps to": "inquiries"},
            2: {"Maps to": "closed_inquiries"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception and not at.error
    next(b for b in at.button if "日报.csv" in b.label).click().run()
    assert [x.value for x in at.success] == [
        "日报.csv: read 2 rows, wrote 2 (2 new, 0 replaced), skipped 0 → batch 1"
    ]
    with Store(db) as store:
        assert store.reader().execute(
            "SELECT sum(inquiries), sum(closed_inquiries) FROM store_daily"
        ).fetchall() == [(140, 50)]
        from ecdata.ingest.upload import remembered_mapping

        assert remembered_mapping(store, ["日子", "当日咨询", "当日成交"]) == {
            "日子": "date",
            "当日咨询": "inquiries",
            "当日成交": "closed_inquiries",
        }


def test_rows_left_out_are_imported_only_once_the_person_accepts(tmp_path, app_on):
    """A file some of whose rows would be skipped (a repeated day) lists them, and its
    commit button stays off until the person ticks that the other rows go in without them."""
    db = tmp_path / "s.duckdb"
    Store(db).close()
    app_on(str(db))
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.text_input(key="up_store").set_value("A店").run()
    text = "日期,访客数\n2026-10-01,100\n2026-10-01,90\n2026-10-02,5\n"
    at.file_uploader[0].upload("dup.csv", text.encode(), "text/csv").run()
    assert not at.exception
    commit = next(b for b in at.button if "dup.csv" in b.label)
    assert commit.disabled
    (accept,) = [c for c in at.checkbox if "leaving out the 2 listed above" in c.label]
    accept.check().run()
    next(b for b in at.button if "dup.csv" in b.label).click().run()
    assert [x.value for x in at.success] == [
        "dup.csv: read 3 rows, wrote 1 (1 new, 0 replaced), skipped 2 → batch 1"
    ]
    with Store(db) as store:
        assert store.reader().execute("SELECT sum(visitors) FROM store_daily").fetchone() == (5,)


def test_a_layout_mapped_on_the_page_is_saved_as_a_profile_and_read_by_it(tmp_path, app_on):
    """The mapping screen keeps a layout as a named report profile, with its quirks marked
    (returns written negative, a 小计 total row): the file is read again by it at once."""
    db = tmp_path / "p.duckdb"
    Store(db).close()
    app_on(str(db))
    text = "日期,进店人数,成交额,退货额\n2026-10-01,30,900,-100\n2026-10-02,25,750,0\n小计,55,1650,-100\n"
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.text_input(key="up_store").set_value("A店").run()
    at.file_uploader[0].upload("门店日报.csv", text.encode(), "text/csv").run()
    at.number_input[0].set_value(1).run()  # the header is the first row
    file_id = upload_id(at)
    at.session_state[f"editor_{file_id}_en"] = {
        "edited_rows": {
            1: {"Maps to": "visitors"},
            2: {"Maps to": "sales"},
            3: {"Maps to": "refunds"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    at.text_input(key=f"profile_{file_id}_name").set_value("门店日报").run()
    at.text_input(key=f"profile_{file_id}_total").set_value("小计").run()
    at.multiselect(key=f"profile_{file_id}_neg").set_value(["退货额"]).run()
    at.button(key=f"profile_{file_id}_save").click().run()
    assert not at.exception
    assert any("Report profile '门店日报' saved" in s.value for s in at.success)
    captions = " ".join(c.value for c in at.caption)
    assert "Read as the report 'Generic table · 门店日报' (profile 门店日报)" in captions
    assert "leaving out" not in " ".join(c.label for c in at.checkbox)  # nothing refused now
    with Store(db) as store:
        (toml,) = store.reader().execute("SELECT toml FROM report_profiles").fetchone()
    assert 'total_rows = "^小计"' in toml and 'sign = "negated"' in toml
