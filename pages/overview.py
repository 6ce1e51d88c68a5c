"""Weekly review: the numbers of the range against the comparison, at a glance."""

import pandas as pd
import streamlit as st

from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import totals
from ecdata.metrics.review import (
    CARD_METRICS,
    DEFAULT_MOVE_THRESHOLD,
    funnel,
    has_targets,
    kpi_cards,
    movers,
    not_final_days,
    source_notes,
    store_list,
    week_flags,
)
from ui import charts, present, schedules, tables
from ui.equation import show_equation
from ui.products import show_products
from ui.sidebar import page_start
from ui.state import (
    fmt_all,
    fmt_figure,
    labeller,
    lang,
    metric_label,
    on_demand,
    query,
    say,
    tr,
)
from ui.url import widget

view = page_start("📊", "page.overview")

for note in query(source_notes, view.filters):
    (st.warning if note.key.startswith("warn.") else st.caption)(say(note))
pending = query(not_final_days, view.filters)
if pending:
    st.warning(tr("ov.not_final", days=", ".join(str(d) for d in pending)))

cards = query(kpi_cards, view.filters, view.comparison)
DELTA_COLOR = {"up": "normal", "down": "inverse", None: "off"}
# On a phone the ten cards are a two-column grid without sparklines, sales, inquiries and
# inquiry cost first (CSS order across the two rows: their columns become one flex row).
FIRST_ON_PHONE = ("sales", "inquiries", "inquiry_cost")
phone_order = "".join(
    f".st-key-kpi_cards [data-testid=stColumn]:has(.st-key-card_{m}) {{order: {i - 3};}}"
    for i, m in enumerate(FIRST_ON_PHONE)
)
st.html(
    "<style>@media (max-width: 640px) {"
    ".st-key-kpi_cards {display: flex !important; flex-flow: row wrap !important;"
    " gap: 0.5rem !important;}"
    # Every wrapper between the container and the columns steps aside (display: contents),
    # so the ten columns are items of one wrapping row.
    ".st-key-kpi_cards *:has(> [data-testid=stColumn]),"
    " .st-key-kpi_cards *:has(> * > [data-testid=stColumn]) {display: contents !important;}"
    ".st-key-kpi_cards [data-testid=stColumn] {flex: 1 1 calc(50% - 0.5rem) !important;"
    " min-width: calc(50% - 0.5rem) !important; max-width: calc(50% - 0.25rem) !important;}"
    ".st-key-kpi_cards [data-testid=stMetricValue] {font-size: 1.5rem !important;}"
    ".st-key-kpi_cards [data-testid=stElementContainer]:has(.ec-sparkline)"
    " {display: none !important;}"
    f"{phone_order}}}</style>"
)
kpi_block = st.container(key="kpi_cards")
for row in (cards[:5], cards[5:]):
    for column, card in zip(kpi_block.columns(5), row):
        metric = METRICS[card.metric]
        shown = fmt_figure(card.value, metric.unit, card.by_currency)
        label = metric.label(lang())
        if card.covered:
            label += " · " + tr("card.coverage", covered=card.covered[0], total=card.covered[1])
        box = column.container(key=f"card_{card.metric}", border=True)
        box.metric(
            label,
            shown,
            delta=card.change,
            delta_color=DELTA_COLOR[metric.good],
            help=f"{metric.formula(lang())}",
        )
        trend = [v for v in card.trend if v is not None]
        if len(trend) > 1:
            box.html(
                charts.sparkline(
                    trend, charts.VERDICT_COLOR[card.verdict], tr("card.trend", metric=label)
                )
            )
st.caption(tr("ov.trend_note"))

left, right = st.columns([2, 3])
with left:
    st.subheader(tr("ov.funnel"))
    now = query(totals, view.filters)
    for which in ("traffic", "inquiry"):
        stages = [(metric_label(m), v) for m, v in funnel(now, which)]
        st.plotly_chart(
            charts.funnel(stages, tr(f"ov.funnel_{which}"), height=240),
            config={"displayModeBar": False},
        )
with right:
    st.subheader(tr("ov.movers"))
    by_col, metric_col = st.columns(2)
    with by_col:
        by = (
            widget(
                st.segmented_control,
                "movers_by",
                "store",
                ["store", "channel"],
                label=tr("ex.dimension"),
                format_func=labeller("dim"),
            )
            or "store"
        )
    with metric_col:
        mover_metric = widget(
            st.selectbox,
            "movers_metric",
            CARD_METRICS[0],
            list(CARD_METRICS),
            "index",
            label=tr("ov.movers_metric"),
            format_func=labeller(),
        )
    moved = query(movers, view.filters, view.comparison, by, mover_metric)
    if moved.empty:
        st.info(tr("empty.no_rows"))
    else:
        st.plotly_chart(charts.movers(moved, by, list(moved[by])), config={"displayModeBar": False})

show_equation(view.filters, view.comparison)

st.subheader(tr("ov.flags"))
threshold = st.slider(
    tr("ov.threshold"), 0.05, 0.5, DEFAULT_MOVE_THRESHOLD, 0.05, format="%.2f", key="flag_threshold"
)
flags = query(week_flags, view.filters, threshold)
if flags.empty:
    st.success(tr("ov.no_flags" if query(has_targets, view.filters) else "ov.no_moves"))
else:
    # A year of 500 stores is 100,000 flags: labels and numbers per metric, not per cell.
    value, reference = pd.Series("", index=flags.index), pd.Series("", index=flags.index)
    for metric, rows in flags.groupby("metric").groups.items():
        value[rows] = fmt_all(flags.value[rows], METRICS[metric].unit)
        reference[rows] = fmt_all(flags.reference[rows], METRICS[metric].unit)
    shown = pd.DataFrame(
        {
            tr("col.period"): flags.period,
            tr("col.store"): flags.store,
            tr("col.kind"): flags.kind.map({k: tr(f"flag.{k}") for k in flags.kind.unique()}),
            tr("col.metric"): flags.metric.map({m: metric_label(m) for m in flags.metric.unique()}),
            tr("col.value"): value,
            tr("col.reference"): reference,
        }
    )
    tables.show(shown, hide_index=True, width="stretch")

with on_demand(tr("ov.formulas"), "ov_formulas_open") as is_open:
    if is_open:
        tables.show(
            pd.DataFrame(
                {
                    tr("col.metric"): [METRICS[m].label(lang()) for m in METRICS],
                    tr("col.formula"): [METRICS[m].formula(lang()) for m in METRICS],
                }
            ),
            hide_index=True,
            width="stretch",
        )

show_products(view.filters, view.comparison, 5, "ov.top_products")

present.show_report_button(view)
schedules.show(list(query(store_list).store))

st.subheader(tr("meet.actions"))
present.show_actions(view)
present.show_settings()
