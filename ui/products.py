"""The products section of the weekly review and Explore: best sellers, what moved, and the
period reports a range leaves out."""

from __future__ import annotations

import streamlit as st

from ecdata.metrics.kpis import Filters
from ecdata.metrics.products import periods_left_out, product_movers, product_table
from ui import charts, tables
from ui.state import fmt_change, query, say, tr


def show_products(
    filters: Filters, comparison: str, limit: int, title_key: str, empty_key: str | None = None
) -> None:
    """Top `limit` products by sales, the products whose sales moved most against the
    comparison period, and a note naming period reports outside the range. Without any
    product report in range: the `empty_key` text, or nothing."""
    products = query(product_table, filters, limit)
    left_out = query(periods_left_out, filters)
    if products.empty and left_out.empty:
        if empty_key:
            st.subheader(tr(title_key))
            st.caption(tr(empty_key))
        return
    st.subheader(tr(title_key))
    if not left_out.empty:
        spans = ", ".join(
            f"{row.store} {row.date:%Y-%m-%d} ~ {row.date_to:%Y-%m-%d}"
            for row in left_out.itertuples()
        )
        st.info(say("pr.left_out", periods=spans))
    if products.empty:
        return
    tables.product_rows(products)
    moved = query(product_movers, filters, comparison)
    if not moved.empty:
        labels = [f"{row.product_name or row.product_id}" for row in moved.itertuples()]
        texts = [fmt_change(v, "currency") for v in moved.change]
        st.plotly_chart(
            charts.movers(moved, "product_id", labels, tr("pr.movers"), "change", texts),
            config={"displayModeBar": False},
        )
