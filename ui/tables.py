"""Tables as a person reads them: translated headers, numbers in the page's style."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from ecdata.export import neutralise
from ecdata.formatting import format_value
from ecdata.i18n import channel_name
from ecdata.metrics.catalogue import METRICS, PRODUCT_COLUMNS
from ecdata.metrics.sources import SERVICE_SOURCE
from ecdata.platforms import platform_label
from ui.state import fmt, lang, metric_label, tr

# A table longer than this is sent as the rows in view, the rest fetched as it scrolls or
# sorts (Streamlit's lazy loading): with a week of 500 stores' rows, Explore's first load
# sent 5.4 MB, 0.5 MB this way. Such a table's toolbar has no search or download, so only
# a table with its own download buttons (Explore's rows) is sent this way.
ROWS_SENT_AT_ONCE = 5_000


def show(data, **kwargs):
    """st.dataframe for every table a page shows: text that a spreadsheet would run as a
    formula (=HYPERLINK(…), a name starting with @) is shown, and downloaded from the
    table's toolbar, as inert text (export.neutralise)."""
    if isinstance(data, pd.DataFrame):
        data = neutralise(data)
    return st.dataframe(data, **kwargs)


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
    show(shown, hide_index=True, width="stretch")


@st.cache_data(max_entries=64, show_spinner=False)
def metric_pivot(
    frame: pd.DataFrame,
    group: str | None,
    name: str,
    period_header: str,
    language: str,
    currency: str,
) -> pd.DataFrame:
    """One metric of a kpi_table frame as a table: a row per period (newest first), a column
    per store or channel, each cell as the page writes it. Cached: a year of 500 stores is
    26,000 cells to format on every rerun."""
    unit = METRICS[name].unit
    if group:
        pivot = frame.pivot_table(index="period", columns=group, values=name, aggfunc="first")
    else:
        pivot = frame.set_index("period")[[name]]
    pivot.index.name = period_header
    pivot = pivot.sort_index(ascending=False)
    return pivot.apply(lambda column: [format_value(v, unit, language, currency) for v in column])


def _when(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def _day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def history_rows(batches: pd.DataFrame) -> pd.DataFrame:
    """The upload history as people read it: kinds in words, times to the minute, dates
    without a time, nothing written where a value does not apply (no None, no NaT)."""
    shown = batches.copy()
    shown["kind"] = [tr(f"kind.{k}") for k in batches.kind]
    for column in ("created_at", "undone_at"):
        shown[column] = [_when(v) for v in batches[column]]
    for column in ("date_min", "date_max"):
        shown[column] = [_day(v) for v in batches[column]]
    shown["platform"] = [
        tr("kind.demo") if v == "demo" else platform_label(_text(v), lang())
        for v in batches.platform
    ]
    shown["store_param"] = [_text(v) for v in batches.store_param]
    # The demo's batches are named demo:<table>: say it in words.
    shown["file_name"] = [
        f"{tr('kind.demo')} · {tr('table.' + f[5:])}" if f.startswith("demo:") else f
        for f in batches.file_name
    ]
    shown["target_table"] = [tr(f"table.{v}") for v in batches.target_table]
    # Who uploaded it, and who undid it (blank before accounts existed).
    shown["by"] = [
        _text(made) + (f" · ↩ {undone}" if isinstance(undone, str) else "")
        for made, undone in zip(batches.created_by, batches.undone_by)
    ]
    shown = shown.drop(columns=["created_by", "undone_by"])
    for column in ("rows_read", "rows_written", "rows_new", "rows_replaced", "rows_rejected"):
        shown[column] = [_text(int(v)) if not pd.isna(v) else "" for v in batches[column]]
    return shown


def _each_distinct(values: pd.Series, label) -> np.ndarray:
    """label(v) for every value, computed once per distinct value: a column of 50,000 rows
    holds a handful of channels or sources."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    # factorize makes None NaN: give it back as None, as the values had it.
    labels = [label(None if pd.isna(v) else v) for v in distinct]
    return np.array(labels, dtype=object)[codes]


def labelled_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Stored rows as a person reads (and downloads) them: headers in the page's language,
    dates without a time, counts without '.0', flags in words, blanks for missing; money
    stays a number, so a spreadsheet can add it up."""
    out = pd.DataFrame(index=rows.index)
    for column in rows.columns:
        values = rows[column]
        if column in ("date", "date_to", "month"):
            header = tr("col.date_to" if column == "date_to" else "col.date")
            # Vectorised: a per-cell loop was 80 ms of every Explore rerun at 50,000 rows.
            dates = pd.to_datetime(values)
            out[header] = dates.dt.date.astype(object).where(dates.notna(), None)
        elif column == "channel":
            language = lang()
            out[tr("col.channel")] = _each_distinct(
                values, lambda v, language=language: channel_name(v, language)
            )
        elif column in ("store", "member", "product_id", "product_name"):
            out[tr(f"col.{column}")] = values
        elif column == "not_final":
            yes = tr("word.yes")
            out[tr("col.not_final")] = [yes if v is True else "" for v in values]
        elif column == "batch_id":
            out[tr("batch.batch_id")] = values.astype("Int64")
        elif column == "source":
            language = lang()
            out[tr("col.source")] = _each_distinct(
                values,
                lambda v, language=language: (
                    tr("source.service") if v == SERVICE_SOURCE else platform_label(v, language)
                ),
            )
        elif column in METRICS:
            header = metric_label(column)
            unit = METRICS[column].unit
            # One rounding: counts whole, money to the cent (no 676.3399999999999).
            out[header] = values.astype("Int64") if unit == "count" else values.round(2)
        else:
            out[column] = values
    return out


def agent_rows(agents: pd.DataFrame) -> None:
    """Show an agent_kpis frame: per agent and the team line, ratios of sums."""
    show(
        pd.DataFrame(
            {
                tr("col.store"): agents.store,
                tr("part.name"): [tr("filter.all") if m == "team" else m for m in agents.member],
                metric_label("inquiries"): [fmt(v, "count") for v in agents.inquiries],
                metric_label("closed_inquiries"): [
                    fmt(v, "count") for v in agents.closed_inquiries
                ],
                metric_label("inquiry_conversion"): [
                    fmt(v, "rate") for v in agents.inquiry_conversion
                ],
                metric_label("sales"): [fmt(v, "currency") for v in agents.sales],
                metric_label("response_seconds"): [
                    fmt(v, "seconds") for v in agents.response_seconds
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def team_columns(columns) -> dict:
    """column_config naming roster/ratings columns in the page's language (the editors keep
    the stored names underneath, so saving is unchanged)."""
    return {c: st.column_config.Column(tr(f"team.{c}")) for c in columns}


def store_rows(stores: pd.DataFrame) -> pd.DataFrame:
    """The store list (metrics.review.store_list) as the Upload page shows it."""
    return pd.DataFrame(
        {
            tr("col.store"): stores.store,
            tr("col.currency"): stores.currency,
            tr("col.first_day"): [_day(v) for v in stores.first_day],
            tr("col.last_day"): [_day(v) for v in stores.last_day],
            tr("table.store_daily"): stores.store_rows.astype(int),
            tr("table.agent_daily"): stores.agent_rows.astype(int),
            tr("table.store_monthly"): stores.month_rows.astype(int),
        }
    )
