"""Tables as a person reads them: translated headers, numbers in the page's style."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ecdata.metrics.catalogue import METRICS, PRODUCT_COLUMNS
from ui.state import fmt, metric_label, tr


def product_rows(products: pd.DataFrame) -> None:
    """Show a product_table frame: store, product, then each metric formatted."""
    shown = pd.DataFrame(
        {
            tr("col.store"): products.store,
            tr("col.product_id"): products.product_id,
            tr("col.product_name"): products.product_name.fillna(""),
            **{
                metric_label(m): [fmt(v, METRICS[m].unit) for v in products[m]]
                for m in PRODUCT_COLUMNS
            },
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
