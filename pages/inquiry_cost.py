"""Inquiry cost: what an inquiry and a closed inquiry cost, why, and against which target."""

import pandas as pd
import streamlit as st

from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import COST_SPREAD_METHOD, kpi_table, target_inquiry_costs, with_dates
from ecdata.metrics.periods import trend_window
from ecdata.metrics.review import source_notes
from ui import charts, ledger, notes, tables
from ui.sidebar import page_start
from ui.state import labeller, lang, metric_label, on_demand, query, say, tr
from ui.url import widget

view = page_start("💰", "page.inquiry_cost")
for note in query(source_notes, view.filters, view.grain):
    (st.warning if note.key.startswith("warn.") else st.caption)(say(note))

split = widget(
    st.segmented_control,
    "split",
    "none",
    ["none", "store", "channel"],
    label=tr("ic.split"),
    format_func=labeller("dim"),
)
# A trend needs history: at least 13 periods up to the end of the range.
trend_filters = with_dates(
    view.filters,
    trend_window(view.filters.date_from, view.filters.date_to, view.grain),
    view.filters.date_to,
)
frame = query(kpi_table, view.grain, split, trend_filters)
st.caption(tr("ic.window", first=trend_filters.date_from, last=trend_filters.date_to))
if frame.empty:
    st.info(tr("empty.no_rows"))
    st.stop()
group = None if split == "none" else split

left, right = st.columns(2)
for column, name in ((left, "inquiry_cost"), (right, "closed_inquiry_cost")):
    with column:
        st.plotly_chart(
            notes.mark(
                charts.lines(
                    frame,
                    "period",
                    name,
                    group,
                    metric_label(name),
                    title=metric_label(name),
                    prefix=view.currency,
                ),
                view,
                trend_filters.date_from,
            ),
            config={"displayModeBar": False},
        )
st.caption(tr("ic.no_cost"))

st.subheader(tr("ic.parts"))
total = query(kpi_table, view.grain, "none", trend_filters)
parts = [
    ("spend", metric_label("spend")),
    ("labor_cost", metric_label("labor_cost")),
    ("management_cost", metric_label("management_cost")),
]
st.plotly_chart(
    charts.stacked_bars(
        total, "period", parts, line=("inquiry_cost", metric_label("inquiry_cost"))
    ),
    config={"displayModeBar": False},
)

st.subheader(tr("ic.target"))
st.plotly_chart(
    charts.against_target(
        total,
        "period",
        ("inquiries", metric_label("inquiries")),
        ("inquiry_target", metric_label("inquiry_target")),
        ("inquiry_task_completion", metric_label("inquiry_task_completion")),
    ),
    config={"displayModeBar": False},
)
st.caption(tr("ic.target_note"))
targets = query(target_inquiry_costs, view.filters)
if not targets.empty:
    with on_demand(tr("ic.targets_table"), "ic_targets_open") as is_open:
        if is_open:
            tables.show(
                targets.rename(
                    columns={
                        "store": tr("col.store"),
                        "month": tr("col.period"),
                        "target_inquiry_cost": metric_label("target_inquiry_cost"),
                    }
                ),
                hide_index=True,
                width="stretch",
            )

ledger.section(view.filters, trend_filters)

st.subheader(tr("ic.formula"))
formulas = [
    METRICS[m]
    for m in (
        "inquiry_cost",
        "closed_inquiry_cost",
        "inquiry_quality",
        "first_reply_hours",
        "reply_in_time_rate",
    )
]
st.markdown(
    "\n".join(f"- **{m.label(lang())}** = {m.formula(lang())}" for m in formulas) + "\n"
    f"- {tr('ic.target_note')}\n"
    f"- {tr(COST_SPREAD_METHOD)}"
)
with on_demand(tr("ex.rows"), "ic_rows_open") as is_open:
    if is_open:
        tables.show(pd.DataFrame(frame), hide_index=True, width="stretch")
