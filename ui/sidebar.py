"""The shared sidebar: language, stores, channels, date range, grain and comparison.

Every choice is mirrored in the URL (ui.url), so a link reproduces the exact view: bookmark
the meeting view, or send a drill-down to a colleague.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ecdata.i18n import channel_name, t
from ecdata.metrics.kpis import Filters, money_currency
from ecdata.metrics.periods import COMPARISONS, PRESETS, preset_range
from ecdata.metrics.review import data_bounds, dimension_values, store_currencies
from ui import auth
from ui.demo import demo_banner, load_demo_button
from ui.state import (
    View,
    browser_language,
    current_view,
    labeller,
    lang,
    presenting,
    query,
    resolve_range,
    set_view,
    tr,
)
from ui.url import widget

GRAINS = ["day", "week", "month"]


def default_preset(latest) -> str:
    # The meeting reviews the last complete week: this week once the data reaches Sunday.
    return "this_week" if latest is not None and latest.weekday() == 6 else "last_week"


def render_sidebar() -> View:
    any_data = query(data_bounds)[1] is not None
    stores = query(dimension_values, "store")
    granted = auth.user().stores  # a viewer limited to some stores sees only those
    if granted:
        stores = [s for s in stores if s in granted]
    channels = query(dimension_values, "channel")
    with st.sidebar:
        widget(
            st.segmented_control,
            "lang",
            browser_language(),
            ["zh", "en"],
            always_in_url=True,
            label=tr("filter.language"),
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
        )
        chosen_stores = widget(
            st.multiselect,
            "stores",
            [],
            stores,
            label=tr("filter.stores"),
            placeholder=tr("filter.all"),
            select_all=False,  # Streamlit's own "Select all" is English on a Chinese page
        )
        chosen_channels = widget(
            st.multiselect,
            "channels",
            [],
            channels,
            label=tr("filter.channels"),
            placeholder=tr("filter.all"),
            select_all=False,
            format_func=channel_label(),
        )
        # "All" is all the stores this account may see.
        # (A grant of stores with no data yet still limits the view to them: never to all.)
        chosen_stores = [s for s in chosen_stores if s in stores] or (
            (list(stores) or list(granted)) if granted else []
        )
        # Presets end at the last day the chosen stores and channels have data.
        first, latest = query(data_bounds, tuple(chosen_stores), tuple(chosen_channels))
        preset = widget(
            st.selectbox,
            "range",
            default_preset(latest),
            PRESETS,
            "index",
            label=tr("filter.period"),
            format_func=preset_labeller(latest),
        )
        custom_from = custom_to = None
        if preset == "custom" and latest is not None:
            col_a, col_b = st.columns(2)
            with col_a:
                custom_from = widget(
                    st.date_input,
                    "from",
                    first,
                    None,
                    "value",
                    label=tr("col.period"),
                    min_value=first,
                    max_value=latest,
                )
            with col_b:
                custom_to = widget(
                    st.date_input,
                    "to",
                    latest,
                    None,
                    "value",
                    label="~",
                    min_value=first,
                    max_value=latest,
                )
        grain = widget(
            st.segmented_control,
            "grain",
            "week",
            GRAINS,
            label=tr("filter.grain"),
            format_func=labeller("grain"),
        )
        comparison = widget(
            st.selectbox,
            "cmp",
            "previous",
            COMPARISONS,
            "index",
            label=tr("filter.compare"),
            format_func=labeller("compare"),
        )
        if latest is not None:
            from ui.present import start_button

            start_button()
        auth.sign_out_button()
    # Stores in several currencies are totalled in the reporting currency at each month's
    # rate (rates.py); the page says so, and which rates are missing.
    currencies = query(store_currencies)
    in_view = {currencies.get(s, "¥") for s in (chosen_stores or stores)}
    mixed = tuple(sorted(in_view)) if len(in_view) > 1 else ()
    if latest is None:
        view = View(Filters(), grain, comparison, None, empty_scope=any_data)
    else:
        date_from, date_to = resolve_range(preset, latest, custom_from, custom_to)
        filters = Filters(tuple(chosen_stores), tuple(chosen_channels), date_from, date_to)
        currency = query(money_currency, filters)[0]
        view = View(filters, grain, comparison, latest, currency, mixed)
    set_view(view)
    return view


def range_caption(view: View) -> str:
    f = view.filters
    if view.compare_range is None:
        return tr("note.range_target", first=f.date_from, last=f.date_to, latest=view.latest)
    a, b = view.compare_range
    return tr("note.range", first=f.date_from, last=f.date_to, ref=f"{a} ~ {b}", latest=view.latest)


_WRAP_LABELS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important;}
</style>"""


def page_view() -> View:
    """The view of this run, for a page's first line; marks the demo company while it is
    loaded (every page starts here or in page_start)."""
    view = current_view()
    if presenting():
        from ui import present  # the meeting's screens, on any page

        present.show(view)
        st.stop()
    # A card's label wraps instead of ending in "…" (a coverage note makes labels long).
    st.html(_WRAP_LABELS)
    demo_banner()
    return view


def channel_label():
    """Channels as people read them ('all' is the whole store), in this run's language."""
    language = lang()
    return lambda channel: channel_name(channel, language)


def preset_labeller(latest: dt.date | None):
    """Presets named with their dates ("本周 (11-09~11-15)"): "this week" is the latest week
    with data, which on a Wednesday may not be the calendar's."""
    language = lang()

    def label(code: str) -> str:
        text = t(f"preset.{code}", language)
        if code == "custom" or latest is None:
            return text
        first, last = preset_range(code, latest)
        return f"{text} ({first:%m-%d}~{last:%m-%d})"

    return label


def page_start(
    icon: str, title_key: str, show_range: bool = True, shows_money: bool = True
) -> View:
    """A data page's head: its title, the range it shows, or what to upload when empty; the
    note on converted money only where the page shows money."""
    view = page_view()
    st.title(f"{icon} {tr(title_key)}")
    if view.latest is None:
        st.info(tr("empty.no_data_in_scope" if view.empty_scope else "empty.no_data"))
        if not view.empty_scope:
            load_demo_button()
        st.stop()
    if view.currencies and shows_money:
        # At the top, not below the sidebar's fold: money here is converted.
        st.caption(
            tr("filter.mixed_currency", symbols=" ".join(view.currencies), into=view.currency)
        )
    if show_range:
        st.caption(range_caption(view))
    return view
