"""The weekly meeting: the agenda's screens in presentation mode, action items carried until
done, the meeting's settings kept in DuckDB (undoable), and nobody's pay on the wall."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest
from helpers import DEMO_END, WEEK, app, opened

from ecdata.cli import main
from ecdata.formatting import format_value
from ecdata.meeting.actions import action_items, add_action, mark_done
from ecdata.meeting.agenda import (
    SCREENS,
    agenda,
    initials,
    people_shown,
    save_agenda,
    team_ranking,
)
from ecdata.metrics.kpis import Filters, totals
from ecdata.store import Store
from ecdata.store.settings import setting_history, undo_setting
from ecdata.team.scoring import (
    Schemes,
    evaluate_month,
    save_schemes,
    schemes_from,
    stored_schemes,
)

PAY_WORDS = re.compile(r"\bpay\b|salary|commission|bonus|薪|工资|提成|奖金", re.IGNORECASE)


def screen_text(at) -> str:
    """Everything a screen writes: HTML, markdown, captions, alerts, chart specs."""
    parts = [h.proto.body for h in at.get("html")]
    for kind in ("markdown", "caption", "info", "warning", "success", "error", "subheader"):
        parts += [e.value for e in getattr(at, kind)]
    parts += [c.proto.spec for c in at.get("plotly_chart")]
    return "\n".join(parts)


def present(lang: str, step: int, **params):
    at = app(lang=lang, present="1", step=str(step), **params)
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_agenda_screen_in_order_and_no_pay_anywhere(db, lang):
    with Store(db) as store:
        _, _, pay = evaluate_month(store.reader(), dt.date(2026, 11, 1), "growth")
        month_pay = [format_value(v, "currency", lang) for v in pay.total if v > 1000]
    titles = {
        "en": [
            "Targets",
            "The sales equation",
            "Inquiry cost",
            "What lags",
            "The team",
            "This month's work plan",
            "Action",
        ],
        "zh": [
            "目标完成情况",
            "销售额公式",
            "询盘成本",
            "谁在落后",
            "团队",
            "本月工作计划",
            "行动项",
        ],
    }[lang]
    for step, title in enumerate(titles, start=1):
        at = present(lang, step)
        text = screen_text(at)
        head = next(h.proto.body for h in at.get("html") if "ec-title" in h.proto.body)
        assert title in head and f"{step}/7" in head
        assert not PAY_WORDS.search(text), PAY_WORDS.search(text)
        assert not [p for p in month_pay if p in text]
        # Settings editors stay off the shared screen.
        assert not [e for e in at.expander if "settings" in e.label.lower() or "设置" in e.label]
    # Next on the last screen does nothing; Previous steps back.
    assert at.button(key="present_next").disabled
    at.button(key="present_prev").click().run()
    assert at.query_params["step"] == "6"


def test_the_targets_screen_shows_actual_target_and_completion_from_sums(db):
    with Store(db) as store:
        cur = store.reader()
        sales = cur.execute(
            "SELECT sum(sales) FROM store_daily WHERE date BETWEEN ? AND ?", list(WEEK)
        ).fetchall()[0][0]
        # Each month's target spread over its days: November has 30, the week 7 of them.
        target = cur.execute(
            "SELECT sum(sales_target) * 7 / 30 FROM store_monthly WHERE month = DATE '2026-11-01'"
        ).fetchall()[0][0]
    at = present("en", 1)
    cards = [h.proto.body for h in at.get("html") if "ec-card" in h.proto.body]
    sales_card = next(c for c in cards if ">Sales<" in c)
    assert format_value(sales, "currency", "en") in sales_card
    assert f"Sales target: {format_value(target, 'currency', 'en')}" in sales_card
    assert f"Completion: {format_value(sales / target, 'rate', 'en')}" in sales_card
    assert "Inquiry target" in next(c for c in cards if ">Inquiries<" in c)
    cost_card = next(c for c in cards if ">Inquiry cost<" in c)
    assert "Target inquiry cost" in cost_card and ("met" in cost_card or "missed" in cost_card)


def test_target_inquiry_cost_is_cost_over_inquiry_target(db):
    with Store(db) as store:
        row = totals(store.reader(), Filters(("天猫旗舰店",), (), *WEEK))
        target_cost = (
            store.reader()
            .execute(
                "SELECT target_inquiry_cost FROM store_monthly WHERE store = '天猫旗舰店' "
                "AND month = DATE '2026-11-01'"
            )
            .fetchall()[0][0]
        )
    # One store, one month: the weighted target is that month's target exactly.
    assert row.target_inquiry_cost == pytest.approx(target_cost)
    cost = row.spend + row.labor_cost + row.management_cost
    assert row.target_inquiry_cost == pytest.approx(cost / row.inquiry_target)


def test_action_items_are_carried_until_done_with_the_metric_then_and_now(db, capsys):
    earlier = dt.date(2026, 11, 2)  # the meeting a week before the demo's last week
    with Store(db) as store:
        item = add_action(
            store,
            earlier,
            "Fix the main image",
            "小美",
            WEEK[0],
            "conversion_rate",
            ("天猫旗舰店",),
        )
        buyers, visitors = (
            store.reader()
            .execute(
                "SELECT sum(buyers), sum(visitors) FROM store_daily WHERE store = '天猫旗舰店' "
                "AND date BETWEEN DATE '2026-11-02' AND DATE '2026-11-08'"
            )
            .fetchall()[0]
        )
        then = action_items(store.reader(), WEEK[0]).iloc[0]
        assert then.value_then == pytest.approx(buyers / visitors)
        assert bool(then.carried) and then.done_week is None
    at = present("en", 7)
    line = next(h.proto.body for h in at.get("html") if "Fix the main image" in h.proto.body)
    assert "⬜" in line and "carried from 2026-W45" in line
    assert format_value(buyers / visitors, "rate", "en") + " when added" in line
    at.button(key=f"act_done_{item}").click().run()
    at = present("en", 7)
    line = next(h.proto.body for h in at.get("html") if "Fix the main image" in h.proto.body)
    assert "✅" in line and "done in 2026-W46" in line
    with Store(db) as store:
        # Done: off the next week's agenda, in the history for good.
        assert action_items(store.reader(), WEEK[0] + dt.timedelta(days=7)).empty
        history = action_items(store.reader())
        assert history.done_week.tolist() == [WEEK[0]]
    # The CLI, in this process: the app's connection holds the file's lock.
    assert main(["actions", "--db", str(db), "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["what"] == "Fix the main image" and row["done_week"].startswith("2026-11-09")
    assert main(["actions", "--db", str(db), "--open"]) == 0
    assert "No action items" in capsys.readouterr().out


def test_an_action_item_added_on_the_review_page_lands_with_its_owner(db):
    at = app(lang="en")
    # The form is built when its panel opens: a closed one costs the page nothing.
    assert "act_what" not in [w.key for w in at.text_input]
    at = opened(at, "act_open")
    at.text_input(key="act_what").input("Call the courier").run()
    at.selectbox(key="act_owner_en").set_value("小美").run()
    at.selectbox(key="act_metric_en").set_value("Sales").run()
    at.button(key="act_add").click().run()
    assert not at.exception
    with Store(db) as store:
        items = action_items(store.reader(), WEEK[0])
    assert items[["what", "owner", "metric", "week"]].values.tolist() == [
        ["Call the courier", "小美", "sales", WEEK[0]]
    ]
    empty = opened(app(lang="en"), "act_open")
    empty.button(key="act_add").click().run()
    assert any("Say what is to be done" in e.value for e in empty.error)


def test_meeting_settings_are_stored_undoable_and_drive_the_agenda(db):
    at = opened(app(lang="en"), "meet_open")
    at.multiselect(key="meet_agenda_en").set_value(["What lags", "Targets"]).run()
    at.radio(key="meet_people_en").set_value("By initials").run()
    at.button(key="meet_save").click().run()
    assert not at.exception
    with Store(db) as store:
        assert agenda(store.reader()) == ["lagging", "targets"]
        assert people_shown(store.reader()) == "initials"
    # A new session (another browser, a reload) gets them from DuckDB.
    first = present("en", 1)
    head = next(h.proto.body for h in first.get("html") if "ec-title" in h.proto.body)
    assert "What lags" in head and "1/2" in head
    agents = json.loads(first.get("plotly_chart")[-1].proto.spec)["data"][0]["y"]
    assert agents and all(re.fullmatch(r".\**", name) for name in agents), agents
    # Undo puts the previous settings back, one change at a time.
    again = opened(app(lang="en"), "meet_open")
    again.button(key="meet_undo").click().run()
    with Store(db) as store:
        assert people_shown(store.reader()) == "name"
        assert agenda(store.reader()) == ["lagging", "targets"]
        undo_setting(store, "meeting.agenda")
        assert agenda(store.reader()) == list(SCREENS)
        history = setting_history(store.reader(), "meeting.agenda")
        assert history.value.tolist() == [["lagging", "targets"]]
        assert history.undone_at.notna().all()


def test_bad_agenda_choices_are_refused(store):
    with pytest.raises(ValueError):
        save_agenda(store, [])
    with pytest.raises(ValueError):
        save_agenda(store, ["targets", "targets"])
    with pytest.raises(ValueError):
        save_agenda(store, ["pay"])
    assert agenda(store.reader()) == list(SCREENS)


def test_initials_hide_names_but_keep_store_prefixes():
    assert initials("张伟") == "张*"
    assert initials("欧阳娜娜") == "欧***"
    assert initials("Anna Smith") == "A.S."
    assert initials("天猫旗舰店:小美") == "天猫旗舰店:小*"


def test_the_team_screen_ranks_by_score_without_pay(db):
    with Store(db) as store:
        month, diagnosis, ranking = team_ranking(store.reader(), DEMO_END)
    assert month == dt.date(2026, 11, 1) and list(ranking.columns) == ["name", "score"]
    assert ranking.score.is_monotonic_decreasing
    at = present("en", 5)
    shown = [json.loads(c.proto.spec)["data"][0]["y"] for c in at.get("plotly_chart")]
    assert len(shown) == 2 and sum(shown, []) == list(ranking.name)  # two columns
    assert diagnosis.stage in ("start", "growth", "mature")


def test_mark_done_twice_keeps_the_first(store):
    item = add_action(store, WEEK[0], "x")
    mark_done(store, item, WEEK[0])
    mark_done(store, item, WEEK[0] + dt.timedelta(days=7))
    assert action_items(store.reader()).done_week.tolist() == [WEEK[0]]


def test_scheme_settings_are_kept_in_duckdb_and_undoable(db):
    at = app(lang="en", month="2026-10-01", scheme="start")
    at.switch_page("pages/team_kpis.py").run()
    at.number_input(key="w_results").set_value(0.6).run()
    at.number_input(key="w_peer").set_value(0.2).run()  # the weights still make 100%
    assert any("Unsaved changes" in c.value for c in at.caption)
    at.button(key="save_schemes").click().run()
    assert not at.exception
    with Store(db) as store:
        assert stored_schemes(store.reader()).start.results_weight == 0.6
    # Another session opens with the saved weight, and the meeting scores with it.
    again = app(lang="en", month="2026-10-01", scheme="start")
    again.switch_page("pages/team_kpis.py").run()
    assert again.number_input(key="w_results").value == 0.6
    assert again.number_input(key="w_peer").value == 0.2
    again.button(key="undo_schemes").click().run()
    assert again.number_input(key="w_results").value == 0.7
    with Store(db) as store:
        assert stored_schemes(store.reader()) == Schemes()


def test_stored_schemes_round_trip_their_tiers(store):
    edited = dataclasses.replace(
        Schemes(),
        growth=dataclasses.replace(Schemes().growth, bonus_tiers=((0.0, 0.0), (0.9, 2.5))),
    )
    save_schemes(store, edited)
    assert stored_schemes(store.reader()) == edited
    assert schemes_from({"start": {"peer_weight": 0.2}}).start.peer_weight == 0.2
    assert schemes_from(None) == Schemes()


def test_diagnosis_thresholds_are_kept_in_duckdb_and_move_the_diagnosis(db):
    at = app(lang="en")
    at.switch_page("pages/diagnosis.py").run()
    assert any("Growth" in m.value for m in at.markdown)
    # A start team of up to 50 people: the demo's 18 are a start team then.
    at.number_input(key="th_start_max_headcount").set_value(50).run()
    at.button(key="th_save").click().run()
    assert not at.exception
    again = app(lang="en")
    again.switch_page("pages/diagnosis.py").run()
    assert any("Start" in m.value for m in again.markdown)
    assert "start ≤ 50 people" in " ".join(c.value for c in again.caption)
    with Store(db) as store:
        assert team_ranking(store.reader(), DEMO_END)[1].stage == "start"
        assert undo_setting(store, "team.thresholds")
        assert team_ranking(store.reader(), DEMO_END)[1].stage == "growth"
