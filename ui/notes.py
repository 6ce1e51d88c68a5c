"""Timeline notes on the page: added and removed here, drawn on the trend charts."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from ecdata.store.notes import add_note, remove_note, timeline_notes
from ui import auth, charts
from ui.state import View, get_store, lang, query, say, tell, told, tr


def notes_in_view(view: View, first: dt.date | None = None):
    f = view.filters
    return query(timeline_notes, first or f.date_from, f.date_to, f.stores)


def mark(fig, view: View, first: dt.date | None = None):
    """`fig` with the view's timeline notes marked (charts.mark_notes)."""
    return charts.mark_notes(fig, notes_in_view(view, first), view.grain)


def _add(day_key: str, text_key: str, store_key: str) -> None:
    if not auth.refuse_unless("settings"):
        return
    text = (st.session_state.get(text_key) or "").strip()
    if not text:
        tell("_note_said", "error", tr("note.empty"))
        return
    store_name = st.session_state.get(store_key)
    if store_name == tr("filter.all"):
        store_name = None
    with auth.acting():
        add_note(get_store(), st.session_state[day_key], text, store_name)
    st.session_state[text_key] = ""
    tell("_note_said", "success", tr("note.added"))


def _remove(note_id: int) -> None:
    if auth.refuse_unless("settings"):
        remove_note(get_store(), note_id)


def notes_editor(view: View, stores: list[str]) -> None:
    """Add a dated note (for one store or all) and remove the ones in view."""
    if not auth.allowed("settings"):
        return  # a viewer sees the notes on the charts, and edits none
    with st.expander(tr("note.title")):
        told("_note_said")
        day_col, store_col = st.columns(2)
        day_col.date_input(
            tr("note.day"),
            value=view.filters.date_to or dt.date.today(),
            key="note_day",
        )
        # Options are the labels themselves: no format_func to go stale between runs.
        store_key = f"note_store_{lang()}"
        store_col.selectbox(tr("col.store"), [tr("filter.all"), *stores], key=store_key)
        st.text_input(tr("note.text"), key="note_text", placeholder=tr("note.placeholder"))
        st.button(
            tr("note.add"),
            key="note_add",
            on_click=_add,
            args=("note_day", "note_text", store_key),
        )
        for row in notes_in_view(view).itertuples():
            text_col, remove_col = st.columns([5, 1])
            where = row.store or tr("filter.all")
            text_col.markdown(
                say("note.line", day=f"{row.day:%Y-%m-%d}", store=where, text=row.text)
            )
            remove_col.button(
                tr("note.remove"),
                key=f"note_remove_{row.note_id}",
                on_click=_remove,
                args=(row.note_id,),
            )
