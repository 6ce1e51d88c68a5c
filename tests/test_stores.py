"""Stores as entities: renamed and merged as one undoable batch, the numbers unchanged."""

import datetime as dt

import pytest
from helpers import TODAY, sums

from ecdata.i18n import Refusal
from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, totals
from ecdata.store.batches import list_batches, rename_store, undo_batch
from ecdata.team.files import read_team_file, save_team_file


def load(store, tmp_path, name, text, store_name=None):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    outcome = ingest_file(store, path, store_name=store_name, today=TODAY)
    assert outcome.ok, str(outcome.message)


def two_names_for_one_store(store, tmp_path):
    """The same Tmall store uploaded under two names (旗舰店 in the cost file, 天猫旗舰店 in
    the store file), with an Alimama breakdown under the short name."""
    load(store, tmp_path, "sycm.csv", "统计日期,访客数,支付金额,关键词推广花费\n2026-11-02,1000,5000,300\n2026-11-03,800,4000,200\n", "天猫旗舰店")  # fmt: skip
    load(store, tmp_path, "short.csv", "统计日期,访客数,支付金额,询单人数\n2026-11-03,999,9999,50\n2026-11-04,700,3500,40\n", "旗舰店")  # fmt: skip
    load(store, tmp_path, "costs.csv", "月份,店铺,人力成本\n2026-11,旗舰店,3000\n")
    team = read_team_file("工号,姓名,岗位,店铺\n1,小美,客服,旗舰店\n".encode(), "花名册.csv")
    save_team_file(store, team)


def test_merging_two_names_keeps_the_target_values_and_fills_its_gaps(store, tmp_path):
    two_names_for_one_store(store, tmp_path)
    before = store.dump()
    result = rename_store(store, "旗舰店", "天猫旗舰店")
    cur = store.reader()
    rows = cur.execute(
        "SELECT date, visitors, sales, inquiries FROM store_daily WHERE store = '天猫旗舰店' "
        "ORDER BY date"
    ).fetchall()
    assert rows == [
        (dt.date(2026, 11, 2), 1000, 5000, None),
        (dt.date(2026, 11, 3), 800, 4000, 50),  # 天猫旗舰店's own values; 询单 filled in
        (dt.date(2026, 11, 4), 700, 3500, 40),
    ]
    assert cur.execute("SELECT count(*) FROM store_daily WHERE store = '旗舰店'").fetchall() == [
        (0,)
    ]
    assert cur.execute("SELECT store, labor_cost FROM store_monthly").fetchall() == [
        ("天猫旗舰店", 3000)
    ]
    assert cur.execute("SELECT store FROM roster").fetchall() == [("天猫旗舰店",)]
    week = Filters(
        stores=("天猫旗舰店",), date_from=dt.date(2026, 11, 2), date_to=dt.date(2026, 11, 8)
    )
    assert (totals(cur, week).sales, totals(cur, week).spend) == (12500, 500)
    history = list_batches(store)
    assert history.iloc[0].kind == "rename" and history.iloc[0].file_name == "旗舰店 → 天猫旗舰店"
    # Undo puts both names back exactly.
    undo_batch(store, result.batch_id)
    after = store.dump()
    after.pop("batches"), before.pop("batches")
    assert after == before


def test_a_rename_keeps_the_rows_sources_and_blocks_undo_under_a_later_upload(store, tmp_path):
    load(store, tmp_path, "sycm.csv", "统计日期,访客数,支付金额\n2026-11-02,1000,5000\n", "A店")
    first = int(list_batches(store).batch_id.iloc[0])
    result = rename_store(store, "A店", "B店")
    # The row still names the file it came from (currency, spend breakdowns read it).
    assert store.reader().execute("SELECT batch_id FROM store_daily").fetchall() == [(first,)]
    # The original upload cannot be undone from under the rename.
    with pytest.raises(Refusal):
        undo_batch(store, first)
    load(store, tmp_path, "later.csv", "统计日期,访客数,支付金额\n2026-11-05,10,50\n", "B店")
    with pytest.raises(Refusal) as refused:
        undo_batch(store, result.batch_id)
    assert refused.value.key == "err.undo_blocked"
    assert sums(store)["visitors"] == 1010


def test_the_upload_page_picks_stores_per_file_and_renames_them(db):
    from helpers import app

    from ecdata.store import Store

    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    assert at.selectbox(key="up_store_pick_en").options == [
        "京东自营店",
        "天猫旗舰店",
        "抖音小店",
        "➕ New store…",
    ]
    # Two files at once: each gets its store, from its name when it names a known one.
    sycm = "统计日期,访客数,支付金额\n2026-11-14,300,3000\n".encode()
    at.selectbox(key="up_store_pick_en").set_value("➕ New store…").run()
    at.text_input(key="up_store").input("新店")  # typed: a new store
    at.file_uploader[0].upload("店铺整体_抖音小店.csv", sycm, "text/csv")
    at.file_uploader[0].upload("店铺整体.csv", sycm, "text/csv").run()
    assert not at.exception
    picks = {s.value for s in at.selectbox if s.key and s.key.startswith("store_")}
    assert picks == {"抖音小店", "新店"}
    # The store list shows each store's currency; a rename is a batch like an upload.
    stores = next(d.value for d in at.dataframe if "Currency" in d.value.columns)
    assert set(stores["Currency"]) == {"¥"}
    at.selectbox(key="rename_from").set_value("抖音小店").run()
    at.selectbox(key="rename_to_抖音小店_pick_en").set_value("➕ New store…").run()
    # The new name's box says what it is (not the upload's "store for files without…").
    assert at.text_input(key="rename_to_抖音小店").label == "New store name"
    at.text_input(key="rename_to_抖音小店").input("抖音旗舰店").run()
    at.button(key="rename_button").click().run()
    assert any("Renamed 抖音小店 to 抖音旗舰店" in s.value for s in at.success)
    with Store(db) as store:
        names = {
            r[0]
            for r in store.reader().execute("SELECT DISTINCT store FROM store_daily").fetchall()
        }
        assert names == {"京东自营店", "天猫旗舰店", "抖音旗舰店"}


def test_a_file_is_never_defaulted_onto_a_store_of_another_marketplace(db, tmp_path):
    """Both stores sell in ¥: a 京东商智 file goes to the JD store, a 赤兔 report to the
    Taobao store the form names, a file of a tool any store uses (monthly costs) too."""
    from helpers import app

    from ecdata.store import Store

    with Store(db) as store:
        load(store, tmp_path, "sycm.csv", "统计日期,访客数,支付金额\n2026-11-02,100,1000\n", "天猫旗舰店")  # fmt: skip
        load(store, tmp_path, "jd.csv", "日期,访客数,成交客户数,成交金额\n2026-11-02,90,9,900\n", "京东自营店")  # fmt: skip
    at = app(lang="zh")
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="up_store_pick_zh").set_value("天猫旗舰店").run()
    jd = "日期,访客数,成交客户数,成交金额\n2026-11-03,80,8,800\n".encode()
    chitu = "日期,旺旺,询单人数,询单->最终付款人数\n2026-11-03,小美,20,5\n".encode()
    costs = "月份,人力成本\n2026-11,3000\n".encode()
    at.file_uploader[0].upload("商智.csv", jd, "text/csv")
    at.file_uploader[0].upload("赤兔.csv", chitu, "text/csv")
    at.file_uploader[0].upload("成本.csv", costs, "text/csv").run()
    assert not at.exception
    picks = {s.label: s for s in at.selectbox if s.key and s.key.startswith("store_")}
    jd_pick = next(s for label, s in picks.items() if "京东商智" in label)
    assert jd_pick.value == "京东自营店"  # the one JD store, not the form's Taobao store
    assert jd_pick.options[0] == "京东自营店"
    chitu_pick = next(s for label, s in picks.items() if "赤兔" in label)
    assert chitu_pick.value == "天猫旗舰店"
    assert "京东自营店" not in chitu_pick.options[:1]
    # Picked by hand onto the other marketplace's store: the page warns.
    jd_pick.set_value("天猫旗舰店").run()
    assert any("天猫旗舰店" in w.value and "别的平台" in w.value for w in at.warning)


def test_a_stores_currency_can_be_stated_when_its_platform_default_is_wrong(store, tmp_path):
    """An Amazon UK business report: Amazon's default is $, the store sells in £."""
    from ecdata.metrics.review import store_currencies
    from ecdata.store.settings import set_store_currency

    load(
        store,
        tmp_path,
        "BusinessReport-2026-11-02.csv",
        'Date,Sessions - Total,Ordered Product Sales\n2026-11-02,"5,824","£1,234.56"\n',
        "Amazon UK",
    )
    assert store_currencies(store.reader()) == {"Amazon UK": "$"}
    version = store.data_version()
    set_store_currency(store, "Amazon UK", "£")
    assert store_currencies(store.reader()) == {"Amazon UK": "£"}
    assert store.data_version() != version  # cached pages redraw
    set_store_currency(store, "Amazon UK", None)
    assert store_currencies(store.reader()) == {"Amazon UK": "$"}


def test_the_stores_section_sets_a_currency_and_the_cards_follow(db):
    from helpers import app

    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.selectbox(key="currency_store").set_value("抖音小店").run()
    assert at.selectbox(key="currency_pick_抖音小店").value == "¥"  # as the store is now
    at.selectbox(key="currency_pick_抖音小店").set_value("€").run()
    at.button(key="currency_button").click().run()
    assert not at.exception
    at.selectbox(key="currency_store").set_value("京东自营店").run()
    at.selectbox(key="currency_store").set_value("抖音小店").run()
    assert at.selectbox(key="currency_pick_抖音小店").value == "€"
    at = app(lang="en", stores="抖音小店")
    sales = next(m for m in at.metric if m.label == "Sales")
    assert sales.value.startswith("€")
