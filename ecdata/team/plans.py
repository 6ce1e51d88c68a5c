"""Work plans of a start-stage team (docs/domain.md §4, start stage): each person's tasks for the
month with the three elements (goal, work content, time node), their status, done date and
quality, kept as batches like any upload.

Tasks come from the task tools teams use (Asana, Trello and Teambition exports, a team's own
sheet with 任务名称 / 负责人 / 截止日期 …; plan_aliases.csv) or are typed on Team KPIs; an
action item agreed in the weekly meeting is a task too (its owner, its due week). The start
stage's work results read the plan: task completion = the month's tasks done by their
deadline (a late one counts `late_credit`, default 0) over the month's tasks; quality = the
mean quality of the done ones.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ecdata.i18n import Message, Refusal
from ecdata.ingest import (
    RowProblem,
    TableFile,
    columns_by_alias,
    first_rows,
    parse_dates,
    parse_points,
    row_problem,
    text_cell,
)
from ecdata.names import normalize_header
from ecdata.store import PLAN_TASKS, Store
from ecdata.store.batches import write_batch

ALIASES = Path(__file__).parents[1] / "data" / "plan_aliases.csv"
# A status that means the task is done: Asana and Trello name the column or list so,
# Teambition writes 是否完成 = 是.
DONE_WORDS = frozenset(
    {"done", "complete", "completed", "finished", "已完成", "完成", "是", "已结束", "closed"}
)
# plan_tasks' columns with the person's name after their id (as plan_tasks() returns them).
COLUMNS = ["task_id", "person_id", "name", *PLAN_TASKS.metrics[1:]]


@lru_cache(maxsize=1)
def plan_aliases() -> dict[str, str]:
    with open(ALIASES, encoding="utf-8") as f:
        return {normalize_header(r["alias"]): r["canonical"] for r in csv.DictReader(f)}


def _header_index(rows: list[list]) -> int | None:
    """The first row naming a task, its person and a date: a task list's header."""
    aliases = plan_aliases()
    for i, row in enumerate(rows[:30]):
        fields = {aliases.get(normalize_header(c)) for c in row}
        if {"task", "person"} <= fields and fields & {"deadline", "start", "done_on"}:
            return i
    return None


def is_plan_file(data: bytes) -> bool:
    """Whether an upload is a task list (a header with a task, a person and a date)."""
    return _header_index(first_rows(data)) is not None


class PlanFile(TableFile):
    """A task list as plan tasks (PLAN_TASKS columns, one row per task)."""


def is_done(status) -> bool:
    return str(status or "").strip().lower() in DONE_WORDS


def read_plan_file(data: bytes, file_name: str, roster: pd.DataFrame) -> PlanFile:
    """A task export as plan tasks: each row's person matched to the roster by name (a
    person the roster lacks is a row problem, named), the month from the deadline (else the
    start), a task id from the tool (else from person, task and dates)."""
    out, rows = PlanFile.opened(data, file_name)
    if rows is None:
        return out
    header_idx = _header_index(rows)
    if header_idx is None:
        out.error = Message("err.no_header", {"file": file_name, "rows": 30})
        return out
    aliases = plan_aliases()
    header = rows[header_idx]
    mapping = columns_by_alias(header, aliases)
    header_of = {f: str(header[i]) for i, f in mapping.items()}
    by_name = {}
    if not roster.empty:
        by_name = dict(zip(roster["name"].astype(str).str.strip(), roster["person_id"]))
    kept = []
    for offset, row in enumerate(rows[header_idx + 1 :]):
        cells = {f: text_cell(row[i] if i < len(row) else None) for i, f in mapping.items()}
        if not any(cells.values()):
            continue
        task = _task(cells, header_idx + 2 + offset, by_name, header_of, file_name)
        if isinstance(task, RowProblem):
            out.problems.append(task)
        else:
            kept.append(task)
    if not kept:
        out.refuse_for_no_rows()
        return out
    out.frame = pd.DataFrame(kept, columns=list(PLAN_TASKS.keys + PLAN_TASKS.metrics))
    return out


def _task(cells: dict, row: int, by_name: dict, header_of: dict, file_name: str):
    """One row as a plan task, or the RowProblem that keeps it out."""
    person = (cells.get("person") or "").split(",")[0].strip()  # Trello: several members
    if person not in by_name:
        return row_problem(row, header_of.get("person", ""), "row.unknown_person", person)
    dates = {}
    for f in ("start", "deadline", "done_on"):
        dates[f] = parse_dates([cells.get(f)])[0]
        if cells.get(f) and dates[f] is None:
            return row_problem(row, header_of[f], "row.bad_date", cells[f])
    anchor = dates["deadline"] or dates["start"]
    if anchor is None:
        return row_problem(row, header_of.get("deadline", ""), "row.no_deadline", "")
    quality = parse_points([cells["quality"]])[0] if cells.get("quality") else None
    task_id = (
        cells.get("task_id")
        or hashlib.sha1(f"{person}|{cells.get('task')}|{anchor}".encode()).hexdigest()[:16]
    )
    return {
        "task_id": str(task_id),
        "person_id": by_name[person],
        "month": anchor.replace(day=1),
        "task": cells.get("task"),
        "goal": cells.get("goal"),
        "start": dates["start"],
        "deadline": dates["deadline"],
        # Done with no day (a Trello card in its Done list) counts done; the page says so.
        "status": cells.get("status") or ("done" if dates["done_on"] else None),
        "done_on": dates["done_on"],
        "quality": quality,
        "metric": cells.get("metric"),
        "source": file_name,
    }


def save_plan_file(store: Store, plan: PlanFile):
    """Store a task list as one batch: a task seen before (same id) is updated, not doubled;
    undo restores what it replaced."""
    if plan.frame is None:
        raise ValueError(f"{plan.file_name} was refused: it has no tasks to save")
    meta = {
        "file_name": plan.file_name,
        "content_hash": plan.content_hash,
        "kind": "plan",
        "rows_read": len(plan.frame) + len({p.row for p in plan.problems}),
        "rows_rejected": len({p.row for p in plan.problems}),
    }
    return write_batch(store, PLAN_TASKS, plan.frame, meta)


def save_plan_edits(store: Store, month: dt.date, edited: pd.DataFrame) -> int:
    """The month's tasks as typed on Team KPIs, one batch. New rows get an id; a row whose
    person, task or deadline is empty is refused with its position."""
    frame = edited.copy()
    for i, r in enumerate(frame.to_dict("records"), start=1):
        if not str(r.get("person_id") or "").strip() or not str(r.get("task") or "").strip():
            raise Refusal("err.plan_row", row=i)
        if pd.isna(r.get("deadline")):
            raise Refusal("err.plan_row", row=i)
    frame["deadline"] = pd.to_datetime(frame["deadline"]).dt.date
    for column in ("start", "done_on"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["month"] = month
    frame["source"] = frame.get("source", pd.Series(index=frame.index)).fillna("typed")
    missing_id = frame["task_id"].isna() | (frame["task_id"].astype(str).str.strip() == "")
    frame.loc[missing_id, "task_id"] = [
        hashlib.sha1(f"{r.person_id}|{r.task}|{r.deadline}".encode()).hexdigest()[:16]
        for r in frame[missing_id].itertuples()
    ]
    cols = list(PLAN_TASKS.keys + PLAN_TASKS.metrics)
    frame = frame.reindex(columns=cols)
    digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
    result = write_batch(
        store,
        PLAN_TASKS,
        frame,
        {
            "file_name": f"plan {month:%Y-%m} (edited)",
            "content_hash": digest,
            "kind": "plan",
            "rows_read": len(frame),
            "rows_rejected": 0,
            "date_min": month,
            "date_max": month,
        },
    )
    return result.batch_id


def plan_tasks(
    cur, month: dt.date | None = None, person: str | None = None, today: dt.date | None = None
) -> pd.DataFrame:
    """The plan's tasks (of `month`, of one person by name or id) with the meeting's action
    items as tasks (owner, agreed week to due week), each with `done`, `on_time`, `overdue`:
    COLUMNS + done, on_time, overdue, kind ('plan' or 'action')."""
    today = today or dt.date.today()
    where, params = [], {}
    if month is not None:
        where.append("t.month = $month")
        params["month"] = month.replace(day=1)
    frame = cur.execute(
        f"""SELECT t.task_id, t.person_id, r.name, t.month, t.task, t.goal, t.start,
                   t.deadline, t.status, t.done_on, t.quality, t.metric, t.source
            FROM plan_tasks t LEFT JOIN roster r USING (person_id)
            {"WHERE " + " AND ".join(where) if where else ""}
            ORDER BY r.name, t.deadline, t.task""",
        params,
    ).df()
    frame["kind"] = "plan"
    actions = _actions_as_tasks(cur, month)
    frame = pd.concat([frame, actions], ignore_index=True) if not actions.empty else frame
    if person:
        frame = frame[(frame["name"] == person) | (frame["person_id"] == person)]
    deadline = pd.to_datetime(frame["deadline"])
    done_on = pd.to_datetime(frame["done_on"])
    frame["done"] = done_on.notna() | frame["status"].map(is_done)
    frame["on_time"] = frame["done"] & (done_on.isna() | (done_on <= deadline))
    frame["overdue"] = ~frame["done"] & (deadline < pd.Timestamp(today))
    return frame.reset_index(drop=True)


def _actions_as_tasks(cur, month: dt.date | None) -> pd.DataFrame:
    """The meeting's action items with an owner, as tasks: agreed week to the due week's
    Sunday (one week when no due week), done when marked done."""
    rows = cur.execute(
        """SELECT a.item_id, a.what, a.owner, a.week, a.due_week, a.done_week, a.metric,
                  r.person_id
           FROM action_items a LEFT JOIN roster r ON r.name = a.owner
           WHERE a.owner IS NOT NULL"""
    ).df()
    if rows.empty:
        return pd.DataFrame(columns=[*COLUMNS, "kind"])
    due = pd.to_datetime(rows["due_week"].fillna(rows["week"])) + pd.Timedelta(days=6)
    out = pd.DataFrame(
        {
            "task_id": "action-" + rows["item_id"].astype(str),
            "person_id": rows["person_id"],
            "name": rows["owner"],
            "month": due.dt.to_period("M").dt.start_time.dt.date,
            "task": rows["what"],
            "goal": None,
            "start": pd.to_datetime(rows["week"]).dt.date,
            "deadline": due.dt.date,
            "status": rows["done_week"].map(lambda d: "done" if pd.notna(d) else None),
            "done_on": (pd.to_datetime(rows["done_week"]) + pd.Timedelta(days=6)).dt.date,
            "quality": None,
            "metric": rows["metric"],
            "source": "meeting",
            "kind": "action",
        }
    )
    out["done_on"] = out["done_on"].astype(object).where(rows["done_week"].notna(), None)
    if month is not None:
        out = out[out["month"] == month.replace(day=1)]
    return out


@dataclass(frozen=True)
class PlanResult:
    """One person's month from the plan: completion and quality in points (0-100)."""

    tasks: int
    done_on_time: int
    done_late: int
    completion: float  # points
    quality: float | None  # points; None when no done task has a quality


def plan_results(cur, month: dt.date, late_credit: float = 0.0) -> dict[str, PlanResult]:
    """Per person_id: the month's plan tasks (action items not included: the scheme scores
    the planned work) as task completion and quality points."""
    tasks = plan_tasks(cur, month)
    tasks = tasks[tasks["kind"] == "plan"]
    out: dict[str, PlanResult] = {}
    for person_id, group in tasks.groupby("person_id"):
        on_time = int(group["on_time"].sum())
        late = int((group["done"] & ~group["on_time"]).sum())
        credit = on_time + late_credit * late
        rated = group.loc[group["done"] & group["quality"].notna(), "quality"]
        out[str(person_id)] = PlanResult(
            len(group),
            on_time,
            late,
            100.0 * credit / len(group),
            float(rated.mean()) if len(rated) else None,
        )
    return out


def plan_months(cur) -> list[dt.date]:
    return [
        r[0] for r in cur.execute("SELECT DISTINCT month FROM plan_tasks ORDER BY 1").fetchall()
    ]


EDITABLE = ["task_id", "person_id", "task", "goal", "start", "deadline", "status", "done_on"]
EDITABLE += ["quality"]


def plan_for_editing(cur, month: dt.date) -> pd.DataFrame:
    """The month's plan tasks as the Team KPIs editor shows them (EDITABLE columns)."""
    return cur.execute(
        f"SELECT {', '.join(EDITABLE)} FROM plan_tasks WHERE month = ? ORDER BY person_id, deadline",
        [month.replace(day=1)],
    ).df()
