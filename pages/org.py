"""Org structure: the real roster as a chart, against the reference model for its size."""

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ecdata.store.database import StoreNotGranted
from ecdata.team.diagnosis import full_diagnosis
from ecdata.team.files import (
    EDITABLE_ROSTER,
    rating_months,
    read_team_file,
    roster_frame,
    save_roster_edits,
    save_team_file,
)
from ecdata.team.org import (
    HIRING_ORDER,
    MODELS,
    compare_with_model,
    department_summary,
    hiring_gaps,
    org_tree,
    roles,
    span_of_control,
    suggested_model,
)
from ecdata.team.scoring import STAGES, evaluate_month, stored_schemes
from ui import auth, charts, tables
from ui.sidebar import page_view
from ui.state import (
    current_view,
    fmt,
    get_store,
    lang,
    metric_label,
    on_demand,
    query,
    say,
    tr,
)
from ui.url import current, widget

page_view()  # inside the app's shell, also when a shared link is the first request
st.title(f"🏢 {tr('page.org')}")
store = get_store()
roster = auth.granted_people(query(roster_frame))

if auth.allowed("upload"):  # roster and ratings files: an upload like any other
    with st.expander(tr("org.team_data"), expanded=roster.empty):
        upload = st.file_uploader(tr("org.upload"), key="team_upload")
        if upload is not None:
            team = read_team_file(upload.getvalue(), upload.name)
            if not team.ok:
                st.error(say(team.error))
            else:
                for warning in team.warnings:
                    st.warning(say(warning))
                for problem in team.problems:
                    st.error(say(problem.message))
                tables.show(team.frame, hide_index=True, width="stretch")
                if st.button(
                    say("org.save", file=upload.name, rows=len(team.frame)),
                    type="primary",
                    key="team_save",
                ):
                    try:
                        with auth.acting():
                            result = save_team_file(store, team)
                    except StoreNotGranted as refused:
                        st.error(say(refused.message))
                    else:
                        st.success(tr("org.saved", batch=result.batch_id))
                        st.rerun()

if roster.empty:
    st.info(tr("team.no_roster"))
    st.stop()

catalogue = roles()


def role_label(role):
    return catalogue[role].label(lang()) if role in catalogue else (role or "")


def dept_label(department):
    return tr(f"dept.{department or ''}")


st.subheader(tr("org.chart"))
tree = org_tree(roster, lang())
colors = {
    d: charts.PALETTE[i % len(charts.PALETTE)] for i, d in enumerate(sorted(set(tree.department)))
}
# A real org chart: a box per person with their role, lines to whom they report, the top
# of the team on top (the colours are the departments').
st.plotly_chart(charts.org_chart(tree, colors), config={"displayModeBar": False}, key="org_chart")
st.caption(" · ".join(f"■ {dept_label(d)}" for d in sorted(colors) if d) if any(colors) else "")

months = query(rating_months)
# Pay (and the departments' pay totals) only in the owner's session.
if months and auth.allowed("pay"):
    # The scheme Team KPIs scores with: the diagnosed stage unless the link names one, and
    # the schemes as saved, so both pages state one labour cost.
    view = current_view()
    _, diagnosis = query(full_diagnosis, view.latest or months[-1], None, view.filters.stores)
    stage = current("scheme", diagnosis.stage, list(STAGES))
    pay = query(evaluate_month, months[-1], stage, query(stored_schemes))[2]
else:
    pay = None
left, right = st.columns(2)
with left:
    summary = department_summary(roster, pay)
    costs = "labor_cost" in summary
    # Headcount always; labour cost beside it in the owner's session (pay is theirs).
    st.subheader(tr("org.departments") if costs else tr("org.headcount"))
    summary["department"] = summary.department.map(dept_label)
    # Departments down the side, bars across: every name has room at any width (a phone
    # gave seven upright groups 30 px each); headcount below, labour cost on the top axis.
    fig = go.Figure(
        go.Bar(
            y=summary.department,
            x=summary.headcount,
            text=summary.headcount,
            textposition="outside",
            orientation="h",
            name=tr("org.count"),
            offsetgroup="people",
        )
    )
    if costs:
        fig.add_trace(
            go.Bar(
                y=summary.department,
                x=summary.labor_cost,
                text=[fmt(v, "currency") for v in summary.labor_cost],
                # Inside a bar long enough to hold it: beside the longest, a phone's plot
                # had no room left for "¥155,801".
                textposition="auto",
                orientation="h",
                name=metric_label("labor_cost"),
                xaxis="x2",
                offsetgroup="cost",
                marker_color=charts.PALETTE[1],
            )
        )
        # Room beyond the longest bar for its number; the cost axis on top, named by the
        # legend (below the chart: above it, the legend would sit on that axis).
        fig.update_layout(
            xaxis2=dict(overlaying="x", side="top", showgrid=False,
                        range=[0, 1.35 * max(summary.labor_cost.max(), 1)]),
            barmode="group",
        )  # fmt: skip
    fig.update_xaxes(
        range=[0, 1.2 * max(summary.headcount.max(), 1)],
        title=tr("org.count"),
        selector=dict(side=None),
    )
    fig.update_yaxes(autorange="reversed")
    height = 160 + 70 * len(summary)
    fig = charts.style(fig, height).update_layout(
        legend=dict(y=-0.1, yanchor="top"), margin=dict(t=40, b=90)
    )
    st.plotly_chart(fig, config={"displayModeBar": False})
    shown = summary.rename(columns={"department": tr("org.slot"), "headcount": tr("org.count")})
    if "labor_cost" in summary:  # money with its currency, as every page writes it
        shown = shown.drop(columns="labor_cost")
        shown[metric_label("labor_cost")] = [fmt(v, "currency") for v in summary.labor_cost]
    tables.show(shown, hide_index=True, width="stretch")
with right:
    st.subheader(tr("org.span"))
    tables.show(
        span_of_control(roster).rename(
            columns={"manager": tr("part.name"), "direct_reports": tr("org.count")}
        ),
        hide_index=True,
        width="stretch",
    )

suggested = suggested_model(roster)
model_labels = {m.key: m.label(lang()) for m in MODELS}
model_key = widget(
    st.selectbox,
    "model",
    suggested.key,
    list(model_labels),
    "index",
    label=tr("org.model_pick"),
    format_func=model_labels.get,
)
model = next(m for m in MODELS if m.key == model_key)
st.subheader(tr("org.model", model=model.label(lang())))
compared = compare_with_model(roster, model)
tables.show(
    pd.DataFrame(
        {
            tr("org.slot"): [
                dept_label(s) if model.by == "department" else role_label(s) for s in compared.slot
            ],
            tr("org.count"): compared["count"],
            tr("org.status"): [tr(f"status.{s}") for s in compared.status],
        }
    ),
    hide_index=True,
    width="stretch",
)

st.subheader(tr("org.hiring"))
gaps = set(hiring_gaps(roster))
st.markdown(
    "\n".join(
        f"{'❌' if step in gaps else '✅'} " + tr("org.hiring_step", n=n, role=role_label(step))
        for n, (step, _) in enumerate(HIRING_ORDER, start=1)
    )
)


def roster_editor() -> None:
    """The roster to edit, built only while its panel is open. It holds base pay and
    coefficients: in the owner's session only."""
    if not auth.allowed("pay"):
        return
    with on_demand(tr("org.edit"), "org_edit_open") as is_open:
        if not is_open:
            return
        edited = st.data_editor(
            roster[EDITABLE_ROSTER],
            key="roster_editor",
            hide_index=True,
            width="stretch",
            num_rows="dynamic",
            disabled=["person_id"],
            column_config=tables.team_columns(EDITABLE_ROSTER),
        )
        if st.button(tr("org.save_edits"), key="roster_save"):
            auth.save_as_batch(lambda: save_roster_edits(store, edited))


roster_editor()
