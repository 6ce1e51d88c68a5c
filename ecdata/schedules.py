"""Reports that go out by themselves: schedules kept in DuckDB (weekly on a weekday and time,
or daily; the stores; the language; how people are named; never pay), run by the dashboard's
server (APScheduler, started once per server process) or by cron through
`python -m ecdata report --send KIND:URL`.

Each send is claimed first: a row for (schedule, slot) written inside the store's single
writer, which on a DuckLake is PostgreSQL's advisory lock, so of several processes whose
clocks all say "Monday 09:00" one sends and the others find the claim. A slot missed while
the server was down is still sent within GRACE; older ones are not (nobody wants last
month's Mondays at once). What came of each send (sent, or failed and why) is kept for the
page ("last sent / failed because").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import socket
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ecdata.delivery import Destination, Digest, deliver
from ecdata.formatting import format_change, format_value
from ecdata.i18n import Refusal, t
from ecdata.meeting.agenda import PEOPLE_SHOWN, kpi_summary
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters, kpi_table, money_currency, totals
from ecdata.metrics.periods import week_start
from ecdata.store import Store
from ecdata.store.database import ACTOR, Cursor, check_company_wide, check_granted

CADENCES = ("weekly", "daily")
# A slot the server missed (it was down at 09:00) is still sent this long after.
GRACE = dt.timedelta(hours=6)
DEFAULT_ZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class Alerts:
    """A short extra message when a flagged number crosses its line (None/False: off)."""

    inquiry_cost_up: float | None = None  # week-over-week rise, as a fraction (0.2 = 20%)
    below_pace: bool = False  # a store's month-to-date sales behind its target's pace

    def as_json(self) -> str:
        return json.dumps({"inquiry_cost_up": self.inquiry_cost_up, "below_pace": self.below_pace})

    @classmethod
    def from_json(cls, text: str | None) -> Alerts:
        value = json.loads(text) if text else {}
        up = value.get("inquiry_cost_up")
        return cls(None if up is None else float(up), bool(value.get("below_pace")))


@dataclass(frozen=True)
class Schedule:
    name: str
    cadence: str = "weekly"
    weekday: int = 0  # Monday; weekly schedules only
    at_time: str = "09:00"
    time_zone: str = DEFAULT_ZONE
    stores: tuple[str, ...] = ()
    lang: str = "zh"
    people: str = "initials"
    alerts: Alerts = field(default_factory=Alerts)
    schedule_id: int = 0
    label: str = ""  # the destination as it may be shown (kind and host)
    created_at: dt.datetime | None = None  # UTC

    def check(self) -> None:
        """Refusal (named) for a schedule that cannot run."""
        if not self.name.strip():
            raise Refusal("err.schedule_name")
        if self.cadence not in CADENCES or not 0 <= self.weekday <= 6:
            raise Refusal("err.schedule_when")
        try:
            hour, minute = (int(p) for p in self.at_time.split(":"))
            ZoneInfo(self.time_zone)
        except (ValueError, KeyError):
            raise Refusal("err.schedule_when") from None
        if not (0 <= hour < 24 and 0 <= minute < 60):
            raise Refusal("err.schedule_when")
        if self.people not in PEOPLE_SHOWN or self.lang not in ("zh", "en"):
            raise Refusal("err.schedule_when")


def add_schedule(store: Store, schedule: Schedule, destination: Destination) -> int:
    """Keep a schedule and its destination (the URL and secret apart, out of backups);
    returns its id. A store-limited account schedules only its stores' reports."""
    schedule.check()
    with store.writer() as cur:
        if schedule.stores:
            check_granted(cur, schedule.stores)
        else:
            check_company_wide(cur)  # every store's numbers
        new_id = cur.execute(
            "SELECT COALESCE(max(schedule_id), 0) + 1 FROM report_schedules"
        ).fetchall()[0][0]
        cur.execute(
            """INSERT INTO report_schedules (schedule_id, name, cadence, weekday, at_time,
               time_zone, stores, lang, people, destination, alerts, created_by, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                new_id,
                schedule.name.strip(),
                schedule.cadence,
                schedule.weekday,
                schedule.at_time,
                schedule.time_zone,
                list(schedule.stores),
                schedule.lang,
                schedule.people,
                f"{destination.label}",
                schedule.alerts.as_json(),
                ACTOR.get(),
                _utc_now(),
            ],
        )
        cur.execute(
            "INSERT INTO report_destinations (schedule_id, url, secret) VALUES (?, ?, ?)",
            [new_id, f"{destination.kind}|{destination.url}", destination.secret],
        )
    return new_id


def remove_schedule(store: Store, schedule_id: int) -> bool:
    """Stop a schedule (kept, marked removed, with its history); its secrets are erased."""
    with store.writer() as cur:
        found = cur.execute(
            "SELECT stores FROM report_schedules WHERE schedule_id = ? AND removed_at IS NULL",
            [schedule_id],
        ).fetchall()
        if not found:
            return False
        if found[0][0]:
            check_granted(cur, found[0][0])
        else:
            check_company_wide(cur)
        cur.execute(
            "UPDATE report_schedules SET removed_at = ? WHERE schedule_id = ?",
            [_utc_now(), schedule_id],
        )
        cur.execute("DELETE FROM report_destinations WHERE schedule_id = ?", [schedule_id])
    return True


def schedules(cur: Cursor) -> list[Schedule]:
    """The schedules in force (a store-limited cursor sees those of its stores)."""
    rows = cur.execute(
        """SELECT schedule_id, name, cadence, weekday, at_time, time_zone, stores, lang, people,
                  alerts, destination, created_at
           FROM report_schedules WHERE removed_at IS NULL ORDER BY schedule_id"""
    ).fetchall()
    return [
        Schedule(
            name=r[1],
            cadence=r[2],
            weekday=r[3] or 0,
            at_time=r[4],
            time_zone=r[5],
            stores=tuple(r[6] or ()),
            lang=r[7],
            people=r[8],
            alerts=Alerts.from_json(r[9]),
            schedule_id=r[0],
            label=r[10],
            created_at=r[11],
        )
        for r in rows
    ]


def _destination(cur: Cursor, schedule_id: int) -> Destination | None:
    row = cur.execute(
        "SELECT url, secret FROM report_destinations WHERE schedule_id = ?", [schedule_id]
    ).fetchall()
    if not row or not row[0][0]:
        return None  # restored from a backup, which holds no secrets: set it again
    kind, _, url = row[0][0].partition("|")
    return Destination(kind, url, row[0][1] or "")


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _trigger(schedule: Schedule):
    """APScheduler's cron trigger of the schedule, in its time zone."""
    from apscheduler.triggers.cron import CronTrigger

    hour, minute = (int(p) for p in schedule.at_time.split(":"))
    return CronTrigger(
        day_of_week=schedule.weekday if schedule.cadence == "weekly" else "*",
        hour=hour,
        minute=minute,
        timezone=ZoneInfo(schedule.time_zone),
    )


def latest_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime | None:
    """The last time ≤ `now` (UTC, naive) the schedule was due, as naive UTC; None before
    its first."""
    trigger = _trigger(schedule)
    aware_now = now.replace(tzinfo=dt.UTC)
    fire = trigger.get_next_fire_time(None, aware_now - dt.timedelta(days=8))
    last = None
    while fire is not None and fire <= aware_now:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
    return None if last is None else last.astimezone(dt.UTC).replace(tzinfo=None)


def next_slot(schedule: Schedule, now: dt.datetime) -> dt.datetime:
    """The next time the schedule is due after `now`, in its own time zone (for the page)."""
    zone = ZoneInfo(schedule.time_zone)
    fire = _trigger(schedule).get_next_fire_time(
        None, now.replace(tzinfo=dt.UTC) + dt.timedelta(seconds=1)
    )
    assert fire is not None  # a cron of a weekday or every day always fires again
    return fire.astimezone(zone).replace(tzinfo=None)


def claim(store: Store, schedule_id: int, slot: dt.datetime, what: str) -> bool:
    """Take the send of (schedule, slot, what) for this process: True for the first to ask,
    False for every later one, in this process or another (the writer serialises them)."""
    with store.writer() as cur:
        taken = cur.execute(
            "SELECT count(*) FROM report_sends WHERE schedule_id = ? AND slot = ? AND what = ?",
            [schedule_id, slot, what],
        ).fetchall()[0][0]
        if taken:
            return False
        cur.execute(
            """INSERT INTO report_sends (schedule_id, slot, what, claimed_by, claimed_at)
               VALUES (?, ?, ?, ?, ?)""",
            [schedule_id, slot, what, f"{socket.gethostname()}:{os.getpid()}", _utc_now()],
        )
    return True


def _record(store: Store, schedule_id: int, slot: dt.datetime, what: str, attempts: int,
            error: str | None) -> None:  # fmt: skip
    with store.writer() as cur:
        cur.execute(
            """UPDATE report_sends SET sent_at = ?, attempts = ?, error = ?
               WHERE schedule_id = ? AND slot = ? AND what = ?""",
            [None if error else _utc_now(), attempts, error, schedule_id, slot, what],
        )


def send_status(cur: Cursor) -> pd.DataFrame:
    """Per schedule in force: its latest report send (the slot, when it went out or why it
    failed), the last time one went out, and its last alert; shown beside each schedule."""
    return cur.execute(
        """WITH latest AS (
               SELECT * FROM report_sends WHERE what = 'report'
               QUALIFY row_number() OVER (PARTITION BY schedule_id ORDER BY slot DESC) = 1)
           SELECT s.schedule_id, l.slot AS last_slot, l.sent_at, l.error,
                  (SELECT max(sent_at) FROM report_sends r
                   WHERE r.schedule_id = s.schedule_id AND r.what = 'report') AS last_sent,
                  (SELECT max(sent_at) FROM report_sends r
                   WHERE r.schedule_id = s.schedule_id AND r.what = 'alert') AS alert_sent_at
           FROM report_schedules s LEFT JOIN latest l USING (schedule_id)
           WHERE s.removed_at IS NULL ORDER BY s.schedule_id"""
    ).df()


# --- what a send holds ---------------------------------------------------------------------


def report_range(schedule: Schedule, slot: dt.datetime) -> tuple[dt.date, dt.date]:
    """The days a send at `slot` reports: the last full week (Monday to Sunday) before the
    slot's day for a weekly schedule, the week to yesterday for a daily one."""
    local = slot.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(schedule.time_zone)).date()
    if schedule.cadence == "daily":
        yesterday = local - dt.timedelta(days=1)
        return week_start(yesterday), yesterday
    monday = week_start(local) - dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=6)


def digest_lines(cur: Cursor, filters: Filters, lang: str, currency: str) -> list[str]:
    """The key numbers as the message's lines: value, change against the span before, and
    target completion (the report's first table, in words)."""
    out = []
    for line in kpi_summary(cur, filters):
        m = METRICS[line.metric]
        text = f"**{m.label(lang)}** {format_value(line.now, m.unit, lang, currency)}"
        change = format_change(line.now, line.before, m.unit)
        extra = [t("rep.vs_before", lang, change=change)] if change else []
        if line.completion is not None:
            extra.append(t("rep.completion", lang, value=format_value(line.completion, "rate")))
        elif line.met is not None:
            extra.append(t("meet.met" if line.met else "meet.missed", lang))
        out.append(text + (f" ({'; '.join(extra)})" if extra else ""))
    return out


def alert_lines(cur: Cursor, schedule: Schedule, first: dt.date, last: dt.date) -> list[str]:
    """The schedule's alerts that hold for the range: inquiry cost up more than its line
    against the week before, stores whose month-to-date sales are behind their target's
    pace (below the month's target spread over the days gone)."""
    lang, out = schedule.lang, []
    scope = Filters(schedule.stores, (), first, last)
    if schedule.alerts.inquiry_cost_up is not None:
        now = totals(cur, scope)["inquiry_cost"]
        before = totals(
            cur, Filters(schedule.stores, (), first - dt.timedelta(7), last - dt.timedelta(7))
        )["inquiry_cost"]
        if pd.notna(now) and pd.notna(before) and before > 0:
            rise = now / before - 1
            if rise > schedule.alerts.inquiry_cost_up:
                out.append(
                    t("alert.inquiry_cost", lang, rise=format_value(rise, "rate"),
                      limit=format_value(schedule.alerts.inquiry_cost_up, "rate"))
                )  # fmt: skip
    if schedule.alerts.below_pace:
        month = last.replace(day=1)
        days = pd.Timestamp(last).days_in_month
        pace = ((last - month).days + 1) / days
        table = kpi_table(cur, "total", "store", Filters(schedule.stores, (), month, last))
        for row in table.to_dict("records"):
            # sales_target is the month's target spread over the days gone: behind it is
            # behind the pace; the message states the share of the whole month's target.
            sales, target = row["sales"], row["sales_target"]
            if pd.notna(sales) and pd.notna(target) and target > 0 and sales < target:
                done = sales / target * pace
                out.append(
                    t("alert.below_pace", lang, store=row["store"],
                      done=format_value(done, "rate"), pace=format_value(pace, "rate"))
                )  # fmt: skip
    return out


# --- one send --------------------------------------------------------------------------


Renderer = Callable[[Cursor, Schedule, dt.date, dt.date], tuple[str, bytes | None, bytes | None]]


def render_report(
    cur: Cursor, schedule: Schedule, first: dt.date, last: dt.date
) -> tuple[str, bytes | None, bytes | None]:
    """(title, PNG, PDF) of the schedule's report for the range, drawn by Chromium."""
    from ecdata.report import build_report, render

    report = build_report(
        cur, first, schedule.stores, schedule.lang, last_day=last, people=schedule.people
    )
    with tempfile.TemporaryDirectory() as folder:
        png, pdf = Path(folder) / "r.png", Path(folder) / "r.pdf"
        render(report, {"png": png, "pdf": pdf})
        return report.title, png.read_bytes(), pdf.read_bytes()


def send_once(
    cur: Cursor,
    schedule: Schedule,
    destination: Destination,
    first: dt.date,
    last: dt.date,
    renderer: Renderer = render_report,
    **deliver_options,
) -> int:
    """Build the schedule's report for the range and deliver it; returns the attempts it
    took (DeliveryError, or the report's own refusal, when it could not be sent)."""
    filters = Filters(schedule.stores, (), first, last)
    currency = money_currency(cur, filters)[0]
    title, png, pdf = renderer(cur, schedule, first, last)
    digest = Digest(
        title,
        tuple(digest_lines(cur, filters, schedule.lang, currency)),
        png,
        pdf,
        png_url=publish_png(png),
    )
    return deliver(destination, digest, **deliver_options)


def publish_png(png: bytes | None) -> str:
    """The PNG's public address when the server has one (ECDATA_PUBLIC_URL: 钉钉, 飞书 and
    Slack robots take images only by link), under a name nobody can guess; '' otherwise."""
    base = os.environ.get("ECDATA_PUBLIC_URL", "").rstrip("/")
    if not base or png is None:
        return ""
    name = f"{secrets.token_urlsafe(24)}.png"
    folder = published_folder()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(png)
    return f"{base}/_ecdata/reports/{name}"


def published_folder() -> Path:
    return Path(os.environ.get("ECDATA_REPORTS_DIR", "data/reports"))


def run_due(
    store: Store,
    now: dt.datetime | None = None,
    renderer: Renderer = render_report,
    **deliver_options,
) -> list[tuple[int, str, str | None]]:
    """Send every schedule whose latest slot has come (within GRACE, not before it was
    made) and that no process has claimed yet; then its alerts. Returns (schedule id,
    what, error or None) for each send this call made."""
    now = now or _utc_now()
    done: list[tuple[int, str, str | None]] = []
    for schedule in schedules(store.reader()):
        slot = latest_slot(schedule, now)
        if slot is None or now - slot > GRACE:
            continue
        if schedule.created_at is not None and slot < schedule.created_at:
            continue
        destination = _destination(store.reader(), schedule.schedule_id)
        first, last = report_range(schedule, slot)
        for what in ("report", "alert"):
            if what == "alert":
                lines = alert_lines(store.reader(), schedule, first, last)
                if not lines:
                    continue
            if not claim(store, schedule.schedule_id, slot, what):
                continue
            error, attempts = None, 0
            try:
                if destination is None:
                    raise Refusal("err.schedule_no_destination")
                if what == "report":
                    attempts = send_once(
                        store.reader(), schedule, destination, first, last, renderer,
                        **deliver_options,
                    )  # fmt: skip
                else:
                    title = t("alert.title", schedule.lang, name=schedule.name)
                    attempts = deliver(destination, Digest(title, tuple(lines)), **deliver_options)
            except Refusal as refused:  # DeliveryError included; never a URL in it
                error = refused.message.text(schedule.lang)
            _record(store, schedule.schedule_id, slot, what, attempts, error)
            done.append((schedule.schedule_id, what, error))
    return done


# --- the server's scheduler ------------------------------------------------------------------

_STARTED: dict[str, object] = {}
_STARTED_LOCK = threading.Lock()


def start_scheduler(store: Store, every_seconds: int = 60):
    """Start, once per process and database, APScheduler's background scheduler checking the
    schedules every minute (run_due); a second call returns the one already running."""
    from apscheduler.schedulers.background import BackgroundScheduler

    key = str(store.path)
    with _STARTED_LOCK:
        if key in _STARTED:
            return _STARTED[key]
        scheduler = BackgroundScheduler(timezone=dt.UTC)
        scheduler.add_job(
            run_due,
            "interval",
            seconds=every_seconds,
            args=[store],
            id="ecdata-reports",
            max_instances=1,  # a slow send never overlaps the next check
            coalesce=True,
        )
        scheduler.start()
        _STARTED[key] = scheduler
        return scheduler
