"""Signing in, and what the signed-in account may do (ecdata.store.accounts).

Without any account the app is one person's, who may do everything. Once an account exists,
every run starts at `gate()`: no page runs before a sign-in. Every write the pages make goes
through `allowed`/`acting()` here, so a viewer's browser cannot make the server write by
sending a button press the page never showed; pay is left out of what is sent, not hidden.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from ecdata.i18n import Message, Refusal
from ecdata.store.accounts import (
    LOCAL_OWNER,
    AccountError,
    User,
    account,
    any_accounts,
    end_session,
    session_user,
    sign_in,
    start_session,
)
from ecdata.store.database import acting_as, for_this_run
from ecdata.store.settings import undo_setting
from ui.server import handoff
from ui.state import get_store, say, tell, tr

_SIGNED_IN = "_account"  # the User of this browser session
COOKIE = "ecdata_session"  # the session token, so a reload or a new tab stays signed in


def company_sign_in() -> bool:
    """A company identity provider is configured ([auth] in secrets.toml): Streamlit's own
    st.login (OIDC) signs people in, and their e-mail names their ecdata account."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def _company_user(store) -> User | None:
    if not (company_sign_in() and st.user.is_logged_in):
        return None
    email = str(st.user.get("email") or "")
    found = account(store, email)
    if found is None:
        st.session_state["_sign_in_said"] = Message("acc.no_account_for", {"email": email})
    return found


def current_user() -> User | None:
    """The account of this session, LOCAL_OWNER without accounts, None before a sign-in
    (or once its session expired, or its account was removed): looked up once a run."""
    return for_this_run(("current_user",), _current_user)


def _accounts_exist() -> bool:
    return for_this_run(("any_accounts",), lambda: any_accounts(get_store().run_reader()))


def _current_user() -> User | None:
    store = get_store()
    if not _accounts_exist():
        return LOCAL_OWNER
    if (by_company := _company_user(store)) is not None:
        return by_company
    token = _proven_token()
    user = session_user(store, token) if token else None
    if user is None:
        if st.session_state.pop(_SIGNED_IN, None) is not None:
            st.session_state["_sign_in_said"] = Message("acc.expired", {})
        st.session_state.pop("_token", None)
        return None
    st.session_state[_SIGNED_IN], st.session_state["_token"] = user, token
    return user


def _connection() -> str | None:
    """The websocket connection this run came through: its handshake's key is new for every
    connection, so a second browser that reconnects with this session's id has another."""
    key = st.context.headers.get("Sec-Websocket-Key")
    return key if isinstance(key, str) else None


def _client() -> str:
    """The browser's address, which sign-in failures are counted against ('local' when the
    server cannot tell, as in tests)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"


def _proven_token() -> str | None:
    """The session token this run may act on. Streamlit re-attaches a reconnecting browser
    to a session by the session id alone (it appears in upload URLs, so in proxy logs): the
    token kept in session state counts only while the browser sends it as its cookie, or on
    the very connection that signed in (its cookie is set after the connection opened)."""
    kept, sent = st.session_state.get("_token"), _browser_token()
    if kept and (kept == sent or st.session_state.get("_token_connection") == _connection()):
        return kept
    if kept:
        _forget_session_state()  # someone else's session, or a cookie that changed
    return sent


def _forget_session_state() -> None:
    """Empty the whole session state: the next account in this tab inherits nothing."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]


def _browser_token() -> str | None:
    """The session token the browser sent as a cookie, if any."""
    token = st.context.cookies.get(COOKIE)
    return token if isinstance(token, str) and token else None


def _cookie(token: str) -> None:
    """Have the server set the session cookie, HttpOnly (ui/server.py): the page gets a
    one-time code and trades it; the token itself never reaches JavaScript. An empty token
    asks the server to drop the cookie."""
    if token:
        code = handoff(token)
        call = f"fetch('/_ecdata/session', {{method: 'POST', credentials: 'same-origin', body: JSON.stringify({{code: '{code}'}})}})"
    else:
        call = "fetch('/_ecdata/signout', {method: 'POST', credentials: 'same-origin'})"
    st.html(f"<script>{call};</script>", unsafe_allow_javascript=True)


def _sign_in() -> None:
    name = (st.session_state.get("sign_in_name") or "").strip()
    password = st.session_state.get("sign_in_password") or ""
    st.session_state["sign_in_password"] = ""
    try:
        user = sign_in(get_store(), name, password, client=_client())
    except AccountError as refused:
        st.session_state["_sign_in_said"] = refused.message
        return
    st.session_state["_token"] = start_session(get_store(), user)
    # Until the browser reconnects with the cookie, only this connection holds the sign-in.
    st.session_state["_token_connection"] = _connection()
    st.session_state["_set_cookie"] = True


def gate() -> User:
    """The signed-in account; without one, the sign-in form, and the run stops there."""
    user = current_user()
    if user is not None:
        if st.session_state.pop("_set_cookie", False):
            _cookie(st.session_state["_token"])
        return user
    if _browser_token():
        _cookie("")  # a token the server no longer knows (expired, signed out): drop it
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title(f"📊 ecdata · {tr('acc.sign_in')}")
        if company_sign_in():
            st.button(tr("acc.company_sign_in"), key="company_sign_in", on_click=st.login)
        with st.form("sign_in"):
            st.text_input(tr("acc.name"), key="sign_in_name")
            st.text_input(tr("acc.password"), type="password", key="sign_in_password")
            st.form_submit_button(tr("acc.sign_in"), on_click=_sign_in, type="primary")
        said = st.session_state.pop("_sign_in_said", None)
        if said is not None:
            st.error(say(said))
    st.stop()


def user() -> User:
    return current_user() or LOCAL_OWNER


def allowed(action: str) -> bool:
    """Whether this session's account may `action` (accounts.PERMISSIONS)."""
    found = current_user()
    return found is not None and found.can(action)


def refuse_unless(action: str) -> bool:
    """In a callback: False, with the reason said on the next run, when not allowed."""
    if allowed(action):
        return True
    st.session_state["_forbidden"] = True
    return False


def undo_settings(slot: str, keys: tuple[str, ...], editors, undone_key: str) -> None:
    """In a callback: undo the latest change of app settings `keys`, say so in `slot`, and
    empty the `editors` (widget keys) so they show what is in force again."""
    if not refuse_unless("settings"):
        return
    if undo_setting(get_store(), *keys):
        tell(slot, "success", tr(undone_key))
    else:
        tell(slot, "info", tr("meet.no_undo"))
    for key in editors:
        st.session_state.pop(key, None)


def say_refusals() -> None:
    if st.session_state.pop("_forbidden", False):
        st.error(tr("acc.forbidden", role=tr(f"role.{user().role}")))


def granted_people(people, rows=None):
    """`rows` (by person_id; `people` itself when None) of the people this account may see:
    with stores granted, those of those stores and the staff serving every store (no
    store); everyone otherwise."""
    rows = people if rows is None else rows
    stores = user().stores
    if not stores:
        return rows
    seen = people[people.store.isna() | people.store.isin(stores)].person_id
    return rows[rows.person_id.isin(seen)]


def acting():
    """Record this session's account on what is written inside the block."""
    return acting_as(user().name or None)


def save_as_batch(save) -> None:
    """Run `save()` (returning a batch id) as this session's account and say what came of
    it: saved as batch N, or the refusal in the reader's language."""
    try:
        with acting():
            batch = save()
    except Refusal as refused:
        st.error(say(refused.message))
    else:
        st.success(tr("org.saved", batch=batch))


def only_own_batches() -> str | None:
    """The account whose batches alone it may undo (a manager), or None (any batch)."""
    return None if allowed("undo_any") else user().name


def sign_out_button() -> None:
    if not _accounts_exist():
        return
    who = user()
    st.caption(tr("acc.signed_in", name=who.name, role=tr(f"role.{who.role}")))
    st.button(tr("acc.sign_out"), key="sign_out", on_click=sign_out)


def sign_out() -> None:
    """End this session's sign-in: its token is ended on the server and the whole session
    state goes (report downloads, edits, choices: nothing outlives the account); the next
    run drops the cookie, whose token the server no longer knows."""
    token = st.session_state.get("_token")
    if token:
        end_session(get_store(), token)
    company = company_sign_in() and st.user.is_logged_in
    _forget_session_state()
    if company:
        st.logout()
