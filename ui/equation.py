"""The sales equation and the inquiry-cost split on the weekly review (metrics.equation)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ecdata.figures import waterfall_labels
from ecdata.metrics.equation import SALES_FACTORS, equation_table, waterfall_steps
from ecdata.metrics.kpis import Filters
from ui import charts, tables
from ui.state import current_view, fmt_change, lang, metric_label, query, tr


def show_equation(filters: Filters, comparison: str, per_store: bool = True) -> None:
    """Waterfalls from the comparison period's sales and inquiry cost to this period's,
    through each factor's share of the change, and the same per store (a table, left out on
    the shared screen)."""
    total = query(equation_table, filters, comparison, "none")
    if total.empty:
        return
    row = total.iloc[0]
    # In plain words on the screen; the method (LMDI) behind the help icon.
    st.subheader(tr("eq.title"), help=tr("eq.method"))
    st.caption(tr("eq.plain"))
    for column, which, up_is_good in zip(st.columns(2), ("sales", "inquiry_cost"), (True, False)):
        with column:
            steps = waterfall_steps(row, which)
            if steps is None:
                st.info(tr("eq.no_split", what=metric_label(which)))
                continue
            st.plotly_chart(
                charts.waterfall(
                    *waterfall_labels(steps, lang(), current_view().currency),
                    tr(f"eq.{'sales' if which == 'sales' else 'cost'}_title"),
                    up_is_good=up_is_good,
                ),
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
        tables.show(shown, hide_index=True, width="stretch")
