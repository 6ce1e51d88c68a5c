"""Work plans (the start stage): tasks imported from the task tools' exports in their exact
shapes, the completion and quality the start-stage score reads from them (worked out by
hand), typed values that still win, the Gantt on Team KPIs, action items as tasks, the CLI."""

import datetime as dt
import io

import pandas as pd
import pytest
from helpers import app

from ecdata.cli import main as cli
from ecdata.meeting.actions import add_action
from ecdata.store import Store
from ecdata.store.accounts import add_user
from ecdata.store.batches import undo_batch
from ecdata.store.database import StoreNotGranted, acting_as
from ecdata.team.files import read_team_file, roster_frame, save_team_file
from ecdata.team.plans import (
    is_plan_file,
    plan_results,
    plan_tasks,
    read_plan_file,
    save_plan_file,
)
from ecdata.team.scoring import Schemes, StartScheme, evaluate_month, score_trend

NOV = dt.date(2026, 11, 1)
SEEN_ON = dt.date(2026, 11, 26)  # the day the plan is looked at
ROSTER = (
    "工号,姓名,岗位,店铺\nC01,林店长,店长,淘宝C店\nC02,小雨,客服,淘宝C店\nT01,阿福,美工,天猫店\n"
)

# Asana › project › Export › CSV (the columns every public importer of it reads).
ASANA = (
    "Task ID,Created At,Completed At,Last Modified,Name,Section/Column,Assignee,Assignee Email,"
    "Start Date,Due Date,Tags,Notes,Projects,Parent task\n"
    "1201,2026-11-01,2026-11-09,2026-11-09,上新 20 款详情页,Done,小雨,xy@example.com,"
    "2026-11-02,2026-11-10,,,11月店铺上新,\n"
    "1202,2026-11-01,2026-11-20,2026-11-20,主图优化,Done,小雨,xy@example.com,"
    "2026-11-05,2026-11-15,,,11月店铺上新,\n"
    '1203,2026-11-01,,2026-11-01,客服话术整理,To do,小雨,xy@example.com,2026-11-10,2026-11-20,,"要点, 例句",客服提升,\n'
    "1204,2026-11-01,2026-11-03,2026-11-03,直通车关键词,Done,林店长,lin@example.com,"
    "2026-11-01,2026-11-05,,,推广,\n"
)
# Trello board › Print and export › CSV.
TRELLO = (
    "Card ID,Card Name,Card URL,Card Description,Labels,Members,Due Date,List ID,List Name,"
    "Board Name,Archived\n"
    "c1,店铺首页改版,https://trello.com/c/1,,设计 (green),阿福,2026-11-12T10:00:00.000Z,l1,"
    "Done,11月计划,false\n"
    "c2,双12 海报,https://trello.com/c/2,,,阿福,2026-11-30T10:00:00.000Z,l2,Doing,"
    "11月计划,false\n"
)
# Teambition 项目 › 导出任务 (its columns as a public script merging those exports writes them).
TEAMBITION = [
    ["标题", "备注", "优先级", "执行者", "开始时间", "截止时间", "创建者", "创建时间", "是否完成"]
    + ["完成时间", "分组", "列表", "子任务", "延误天数", "已延误", "标签"],
    ["客服培训", "", "普通", "小雨", "2026-11-03", "2026-11-06", "林店长", "2026-11-01", "是"]
    + ["2026-11-06", "客服", "进行中", "", "0", "否", ""],
]
# A team's own sheet: the brief's three elements, a status, a done day and the quality.
OWN = (
    "所属目标,任务名称,负责人,开始日期,截止日期,状态,完成时间,质量\n"
    "11月上新,上新 20 款详情页,小雨,2026-11-02,2026-11-10,已完成,2026-11-09,90\n"
    "11月上新,主图优化,小雨,2026-11-05,2026-11-15,已完成,2026-11-20,80\n"
    "客服提升,客服话术整理,小雨,2026-11-10,2026-11-20,进行中,,\n"
    "客服提升,客服培训,小雨,2026-11-03,2026-11-06,已完成,2026-11-06,70\n"
)


@pytest.fixture
def team(store):
    save_team_file(store, read_team_file(ROSTER.encode(), "花名册.csv"))
    return store


def imported(store, data: bytes, name: str):
    plan = read_plan_file(data, name, roster_frame(store.reader()))
    assert plan.ok, plan.error
    save_plan_file(store, plan)
    return plan


def teambition_xlsx() -> bytes:
    out = io.BytesIO()
    pd.DataFrame(TEAMBITION[1:], columns=TEAMBITION[0]).to_excel(out, index=False)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, data, expected",
    [
        # 小雨: 1201 done in time, 1202 done late, 1203 open; 林店长: 1204 in time.
        ("asana.csv", ASANA.encode(), {"C02": (3, 1, 1), "C01": (1, 1, 0)}),
        # 阿福: c1 in the Done list (no day: counted in time), c2 open.
        ("trello.csv", TRELLO.encode(), {"T01": (2, 1, 0)}),
        ("teambition.xlsx", teambition_xlsx(), {"C02": (1, 1, 0)}),
        ("计划.csv", OWN.encode("gbk"), {"C02": (4, 2, 1)}),
    ],
)
def test_each_task_tools_export_becomes_the_plan(team, name, data, expected):
    assert is_plan_file(data)
    imported(team, data, name)
    got = {
        p: (r.tasks, r.done_on_time, r.done_late)
        for p, r in plan_results(team.reader(), NOV).items()
    }
    assert got == expected


def test_completion_quality_and_the_start_score_from_the_plan(team):
    imported(team, OWN.encode("gbk"), "计划.csv")
    r = plan_results(team.reader(), NOV)["C02"]
    # 2 of 4 in time; quality of the three done: (90 + 80 + 70) / 3.
    assert (r.completion, r.quality) == (50.0, 80.0)
    assert plan_results(team.reader(), NOV, late_credit=0.5)["C02"].completion == 62.5
    ratings = "月份,工号,姓名,上级评分,同事评分\n2026-11,C02,小雨,88,85\n"
    save_team_file(team, read_team_file(ratings.encode(), "评分.csv"))
    people, scores, _ = evaluate_month(team.reader(), NOV, "start")
    row = scores.set_index("person_id").loc["C02"]
    # 0.7 × (0.5 × 50 + 0.5 × 80) + 0.2 × 88 + 0.1 × 85 = 45.5 + 17.6 + 8.5
    assert row["score"] == pytest.approx(71.6)
    inputs = people.set_index("person_id").loc["C02"]
    assert (inputs["task_completion_from"], inputs["work_quality_from"]) == ("plan", "plan")
    late_half = Schemes(start=StartScheme(late_task_credit=0.5))
    _, scores, _ = evaluate_month(team.reader(), NOV, "start", late_half)
    # 0.7 × (0.5 × 62.5 + 0.5 × 80) + 26.1 = 49.875 + 26.1
    assert scores.set_index("person_id").loc["C02", "score"] == pytest.approx(75.975)
    # The score trend (which asks once which months have plans) reads the same plan.
    trend = score_trend(team.reader(), "start").set_index(["month", "person_id"])
    assert trend.loc[(NOV, "C02"), "score"] == pytest.approx(71.6)


def test_a_typed_task_completion_wins_and_says_so(team):
    imported(team, OWN.encode("gbk"), "计划.csv")
    ratings = "月份,工号,姓名,任务完成度,上级评分,同事评分\n2026-11,C02,小雨,95,88,85\n"
    save_team_file(team, read_team_file(ratings.encode(), "评分.csv"))
    people, scores, _ = evaluate_month(team.reader(), NOV, "start")
    inputs = people.set_index("person_id").loc["C02"]
    assert (inputs["task_completion"], inputs["task_completion_from"]) == (95, "typed")
    assert (inputs["work_quality"], inputs["work_quality_from"]) == (80, "plan")
    # 0.7 × (0.5 × 95 + 0.5 × 80) + 26.1
    assert scores.set_index("person_id").loc["C02", "score"] == pytest.approx(87.35)


def test_a_reimported_export_updates_its_tasks_and_undo_restores_them(team):
    imported(team, ASANA.encode(), "asana.csv")
    later = ASANA.replace(
        "1203,2026-11-01,,2026-11-01,客服话术整理,To do",
        "1203,2026-11-01,2026-11-19,2026-11-19,客服话术整理,Done",
    )
    plan = read_plan_file(later.encode(), "asana (2).csv", roster_frame(team.reader()))
    result = save_plan_file(team, plan)
    assert (result.rows_new, result.rows_replaced) == (0, 4)  # the same four tasks
    assert plan_results(team.reader(), NOV)["C02"].done_on_time == 2
    undo_batch(team, result.batch_id)
    assert plan_results(team.reader(), NOV)["C02"].done_on_time == 1


def test_a_person_not_on_the_roster_is_named_and_a_limited_account_is_refused(team):
    plan = read_plan_file(
        ASANA.replace(",小雨,", ",小红,", 1).encode(), "asana.csv", roster_frame(team.reader())
    )
    assert [p.message.params["value"] for p in plan.problems] == ["小红"]
    assert "not on the roster" in plan.problems[0].message.text("en")
    add_user(team, "tmall", "manager", "a-long-password-1", stores=["天猫店"])
    with acting_as("tmall"), pytest.raises(StoreNotGranted):
        save_plan_file(team, plan)  # 小雨 and 林店长 work for 淘宝C店
    assert team.reader().execute("SELECT count(*) FROM plan_tasks").fetchone() == (0,)


def test_an_action_item_is_a_task_of_its_owner(team):
    add_action(
        team,
        dt.date(2026, 11, 16),
        "复盘双11客服话术",
        owner="小雨",
        due_week=dt.date(2026, 11, 16),
    )
    tasks = plan_tasks(team.reader(), NOV, today=SEEN_ON)
    (action,) = tasks[tasks["kind"] == "action"].itertuples()
    assert (action.person_id, action.start, action.deadline) == (
        "C02",
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 22),
    )
    assert action.overdue  # not done, due the 22nd, seen on the 26th


def test_the_cli_prints_the_plan(team, tmp_path, capsys):
    path = tmp_path / "asana.csv"
    path.write_text(ASANA, encoding="utf-8")
    db = str(team.path)
    team.close()
    assert cli(["team", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert (
        cli(["plans", "--month", "2026-11", "--person", "小雨", "--format", "csv", "--db", db]) == 0
    )
    rows = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(rows.columns) == [
        "person", "task", "goal", "start", "deadline", "done", "on_time", "quality", "kind",
    ]  # fmt: skip
    assert list(rows["task"]) == ["上新 20 款详情页", "主图优化", "客服话术整理"]
    assert list(rows["on_time"].fillna("-").astype(str)) == ["True", "False", "-"]


def test_team_kpis_draws_the_plan_and_says_where_results_came_from(team, app_on):
    imported(team, OWN.encode("gbk"), "计划.csv")
    path = team.path
    team.close()
    app_on(str(path))
    at = app(lang="en", scheme="start")
    at.switch_page("pages/team_kpis.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Work task completion" in d.value.columns)
    assert "50 (plan)" in list(table["Work task completion"])
    assert any(
        c.value.startswith("Start-stage work results read the work plan") for c in at.caption
    )
    with Store(path) as store:
        assert store.reader().execute("SELECT count(*) FROM plan_tasks").fetchone() == (4,)


def test_a_task_list_dropped_on_the_upload_page_becomes_the_plan(team, app_on):
    path = team.path
    team.close()
    app_on(str(path))
    at = app(lang="en")
    at.switch_page("pages/upload.py").run()
    at.file_uploader[0].upload("asana.csv", ASANA.encode(), "text/csv").run()
    assert not at.exception
    assert any("work plan (task list)" in m.value for m in at.markdown)
    next(b for b in at.button if "asana.csv" in b.label).click().run()
    assert [s.value for s in at.success] == [
        "asana.csv: read 4 rows, wrote 4 (4 new, 0 replaced), skipped 0 → batch 2"
    ]
    with Store(path) as store:
        assert plan_results(store.reader(), NOV)["C02"].tasks == 3
