"""The demo company on screen: marked on every page while it is loaded, and one click to
take it out (or to bring it in when the database is empty)."""

from __future__ import annotations

import streamlit as st

from ecdata.demo import demo_batches, load_demo, remove_demo
from ecdata.i18n import Refusal
from ui import auth
from ui.state import get_store, query, say, tr


def _remove() -> None:
    if not auth.refuse_unless("upload"):
        return
    try:
        with auth.acting():
            said = (True, remove_demo(get_store()))
    except Refusal as refused:
        said = (False, refused.message)
    st.session_state["_demo_message"] = said


def _load() -> None:
    if auth.refuse_unless("upload"):
        with auth.acting():
            load_demo(get_store())


def demo_banner() -> None:
    """While the demo company is in the database, every page says so, with the way out."""
    said = st.session_state.pop("_demo_message", None)
    if said is not None:
        (st.success if said[0] else st.error)(say(said[1]))
    if not query(demo_batches):
        return
    with st.container(border=True, key="demo_banner"):
        text, action = st.columns([3, 1], vertical_alignment="center")
        text.markdown("🧪 " + tr("demo.banner"))
        if auth.allowed("upload"):
            action.button(tr("demo.remove"), key="remove_demo", on_click=_remove, width="stretch")


def load_demo_button() -> None:
    """For an empty database: try ecdata on the demo company first."""
    if auth.allowed("upload"):
        st.button(tr("demo.load"), key="load_demo", on_click=_load, type="primary")
