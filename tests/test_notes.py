"""Timeline notes: kept in DuckDB, drawn on the trend charts of the periods they fall in."""

import datetime as dt
import json

from helpers import app

from ecdata.store import Store
from ecdata.store.notes import add_note, remove_note, timeline_notes


def test_notes_are_kept_per_store_or_for_all_and_removed_notes_stay_in_history(store):
    first = add_note(store, dt.date(2026, 11, 11), "  双 11   大促  ")
    add_note(store, dt.date(2026, 11, 3), "断货：加绒卫衣", "天猫旗舰店")
    add_note(store, dt.date(2026, 10, 1), "国庆", "京东自营店")
    cur = store.reader()
    november = timeline_notes(cur, dt.date(2026, 11, 1), dt.date(2026, 11, 30), ("天猫旗舰店",))
    assert list(november.text) == ["断货：加绒卫衣", "双 11 大促"]  # spaces tidied
    assert november.store.iloc[0] == "天猫旗舰店" and november.store.isna().iloc[1]  # all
    remove_note(store, first)
    assert list(timeline_notes(cur, None, None).text) == ["国庆", "断货：加绒卫衣"]
    assert cur.execute("SELECT count(*) FROM timeline_notes").fetchall() == [(3,)]


def test_a_note_marks_its_week_on_the_explore_and_inquiry_cost_trends(db):
    with Store(db) as store:
        add_note(store, dt.date(2026, 11, 11), "双 11 大促")
    at = app(lang="zh", range="last_4_weeks")
    at.switch_page("pages/explore.py").run()
    assert not at.exception
    spec = json.loads(next(c for c in at.get("plotly_chart") if c.key == "ex_chart").proto.spec)
    # Wednesday 11-11 is in the week of Monday 11-09.
    assert [s["x0"] for s in spec["layout"]["shapes"]] == ["2026-11-09"]
    assert "双 11 大促" in spec["layout"]["annotations"][-1]["text"]
    at.switch_page("pages/inquiry_cost.py").run()
    trend = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [s["x0"] for s in trend["layout"].get("shapes", [])] == ["2026-11-09"]


def test_notes_are_added_on_the_explore_page(db):
    at = app(lang="zh")
    at.switch_page("pages/explore.py").run()
    at.text_input(key="note_text").input("卫衣调价")
    at.button(key="note_add").click().run()
    assert not at.exception
    with Store(db) as store:
        notes = timeline_notes(store.reader(), None, None)
    assert list(notes.text) == ["卫衣调价"] and notes.day.iloc[0] is not None
