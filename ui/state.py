"""The store connection, cached queries and the view (filters) every page shares."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from ecdata.demo import load_demo
from ecdata.formatting import format_signed, format_value
from ecdata.i18n import LANGUAGES, Message, t
from ecdata.ingest.scratch import remove_leftovers
from ecdata.metrics.catalogue import METRICS
from ecdata.metrics.kpis import Filters
from ecdata.metrics.periods import comparison_range, preset_range
from ecdata.store import Store, default_db_path
from ecdata.store.database import pin_data_version, run_reads


@st.cache_resource
def _open_store(path: str) -> Store:
    remove_leftovers()  # scratch folders of an ingest that was killed; once per process
    store = Store(path)
    # Only a database that never held anything: once the demo was removed (or any file
    # uploaded and undone), an empty database stays empty.
    if os.environ.get("ECDATA_DEMO", "1") != "0" and store.never_used():
        load_demo(store)
    return store


@contextmanager
def page_run() -> Iterator[None]:
    """One run of app.py: the data version read once, and every read of the run
    inside one read transaction per store scope, ended with the run (run_reads)."""
    with run_reads():
        pin_data_version(get_store().run_reader())
        yield


def get_store() -> Store:
    """One DuckDB connection per process and file ($ECDATA_DB); reads take a cursor each."""
    return _open_store(str(default_db_path()))


def store_scope() -> tuple[str, ...] | None:
    """The stores the signed-in account is limited to (None: every store); every read of a
    page goes through a cursor limited to them (Store.reader)."""
    account = st.session_state.get("_account")
    stores = getattr(account, "stores", ())
    return tuple(stores) if stores else None


def reader():
    """A cursor for this run's account: limited to its stores when it is."""
    return get_store().run_reader(store_scope())


def query(fn, *args, **kwargs):
    """fn(cursor, *args, **kwargs) on this account's cursor, answered once per data version
    and account scope: the engine's one cache (Store.remembered, per_data_version), keyed by
    the version this run read once (app.py pins it). A frame comes back as a copy, so a page
    that changes what it got never changes what the next run gets."""
    question = (fn.__module__, fn.__qualname__, _arguments(fn, args, kwargs))
    answer = get_store().remembered(store_scope(), question, lambda cur: fn(cur, *args, **kwargs))
    return _fresh(answer)


@functools.cache
def _signature(fn) -> inspect.Signature:
    return inspect.signature(fn)


def _arguments(fn, args: tuple, kwargs: dict) -> tuple:
    """fn's arguments after its cursor, by name with the defaults filled in: one question
    however it is asked (`data_bounds(cur)` and `data_bounds(cur, (), ())` are one answer,
    not two queries)."""
    bound = _signature(fn).bind(None, *args, **kwargs)
    bound.apply_defaults()
    named = list(bound.arguments.items())[1:]
    return tuple(
        (name, tuple(sorted(value.items())) if isinstance(value, dict) else value)
        for name, value in named
    )


def _fresh(answer):
    if hasattr(answer, "copy") and hasattr(answer, "columns"):
        return answer.copy()
    if isinstance(answer, tuple | list):
        return type(answer)(_fresh(part) for part in answer)
    return answer


def browser_language() -> str:
    locale = (st.context.locale or "zh").lower()
    return "en" if locale.startswith("en") else "zh"


def lang() -> str:
    """The language chosen in the sidebar (ui.url keeps it), else the browser's."""
    value = st.session_state.get("v_lang")
    if value in LANGUAGES:
        return value
    # Before the sidebar ran (the sign-in page): the link's language, else the browser's.
    asked = st.query_params.get("lang")
    return asked if asked in LANGUAGES else browser_language()


def tr(key: str, **params) -> str:
    """The text for `key` in the page's language; for labels, tables and charts, which show
    text as it is. Markdown elements (st.error, st.info, buttons, …) take `say`."""
    return t(key, lang(), **params)


# Characters that format in Streamlit's markdown: emphasis, links, code, HTML, LaTeX ($),
# colour and icon directives (:red[…], :material/…:), tables, headings.
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]{}()<>#|~$:!])")


def markdown_safe(text: str) -> str:
    """`text` (a store, file, person or cell value) shown literally inside markdown."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", str(text))


def say(message: Message | str, **params) -> str:
    """A message for a markdown element, in the page's language, every field it fills in
    (names, file names, cell values: anything a user typed) escaped so it shows literally."""
    if isinstance(message, Message):
        message, params = message.key, message.params
    safe = {k: markdown_safe(v) if isinstance(v, str) else v for k, v in params.items()}
    return t(message, lang(), **safe)


def tell(slot: str, kind: str, text: str) -> None:
    """In a callback: keep its outcome (st.success, st.info or st.error, and the text) for
    the run the callback causes, where `told(slot)` shows it."""
    st.session_state[slot] = (kind, text)


def told(slot: str) -> None:
    """Show, once, what `tell` kept in `slot`."""
    if said := st.session_state.pop(slot, None):
        getattr(st, said[0])(say(said[1]))


@contextmanager
def on_demand(label: str, key: str) -> Iterator[bool]:
    """An expander whose content the page builds only while it is open (it yields whether):
    a collapsed form or table costs the run and the browser nothing (the overview's three
    forms and its formula table: a warm load in Chromium 1.9 -> 1.5 s). Opening it reruns
    the page; its key keeps it open across reruns, so a save's message shows inside it.

        with on_demand(tr("meet.settings"), "meet_open") as is_open:
            if is_open:
                ...
    """
    # A label that changes ("Scheduled reports (1)" after a save) makes a new widget, which
    # would start closed: it starts as the panel last was.
    was = f"_{key}_was_open"
    box = st.expander(label, st.session_state.get(was, False), key=key, on_change="rerun")
    st.session_state[was] = box.open
    with box:
        yield box.open


def metric_label(name: str) -> str:
    if name in METRICS:
        return METRICS[name].label(lang())
    return tr(f"metric.{name}")


def unit_of(name: str) -> str:
    """The catalogue's unit of a metric; stored columns outside it (clicks, impressions) count."""
    return METRICS[name].unit if name in METRICS else "count"


def labeller(prefix: str | None = None):
    """A format_func for option codes, fixed to this run's language (Streamlit may call it
    later, outside the run). prefix None labels metric names from the catalogue."""
    language = lang()
    if prefix is None:
        return lambda name: (
            METRICS[name].label(language) if name in METRICS else t(f"metric.{name}", language)
        )
    return lambda code: t(f"{prefix}.{code}", language)


@dataclass(frozen=True)
class View:
    filters: Filters
    grain: str
    comparison: str
    latest: dt.date | None
    currency: str = "¥"  # money's currency: the stores' own, or the reporting currency
    currencies: tuple[str, ...] = ()  # the stores' symbols, when they mix (money converted)
    # Why the view is empty while the database is not (the chosen stores have no store data).
    empty_scope: bool = False

    @property
    def compare_range(self):
        return comparison_range(self.filters.date_from, self.filters.date_to, self.comparison)


def fmt(value, unit: str, currency: str | None = None) -> str:
    """A number as this run's language and the view's currency (or `currency`) show it."""
    view = st.session_state.get("_view")
    symbol = currency if currency is not None else (view.currency if view else "¥")
    return format_value(value, unit, lang(), symbol)


def fmt_figure(value, unit: str, by_currency: dict) -> str:
    """A card's figure: each currency's own when the converted total would leave money out
    (review.with_each_currency), else the one value."""
    if by_currency:
        return " · ".join(fmt(v, unit, symbol) for symbol, v in by_currency.items())
    return fmt(value, unit)


def fmt_all(values, unit: str, currency: str | None = None) -> list[str]:
    """fmt for a column of values, the language and currency looked up once (a pivot of
    500 stores is 7,000 cells)."""
    view = st.session_state.get("_view")
    symbol = currency if currency is not None else (view.currency if view else "¥")
    language = lang()
    return [format_value(v, unit, language, symbol) for v in values]


def fmt_change(value, unit: str) -> str:
    """A change as fmt writes it, with a plus sign when it grew (+¥1,223, -¥3.9万)."""
    view = st.session_state.get("_view")
    return format_signed(value, unit, lang(), view.currency if view else "¥")


def presenting() -> bool:
    """Presentation mode (`present=1` in the URL): the meeting's agenda on a shared screen."""
    return st.query_params.get("present") == "1"


def current_view() -> View:
    """The view the sidebar set up on this run (see ui.sidebar)."""
    if "_view" not in st.session_state:
        _leave_folder_navigation()
    return st.session_state["_view"]


def _leave_folder_navigation() -> None:
    """Run the app through app.py when Streamlit ran a page script on its own.

    With a top-level pages/ folder, Streamlit serves the first request after start that
    names a page (a shared link such as /explore?stores=…) with its old folder navigation:
    the page runs without app.py, so without the sidebar and with file names as the menu.
    Turning that mode off and rerunning makes app.py's st.navigation serve the same URL.

    Why a private attribute: Streamlit 1.67 has no public switch (its config only hides the
    folder menu, `client.showSidebarNavigation`; its advice is to rename pages/, which this
    project's layout keeps). `st.navigation` itself sets this same class attribute on its
    first run; tests/test_architecture.py fails loudly if an upgrade removes it.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def set_view(view: View) -> None:
    st.session_state["_view"] = view


def resolve_range(preset: str, latest: dt.date, custom_from, custom_to):
    if preset == "custom" and custom_from and custom_to:
        return min(custom_from, custom_to), max(custom_from, custom_to)
    return preset_range("last_4_weeks" if preset == "custom" else preset, latest)
