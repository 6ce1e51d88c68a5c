"""Scheduled reports on the weekly review: what is sent where and when, what came of the
last send ("sent 11-23 09:00" or "failed because …"), and a form to add one. Destinations
are typed into password boxes: a webhook's URL is its key, never shown on a shared screen."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from ecdata.delivery import Destination
from ecdata.i18n import Refusal
from ecdata.meeting.agenda import PEOPLE_SHOWN
from ecdata.schedules import (
    CADENCES,
    DEFAULT_ZONE,
    Alerts,
    Schedule,
    add_schedule,
    next_slot,
    remove_schedule,
    schedules,
    send_status,
)
from ecdata.store.database import StoreNotGranted
from ui import auth
from ui.state import get_store, labeller, on_demand, reader, say, tell, told, tr

ZONES = (DEFAULT_ZONE, "Asia/Hong_Kong", "Asia/Singapore", "Europe/London", "America/New_York")


def show(known_stores: list[str]) -> None:
    """The schedules this account may see, their last sends, and the form to add one."""
    if not auth.allowed("team"):
        return
    cur = reader()
    found = schedules(cur)
    status = send_status(cur).set_index("schedule_id") if found else pd.DataFrame()
    failed = [s for s in found if _error(status, s.schedule_id)]
    title = tr("sch.title", count=len(found))
    if failed:
        title += f" · ⚠️ {tr('sch.failing', count=len(failed))}"
    with on_demand(title, "sch_open") as is_open:
        if is_open:
            told("_sch_said")
            for schedule in found:
                _row(schedule, status)
            _form(known_stores)


def _error(status: pd.DataFrame, schedule_id: int) -> str | None:
    if status.empty or schedule_id not in status.index:
        return None
    error = status.at[schedule_id, "error"]
    return None if pd.isna(error) else str(error)


def _when(schedule: Schedule) -> str:
    day = tr(f"schday.{schedule.weekday}") if schedule.cadence == "weekly" else tr("sch.daily")
    return f"{day} {schedule.at_time} ({schedule.time_zone})"


def _row(schedule: Schedule, status: pd.DataFrame) -> None:
    scope = "、".join(schedule.stores) if schedule.stores else tr("filter.all")
    left, right = st.columns([5, 1])
    left.markdown(
        f"**{schedule.name}** · {_when(schedule)} · {scope} · {schedule.label} · "
        f"{tr(f'people.{schedule.people}')}"
    )
    last = status.at[schedule.schedule_id, "last_sent"] if not status.empty else None
    said = [tr("sch.next", when=f"{next_slot(schedule, _now()):%Y-%m-%d %H:%M}")]
    if last is not None and not pd.isna(last):
        said.insert(0, tr("sch.last_sent", when=f"{_local(last, schedule):%Y-%m-%d %H:%M}"))
    left.caption(" · ".join(said))
    if error := _error(status, schedule.schedule_id):
        left.error(tr("sch.failed", why=error))
    right.button(
        tr("sch.remove"),
        key=f"sch_remove_{schedule.schedule_id}",
        on_click=_remove,
        args=(schedule.schedule_id,),
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _local(utc, schedule: Schedule) -> dt.datetime:
    from zoneinfo import ZoneInfo

    moment = pd.Timestamp(utc).to_pydatetime().replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(schedule.time_zone))


def _remove(schedule_id: int) -> None:
    try:
        with auth.acting():
            remove_schedule(get_store(), schedule_id)
    except Refusal as refused:
        tell("_sch_said", "error", say(refused.message))
        return
    tell("_sch_said", "success", tr("sch.removed"))


def _form(known_stores: list[str]) -> None:
    st.markdown(f"**{tr('sch.add')}**")
    a, b, c = st.columns(3)
    name = a.text_input(tr("sch.name"), key="sch_name", placeholder=tr("sch.name_hint"))
    cadence = b.selectbox(tr("sch.cadence"), CADENCES, format_func=labeller("schcadence"))
    weekday = c.selectbox(
        tr("sch.weekday"),
        range(7),
        format_func=labeller("schday"),
        disabled=cadence != "weekly",
    )
    d, e, f = st.columns(3)
    at = d.time_input(tr("sch.time"), dt.time(9, 0), key="sch_time")
    zone = e.selectbox(tr("sch.zone"), ZONES, key="sch_zone")
    stores = f.multiselect(
        tr("sch.stores"), known_stores, key="sch_stores", placeholder=tr("filter.all")
    )
    g, h = st.columns(2)
    language = g.radio(
        tr("sch.lang"), ("zh", "en"), format_func=lambda x: "中文" if x == "zh" else "English",
        horizontal=True, key="sch_lang",
    )  # fmt: skip
    people = h.radio(
        tr("meet.people"), PEOPLE_SHOWN, format_func=labeller("people"), horizontal=True,
        index=PEOPLE_SHOWN.index("initials"), key="sch_people",
    )  # fmt: skip
    target = st.text_input(tr("sch.destination"), type="password", key="sch_target",
                           help=tr("sch.destination_help"))  # fmt: skip
    secret = st.text_input(tr("sch.secret"), type="password", key="sch_secret")
    i, j = st.columns(2)
    rise = i.number_input(
        tr("sch.alert_cost"), min_value=0, max_value=500, value=0, step=5, key="sch_alert"
    )
    pace = j.checkbox(tr("sch.alert_pace"), key="sch_pace")
    st.caption(tr("sch.no_pay"))
    if st.button(tr("sch.save"), type="primary", key="sch_save"):
        try:
            schedule = Schedule(
                name=name,
                cadence=cadence,
                weekday=int(weekday),
                at_time=f"{at:%H:%M}",
                time_zone=zone,
                stores=tuple(stores),
                lang=language,
                people=people,
                alerts=Alerts(rise / 100 if rise else None, pace),
            )
            destination = Destination.parse(target, secret.strip())
            with auth.acting():
                add_schedule(get_store(), schedule, destination)
        except (Refusal, StoreNotGranted) as refused:
            st.error(say(refused.message))
            return
        for key in ("sch_target", "sch_secret", "sch_name"):
            st.session_state.pop(key, None)
        tell("_sch_said", "success", tr("sch.saved", name=name, when=_when(schedule)))
        st.rerun()
