"""Team pages through AppTest: the numbers shown are the engine's, for the chosen scheme."""

import datetime as dt
from pathlib import Path

import pytest
from helpers import app, opened

from ecdata.metrics.kpis import Filters, kpi_table
from ecdata.store import Store
from ecdata.team.scoring import (
    apply_labor_cost,
    evaluate_month,
    labor_cost_by_store,
    score_trend,
)

OCTOBER = dt.date(2026, 10, 1)
NOVEMBER = dt.date(2026, 11, 1)


def test_team_kpis_scores_follow_the_scheme_in_the_url(db):
    at = app(lang="en", month="2026-10-01", scheme="start")
    at.switch_page("pages/team_kpis.py").run()
    assert not at.exception
    assert "Score = work results × 70% + supervisor × 20% + peers × 10%" in at.info[0].value
    table = at.dataframe[0].value
    with Store(db) as store:
        _, scores, _ = evaluate_month(store.reader(), OCTOBER, "start")
    best = scores.sort_values("score", ascending=False).iloc[0]
    top = table.sort_values("Rank").iloc[0]
    assert top["Name"] == best["name"] and top["Score"] == f"{best.score:.1f}"


def test_the_score_trend_takes_each_months_inquiries_from_that_months_service_report(store):
    """The trend reads all its months' rows at once (team_rows); each month's point still
    takes that month's inquiries from the customer-service report, as its table does."""
    from ecdata.ingest.upload import ingest_file
    from ecdata.team.files import read_team_file, save_team_file

    roster = "工号,姓名,岗位,店铺\nA1,Lucy,客服,A店\nA2,Tom,客服,A店\n"
    save_team_file(store, read_team_file(roster.encode(), "花名册.csv"))
    ratings = "月份,工号,姓名,询盘任务数\n" + "".join(
        f"{m},{p},{n},100\n"
        for m in ("2026-10", "2026-11")
        for p, n in (("A1", "Lucy"), ("A2", "Tom"))
    )
    save_team_file(store, read_team_file(ratings.encode(), "评分.csv"))
    report = "日期,店铺,客服昵称,询单人数,询单->最终付款人数\n"
    report += "2026-10-05,A店,Lucy,50,10\n2026-10-05,A店,Tom,30,6\n"
    report += "2026-11-05,A店,Lucy,80,20\n2026-11-05,A店,Tom,90,30\n"
    report_file = Path(store.path).parent / "客服绩效_2026-10-01至2026-11-30.csv"
    report_file.write_text(report, encoding="utf-8")
    assert ingest_file(store, report_file, today=dt.date(2026, 12, 1)).ok
    trend = score_trend(store.reader(), "growth").set_index(["month", "name"]).score
    # Growth: inquiries against the task of 100, weighted 40%: October 50 and 30 of 100,
    # November 80 and 90.
    assert trend.to_dict() == pytest.approx(
        {
            (OCTOBER, "Lucy"): 20.0,
            (OCTOBER, "Tom"): 12.0,
            (NOVEMBER, "Lucy"): 32.0,
            (NOVEMBER, "Tom"): 36.0,
        }
    )
    for month in (OCTOBER, NOVEMBER):
        _, scores, _ = evaluate_month(store.reader(), month, "growth")
        assert scores.set_index("name").score.to_dict() == pytest.approx(trend[month].to_dict())


def test_diagnosis_page_states_the_stage_and_the_evidence(db):
    at = app(lang="en")
    at.switch_page("pages/diagnosis.py").run()
    assert not at.exception
    headline = [m.value for m in at.markdown if m.value.startswith("## ")][0]
    assert "Growth" in headline  # 18 people, 3 years old, inquiry targets tracked
    evidence = at.dataframe[0].value
    assert "Headcount" in list(evidence["Evidence"])
    assert evidence.set_index("Evidence").loc["Headcount", "Value"] == "18"


def test_org_page_compares_with_the_model_for_its_size(db):
    at = app(lang="en")
    at.switch_page("pages/org.py").run()
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert any("Standard four departments" in s for s in subheaders)  # 18 people


def test_roster_pay_becomes_the_labor_cost_in_inquiry_cost(db):
    with Store(db) as store:
        cur = store.reader()
        _, _, pay = evaluate_month(cur, OCTOBER, "growth")
        stores = ["京东自营店", "天猫旗舰店", "抖音小店"]
        labor = labor_cost_by_store(pay, stores)
        assert labor.labor_cost.sum() == pytest.approx(pay.total.sum())
        apply_labor_cost(store, OCTOBER, labor, "growth")
        october = Filters(date_from=OCTOBER, date_to=dt.date(2026, 10, 31))
        row = kpi_table(store.reader(), "month", "none", october).iloc[0]
        assert row.labor_cost == pytest.approx(pay.total.sum())


def test_editing_the_bonus_tiers_changes_the_pay(db):
    import dataclasses

    from ecdata.formatting import format_value
    from ecdata.team.scoring import Schemes

    at = app(lang="en", month="2026-10-01", scheme="growth")
    at.switch_page("pages/team_kpis.py").run()
    # The 100% tier pays 9 yuan per inquiry instead of 3.
    at.session_state["bonus_tiers"] = {
        "edited_rows": {2: {"¥": 9.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception
    tiers = ((0.0, 0.0), (0.8, 2.0), (1.0, 9.0), (1.2, 4.0))
    schemes = dataclasses.replace(
        Schemes(), growth=dataclasses.replace(Schemes().growth, bonus_tiers=tiers)
    )
    with Store(db) as store:
        _, _, default_pay = evaluate_month(store.reader(), OCTOBER, "growth")
        _, _, pay = evaluate_month(store.reader(), OCTOBER, "growth", schemes)
    shown = {m.label: m.value for m in at.metric}["Team pay, total"]
    assert shown == format_value(pay.total.sum(), "currency", "en")
    assert "≥100%: ¥9.00 per inquiry" in at.info[0].value
    assert pay.total.sum() > default_pay.total.sum()  # some agents reached 100% in October


def test_start_scheme_weights_are_settings_on_the_page(db):
    at = app(lang="en", month="2026-10-01", scheme="start")
    at.switch_page("pages/team_kpis.py").run()
    at.number_input(key="w_results").set_value(0.5).run()
    at.number_input(key="w_supervisor").set_value(0.4).run()
    assert not at.exception
    assert "work results × 50% + supervisor × 40% + peers × 10%" in at.info[0].value
    import dataclasses

    from ecdata.team.scoring import Schemes, StartScheme

    schemes = dataclasses.replace(Schemes(), start=StartScheme(0.5, 0.4, 0.1))
    with Store(db) as store:
        _, scores, _ = evaluate_month(store.reader(), OCTOBER, "start", schemes)
    best = scores.sort_values("score", ascending=False).iloc[0]
    top = at.dataframe[0].value.sort_values("Rank").iloc[0]
    assert top["Score"] == f"{best.score:.1f}"


def test_saving_the_ratings_editor_keeps_service_inquiries_out_of_ratings(db):
    """The editor shows only what was typed in; the scores keep reading the customer-service
    reports, so a corrected report still reaches them after a save."""
    from ecdata.team.files import ratings_for_editing, ratings_frame

    with Store(db) as store:
        # Nobody typed inquiries in for October: the agents' come from the service reports.
        with store.writer() as w:
            w.execute("UPDATE ratings SET inquiries = NULL WHERE month = ?", [OCTOBER])
        stored = ratings_frame(store.reader(), OCTOBER).set_index("person_id")
        editor = ratings_for_editing(store.reader(), OCTOBER).set_index("person_id")
    typed = stored.reindex(editor.index)["inquiries"]
    assert editor["inquiries"].equals(typed)  # nothing filled in from service reports
    at = app(lang="en", month="2026-10-01", scheme="growth")
    at.switch_page("pages/team_kpis.py").run()
    assert not at.exception
    assert "ratings_save" not in [b.key for b in at.button]  # built when its panel opens
    at = opened(at, "ratings_open")
    next(b for b in at.button if b.key == "ratings_save").click().run()
    assert not at.exception
    with Store(db) as store:
        after = ratings_frame(store.reader(), OCTOBER).set_index("person_id")
    assert after["inquiries"].isna().all()
