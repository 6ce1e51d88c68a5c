"""Roster and ratings files: aliases, checks, and storage as an undoable batch."""

import datetime as dt

import pandas as pd
import pytest

from ecdata.i18n import Refusal
from ecdata.store.batches import undo_batch
from ecdata.team.files import read_team_file, roster_frame, save_team_file

ROSTER = """工号,姓名,岗位,部门,上级,入职日期,基本工资,职级系数,浮动工资系数,店铺
001,王总,老板,,,2024-01-01,"20,000",1.0,0.5,A店
002,小美,美工,,王总,2024-03-01,6000,1.1,0.3,A店
003,阿杰,售前客服,,王总,2024/6/1,5000,1.0,0.4,A店
"""


def test_roster_with_chinese_headers_maps_roles_and_departments(store):
    team = read_team_file(ROSTER.encode("gb18030"), "花名册.csv")
    assert team.ok and team.kind == "roster"
    frame = team.frame.set_index("person_id")
    assert frame.loc["002", "role"] == "designer" and frame.loc["002", "department"] == "design"
    assert frame.loc["003", "role"] == "presales"
    assert frame.loc["001", "base_pay"] == 20000
    assert frame.loc["003", "hired"] == dt.date(2024, 6, 1)
    result = save_team_file(store, team)
    assert len(roster_frame(store.reader())) == 3
    undo_batch(store, result.batch_id)
    assert roster_frame(store.reader()).empty


def test_reporting_loop_is_rejected(store):
    text = "姓名,岗位,上级\nA,店长,C\nB,运营,A\nC,客服,B\n"
    team = read_team_file(text.encode(), "loop.csv")
    assert not team.ok and team.error.key == "err.reporting_loop"
    assert "A → C → B → A" in team.error.text("en") and "A → C → B → A" in team.error.text("zh")


def test_unknown_manager_is_flagged_and_same_names_without_id_are_skipped():
    text = "姓名,岗位,上级,店铺\n小李,客服,老张,A店\n小王,客服,,A店\n小王,美工,,A店\n"
    team = read_team_file(text.encode(), "r.csv")
    assert team.ok
    assert [w.key for w in team.warnings] == ["warn.unknown_manager"]
    assert [p.message.key for p in team.problems] == ["row.same_name", "row.same_name"]
    assert list(team.frame.name) == ["小李"]


def test_pay_coefficients_out_of_range_are_rows_skipped():
    text = "姓名,岗位,基本工资,职级系数,浮动工资系数\nA,客服,5000,1.0,3.5\nB,客服,5000,1.0,0.5\n"
    team = read_team_file(text.encode(), "pay.csv")
    assert [(p.row, p.message.key) for p in team.problems] == [(2, "row.out_of_range")]
    assert list(team.frame.name) == ["B"]


def test_monthly_ratings_file():
    text = (
        "月份,姓名,任务完成度,工作质量,上级评分,同事评分,询盘数,有效询盘数,询盘任务数\n"
        "2026-10,小美,95,90,88,80,120,100,110\n2026-10,阿杰,80,85,,abc,50,40,60\n"
    )
    team = read_team_file(text.encode("utf-8-sig"), "评分.csv")
    assert team.ok and team.kind == "ratings"
    assert list(team.frame.person_id) == ["小美"]
    assert team.frame.iloc[0].month == dt.date(2026, 10, 1)
    assert [p.message.key for p in team.problems] == ["row.bad_number"]


def test_sample_roster_xlsx_and_ratings(store):
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "sample_data"
    roster = read_team_file((folder / "花名册_淘宝C店.xlsx").read_bytes(), "花名册.xlsx")
    assert roster.ok and roster.kind == "roster" and len(roster.frame) == 4
    assert set(roster.frame.role) == {"store_manager", "customer_service", "designer"}
    ratings = read_team_file((folder / "月度评分_淘宝C店.csv").read_bytes(), "评分.csv")
    assert ratings.ok and list(ratings.frame.person_id) == ["C01", "C02", "C03", "C04"]


def test_performance_coefficient_outside_0_to_2_is_rejected():
    text = "月份,姓名,绩效系数\n2026-10,小美,1.5\n2026-10,阿杰,2.5\n"
    team = read_team_file(text.encode(), "coef.csv")
    assert [(p.row, p.message.key) for p in team.problems] == [(3, "row.out_of_range")]
    assert list(team.frame.perf_coef) == [1.5]


def test_edited_ratings_are_saved_as_an_undoable_batch_and_checked(store):
    import pandas as pd

    from ecdata.team.files import ratings_frame, save_ratings_edits

    month = dt.date(2026, 10, 1)
    edited = pd.DataFrame(
        {"person_id": ["A", "B"], "supervisor_rating": [90.0, 80.0], "perf_coef": [1.2, None]}
    )
    batch = save_ratings_edits(store, month, edited)
    assert list(ratings_frame(store.reader(), month).supervisor_rating) == [90, 80]
    with pytest.raises(Refusal) as refused:
        save_ratings_edits(store, month, edited.assign(perf_coef=[2.5, None]))
    assert refused.value.key == "row.out_of_range"
    undo_batch(store, batch)
    assert ratings_frame(store.reader(), month).empty


def editor_rows(store):
    """The roster as the Org page's editor shows it."""
    from ecdata.team.files import EDITABLE_ROSTER

    return roster_frame(store.reader())[EDITABLE_ROSTER]


def test_a_row_added_in_the_roster_editor_gets_an_id_and_is_saved(store):
    from ecdata.team.files import save_roster_edits

    save_team_file(store, read_team_file(ROSTER.encode(), "花名册.csv"))
    edited = editor_rows(store)
    added = {c: None for c in edited.columns} | {
        "name": "娜娜",
        "role_title": "售后客服",
        "store": "A店",
        "manager": "王总",
    }
    edited = pd.concat([edited, pd.DataFrame([added])], ignore_index=True)
    batch = save_roster_edits(store, edited)
    after = roster_frame(store.reader()).set_index("person_id")
    assert after.loc["A店/娜娜", "role"] == "aftersales" and len(after) == 4
    undo_batch(store, batch)
    assert len(roster_frame(store.reader())) == 3


def test_a_row_added_without_a_name_is_refused(store):
    from ecdata.team.files import save_roster_edits

    save_team_file(store, read_team_file(ROSTER.encode(), "花名册.csv"))
    edited = pd.concat([editor_rows(store), pd.DataFrame([{"role_title": "美工"}])])
    before = store.dump()
    with pytest.raises(Refusal) as refused:
        save_roster_edits(store, edited)
    assert refused.value.key == "err.team_no_name"
    assert store.dump() == before


def test_a_row_deleted_in_the_roster_editor_leaves_the_roster_until_undone(store):
    from ecdata.team.files import save_roster_edits

    save_team_file(store, read_team_file(ROSTER.encode(), "花名册.csv"))
    edited = editor_rows(store)
    batch = save_roster_edits(store, edited[edited.name != "阿杰"])
    assert sorted(roster_frame(store.reader()).name) == ["小美", "王总"]
    undo_batch(store, batch)
    assert sorted(roster_frame(store.reader()).name) == ["小美", "王总", "阿杰"]


def test_team_cells_follow_the_export_cell_grammar():
    """The roster and ratings read cells as every export is read (ingest.cleaning):
    '1 200元' and '$5' are numbers, a 0-100 score written '85%' is 85 points (not 0.85), a
    coefficient written '120%' is 1.2, and dates come as exporters write them."""
    roster = (
        "工号,姓名,岗位,入职日期,基本工资,职级系数,浮动工资系数,补贴\n"
        '001,小美,美工,20240301,"1 200元",120%,0.3,$5\n'
        "002,阿杰,售前客服,2024年6月1日,¥5000,1.0,0.4,-\n"
    )
    team = read_team_file(roster.encode("gb18030"), "花名册.csv")
    assert team.ok, team.error
    frame = team.frame.set_index("person_id")
    assert (frame.loc["001", "base_pay"], frame.loc["001", "other_pay"]) == (1200, 5)
    assert frame.loc["001", "level_coef"] == 1.2
    assert frame.loc["001", "hired"] == dt.date(2024, 3, 1)
    assert frame.loc["002", "hired"] == dt.date(2024, 6, 1)
    assert pd.isna(frame.loc["002", "other_pay"])  # '-' is missing, not zero
    ratings = "月份,姓名,上级评分,同事评分,绩效系数\n2026年10月,小美,85%,90,110%\n"
    team = read_team_file(ratings.encode(), "评分.csv")
    assert team.ok, team.error
    row = team.frame.iloc[0]
    assert (row.month, row.supervisor_rating, row.peer_rating) == (dt.date(2026, 10, 1), 85, 90)
    assert row.perf_coef == 1.1
