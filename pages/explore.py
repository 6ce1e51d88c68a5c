"""Explore: pick metrics and a split, pivot, click the chart to drill into the rows, export."""

import dataclasses
import datetime as dt

import streamlit as st

from ecdata.export import to_csv_bytes, to_xlsx_bytes
from ecdata.formatting import MISSING, format_change
from ecdata.metrics.catalogue import KPI_COLUMNS, METRICS
from ecdata.metrics.kpis import agent_kpis, kpi_table
from ecdata.metrics.periods import selection_filter_range
from ecdata.metrics.review import (
    CHART_GROUPS,
    biggest,
    dimension_values,
    fact_rows,
    period_comparison,
    source_notes,
)
from ui import charts, notes, tables
from ui.products import show_products
from ui.sidebar import page_start
from ui.state import fmt_all, labeller, lang, metric_label, query, say, tr
from ui.url import widget

view = page_start("🔎", "page.explore")

pick, split_col = st.columns([3, 1])
with pick:
    metrics = widget(
        st.multiselect,
        "metrics",
        ["sales", "conversion_rate"],
        KPI_COLUMNS,
        label=tr("ex.metrics"),
        format_func=labeller(),
    )
with split_col:
    by = widget(
        st.segmented_control,
        "by",
        "store",
        ["store", "channel", "none"],
        label=tr("ex.dimension"),
        format_func=labeller("dim"),
    )
if not metrics:
    st.stop()
frame = query(kpi_table, view.grain, by, view.filters)
for note in query(source_notes, view.filters, view.grain):
    (st.warning if note.key.startswith("warn.") else st.caption)(say(note))
if frame.empty:
    st.info(tr("empty.no_rows"))
    st.stop()
group = None if by == "none" else by
charted = frame
if group and frame[group].nunique() > CHART_GROUPS:
    charted = frame[frame[group].isin(biggest(frame, group))]
fig = charts.metric_lines(
    charted,
    "period",
    [(m, metric_label(m), METRICS[m].unit == "rate") for m in metrics],
    group,
)
event = st.plotly_chart(
    notes.mark(fig, view),
    key="ex_chart",
    on_select="rerun",
    selection_mode=("points", "box"),
    config={"displayModeBar": False},
)
st.caption(tr("ex.chart_hint"))
if charted is not frame:
    st.caption(
        tr(
            "ex.top_groups",
            shown=CHART_GROUPS,
            total=frame[group].nunique(),
            dim=tr(f"dim.{by}").lower(),
        )
    )
notes.notes_editor(view, query(dimension_values, "store"))

st.subheader(tr("ex.pivot"))
for name in metrics:
    st.markdown(f"**{metric_label(name)}** — {METRICS[name].formula(lang())}")
    pivot = tables.metric_pivot(frame, group, name, tr("col.period"), lang(), view.currency)
    tables.show(pivot, width="stretch")

st.subheader(tr("ex.compare"))
compared = query(period_comparison, view.filters, view.comparison, by, tuple(metrics))
shown = compared.copy()
for name in metrics:
    unit = METRICS[name].unit
    shown[name] = fmt_all(compared[name], unit)
    shown[f"{name}_before"] = fmt_all(compared[f"{name}_before"], unit)
    # The cards' rule: a rate's change in percentage points, anything else in percent.
    shown[f"{name}_change"] = [
        format_change(now, before, unit) or MISSING
        for now, before in zip(compared[name], compared[f"{name}_before"])
    ]
labels = {group: tr(f"col.{group}")} if group else {}
for name in metrics:
    labels |= {
        name: f"{metric_label(name)} · {tr('col.current')}",
        f"{name}_before": f"{metric_label(name)} · {tr('col.previous')}",
        f"{name}_change": f"{metric_label(name)} · {tr('col.change')}",
    }
tables.show(shown.rename(columns=labels), hide_index=True, width="stretch")

# Drill-down: the chart selection narrows the rows to the picked periods and stores/channels.
# It is kept in the URL (pick_from, pick_to, pick), so a copied link opens the same rows.
filters = view.filters
points = event.selection.points if event and event.selection else []
first_run = "_explore_seen" not in st.session_state
st.session_state["_explore_seen"] = True
traces = [name for name, _ in frame.groupby(group, sort=True)] if group else []
picked_range, picked = None, []
if points:
    periods = sorted({dt.date.fromisoformat(str(p["x"])[:10]) for p in points})
    picked_range = selection_filter_range(periods, view.grain)
    # Every metric panel repeats the groups in the same order.
    picked = sorted({traces[p["curve_number"] % len(traces)] for p in points}) if group else []
    st.query_params["pick_from"], st.query_params["pick_to"] = map(str, picked_range)
    st.query_params["pick"] = picked
elif first_run and "pick_from" in st.query_params:
    try:
        picked_range = tuple(
            dt.date.fromisoformat(st.query_params[k]) for k in ("pick_from", "pick_to")
        )
    except ValueError:
        picked_range = None  # a hand-edited link: show the whole view
    picked = [v for v in st.query_params.get_all("pick") if v in traces]
else:
    for key in ("pick_from", "pick_to", "pick"):
        st.query_params.pop(key, None)
if picked_range:
    first, last = picked_range
    filters = dataclasses.replace(
        filters, date_from=max(first, filters.date_from), date_to=min(last, filters.date_to)
    )
    if group == "store" and picked:
        filters = dataclasses.replace(filters, stores=tuple(picked))
    elif group == "channel" and picked:
        filters = dataclasses.replace(filters, channels=tuple(picked))
    st.info(say("ex.selected", what=f"{first} ~ {last} {' '.join(picked)}"))

show_products(filters, view.comparison, 50, "ex.products", empty_key="ex.no_products")

# Down to the agent: the customer-service figures of the same stores and days.
agents = query(agent_kpis, filters)
if not agents.empty:
    st.subheader(tr("ex.agents"))
    tables.agent_rows(agents)

st.subheader(tr("ex.rows"))
rows = tables.labelled_rows(query(fact_rows, filters))
# A missing stored value shows as the dash every other table uses, not "None".
tables.show(
    rows,
    hide_index=True,
    width="stretch",
    height=360,
    placeholder=MISSING,
    lazy=len(rows) > tables.ROWS_SENT_AT_ONCE,  # the buttons below download them all
)
name = f"ecdata_{filters.date_from}_{filters.date_to}"
csv_col, xlsx_col, _ = st.columns([1, 1, 4])
# Built only when clicked (a callable), so a large table costs nothing until exported.
csv_col.download_button(
    tr("ex.download_csv"), lambda: to_csv_bytes(rows), f"{name}.csv", "text/csv", on_click="ignore"
)
xlsx_col.download_button(
    tr("ex.download_xlsx"),
    lambda: to_xlsx_bytes(rows, sheet=tr("ex.sheet_rows")),
    f"{name}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    on_click="ignore",
)
