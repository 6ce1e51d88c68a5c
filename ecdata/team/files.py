"""The team's own data: the roster and monthly ratings, read from the files owners keep.

Rosters and ratings are small tables kept in Excel or CSV with Chinese or English headers
(team_aliases.csv). Reading checks what would make scores or the org chart wrong: a
manager who is not on the roster (flagged), a reporting loop (rejected), two people with one
name in one store and no id to tell them apart (skipped), pay coefficients out of range.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ecdata.i18n import Message, Refusal
from ecdata.ingest import (
    PLACEHOLDERS,
    RowProblem,
    TableFile,
    columns_by_alias,
    first_rows,
    parse_dates,
    parse_months,
    parse_numbers,
    parse_points,
    parse_rates,
)
from ecdata.names import normalize_header
from ecdata.store import RATINGS, ROSTER, Store
from ecdata.store.batches import write_batch
from ecdata.team.org import role_of, roles

ALIASES = Path(__file__).parents[1] / "data" / "team_aliases.csv"
# Pay coefficient bounds (settings with these defaults).
LEVEL_COEF_RANGE = (0.0, 5.0)
FLOAT_COEF_RANGE = (0.0, 2.0)
RATING_RANGE = (0.0, 100.0)
PERFORMANCE_COEF_RANGE = (
    0.0,
    2.0,
)  # docs/domain.md §4: the performance coefficient runs from 0 to 2
VALUE_RANGES = {
    "supervisor_rating": RATING_RANGE,
    "peer_rating": RATING_RANGE,
    "perf_coef": PERFORMANCE_COEF_RANGE,
}


@lru_cache(maxsize=1)
def team_aliases() -> dict[str, str]:
    with open(ALIASES, encoding="utf-8") as f:
        return {normalize_header(r["alias"]): r["canonical"] for r in csv.DictReader(f)}


@dataclass
class TeamFile(TableFile):
    """A roster or ratings sheet: canonical columns, one row per person (or month × person)."""

    kind: str = ""  # "roster" or "ratings"
    warnings: list[Message] = field(default_factory=list)


# Scores on a 0-100 scale: '85%' is 85 points. Coefficients: '120%' is 1.2.
POINT_FIELDS = ("task_completion", "work_quality", "supervisor_rating", "peer_rating")
COEFFICIENT_FIELDS = ("level_coef", "float_coef", "perf_coef")


def _missing(value) -> bool:
    # pandas' string columns hand a missing cell over as NaN or as the text "nan".
    return (
        value is None
        or (not isinstance(value, str) and pd.isna(value))
        or str(value).strip() in PLACEHOLDERS
        or str(value).strip().lower() == "none"
    )


def _texts(values) -> list[str | None]:
    return [None if _missing(v) else str(v).strip() for v in values]


def _numbers(values, column: str) -> list[float | None]:
    """The cells as numbers by the cell grammar every export uses (ingest.cleaning): missing
    stays None, text that is no number becomes NaN (a row problem)."""
    texts = _texts(values)
    if column in POINT_FIELDS:
        parsed = parse_points(texts)
    elif column in COEFFICIENT_FIELDS:
        parsed = parse_rates(texts)
    else:
        parsed = parse_numbers(texts)
    return [float("nan") if v is None and t is not None else v for t, v in zip(texts, parsed)]


def _dates(values) -> list[dt.date | None]:
    return parse_dates(_texts(values))


# Columns only a roster or a ratings sheet has: a file with one of them is a team file, not a
# platform export (whose 姓名 is an agent, whose 店铺 and 月份 are a cost file's too).
TEAM_ONLY_FIELDS = frozenset(
    {"person_id", "role_title", "department", "manager", "hired", "left_on", "base_pay"}
    | {"level_coef", "float_coef", "other_pay", "collaborator", "perf_coef"}
    | {"task_completion", "work_quality", "supervisor_rating", "peer_rating"}
    | {"qualified_inquiries", "inquiry_target", "profit_target", "other_incentive"}
)


def is_team_file(data: bytes) -> bool:
    """Whether an upload is a roster or ratings sheet: a header row (in the first 30 rows)
    naming a person and a column only team sheets have. The Upload page sends it here."""
    aliases = team_aliases()
    for row in first_rows(data):
        fields = {aliases.get(normalize_header(c)) for c in row}
        if fields & {"name", "person_id"} and fields & TEAM_ONLY_FIELDS:
            return True
    return False


def read_team_file(data: bytes, file_name: str) -> TeamFile:
    """Read a roster or a monthly ratings file (told apart by a 月份/month column)."""
    out, rows = TeamFile.opened(data, file_name)
    if rows is None:
        return out
    aliases = team_aliases()
    header_idx = next(
        (i for i, r in enumerate(rows[:30]) if sum(normalize_header(c) in aliases for c in r) >= 2),
        None,
    )
    if header_idx is None:
        out.error = Message("err.no_header", {"file": file_name, "rows": 30})
        return out
    header = rows[header_idx]
    mapping = columns_by_alias(header, aliases)
    records = []
    for offset, row in enumerate(rows[header_idx + 1 :]):
        if not any(str(c or "").strip() for c in row):
            continue
        record: dict[str, object] = {"__row": header_idx + 2 + offset}
        for i, name in mapping.items():
            record[name] = row[i] if i < len(row) else None
        records.append(record)
    # Empty cells are missing values, whatever the file format wrote for them.
    frame = pd.DataFrame(records).map(lambda v: None if _missing(v) else v)
    if "name" not in frame and "person_id" not in frame:
        out.error = Message("err.team_no_name", {"file": file_name})
        return out
    out.kind = "ratings" if "month" in frame else "roster"
    header_of = {name: str(header[i]) for i, name in mapping.items()}
    return (_roster if out.kind == "roster" else _ratings)(out, frame, header_of)


def _problem(out: TeamFile, row: int, column: str, key: str, value) -> None:
    out.problems.append(
        RowProblem(row, column, Message(key, {"row": row, "column": column, "value": value}))
    )


def _person_ids(frame: pd.DataFrame) -> pd.Series:
    """工号 when given, else store/name (or the name alone)."""
    ids = frame["person_id"].astype("string").str.strip() if "person_id" in frame else None
    store = frame["store"].fillna("").astype(str).str.strip() if "store" in frame else ""
    fallback = (store + "/" if "store" in frame else "") + frame["name"].astype(str).str.strip()
    return fallback if ids is None else ids.where(ids.notna() & (ids != ""), fallback)


def _roster(out: TeamFile, frame: pd.DataFrame, header_of: dict) -> TeamFile:
    frame = frame.copy()
    frame["name"] = frame["name"].astype(str).str.strip()
    frame["person_id"] = _person_ids(frame)
    bad = set()
    if "person_id" in header_of:
        pass
    else:
        key = [c for c in ("store", "name") if c in frame]
        dup = frame[frame.duplicated(key, keep=False)]
        for _, r in dup.iterrows():
            _problem(out, r["__row"], header_of["name"], "row.same_name", r["name"])
            bad.add(r["__row"])
    for column, (lo, hi) in (
        ("level_coef", LEVEL_COEF_RANGE),
        ("float_coef", FLOAT_COEF_RANGE),
        ("base_pay", (0.0, 10_000_000.0)),
        ("other_pay", (0.0, 10_000_000.0)),
    ):
        if column not in frame:
            continue
        # A list keeps None (missing) apart from NaN (text that is not a number).
        values = _numbers(frame[column].astype(object), column)
        for row, raw, v in zip(frame["__row"], frame[column], values):
            if v is not None and (v != v or not lo <= v <= hi):
                _problem(out, row, header_of[column], "row.out_of_range", raw)
                bad.add(row)
        frame[column] = values
    for column in ("hired", "left_on"):
        if column in frame:
            frame[column] = _dates(frame[column].astype(object))
    if "role_title" in frame:
        frame["role"] = frame["role_title"].map(role_of)
        frame["department"] = frame.get("department", pd.Series(index=frame.index)).where(
            frame.get("department", pd.Series(index=frame.index)).notna(),
            frame["role"].map(lambda r: roles()[r].department if r in roles() else None),
        )
    if "collaborator" in frame:
        frame["collaborator"] = frame["collaborator"].map(
            lambda v: str(v).strip().lower() in ("是", "y", "yes", "true", "1", "√")
        )
    frame = frame[~frame["__row"].isin(bad)]
    if frame.empty:
        out.error = Message(
            "err.no_valid_rows",
            {
                "file": out.file_name,
                "rejected": len(bad),
                "first": str(out.problems[0].message) if out.problems else "",
            },
        )
        return out
    names = set(frame["name"])
    for _, r in frame.iterrows():
        manager = r.get("manager")
        if isinstance(manager, str) and manager.strip() and manager.strip() not in names:
            out.warnings.append(
                Message(
                    "warn.unknown_manager",
                    {"row": r["__row"], "name": r["name"], "manager": manager.strip()},
                )
            )
    loop = reporting_loop(frame)
    if loop:
        out.error = Message(
            "err.reporting_loop", {"file": out.file_name, "people": " → ".join(loop)}
        )
        return out
    cols = [c for c in ROSTER.keys + ROSTER.metrics if c in frame]
    out.frame = frame[cols].reset_index(drop=True)
    return out


def reporting_loop(frame: pd.DataFrame) -> list[str]:
    """A chain of managers that comes back to where it started, or [] when there is none."""
    if "manager" not in frame:
        return []
    boss = {
        r["name"]: str(r["manager"]).strip()
        for _, r in frame.iterrows()
        if isinstance(r.get("manager"), str) and r["manager"].strip()
    }
    for start in boss:
        seen, person = [start], boss.get(start)
        while person is not None:
            if person in seen:
                return seen[seen.index(person) :] + [person]
            seen.append(person)
            person = boss.get(person)
    return []


def _ratings(out: TeamFile, frame: pd.DataFrame, header_of: dict) -> TeamFile:
    frame = frame.copy()
    if "name" in frame:
        frame["name"] = frame["name"].astype(str).str.strip()
    frame["person_id"] = (
        _person_ids(frame) if "name" in frame else frame["person_id"].astype(str).str.strip()
    )
    frame["month"] = parse_months(_texts(frame["month"].astype(object)))
    bad = set(frame.loc[frame["month"].isna(), "__row"])
    for r in frame.loc[frame["month"].isna(), "__row"]:
        _problem(out, r, header_of["month"], "row.bad_date", "")
    for column in RATINGS.metrics:
        if column not in frame:
            continue
        # A list keeps None (missing) apart from NaN (text that is not a number).
        values = _numbers(frame[column].astype(object), column)
        for row, raw, v in zip(frame["__row"], frame[column], values):
            if v is not None and v != v:
                _problem(out, row, header_of[column], "row.bad_number", raw)
                bad.add(row)
            elif v is not None and v < 0:
                _problem(out, row, header_of[column], "row.negative", raw)
                bad.add(row)
            elif (
                v is not None
                and not (lo_hi := VALUE_RANGES.get(column, (0, float("inf"))))[0] <= v <= lo_hi[1]
            ):
                _problem(out, row, header_of[column], "row.out_of_range", raw)
                bad.add(row)
        frame[column] = values
    frame = frame[~frame["__row"].isin(bad)]
    cols = [c for c in RATINGS.keys + RATINGS.metrics if c in frame]
    out.frame = (
        frame[cols].drop_duplicates(["month", "person_id"], keep="last").reset_index(drop=True)
    )
    return out


def save_team_file(store: Store, team_file: TeamFile):
    """Store a roster or ratings file as one batch (undo works as for any upload)."""
    table = ROSTER if team_file.kind == "roster" else RATINGS
    meta = {
        "file_name": team_file.file_name,
        "content_hash": team_file.content_hash,
        "kind": team_file.kind,
        "rows_read": len(team_file.rows),
        "rows_rejected": len({p.row for p in team_file.problems}),
    }
    return write_batch(store, table, team_file.frame, meta)


def roster_frame(cur, on: dt.date | None = None) -> pd.DataFrame:
    """The people on the team on day `on` (everyone not yet left when None)."""
    return on_roster(roster_rows(cur), on)


def roster_rows(cur) -> pd.DataFrame:
    """Every row of the roster, those who left included."""
    return cur.execute("SELECT * EXCLUDE (batch_id) FROM roster ORDER BY department, name").df()


def on_roster(frame: pd.DataFrame, on: dt.date | None = None) -> pd.DataFrame:
    """The rows of `frame` (roster_rows) on the team on day `on` (not yet left when None)."""
    if on is not None and not frame.empty:
        hired, left, day = (
            pd.to_datetime(frame.hired),
            pd.to_datetime(frame.left_on),
            pd.Timestamp(on),
        )
        frame = frame[(hired.isna() | (hired <= day)) & (left.isna() | (left > day))]
    elif not frame.empty:
        frame = frame[frame.left_on.isna()]
    return frame.reset_index(drop=True)


def ratings_frame(cur, month: dt.date | None = None) -> pd.DataFrame:
    sql = "SELECT * EXCLUDE (batch_id) FROM ratings"
    return cur.execute(
        sql + (" WHERE month = ?" if month else "") + " ORDER BY month", [month] if month else []
    ).df()


# What the roster editor shows (the Org page): every column a person keeps up to date; the
# role follows from the title, other pay comes with the files.
EDITABLE_ROSTER = [c for c in ROSTER.keys + ROSTER.metrics if c not in ("role", "other_pay")]

# What the ratings editor shows and saves: only what people type in. Inquiries and sales that
# come from customer-service reports are read at scoring time, never copied into ratings
# (a corrected service report must still reach the scores).
EDITABLE_RATINGS = [
    "task_completion",
    "work_quality",
    "supervisor_rating",
    "peer_rating",
    "inquiries",
    "qualified_inquiries",
    "inquiry_target",
    "sales",
    "sales_target",
    "perf_coef",
]


def ratings_for_editing(cur, month: dt.date) -> pd.DataFrame:
    """Everyone on the roster with the ratings stored for `month` (empty where none):
    person_id, name, then EDITABLE_RATINGS."""
    return cur.execute(
        f"""SELECT p.person_id, p.name, {", ".join(f"r.{c}" for c in EDITABLE_RATINGS)}
            FROM roster p LEFT JOIN ratings r ON r.person_id = p.person_id AND r.month = ?
            WHERE p.left_on IS NULL OR p.left_on >= ?
            ORDER BY p.person_id""",
        [month, month],
    ).df()


def rating_months(cur) -> list[dt.date]:
    return [r[0] for r in cur.execute("SELECT DISTINCT month FROM ratings ORDER BY 1").fetchall()]


def save_roster_edits(store: Store, edited: pd.DataFrame) -> int:
    """Save an edited roster as one batch: roles follow the job titles, and a reporting loop
    is refused as it would be in a file."""
    frame = edited.copy()
    named = frame["name"].notna() & (frame["name"].astype(str).str.strip() != "")
    if not named.all():
        # A row added in the editor and left without a name: nobody to store.
        raise Refusal("err.team_no_name", file="roster")
    frame["name"] = frame["name"].astype(str).str.strip()
    frame["person_id"] = _person_ids(frame)  # new rows get store/name, like a file without 工号
    frame["role"] = frame["role_title"].map(role_of)
    frame["department"] = frame["department"].where(
        frame["department"].notna() & (frame["department"] != ""),
        frame["role"].map(lambda r: roles()[r].department if r in roles() else None),
    )
    loop = reporting_loop(frame)
    if loop:
        raise Refusal("err.reporting_loop", file="roster", people=" → ".join(loop))
    cols = [c for c in ROSTER.keys + ROSTER.metrics if c in frame]
    digest = hashlib.sha256(frame[cols].to_csv(index=False).encode()).hexdigest()
    # The editor shows the whole roster: a row deleted there leaves the roster (undoably).
    result = write_batch(
        store,
        ROSTER,
        frame[cols],
        delete_missing=True,
        meta={
            "file_name": "roster (edited)",
            "content_hash": digest,
            "kind": "roster",
            "rows_read": len(frame),
            "rows_rejected": 0,
        },
    )
    return result.batch_id


def save_ratings_edits(store: Store, month: dt.date, edited: pd.DataFrame) -> int:
    """Save one month's edited ratings as one batch. Ratings outside 0-100 and performance
    coefficients outside 0-2 are refused with the person named."""
    frame = edited.copy()
    frame["month"] = month
    for column, (lo, hi) in VALUE_RANGES.items():
        if column in frame:
            bad = frame[(frame[column].notna()) & ((frame[column] < lo) | (frame[column] > hi))]
            if not bad.empty:
                who = bad.iloc[0]
                raise Refusal(
                    "row.out_of_range",
                    row=who.get("name", who["person_id"]),
                    column=column,
                    value=who[column],
                )
    cols = [c for c in RATINGS.keys + RATINGS.metrics if c in frame]
    digest = hashlib.sha256(frame[cols].to_csv(index=False).encode()).hexdigest()
    return _write_ratings(store, frame, cols, digest, month).batch_id


def _write_ratings(store: Store, frame, cols, digest: str, month: dt.date):
    return write_batch(
        store,
        RATINGS,
        frame[cols],
        {
            "file_name": f"ratings {month:%Y-%m} (edited)",
            "content_hash": digest,
            "kind": "ratings",
            "rows_read": len(frame),
            "rows_rejected": 0,
            "date_min": month,
            "date_max": month,
        },
    )
