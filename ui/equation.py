"""The sales equation and the inquiry-cost split on the weekly review (metrics.equation)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ecdata.metrics.equation import COST_PARTS, SALES_FACTORS, equation_table
from ecdata.metrics.kpis import Filters
from ui import charts
from ui.state import fmt, fmt_change, metric_label, query, tr


def show_equation(filters: Filters, comparison: str, per_store: bool = True) -> None:
    """Waterfalls from the comparison period's sales and inquiry cost to this period's,
    through each factor's share of the change, and the same per store (a table, left out on
    the shared screen)."""
    total = query(equation_table, filters, comparison, "none")
    if total.empty:
        return
    row = total.iloc[0]
    st.subheader(tr("eq.title"))
    st.caption(tr("eq.method"))
    left, right = st.columns(2)
    with left:
        if math.isnan(row.visitors_part):
            st.info(tr("eq.no_split", what=metric_label("sales")))
        else:
            steps = [(tr("eq.before", what=metric_label("sales")), row.sales_before, "absolute")]
            steps += [(metric_label(f), row[f"{f}_part"], "relative") for f in SALES_FACTORS]
            steps.append((tr("eq.now", what=metric_label("sales")), row.sales, "total"))
            texts = [fmt(row.sales_before, "currency")]
            texts += [fmt_change(row[f"{f}_part"], "currency") for f in SALES_FACTORS]
            texts.append(fmt(row.sales, "currency"))
            st.plotly_chart(
                charts.waterfall(steps, texts, tr("eq.sales_title")),
                config={"displayModeBar": False},
            )
    with right:
        parts = (*COST_PARTS, "inquiries")
        if math.isnan(row.inquiries_part):
            st.info(tr("eq.no_split", what=metric_label("inquiry_cost")))
        else:
            label = metric_label("inquiry_cost")
            steps = [(tr("eq.before", what=label), row.inquiry_cost_before, "absolute")]
            steps += [(metric_label(p), row[f"{p}_part"], "relative") for p in parts]
            steps.append((tr("eq.now", what=label), row.inquiry_cost, "total"))
            texts = [fmt(row.inquiry_cost_before, "currency")]
            texts += [fmt_change(row[f"{p}_part"], "currency") for p in parts]
            texts.append(fmt(row.inquiry_cost, "currency"))
            st.plotly_chart(
                charts.waterfall(steps, texts, tr("eq.cost_title"), up_is_good=False),
                config={"displayModeBar": False},
            )
    if not per_store:
        return
    by_store = query(equation_table, filters, comparison, "store")
    if len(by_store) > 1:
        shown = pd.DataFrame({tr("col.store"): by_store.store})
        shown[tr("eq.sales_change")] = [fmt_change(v, "currency") for v in by_store.sales_change]
        for f in SALES_FACTORS:
            shown[metric_label(f)] = [
                "—" if math.isnan(v) else fmt_change(v, "currency") for v in by_store[f"{f}_part"]
            ]
        st.dataframe(shown, hide_index=True, width="stretch")
