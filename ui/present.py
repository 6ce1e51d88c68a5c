"""Presentation mode (`present=1`): the weekly meeting's agenda on a shared screen, one
screen at a time, stepped with buttons, the arrow keys or a clicker's page keys. Large type,
no sidebar or toolbars, no pay and no settings editors; people named as the settings say."""

from __future__ import annotations

import datetime as dt
import html
import math
import tempfile
from html import escape
from pathlib import Path

import streamlit as st

from ecdata.i18n import channel_name
from ecdata.meeting.actions import action_items, add_action, mark_done
from ecdata.meeting.agenda import (
    AGENDA_KEY,
    PEOPLE_KEY,
    PEOPLE_SHOWN,
    agenda,
    agent_movers,
    inquiry_lines,
    ledger_lags,
    people_shown,
    save_agenda,
    save_people_shown,
    shown_names,
    target_formulas,
    target_lines,
    team_ranking,
    trend_weeks,
    week_label,
)
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.periods import week_start
from ecdata.metrics.products import product_movers
from ecdata.metrics.review import CARD_METRICS, movers, source_notes
from ecdata.report import FORMATS, ReportError, build_report, render
from ecdata.team.diagnosis import warning_texts
from ecdata.team.files import roster_frame
from ecdata.team.plans import plan_tasks
from ui import auth, charts, notes
from ui.equation import show_equation
from ui.state import (
    View,
    fmt,
    fmt_change,
    fmt_figure,
    get_store,
    lang,
    metric_label,
    on_demand,
    query,
    reader,
    say,
    tell,
    told,
    tr,
)

# Sizes for 1920x1080 read from the back of the room: values 72 px, labels and changes
# 36 px, body text 28 px (charts: charts.type_scale).
_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stExpandSidebarButton"] {display: none !important;}
[data-testid="stMainBlockContainer"] {max-width: 100% !important; padding: 1.5rem 3rem !important;}
.ec-card {border: 2px solid #dee2e6; border-radius: 14px; padding: 18px 28px; margin-bottom: 12px;}
.ec-label {font-size: 36px; color: #343a40; line-height: 1.3;}
.ec-value {font-size: 72px; font-weight: 700; line-height: 1.15;}
.ec-line {font-size: 36px; line-height: 1.35; color: #495057;}
.ec-good {color: #2b8a3e;} .ec-bad {color: #c92a2a;} .ec-partial {color: #e67700;}
.ec-title {font-size: 48px; font-weight: 700; line-height: 1.2;}
.ec-step {font-size: 28px; color: #6c757d;}
.ec-item {font-size: 34px; line-height: 1.4;}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p {font-size: 28px;}
[data-testid="stMain"] [data-testid="stAlert"] p {font-size: 30px;}
[data-testid="stMain"] h3 {font-size: 36px;}
[data-testid="stMain"] [data-testid="stCaptionContainer"],
[data-testid="stMain"] [data-testid="stCaptionContainer"] p {font-size: 24px;}
/* Nothing on the shared screen under 24 px, whatever Streamlit's own default. */
[data-testid="stMain"] :is(p, li, span, div, label, button):not([class*="ec-"]) {
  font-size: max(24px, 1em);}
.st-key-present_prev button, .st-key-present_next button, .st-key-present_exit button {
  min-height: 72px; padding: 0 24px; width: 100%;}
.st-key-present_prev button p, .st-key-present_next button p,
.st-key-present_exit button p {font-size: 32px !important;}
</style>"""

# Arrow keys, Page Up/Down (what a presentation clicker sends), space and Escape press the
# step buttons; typing in a field is left alone. Installed once per browser tab.
_KEYS = """<script>
(function () {
  if (window.__ecdataPresentKeys) return;
  window.__ecdataPresentKeys = true;
  const keys = {ArrowRight: "next", PageDown: "next", " ": "next",
                ArrowLeft: "prev", PageUp: "prev", Escape: "exit"};
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    const which = keys[event.key];
    if (!which) return;
    const button = document.querySelector(".st-key-present_" + which + " button");
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });
})();
</script>"""


def _go(step: int) -> None:
    st.query_params["step"] = str(step)


def _exit() -> None:
    st.query_params.pop("present", None)
    st.query_params.pop("step", None)


def start_button() -> None:
    """The sidebar's way into presentation mode (the same as `present=1` in the URL)."""
    if st.button(tr("meet.present"), key="present_start", width="stretch"):
        st.query_params["present"] = "1"
        st.query_params["step"] = "1"
        st.rerun()


def show(view: View) -> None:
    """The meeting's agenda, the screen `step` (1-based, from the URL)."""
    st.html(_CSS)
    st.html(_KEYS, unsafe_allow_javascript=True)
    if view.latest is None:
        st.info(tr("empty.no_data"))
        st.button(tr("meet.exit"), key="present_exit", on_click=_exit)
        return
    screens = query(agenda)
    try:
        step = min(max(int(st.query_params.get("step", "1")), 1), len(screens))
    except ValueError:
        step = 1
    name = screens[step - 1]
    f = view.filters
    # The navigation first, beside the title: a screen taller than 1080 px never hides it.
    title_col, prev_col, next_col, exit_col = st.columns(
        [4, 1.5, 1.5, 1.3], vertical_alignment="center"
    )
    title_col.html(
        f"<div class='ec-title'>{tr(f'meet.{name}')}</div>"
        f"<div class='ec-step'>{tr('meet.title')} · {week_label(f.date_to)} · "
        f"{f.date_from} ~ {f.date_to} · {step}/{len(screens)}</div>"
    )
    prev_col.button(
        tr("meet.prev"), key="present_prev", disabled=step == 1, on_click=_go, args=(step - 1,)
    )
    next_col.button(
        tr("meet.next"),
        key="present_next",
        disabled=step == len(screens),
        on_click=_go,
        args=(step + 1,),
    )
    exit_col.button(tr("meet.exit"), key="present_exit", on_click=_exit)
    # Money left out of totals for a missing exchange rate: said on every screen, as the
    # review page says it, so an empty figure is never taken for no sales.
    missing = _rates_missing(view)
    if missing:
        said = tr("meet.rate_missing", missing=missing)
        st.html(f"<div class='ec-line ec-partial'>{escape(said)}</div>")
    SCREENS[name](view)
    st.caption(tr("meet.keys"))


def _card(label: str, value: str, lines: list[tuple[str, str | None]]) -> str:
    rows = "".join(
        f"<div class='ec-line{' ec-' + tone if tone else ''}'>{text}</div>" for text, tone in lines
    )
    return (
        f"<div class='ec-card'><div class='ec-label'>{label}</div>"
        f"<div class='ec-value'>{value}</div>{rows}</div>"
    )


def _targets(view: View) -> None:
    lines = query(target_lines, view.filters)
    cards = []
    for line in lines:
        unit = METRICS[line.metric].unit
        tone = None if line.met is None else ("good" if line.met else "bad")
        verdict = "" if line.met is None else tr("meet.met" if line.met else "meet.missed")
        target_label = metric_label(line.target_metric)
        if line.covered and line.completion is not None:
            target_label = tr("meet.covered_target", target=target_label)
        said = [(f"{target_label}: {fmt(line.target, unit)}", None)]
        if line.by_currency:  # no one total without every month's rate: nor a verdict
            said = [(tr("meet.per_currency"), "partial")]
        elif line.met is None:
            said = [(tr("meet.no_target"), None)]
        elif line.completion is not None:
            completion = fmt(line.completion, "rate")
            said.append((f"{tr('meet.completion')}: {completion} · {verdict}", tone))
        else:
            said.append((verdict, tone))
        if line.covered:
            covered, total = line.covered
            said.append((tr("card.coverage", covered=covered, total=total), "partial"))
        shown = fmt_figure(line.value, unit, line.by_currency)
        cards.append(_card(metric_label(line.metric), shown, said))
    for column, card in zip(st.columns(len(cards)), cards):
        column.html(card)
    # In plain words on the screen; each formula behind the help icon.
    st.caption(tr("meet.targets_plain"), help=" · ".join(target_formulas(lang())))
    _trend(view, charts.sales_against_target)


def _rates_missing(view: View) -> str | None:
    """The months and currencies without an exchange rate in the meeting's range."""
    notes_ = [n for n in query(source_notes, view.filters) if n.key == "warn.rate_missing"]
    return str(notes_[0].params["missing"]) if notes_ else None


def _trend(view: View, figure) -> None:
    """A 13-week chart of the meeting, with the timeline notes of its weeks."""
    weeks = query(trend_weeks, view.filters)
    # 360 px: the screen's cards, notes and navigation stay within 1080 px beside it (and
    # the line naming a missing exchange rate, when there is one).
    drawn = figure(weeks).update_layout(height=300 if _rates_missing(view) else 360)
    st.plotly_chart(
        notes.mark(drawn, view, weeks.period.min() if len(weeks) else None),
        config={"displayModeBar": False, "staticPlot": True},
    )


def _equation(view: View) -> None:
    show_equation(view.filters, view.comparison, per_store=False)


def _inquiry_cost(view: View) -> None:
    lines = query(inquiry_lines, view.filters, lang(), view.currency)
    st.html(f"<div class='ec-line'>{html.escape(' · '.join(lines))}</div>")
    _trend(view, charts.inquiry_cost_against_target)
    st.caption(METRICS["inquiry_cost"].formula(lang()))


def _movers_chart(frame, labels, title, texts=None, value="change_pct"):
    if frame.empty:
        st.html(f"<div class='ec-line'>{title}: {tr('meet.no_moves')}</div>")
        return
    st.plotly_chart(
        charts.movers(frame, frame.columns[0], labels, title, value, texts),
        config={"displayModeBar": False, "staticPlot": True},
    )


def _lagging(view: View) -> None:
    how = query(people_shown)
    metric = "sales"
    left, right = st.columns(2)
    with left:
        by_store = query(movers, view.filters, view.comparison, "store", metric)
        _movers_chart(by_store, list(by_store.get("store", [])), tr("meet.lag_stores"))
        products = query(product_movers, view.filters, view.comparison)
        _movers_chart(
            products,
            [str(p.product_name or p.product_id) for p in products.itertuples()],
            tr("meet.lag_products"),
            [fmt_change(v, "currency") for v in products.get("change", [])],
            "change",
        )
    with right:
        by_channel = query(movers, view.filters, view.comparison, "channel", metric)
        channels = [channel_name(c, lang()) for c in by_channel.get("channel", [])]
        _movers_chart(by_channel, channels, tr("meet.lag_channels"))
        agents = query(agent_movers, view.filters, view.comparison)
        _movers_chart(
            agents,
            shown_names(agents.get("member", []), how),
            tr("meet.lag_agents"),
            [fmt_change(v, "count") for v in agents.get("change", [])],
            "change",
        )
    # From the inquiry ledger: whose inquiry quality or replies in time fell this week.
    for line in query(ledger_lags, view.filters, lang(), how):
        st.html(f"<div class='ec-line'>{html.escape(line)}</div>")


def _team(view: View) -> None:
    month, diagnosis, ranking = query(team_ranking, view.latest, view.filters.stores)
    stage = tr(f"stage.{diagnosis.stage}")
    st.html(f"<div class='ec-item'>{tr('dg.stage', stage=stage)}</div>")
    for warning in warning_texts(diagnosis, lang()):
        st.warning(warning)
    if ranking.empty:
        st.info(tr("meet.no_scores"))
        return
    names = shown_names(ranking.name, query(people_shown))
    scores = list(ranking.score)
    st.html(
        f"<div class='ec-line'>{tr('meet.team_scores', month=f'{month:%Y-%m}', stage=stage)}</div>"
    )
    # Side by side, at most a dozen a column: a large team still fits one screen.
    per_column = math.ceil(len(names) / math.ceil(len(names) / 12))
    chunks = range(0, len(names), per_column)
    for column, first in zip(st.columns(len(chunks)), chunks):
        with column:
            st.plotly_chart(
                charts.ranking(
                    names[first : first + per_column], scores[first : first + per_column]
                ),
                config={"displayModeBar": False, "staticPlot": True},
            )


def _plan(view: View) -> None:
    """The month's work plan as a Gantt: each person's tasks, today's line, the overdue in
    red; people named as the meeting names them, no pay."""
    month = view.filters.date_to.replace(day=1)
    tasks = auth.granted_people(query(roster_frame), query(plan_tasks, month))
    if tasks.empty:
        st.info(tr("plan.none", month=f"{month:%Y-%m}"))
        return
    tasks = tasks.assign(name=shown_names(tasks["name"].fillna("?"), query(people_shown)))
    st.plotly_chart(
        charts.gantt(tasks, dt.date.today(), height=640),
        config={"displayModeBar": False, "staticPlot": True},
    )


def _actions(view: View) -> None:
    show_actions(view, presenting=True)


def show_actions(view: View, presenting: bool = False) -> None:
    """The meeting's action items: open ones (carried from earlier weeks until done), those
    done this week, a Done button each, and a form to add one."""
    week = week_start(view.filters.date_to)
    items = query(action_items, week)
    how = query(people_shown) if presenting else "name"
    if items.empty:
        st.info(tr("act.none"))
    for item in items.itertuples():
        text, done = _item_text(item, how), item.done_week is not None
        left, right = st.columns([6, 1])
        left.html(f"<div class='ec-item'>{'✅' if done else '⬜'} {text}</div>")
        if not done and auth.allowed("settings"):
            right.button(
                tr("act.done"),
                key=f"act_done_{item.item_id}",
                on_click=_mark_done,
                args=(item.item_id, week),
            )
    if auth.allowed("settings"):
        _add_form(view, week, how)


def _item_text(item, how: str) -> str:
    parts = [f"<b>{escape(item.what)}</b>"]
    if item.owner:
        parts.append(escape(shown_names([item.owner], how)[0]))
    if item.due_week:
        due = tr("act.due_in", week=week_label(item.due_week))
        parts.append(f"<span class='ec-bad'>{due}</span>" if item.overdue else due)
    if item.carried and item.done_week is None:
        parts.append(tr("act.carried", week=week_label(item.week)))
    if item.done_week is not None:
        parts.append(tr("act.done_in", week=week_label(item.done_week)))
    if item.metric:
        unit = METRICS[item.metric].unit
        values = [tr("act.then", value=fmt(item.value_then, unit))]
        if item.done_week is not None:
            values.append(tr("act.at_done", value=fmt(item.value_done, unit)))
        values.append(tr("act.now", value=fmt(item.value_now, unit)))
        parts.append(f"{metric_label(item.metric)}: " + " → ".join(values))
    return " · ".join(parts)


def _mark_done(item_id: int, week: dt.date) -> None:
    if auth.refuse_unless("settings"):
        with auth.acting():
            mark_done(get_store(), item_id, week)


def _add(view: View, week: dt.date, owners: dict, metrics: dict) -> None:
    if not auth.refuse_unless("settings"):
        return
    what = (st.session_state.get("act_what") or "").strip()
    if not what:
        tell("_act_said", "error", tr("act.empty"))
        return
    with auth.acting():
        add_action(
            get_store(),
            week,
            what,
            owners.get(st.session_state.get(f"act_owner_{lang()}")),
            st.session_state.get("act_due"),
            metrics.get(st.session_state.get(f"act_metric_{lang()}")),
            view.filters.stores,
        )
    st.session_state["act_what"] = ""
    tell("_act_said", "success", tr("act.added"))


def _add_form(view: View, week: dt.date, how: str) -> None:
    with on_demand(tr("act.add"), "act_open") as is_open:
        if is_open:
            names = [str(n) for n in query(roster_frame).get("name", [])]
            # Options are their labels, keyed per language: no format_func kept across a
            # language switch (ui.url's note). Owners are picked as the screen shows them.
            owners = dict(zip(shown_names(names, how), names))
            metrics = {metric_label(m): m for m in CARD_METRICS}
            st.text_input(tr("act.what"), key="act_what", max_chars=200)
            a, b, c = st.columns(3)
            a.selectbox(tr("act.owner"), [tr("act.nobody"), *owners], key=f"act_owner_{lang()}")
            b.date_input(tr("act.due"), week + dt.timedelta(days=7), key="act_due")
            c.selectbox(
                tr("act.metric"), [tr("act.no_metric"), *metrics], key=f"act_metric_{lang()}"
            )
            st.button(
                tr("act.add"), key="act_add", on_click=_add, args=(view, week, owners, metrics)
            )
    told("_act_said")


def _save_settings(labels: dict, people: dict) -> None:
    if not auth.refuse_unless("settings"):
        return
    chosen = [labels[x] for x in st.session_state.get(f"meet_agenda_{lang()}", [])]
    if not chosen:
        tell("_meet_said", "error", tr("meet.empty_agenda"))
        return
    store = get_store()
    with auth.acting():
        save_agenda(store, chosen)
        save_people_shown(store, people[st.session_state.get(f"meet_people_{lang()}")])
    tell("_meet_said", "success", tr("meet.saved"))


def show_settings() -> None:
    """The meeting's settings (kept in DuckDB, undoable): the agenda's screens in the order
    chosen, and how people are named on the shared screen. Never shown while presenting."""
    labels = {tr(f"meet.{name}"): name for name in SCREENS}
    people = {tr(f"people.{how}"): how for how in PEOPLE_SHOWN}
    if not auth.allowed("settings"):
        return
    with on_demand(tr("meet.settings"), "meet_open") as is_open:
        if not is_open:
            return
        current, how = query(agenda), query(people_shown)
        st.multiselect(
            tr("meet.agenda"),
            list(labels),
            default=[tr(f"meet.{name}") for name in current],
            key=f"meet_agenda_{lang()}",
        )
        st.radio(
            tr("meet.people"),
            list(people),
            index=PEOPLE_SHOWN.index(how),
            key=f"meet_people_{lang()}",
            horizontal=True,
        )
        save_col, undo_col = st.columns(2)
        save_col.button(
            tr("meet.save"), key="meet_save", on_click=_save_settings, args=(labels, people)
        )
        undo_col.button(
            tr("meet.undo"),
            key="meet_undo",
            on_click=auth.undo_settings,
            args=(
                "_meet_said",
                (AGENDA_KEY, PEOPLE_KEY),
                (f"meet_agenda_{lang()}", f"meet_people_{lang()}"),
                "meet.undone",
            ),
        )
        told("_meet_said")


def show_report_button(view: View) -> None:
    """One click: the week's report as an A4 PDF and a long PNG, to download and send."""
    if st.button(tr("rep.make"), key="rep_make"):
        with st.spinner(tr("rep.make")), tempfile.TemporaryDirectory() as folder:
            week = week_start(view.filters.date_to)
            try:
                report = build_report(reader(), week, view.filters.stores, lang())
                outputs = {f: Path(folder) / f"report.{f}" for f in FORMATS}
                render(report, outputs)
            except ReportError as refused:
                st.error(say(refused.message))
                return
            st.session_state["_report"] = {f: p.read_bytes() for f, p in outputs.items()}
            st.session_state["_report_week"] = week_label(week)
    made = st.session_state.get("_report")
    if made:
        name = f"ecdata-{st.session_state['_report_week']}"
        pdf_col, png_col = st.columns(2)
        pdf_col.download_button(
            tr("rep.download_pdf"), made["pdf"], f"{name}.pdf", "application/pdf", key="rep_pdf"
        )
        png_col.download_button(
            tr("rep.download_png"), made["png"], f"{name}.png", "image/png", key="rep_png"
        )


SCREENS = {
    "targets": _targets,
    "equation": _equation,
    "inquiry_cost": _inquiry_cost,
    "lagging": _lagging,
    "team": _team,
    "plan": _plan,
    "actions": _actions,
}
