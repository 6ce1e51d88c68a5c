"""Team KPIs: each person's score under the team's scheme, with its parts, and the pay."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import streamlit as st

from ecdata.i18n import Refusal
from ecdata.metrics.kpis import Filters, agent_kpis
from ecdata.metrics.periods import period_end
from ecdata.team.diagnosis import full_diagnosis
from ecdata.team.files import (
    rating_months,
    ratings_for_editing,
    roster_frame,
    save_ratings_edits,
)
from ecdata.team.plans import plan_for_editing, plan_months, plan_tasks, save_plan_edits
from ecdata.team.scoring import (
    SCHEMES_KEY,
    STAGES,
    Schemes,
    check_weights,
    evaluable_months,
    evaluate_month,
    labor_cost_by_store,
    save_schemes,
    score_trend,
    stored_schemes,
    team_summary,
)
from ui import auth, charts, tables
from ui.sidebar import page_view
from ui.state import (
    fmt,
    get_store,
    labeller,
    metric_label,
    on_demand,
    query,
    say,
    tell,
    told,
    tr,
)
from ui.url import widget

view = page_view()
st.title(f"👥 {tr('page.team_kpis')}")
roster = query(roster_frame)
if view.filters.stores:
    # The store filter applies to people: its stores' people and the staff serving every
    # store (no store of their own), said on the page.
    roster = roster[roster.store.isna() | roster.store.isin(view.filters.stores)]
    st.caption(tr("tk.store_people", stores="、".join(view.filters.stores)))
# Every month with ratings, a plan, service reports or inquiries: last month's too.
months = query(evaluable_months)
if roster.empty or not months:
    # Say which of the two is missing: a roster without ratings is not "no roster".
    st.info(tr("team.no_roster") if roster.empty else tr("team.no_ratings", people=len(roster)))
    st.stop()
if not query(rating_months) and not query(plan_months):
    # Scored from service reports or inquiries alone so far: ratings are what comes next.
    st.info(tr("team.no_ratings", people=len(roster)))

_, diagnosis = query(full_diagnosis, view.latest or months[-1], None, view.filters.stores)
left, right = st.columns([1, 2])
with left:
    month = widget(
        st.selectbox,
        "month",
        months[-1],
        months,
        "index",
        label=tr("tk.month"),
        format_func=lambda m: f"{m:%Y-%m}",
    )
with right:
    stage = (
        widget(
            st.segmented_control,
            "scheme",
            diagnosis.stage,
            list(STAGES),
            label=tr("tk.scheme"),
            format_func=labeller("stage"),
        )
        or diagnosis.stage
    )
st.caption(tr("tk.scheme_suggested", stage=tr(f"stage.{diagnosis.stage}")))


def tier_editor(label: str, tiers, key: str, value_label: str, numeric_key: bool = True) -> tuple:
    """Edit a table of (threshold or part, value) pairs; returns them as a tuple (sorted by
    threshold when the first column is numeric)."""
    first = "≥" if numeric_key else tr("col.metric")
    frame = pd.DataFrame(tiers, columns=[first, value_label])
    edited = st.data_editor(
        frame,
        key=key,
        num_rows="dynamic" if numeric_key else "fixed",
        hide_index=True,
        width="stretch",
        disabled=[] if numeric_key else [first],
    )
    st.caption(label)
    rows = edited.dropna()
    pairs = [
        ((float(a) if numeric_key else a), float(b)) for a, b in zip(rows[first], rows[value_label])
    ]
    return tuple(sorted(pairs) if numeric_key else pairs)


# Widgets of the scheme editors: emptied on undo, so they show the schemes in force again.
SCHEME_WIDGETS = (
    "w_results",
    "w_supervisor",
    "w_peer",
    "w_task_share",
    "w_late_credit",
    "growth_weights",
    "bonus_tiers",
    "commission_tiers",
    "tenure_tiers",
    "collaborator_share",
)


def _save_schemes(edited: Schemes) -> None:
    if not auth.refuse_unless("settings"):
        return
    try:
        with auth.acting():
            save_schemes(get_store(), edited)
    except Refusal as refused:  # weights that do not make 100%
        tell("_schemes_said", "error", say(refused.message))
        return
    tell("_schemes_said", "success", tr("tk.schemes_saved"))


# The scheme's tiers are settings: docs/domain.md §4's structure with our default numbers, edited
# here and kept in DuckDB once saved (undoable), so a reload or a shared link keeps them.
saved_schemes = query(stored_schemes)
schemes = saved_schemes


def scheme_editor(schemes: Schemes) -> Schemes:
    """The scheme's inputs, for who may change them; returns the schemes as edited (the
    saved ones while the edit's weights do not add up to 100%). The panel keeps its open
    state across reruns (its key), so an edit never hides Save and the unsaved note."""
    with st.expander(tr("tk.settings"), key="tk_settings_open", on_change="rerun"):
        if stage == "start":
            s = schemes.start
            cols = st.columns(5)
            weights = [
                cols[i].number_input(tr(label), 0.0, 1.0, value, 0.05, key=key)
                for i, (label, value, key) in enumerate(
                    (
                        ("part.work_results", s.results_weight, "w_results"),
                        ("part.supervisor_rating", s.supervisor_weight, "w_supervisor"),
                        ("part.peer_rating", s.peer_weight, "w_peer"),
                        ("tk.task_share", s.task_share_of_results, "w_task_share"),
                    )
                )
            ]
            late_credit = cols[4].number_input(
                tr("tk.late_credit"), 0.0, 1.0, s.late_task_credit, 0.1, key="w_late_credit"
            )
            schemes = schemes.changed(
                "start",
                results_weight=weights[0],
                supervisor_weight=weights[1],
                peer_weight=weights[2],
                task_share_of_results=weights[3],
                late_task_credit=late_credit,
            )
        elif stage == "growth":
            left_col, right_col = st.columns(2)
            with left_col:
                names = [name for name, _ in schemes.growth.weights]
                shown = tuple((tr(f"part.{name}"), w) for name, w in schemes.growth.weights)
                edited = tier_editor(
                    tr("tk.weights"), shown, "growth_weights", "%", numeric_key=False
                )
                weights = tuple((name, w) for name, (_, w) in zip(names, edited))
            with right_col:
                bonus = tier_editor(
                    tr("tk.bonus_tiers"),
                    schemes.growth.bonus_tiers,
                    "bonus_tiers",
                    view.currency or "¥",  # pay is in the stores' currency
                )
            schemes = schemes.changed(
                "growth",
                bonus_tiers=bonus or schemes.growth.bonus_tiers,
                weights=weights or schemes.growth.weights,
            )
        else:
            left_col, mid_col, right_col = st.columns(3)
            with left_col:
                commission = tier_editor(
                    tr("tk.commission_tiers"),
                    schemes.mature.commission_tiers,
                    "commission_tiers",
                    "%",
                )
            with mid_col:
                tenure = tier_editor(
                    tr("tk.tenure_tiers"), schemes.mature.tenure_tiers, "tenure_tiers", "×"
                )
            with right_col:
                share = st.number_input(
                    tr("tk.collaborator_share"),
                    0.0,
                    1.0,
                    schemes.mature.collaborator_share,
                    0.05,
                    key="collaborator_share",
                )
            schemes = schemes.changed(
                "mature",
                commission_tiers=commission or schemes.mature.commission_tiers,
                tenure_tiers=tenure or schemes.mature.tenure_tiers,
                collaborator_share=share,
            )
        save_col, undo_col = st.columns(2)
        try:
            check_weights(schemes)
        except Refusal as refused:
            # Scores out of more than 100 (and pay raised) by an editing slip: not computed.
            st.error(say(refused.message))
            schemes = saved_schemes
        if auth.allowed("settings"):
            save_col.button(
                tr("tk.save_schemes"), key="save_schemes", on_click=_save_schemes, args=(schemes,)
            )
            undo_col.button(
                tr("tk.undo_schemes"),
                key="undo_schemes",
                on_click=auth.undo_settings,
                args=("_schemes_said", (SCHEMES_KEY,), SCHEME_WIDGETS, "tk.schemes_undone"),
            )
        if schemes != saved_schemes:
            st.caption(tr("tk.schemes_unsaved"))
        told("_schemes_said")
    return schemes


# A viewer reads the scheme as the formula below, not as inputs it could not save.
if auth.allowed("settings"):
    schemes = scheme_editor(schemes)


@contextmanager
def team_edit_panel(label: str, key: str, load, month) -> Iterator[pd.DataFrame | None]:
    """A panel built only while open (ui.state.on_demand) holding `load(month)`: yields the
    frame to edit for who may edit the team, else None (it is shown read-only, or nothing
    while the panel is closed)."""
    with on_demand(label, key) as is_open:
        if not is_open:
            yield None
            return
        frame = query(load, month)
        if not auth.allowed("team"):
            tables.show(frame, hide_index=True, width="stretch")  # read, not edit
            yield None
            return
        yield frame


def work_plan(month) -> None:
    """The month's work plan as a Gantt (the team, or one person), and its tasks to edit."""
    st.subheader(tr("plan.title", month=f"{month:%Y-%m}"))
    tasks = auth.granted_people(roster, query(plan_tasks, month))
    if tasks.empty:
        st.info(tr("plan.none", month=f"{month:%Y-%m}"))
    else:
        names = sorted(tasks["name"].dropna().unique())
        who = st.selectbox(
            tr("plan.person"), [None, *names], key="plan_person",
            format_func=lambda n: tr("plan.everyone") if n is None else n,
        )  # fmt: skip
        shown = tasks if who is None else tasks[tasks["name"] == who]
        st.plotly_chart(
            charts.gantt(shown, dt.date.today(), by_person=who is None),
            config={"displayModeBar": False},
        )
        undated = int((shown["done"] & shown["done_on"].isna()).sum())
        if undated:
            st.caption(tr("plan.undated_done", count=undated))
    label = tr("plan.edit", month=f"{month:%Y-%m}")
    with team_edit_panel(label, "plan_open", plan_for_editing, month) as editable:
        if editable is None:
            return
        people_ids = list(roster["person_id"])
        edited = st.data_editor(
            editable,
            key=f"plan_editor_{month}",
            hide_index=True,
            width="stretch",
            num_rows="dynamic",
            column_config={
                "task_id": None,
                "person_id": st.column_config.SelectboxColumn(
                    tr("plan.col.person"), options=people_ids,
                ),
                "task": st.column_config.TextColumn(tr("plan.col.task")),
                "goal": st.column_config.TextColumn(tr("plan.col.goal")),
                "start": st.column_config.DateColumn(tr("plan.col.start")),
                "deadline": st.column_config.DateColumn(tr("plan.col.deadline")),
                "status": st.column_config.TextColumn(tr("plan.col.status")),
                "done_on": st.column_config.DateColumn(tr("plan.col.done_on")),
                "quality": st.column_config.NumberColumn(
                    tr("plan.col.quality"), min_value=0, max_value=100
                ),
            },
        )  # fmt: skip
        if st.button(tr("org.save_edits"), key="plan_save"):
            auth.save_as_batch(lambda: save_plan_edits(get_store(), month, edited))


def tiers_text(tiers, unit):
    return ", ".join(f"≥{t:.0%}: {unit(v)}" for t, v in tiers)


if stage == "start":
    s = schemes.start
    formula = tr(
        "tk.formula.start",
        results=s.results_weight,
        supervisor=s.supervisor_weight,
        peer=s.peer_weight,
        task=s.task_share_of_results,
        quality=1 - s.task_share_of_results,
    )
elif stage == "growth":
    s = schemes.growth
    formula = tr(
        "tk.formula.growth",
        cap=s.completion_cap,
        parts=" + ".join(f"{tr('part.' + n)} × {w:.0%}" for n, w in s.weights),
        tiers=tiers_text(s.bonus_tiers, lambda v: tr("tk.per_inquiry", amount=fmt(v, "currency"))),
    )
else:
    s = schemes.mature
    formula = tr(
        "tk.formula.mature",
        basis=metric_label(s.basis),
        target=s.target_weight,
        task=s.task_weight,
        share=s.collaborator_share,
        tiers=tiers_text(s.commission_tiers, lambda v: f"{v:.0%}"),
        tenure=", ".join(f"≥{m:g}m ×{f:g}" for m, f in s.tenure_tiers),
    )
st.info(formula)

people, scores, pay = query(evaluate_month, month, stage, schemes)
scores = auth.granted_people(people, scores)  # a viewer of some stores sees their people
# The store filter: its people and the shared staff only.
scores = scores[scores.person_id.isin(roster.person_id)]
if not pay.empty:
    pay = pay[pay.person_id.isin(roster.person_id)]
if scores.empty:
    st.info(tr("tk.no_ratings", month=f"{month:%Y-%m}"))
    st.stop()

st.subheader(tr("tk.scores"))
team = team_summary(scores, pay)
team_cols = st.columns(3)
team_cols[0].metric(
    tr("tk.team_score"), fmt(team["mean_score"], "points"), help=tr("tk.team_score_help")
)
team_cols[1].metric(tr("tk.headcount_scored"), team["people"])
if auth.allowed("pay"):
    team_cols[2].metric(tr("tk.team_pay"), fmt(team["total_pay"], "currency"))
parts = [c[: -len("_points")] for c in scores.columns if c.endswith("_points")]
# The score right after the name: with every part beside it the table is wider than 1920 px.
table = pd.DataFrame(
    {
        tr("part.rank"): scores["rank"],
        tr("part.name"): scores["name"],
        tr("part.score"): [fmt(v, "points") for v in scores["score"]],
    }
)
# The start scheme's inputs are ratings in points; the other schemes' are fractions.
input_unit = "count" if stage == "start" else "rate"
for part in parts:
    table[tr(f"part.{part}")] = [fmt(v, input_unit) for v in scores[part]]
    table[f"{tr(f'part.{part}')} · {tr('tk.points')}"] = [
        fmt(v, "points") for v in scores[f"{part}_points"]
    ]
if stage == "start":
    # Where the work results came from: the month's plan, or typed in the ratings.
    inputs = people.set_index("person_id")
    for column in ("task_completion", "work_quality"):
        values = scores["person_id"].map(inputs[column])
        sources = scores["person_id"].map(inputs[f"{column}_from"])
        table[tr(f"part.{column}")] = [
            fmt(v, "count") + (f" ({tr(f'tk.from_{src}')})" if isinstance(src, str) else "")
            for v, src in zip(values, sources)
        ]
if stage == "growth" and "qualified_inquiries_from" in people:
    # Where inquiry quality came from: counted in the inquiry ledger, or typed in the ratings.
    sources = scores["person_id"].map(people.set_index("person_id")["qualified_inquiries_from"])
    column = tr("part.inquiry_quality")
    table[column] = [
        v + (f" ({tr(f'tk.from_{src}')})" if isinstance(src, str) else "")
        for v, src in zip(table[column], sources)
    ]
tables.show(table.sort_values(tr("part.rank")), hide_index=True, width="stretch")
if stage == "start":
    st.caption(tr("tk.plan_rule", credit=schemes.start.late_task_credit))
    work_plan(month)

rank_col, trend_col = st.columns(2)
with rank_col:
    ranked = scores.sort_values("score", ascending=False)
    st.plotly_chart(
        charts.ranking(list(ranked.name), list(ranked.score), tr("tk.ranking")),
        config={"displayModeBar": False},
    )
with trend_col:
    trend = query(score_trend, stage, schemes)
    top = list(ranked.name[:6])
    shown = trend[trend.name.isin(top)].rename(columns={"month": "period"})
    st.plotly_chart(
        charts.lines(shown, "period", "score", "name", tr("part.score"), title=tr("tk.trend")),
        config={"displayModeBar": False},
    )


def ratings_editor(month) -> None:
    """The month's ratings and targets as typed in: edited by who may, read by others."""
    label = tr("tk.edit_ratings", month=f"{month:%Y-%m}")
    with team_edit_panel(label, "ratings_open", ratings_for_editing, month) as ratings:
        if ratings is None:
            return
        edited = st.data_editor(
            ratings,
            key="ratings_editor",
            hide_index=True,
            width="stretch",
            disabled=["person_id", "name"],
            column_config=tables.team_columns(ratings.columns),
        )
        if st.button(tr("org.save_edits"), key="ratings_save"):
            ratings_edited = edited.drop(columns=["name"])
            auth.save_as_batch(lambda: save_ratings_edits(get_store(), month, ratings_edited))


ratings_editor(month)

st.subheader(tr("tk.cs"))
agents = query(agent_kpis, Filters(view.filters.stores, (), month, period_end(month, "month")))
if not agents.empty:
    tables.agent_rows(agents)

if not auth.allowed("pay"):
    # Pay is left out of what is sent, not hidden: only the owner's session computes it.
    st.caption(tr("acc.no_pay"))
    st.stop()
st.subheader(tr("tk.pay"))
st.caption(tr("tk.pay_formula"))
pay_table = pd.DataFrame({tr("part.name"): pay.name, tr("col.store"): pay.store})
for column in ("base_part", "performance_coef", "floating_part", "incentive", "other", "total"):
    unit = "ratio" if column == "performance_coef" else "currency"
    pay_table[tr(f"pay.{column}")] = [fmt(v, unit) for v in pay[column]]
tables.show(pay_table, hide_index=True, width="stretch")

stores = sorted(s for s in roster.store.dropna().unique())
labor = labor_cost_by_store(pay, stores)
st.markdown(f"**{tr('tk.labor')}**")
tables.show(
    labor.rename(
        columns={"store": tr("col.store"), "labor_cost": metric_label("labor_cost")}
    ).round(2),
    hide_index=True,
)
st.caption(tr("tk.labor_source"))
if st.button(tr("tk.apply", month=f"{month:%Y-%m}"), key="apply_labor"):
    from ecdata.team.scoring import apply_labor_cost

    with auth.acting():
        result = apply_labor_cost(get_store(), month, labor, stage)
    st.success(tr("org.saved", batch=result.batch_id))
