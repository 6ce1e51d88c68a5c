"""A store owner's first week: the demo marked and removed in one action, an empty
database offering it, presets that end where the chosen stores' data ends."""

import datetime as dt

from helpers import DEMO_END, app

from ecdata.store import Store


def banner_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_the_demo_is_marked_on_every_page_and_removed_in_one_click(db):
    from helpers import ALL_PAGES

    at = app(lang="en")
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert "Demo data" in banner_text(at), page
    at = app(lang="en")
    at.button(key="remove_demo").click().run()
    assert not at.exception
    assert "Demo data removed (6 demo batches undone" in " ".join(s.value for s in at.success)
    # AppTest reruns the page script alone after a click; a new run goes through app.py.
    at = app(lang="en")
    assert "Demo data" not in banner_text(at)
    assert "No data yet" in " ".join(i.value for i in at.info)
    with Store(db) as store:
        assert store.is_empty() and not store.never_used()
    # The empty database offers the demo back, in one click too.
    at.button(key="load_demo").click().run()
    assert not at.exception
    at = app(lang="en")
    assert "Demo data" in banner_text(at) and len(at.metric) == 10


def test_a_removed_demo_does_not_come_back_when_the_app_restarts(tmp_path, monkeypatch):
    import streamlit as st

    path = tmp_path / "fresh.duckdb"
    monkeypatch.setenv("ECDATA_DB", str(path))
    monkeypatch.setenv("ECDATA_DEMO", "1")
    st.cache_resource.clear()
    at = app(lang="zh")
    assert "演示数据" in banner_text(at)  # a new database starts with the marked demo
    at.button(key="remove_demo").click().run()
    assert not at.exception
    st.cache_resource.clear()  # a restart
    st.cache_data.clear()
    at = app(lang="zh")
    assert "演示数据" not in banner_text(at)
    assert "还没有数据" in " ".join(i.value for i in at.info)
    st.cache_resource.clear()


def test_presets_end_at_the_last_day_the_chosen_store_has(db, tmp_path):
    """A store whose data stops earlier: the week shown is its last week, not an empty one."""
    from helpers import TODAY

    from ecdata.ingest.upload import ingest_file

    path = tmp_path / "店铺整体_A.csv"
    path.write_text("统计日期,访客数,支付金额\n2026-10-20,300,3000\n2026-10-21,200,1000\n")
    with Store(db) as store:
        assert ingest_file(store, path, store_name="新店", today=TODAY).ok
    at = app(lang="en", stores="新店", range="this_week")
    assert not at.exception
    view = at.session_state["_view"]
    assert view.filters.date_to == dt.date(2026, 10, 21) < DEMO_END
    sales = next(m for m in at.metric if m.label == "Sales")
    assert sales.value == "¥4,000"


ROSTER = """工号,姓名,岗位,上级,入职日期,基本工资,店铺
101,周店长,店长,,2025-03-01,"12,000",新店
102,小雨,售前客服,周店长,2025-06-01,5500,新店
"""
RATINGS = "月份,工号,姓名,上级评分,同事评分\n2026-10,102,小雨,85%,90\n"


def test_roster_and_ratings_dropped_on_the_upload_page_go_to_the_team(db):
    """Not 'no metric column we recognise': a roster and a ratings sheet are team files."""
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("花名册.csv", ROSTER.encode("gb18030"), "text/csv").run()
    assert not at.exception and not at.error
    assert "Roster" in " ".join(m.value for m in at.markdown)
    next(b for b in at.button if "花名册.csv" in b.label).click().run()
    assert "wrote 2" in " ".join(s.value for s in at.success)
    with Store(db) as store:
        roster = (
            store.reader()
            .execute(
                "SELECT person_id, name, role, base_pay FROM roster WHERE store = '新店' ORDER BY 1"
            )
            .fetchall()
        )
        assert roster == [
            ("101", "周店长", "store_manager", 12000),
            ("102", "小雨", "presales", 5500),
        ]
        batch = (
            store.reader()
            .execute("SELECT kind, target_table FROM batches ORDER BY batch_id DESC LIMIT 1")
            .fetchall()
        )
        assert batch == [("roster", "roster")]
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("评分.csv", RATINGS.encode(), "text/csv").run()
    assert "Monthly ratings" in " ".join(m.value for m in at.markdown)
    next(b for b in at.button if "评分.csv" in b.label).click().run()
    with Store(db) as store:
        assert store.reader().execute(
            "SELECT supervisor_rating, peer_rating FROM ratings WHERE person_id = '102'"
        ).fetchall() == [(85, 90)]


def test_exports_are_not_taken_for_team_files():
    from ecdata.team.files import is_team_file

    agents = "日期,姓名,询单人数,询单成交人数\n2026-10-06,小美,40,20\n"  # 姓名 is an agent here
    costs = "月份,店铺,人力成本,管理成本\n2026-10,A店,3100,310\n"
    assert not is_team_file(agents.encode()) and not is_team_file(costs.encode())
    assert is_team_file(ROSTER.encode("gb18030")) and is_team_file(RATINGS.encode())


def test_the_upload_history_and_the_undo_choice_are_always_current(db, tmp_path):
    from helpers import TODAY

    from ecdata.ingest.upload import ingest_file

    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    history = at.dataframe[-1].value
    assert history["Batch"].tolist()[:1] == [6]
    # No raw codes, None or midnight times in the history.
    text = history.to_string()
    for raw in ("None", "NaT", "nan", "00:00:00", "store_daily", "demo:"):
        assert raw not in text, raw
    assert set(history["Table"]) >= {"Store figures", "Roster", "Work plan"}
    # A new import elsewhere (the CLI): the undo choice starts at it.
    path = tmp_path / "店铺整体.csv"
    path.write_text("统计日期,访客数,支付金额\n2026-11-14,300,3000\n", encoding="utf-8")
    with Store(db) as store:
        assert ingest_file(store, path, store_name="新店", today=TODAY).ok
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    assert at.selectbox(key="undo_pick_7").value == 7
    at.button(key="undo_button").click().run()
    # Asked first, naming what goes: nothing is undone by the first click.
    (question,) = [w.value for w in at.warning if "Undo batch 7" in w.value]
    assert "新店" in question and "2026-11-14" in question and "1 rows" in question
    assert not at.success
    at.button(key="undo_confirm").click().run()
    assert "Undid batch 7" in " ".join(s.value for s in at.success)
    # The history drawn after the click already shows it undone, and 7 is not offered.
    history = at.dataframe[-1].value.set_index("Batch")
    assert history.loc[7, "Undone at"] != ""
    assert at.selectbox(key="undo_pick_6").options == ["6", "5", "4", "3", "2", "1"]
    # The undone batch can be written again: a new batch, its file's figures back.
    assert at.selectbox(key="reapply_pick_7").options == ["7"]
    at.button(key="reapply_button").click().run()
    assert "Batch 7 re-applied as batch 8" in " ".join(s.value for s in at.success)


def test_chart_axes_count_in_wan_in_chinese_and_k_in_english(db):
    import json

    def specs(at):
        return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]

    at = app(lang="zh")
    funnel = next(s for s in specs(at) if s["data"][0]["type"] == "funnel")
    # Below a million every digit is written (367,990); the axes still count in 万.
    assert funnel["data"][0]["text"][0] == "367,990", funnel["data"][0]["text"]
    assert not any(t.endswith("k") for t in funnel["data"][0]["text"])
    at.switch_page("pages/inquiry_cost.py").run()
    ticks = [
        t
        for s in specs(at)
        for axis in s["layout"].values()
        if isinstance(axis, dict)
        for t in axis.get("ticktext", [])
    ]
    assert ticks and any("万" in t for t in ticks)
    at = app(lang="en")
    funnel = next(s for s in specs(at) if s["data"][0]["type"] == "funnel")
    assert "万" not in " ".join(funnel["data"][0]["text"])
    assert "," in funnel["data"][0]["text"][0]  # 367,990: separators, not 万


def test_explore_rows_and_their_download_read_as_a_person_writes_them(db):
    from ecdata.export import to_csv_bytes

    at = app(lang="zh")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    rows = at.dataframe[-1].value
    assert at.dataframe[-1].proto.placeholder == "—"  # a missing value, never "None"
    assert list(rows.columns[:3]) == ["日期", "店铺", "渠道"]
    assert {"访客数", "支付金额", "数据未定稿", "批次"} <= set(rows.columns)
    for raw in ("visitors", "page_views", "closed_inquiries", "not_final", "batch_id"):
        assert raw not in rows.columns
    csv = to_csv_bytes(rows).decode("utf-8-sig")
    header, first = csv.splitlines()[:2]
    assert header.startswith("日期,店铺,渠道,来源,访客数")
    assert "00:00:00" not in csv and "None" not in csv and "nan" not in csv
    visitors = first.split(",")[4]
    assert visitors.isdigit(), first  # 3179, not 3179.0


def test_pay_is_money_and_the_score_is_next_to_the_name(db):
    at = app(lang="zh")
    at.switch_page("pages/team_kpis.py").run()
    assert not at.exception
    pay = next(d.value for d in at.dataframe if "合计" in d.value.columns)
    assert all(v.startswith("¥") for v in pay["合计"]), pay["合计"].tolist()
    assert any("万" in v or "," in v for v in pay["合计"])  # ¥1.8万, not 17734.3
    scores = next(d.value for d in at.dataframe if "得分" in d.value.columns)
    assert list(scores.columns[:3]) == ["名次", "姓名", "得分"]


def test_explore_charts_every_metric_and_a_link_keeps_the_picked_points(db):
    import json

    at = app(lang="en", metrics=["sales", "conversion_rate", "inquiry_cost"], by="store")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "ex_chart").proto.spec)
    panels = {t.get("yaxis", "y") for t in spec["data"]}
    assert panels == {"y", "y2", "y3"}  # one panel per metric, not just the first
    assert len(spec["data"]) == 3 * 3  # three metrics x three stores
    assert spec["layout"]["yaxis2"]["tickformat"] == ".1%"  # the conversion rate panel
    titles = [a["text"] for a in spec["layout"]["annotations"]]
    assert titles == ["Sales", "Conversion rate", "Inquiry cost"]
    # A copied link with a picked week and store opens the same drill-down rows.
    at = app(lang="en", by="store")
    at.switch_page("pages/explore.py")  # switching pages clears the query string
    link = {"pick_from": "2026-11-09", "pick_to": "2026-11-15", "pick": "京东自营店"}
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    assert any("2026-11-09 \\~ 2026-11-15 京东自营店" in i.value for i in at.info)
    rows = at.dataframe[-1].value
    assert set(rows["Store"]) == {"京东自营店"}
    assert rows["Date"].min() == dt.date(2026, 11, 9) and rows["Date"].max() == DEMO_END


def test_explore_drills_down_to_the_agents_of_the_picked_store(db):
    at = app(lang="zh", stores="天猫旗舰店")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    agents = next(d.value for d in at.dataframe if "询单转化率" in d.value.columns)
    assert set(agents["店铺"]) == {"天猫旗舰店", ""}  # its agents and the team line
    assert {"小美", "阿杰", "娜娜", "全部"} == set(agents["姓名"])
