"""Keeping the view in the URL, so a link reproduces it exactly.

Streamlit's own `bind="query-params"` writes the *displayed label* into the URL, and the
label changes with the language; and a widget whose label changes is a new widget that
forgets its value. So the value lives in session state under a name of its own, the URL holds
a stable code (`grain=month`, `lang=zh`), and the widget is only a way to change it.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st


def _decode(raw: list[str], default, options):
    if isinstance(default, list):
        return list(dict.fromkeys(v for v in raw if options is None or v in options)) or None
    if not raw:
        return None
    if isinstance(default, dt.date):
        try:
            return dt.date.fromisoformat(raw[0])
        except ValueError:
            return None
    return raw[0] if options is None or raw[0] in options else None


def _valid(value, default, options) -> bool:
    if options is None or value is None:
        return value is not None
    if isinstance(default, list):
        return all(v in options for v in value)
    return value in options


def _clamp(value, bounds):
    lo, hi = bounds
    if lo is not None and value < lo:
        return lo
    if hi is not None and value > hi:
        return hi
    return value


def current(name: str, default, options=None, always_in_url: bool = False, bounds=None):
    """The value of `name`: chosen this session, else from the URL, else `default`; the URL
    is updated to match (a value equal to the default is left out, to keep links short,
    unless `always_in_url`: the language, whose default differs between browsers).

    Whatever a URL says, the value returned is valid: unknown options fall back to `default`,
    and a date outside `bounds` (lo, hi) is moved to the nearer end."""
    slot = f"v_{name}"
    if slot not in st.session_state:
        st.session_state[slot] = _decode(st.query_params.get_all(name), default, options)
    value = st.session_state[slot]
    if not _valid(value, default, options):
        value = st.session_state[slot] = default
    if bounds is not None and value is not None:
        value = st.session_state[slot] = _clamp(value, bounds)
    if value == default and not always_in_url:
        st.query_params.pop(name, None)
    elif isinstance(value, list):
        st.query_params[name] = [str(v) for v in value]
    else:
        st.query_params[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return value


def widget(
    make,
    name: str,
    default,
    options=None,
    value_arg: str = "default",
    always_in_url: bool = False,
    **kwargs,
):
    """Create widget `make` showing `name`'s current value; a change is stored and mirrored
    into the URL on the rerun it triggers. `value_arg` is how the widget takes its initial
    value: "default" (multiselect, segmented_control), "index" (selectbox), "value" (dates)."""
    bounds = (kwargs.get("min_value"), kwargs.get("max_value"))
    value = current(name, default, options, always_in_url, bounds)
    # One widget per language: Streamlit's selectbox keeps showing the label it drew first
    # ("This week" on a Chinese page) when only format_func changes. The value lives in
    # v_<name>, so the new language's widget starts where the old one was.
    widget_key = f"w_{name}_{st.session_state.get('v_lang', '')}"

    def remember():
        chosen = st.session_state[widget_key]
        st.session_state[f"v_{name}"] = default if chosen is None else chosen

    if options is not None:
        kwargs["options"] = options
    if value_arg == "index":
        kwargs["index"] = list(options).index(value)
    else:
        kwargs[value_arg] = value
    make(key=widget_key, on_change=remember, **kwargs)
    return value
