"""Accounts and roles: optional, Argon2 hashes only, lock-out after repeated failures, roles
enforced where the server acts (no upload, undo or pay for those without the right), and
who did what recorded on every batch and setting."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from helpers import PRODUCTION_HASHER, ROOT, TODAY, app

from ecdata.i18n import Refusal
from ecdata.ingest.upload import ingest_file
from ecdata.store import Store, accounts
from ecdata.store.accounts import (
    LOCK_MINUTES,
    MAX_FAILURES,
    AccountError,
    add_user,
    list_users,
    sign_in,
)
from ecdata.store.batches import list_batches, undo_batch
from ecdata.store.database import acting_as
from ecdata.store.settings import save_setting, setting_history

NOW = dt.datetime(2026, 11, 24, 9, 0)


def test_passwords_are_kept_as_argon2_hashes_only(store, monkeypatch):
    # As deployed (the other tests hash cheaply: helpers.hash_passwords_cheaply): Argon2id
    # at RFC 9106's second choice, 3 passes over 64 MiB in 4 lanes.
    monkeypatch.setattr(accounts, "_HASHER", PRODUCTION_HASHER)
    add_user(store, "老板", "owner", "correct horse")
    stored = store.reader().execute("SELECT password_hash FROM users").fetchall()[0][0]
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and "correct horse" not in stored
    assert "password_hash" not in list_users(store.reader()).columns
    assert sign_in(store, "老板", "correct horse", NOW).role == "owner"


def test_bad_passwords_are_refused_counted_and_lock_the_account(store):
    add_user(store, "小美", "manager", "correct horse")
    for n in range(1, MAX_FAILURES):
        with pytest.raises(AccountError) as wrong:
            sign_in(store, "小美", "wrong password", NOW)
        assert wrong.value.key == "acc.bad_login"
        assert list_users(store.reader()).failures.tolist() == [n]
    with pytest.raises(AccountError) as locked:
        sign_in(store, "小美", "wrong again", NOW)
    assert locked.value.key == "acc.locked"
    # Locked: even the right password waits.
    with pytest.raises(AccountError) as still:
        sign_in(store, "小美", "correct horse", NOW + dt.timedelta(minutes=1))
    assert still.value.key == "acc.locked"
    later = NOW + dt.timedelta(minutes=LOCK_MINUTES + 1)
    assert sign_in(store, "小美", "correct horse", later).name == "小美"
    assert list_users(store.reader()).failures.tolist() == [0]


def test_unknown_names_short_passwords_and_bad_roles_are_refused(store):
    with pytest.raises(AccountError) as unknown:
        sign_in(store, "nobody", "whatever1", NOW)
    assert unknown.value.key == "acc.bad_login"
    with pytest.raises(AccountError) as short:
        add_user(store, "a", "viewer", "short")
    assert short.value.key == "acc.short_password"
    with pytest.raises(AccountError) as role:
        add_user(store, "a", "admin", "long enough")
    assert role.value.key == "acc.bad_role"
    add_user(store, "a", "viewer", "long enough")
    with pytest.raises(AccountError) as twice:
        add_user(store, "a", "viewer", "long enough")
    assert twice.value.key == "acc.exists"


def test_who_did_it_is_recorded_and_a_manager_undoes_only_their_own(store, tmp_path):
    day = tmp_path / "day.csv"
    day.write_text("日期,访客数,支付金额\n2026-10-01,100,1000\n", encoding="utf-8")
    other = tmp_path / "other.csv"
    other.write_text("日期,访客数,支付金额\n2026-10-02,100,1000\n", encoding="utf-8")
    with acting_as("老板"):
        first = ingest_file(store, day, store_name="A店", today=TODAY).batch.batch_id
        save_setting(store, "meeting.people", "initials")
    with acting_as("小美"):
        second = ingest_file(store, other, store_name="A店", today=TODAY).batch.batch_id
        with pytest.raises(Refusal) as refused:
            undo_batch(store, first, only_by="小美")
        assert refused.value.key == "err.undo_not_yours"
        undo_batch(store, second, only_by="小美")
    batches = list_batches(store).set_index("batch_id")
    assert batches.loc[first, "created_by"] == "老板"
    assert (batches.loc[second, "created_by"], batches.loc[second, "undone_by"]) == ("小美", "小美")
    assert setting_history(store.reader(), "meeting.people").created_by.tolist() == ["老板"]


def signed_in(name: str, password: str, **params):
    at = app(lang="en", **params)
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    at.button[0].click().run()
    return at


@pytest.fixture(scope="session")
def accounts_file(demo_file, tmp_path_factory):
    """The demo with an owner, a manager and a viewer of one store, built once: hashing
    their passwords is slow on purpose."""
    path = tmp_path_factory.mktemp("accounts") / "accounts.duckdb"
    shutil.copy(demo_file, path)
    with Store(path) as store:
        add_user(store, "boss", "owner", "owner pass 1")
        add_user(store, "mia", "manager", "manager pass 1")
        add_user(store, "val", "viewer", "viewer pass 1", ("天猫旗舰店",))
    return path


@pytest.fixture
def with_accounts(accounts_file, app_copy):
    """A private copy of the demo with accounts, opened by the app."""
    return app_copy(accounts_file)


def test_with_an_account_nothing_runs_before_a_sign_in(with_accounts):
    at = app(lang="en")
    assert not at.exception
    assert at.text_input(key="sign_in_name") is not None
    assert not at.metric and not at.get("plotly_chart")
    wrong = signed_in("val", "not the password")
    assert any("Wrong name or password" in e.value for e in wrong.error)
    assert not wrong.metric
    with Store(with_accounts) as store:
        assert list_users(store.reader()).set_index("name").failures["val"] == 1


def test_a_viewer_reads_only_their_stores_and_never_uploads_undoes_or_sees_pay(with_accounts):
    at = signed_in("val", "viewer pass 1")
    assert not at.exception and at.metric
    assert at.multiselect(key="w_stores_en").options == ["天猫旗舰店"]
    at.switch_page("pages/upload.py").run()
    assert any("can read, not change" in i.value for i in at.info)
    assert not at.get("file_uploader") and not [b for b in at.button if "undo" in b.key]
    at.switch_page("pages/team_kpis.py").run()
    text = " ".join([s.value for s in at.subheader] + [m.label for m in at.metric])
    assert "Pay" not in text and "Team pay" not in text
    assert any("owner only" in c.value for c in at.caption)
    with Store(with_accounts) as store:
        allowed = {
            name
            for name, where in store.reader().execute("SELECT name, store FROM roster").fetchall()
            if where in (None, "天猫旗舰店")
        }
    shown = next(d.value for d in at.dataframe if "Name" in d.value.columns)["Name"]
    assert set(shown) and set(shown) <= allowed  # only their store's people and shared staff
    assert not [b for b in at.button if b.key in ("save_schemes", "ratings_save", "apply_labor")]


def test_the_owner_sees_pay_and_a_manager_does_not(with_accounts):
    owner = signed_in("boss", "owner pass 1")
    owner.switch_page("pages/team_kpis.py").run()
    assert any(s.value == "Pay" for s in owner.subheader)
    manager = signed_in("mia", "manager pass 1")
    manager.switch_page("pages/team_kpis.py").run()
    assert not any(s.value == "Pay" for s in manager.subheader)
    assert manager.button(key="save_schemes")  # a manager edits the schemes, not pay


def test_the_cli_says_why_when_the_dashboard_holds_the_database(tmp_path):
    db = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", f"from ecdata.store import Store; s = Store({str(db)!r}); "
         "import sys; print('open', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        done = subprocess.run(
            [sys.executable, "-m", "ecdata", "batches", "--db", str(db)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        holder.communicate("")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert "is open in another program" in done.stderr and "仪表盘" in done.stderr


COMPANY_IDP = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a long random string for the test",
    "client_id": "ecdata",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration",
}


def test_a_company_identity_provider_signs_in_to_the_account_of_that_email(with_accounts):
    with Store(with_accounts) as store:
        add_user(store, "mia@shop.example", "manager", "unused password")
    out = app(lang="en")
    out.secrets["auth"] = COMPANY_IDP
    out.user = {"is_logged_in": False}
    out.run()
    assert out.button(key="company_sign_in").label == "Sign in with your company account"
    assert not out.metric
    signed = app(lang="en")
    signed.secrets["auth"] = COMPANY_IDP
    signed.user = {"is_logged_in": True, "email": "mia@shop.example"}
    signed.run()
    assert not signed.exception and signed.metric
    signed.switch_page("pages/team_kpis.py").run()
    assert not any(s.value == "Pay" for s in signed.subheader)  # a manager's view
    stranger = app(lang="en")
    stranger.secrets["auth"] = COMPANY_IDP
    stranger.user = {"is_logged_in": True, "email": "who@else.example"}
    stranger.run()
    assert not stranger.metric
    assert any("who@else.example has no ecdata account" in e.value for e in stranger.error)


def test_parallel_wrong_passwords_cannot_outrun_the_lock(store):
    """24 wrong passwords sent at once: each attempt is counted before its hash is checked,
    so at most MAX_FAILURES are checked and the right password after them is refused."""
    from concurrent.futures import ThreadPoolExecutor

    add_user(store, "老板", "owner", "correct horse")

    def attempt(i):
        try:
            sign_in(store, "老板", f"guess {i:04d}", NOW, client="10.0.0.9")
        except AccountError as refused:
            return refused.key
        return "signed in"

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(attempt, range(24)))
    assert "signed in" not in answers
    assert answers.count("acc.bad_login") == MAX_FAILURES - 1
    with pytest.raises(AccountError) as locked:
        sign_in(store, "老板", "correct horse", NOW, client="10.0.0.9")
    assert locked.value.key == "acc.locked"
    # The guesser's lock is theirs: the owner signs in from their own machine.
    assert sign_in(store, "老板", "correct horse", NOW, client="192.0.2.1").name == "老板"


def test_unknown_names_are_answered_like_real_ones(store):
    add_user(store, "老板", "owner", "correct horse")
    answers = {}
    for name in ("老板", "nobody"):
        keys = []
        for _ in range(MAX_FAILURES + 1):
            with pytest.raises(AccountError) as refused:
                sign_in(store, name, "wrong password", NOW, client="10.0.0.9")
            keys.append(refused.value.key)
        answers[name] = keys
    assert answers["老板"] == answers["nobody"]
    assert answers["nobody"][-2:] == ["acc.locked", "acc.locked"]


def test_a_session_reached_by_another_connection_needs_the_cookie(with_accounts, monkeypatch):
    """A browser that reconnects with a victim's Streamlit session id (no cookie) gets the
    sign-in page, not their signed-in session."""
    import ui.auth

    at = signed_in("boss", "owner pass 1")
    assert at.metric
    monkeypatch.setattr(ui.auth, "_connection", lambda: "another websocket")
    at.run()
    assert at.text_input(key="sign_in_name") is not None and not at.metric


def test_a_store_limited_manager_writes_only_to_its_stores(store, tmp_path):
    """Enforced in the engine's write path, whatever page or callback calls it: an upload,
    a rename or merge and a currency change outside the grant are refused, nothing stored."""
    from ecdata.ingest.upload import ingest_file
    from ecdata.meeting.actions import add_action
    from ecdata.rates import save_rates
    from ecdata.store.accounts import User
    from ecdata.store.batches import rename_store
    from ecdata.store.database import StoreNotGranted, acting_as
    from ecdata.store.notes import add_note
    from ecdata.store.settings import save_setting, set_store_currency

    add_user(store, "小美", "manager", "manager pass 1", ("天猫旗舰店",))
    assert not User("小美", "manager", ("天猫旗舰店",)).can("settings")
    rates = pd.DataFrame(
        {"month": [dt.date(2026, 10, 1)], "currency": ["$"], "into_currency": ["¥"], "rate": [7.1]}
    )
    day = tmp_path / "day.csv"
    day.write_text("日期,访客数\n2026-10-01,100\n", encoding="utf-8")
    assert ingest_file(store, day, store_name="淘宝C店", today=TODAY).ok  # the owner's upload
    before = store.dump()
    with acting_as("小美"):
        refused = ingest_file(store, day, store_name="淘宝C店", today=TODAY)
        assert not refused.ok and refused.message.key == "acc.store_not_granted"
        assert "淘宝C店" in refused.message.text("zh")
        with pytest.raises(StoreNotGranted):
            rename_store(store, "淘宝C店", "天猫旗舰店")  # a merge into its own store
        with pytest.raises(StoreNotGranted):
            set_store_currency(store, "淘宝C店", "$")
        # What holds for every store, or is about another store's numbers.
        with pytest.raises(StoreNotGranted) as company:
            save_setting(store, "meeting.people", "initials")
        assert company.value.key == "acc.company_wide"
        with pytest.raises(StoreNotGranted):
            save_rates(store, rates, "汇率.csv")
        with pytest.raises(StoreNotGranted):
            add_note(store, dt.date(2026, 10, 1), "全店大促")
        with pytest.raises(StoreNotGranted):
            add_action(store, dt.date(2026, 10, 5), "淘宝C店 降价", stores=("淘宝C店",))
        assert store.dump() == before
        assert ingest_file(store, day, store_name="天猫旗舰店", today=TODAY).ok  # its own


def everything_shown(at) -> str:
    """Every text an AppTest run sent: markdown, captions, alerts, metrics, tables, chart
    specs, HTML, and the choices of every select box."""
    parts = [h.proto.body for h in at.get("html")] + [c.proto.spec for c in at.get("plotly_chart")]
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "subheader",
        "title",
    ):
        parts += [e.value for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [d.value.to_csv() for d in at.dataframe]
    for kind in ("selectbox", "multiselect"):
        parts += [" ".join(map(str, e.options)) for e in getattr(at, kind)]
    return "\n".join(parts)


def test_a_viewer_limited_to_one_store_reads_nothing_of_another_on_any_page(with_accounts):
    """As an attacker with a one-store grant, after the owner had every page open on the
    same server: every page, the meeting's every screen and the report; no other store's
    name, channel, agent, person or action item appears."""
    import datetime as dt

    from helpers import ALL_PAGES, DEMO_END

    from ecdata.meeting.actions import add_action
    from ecdata.meeting.agenda import SCREENS

    mine = "天猫旗舰店"
    with Store(with_accounts) as store:
        cur = store.reader()
        stores = cur.execute("SELECT DISTINCT store FROM store_daily").fetchall()
        others = {r[0] for r in stores} - {mine}

        def only_others(sql):
            theirs = {r[0] for r in cur.execute(sql, [mine]).fetchall() if r[0]}
            return theirs - {r[0] for r in cur.execute(sql.replace("<>", "="), [mine]).fetchall()}

        secrets = others | only_others("SELECT DISTINCT channel FROM store_daily WHERE store <> ?")
        secrets |= only_others("SELECT DISTINCT member FROM agent_daily WHERE store <> ?")
        secrets |= only_others("SELECT name FROM roster WHERE store <> ?")
        week = DEMO_END - dt.timedelta(days=6)
        add_action(store, week, "京东大促复盘-机密", stores=tuple(sorted(others))[:1])
    assert others and len(secrets) > len(others)
    # The owner has had every page open on the same server: its answers are remembered,
    # and none may be served to the viewer.
    owner = signed_in("boss", "owner pass 1")
    for page in ALL_PAGES:
        owner.switch_page(page).run()
        assert not owner.exception, page
    at = signed_in("val", "viewer pass 1")
    seen = {}
    for page in ALL_PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        for expander in at.expander:
            expander.proto.expanded = True
        seen[page] = everything_shown(at)
    for step in range(1, len(SCREENS) + 1):
        at.query_params.update({"present": "1", "step": str(step)})
        at.switch_page("pages/overview.py").run()
        assert not at.exception, step
        seen[f"meeting {step}"] = everything_shown(at)
    leaks = {
        where: sorted(s for s in secrets | {"京东大促复盘-机密"} if s in text)
        for where, text in seen.items()
    }
    assert {w: s for w, s in leaks.items() if s} == {}


def test_a_remembered_answer_is_never_served_to_another_store_scope(with_accounts):
    """The engine's memory of answers (per_data_version, Store.remembered) is keyed by the
    asking cursor's stores: the owner's answer, asked first, never reaches a limited one."""
    from ecdata.store.database import per_data_version

    def stores_seen(cur):
        return sorted(
            r[0] for r in cur.execute("SELECT DISTINCT store FROM store_daily").fetchall()
        )

    question = ("test", "stores seen")
    with Store(with_accounts) as store:
        for scope in (None, ("天猫旗舰店",), None):
            cur = store.reader(scope)
            by_cursor = per_data_version(cur, question, lambda cur=cur: stores_seen(cur))
            by_store = store.remembered(scope, question, stores_seen)
            expected = ["天猫旗舰店"] if scope else stores_seen(store.reader())
            assert by_cursor == by_store == expected and len(expected) == (1 if scope else 3)


def test_a_limited_manager_rates_only_its_stores_people(with_accounts):
    """Ratings have no store column: a crafted edit naming another store's person is
    refused in the engine, with the person named; its own people are saved."""
    from ecdata.store.database import acting_as
    from ecdata.team.files import save_ratings_edits

    with Store(with_accounts) as store:
        add_user(store, "lin", "manager", "manager pass 2", ("天猫旗舰店",))
        rows = store.reader().execute("SELECT person_id, store FROM roster").fetchall()
        mine = next(p for p, s in rows if s == "天猫旗舰店")
        theirs = next(p for p, s in rows if s not in (None, "天猫旗舰店"))
        month = store.reader().execute("SELECT max(month) FROM ratings").fetchall()[0][0]
        before = store.dump()["ratings"]
        with acting_as("lin"):
            with pytest.raises(Refusal) as refused:
                save_ratings_edits(
                    store, month, pd.DataFrame({"person_id": [theirs], "peer_rating": [1.0]})
                )
            said = refused.value.message
            assert said.key == "acc.store_not_granted" and theirs in said.text("en")
            assert store.dump()["ratings"] == before
            save_ratings_edits(
                store, month, pd.DataFrame({"person_id": [mine], "peer_rating": [77.0]})
            )


def test_sign_out_leaves_nothing_for_the_next_account(with_accounts, app_on):
    """The owner made a report and signs out in a shared tab: the next person finds no
    report, no choice and no token of theirs; the token is dead on the server too."""
    from streamlit.testing.v1 import AppTest

    from ecdata.store.accounts import session_user, start_session

    with Store(with_accounts) as store:
        boss = sign_in(store, "boss", "owner pass 1", NOW)
        token = start_session(store, boss)

    def tab():
        import streamlit as st

        from ui import auth

        if st.session_state.get("press_sign_out"):
            auth.sign_out()

    app_on(with_accounts)
    at = AppTest.from_function(tab)
    at.session_state["_token"], at.session_state["_account"] = token, boss
    at.session_state["_report_files"] = {"pdf": b"the owner's report"}
    at.session_state["press_sign_out"] = True
    at.run()
    assert not at.exception
    assert not [k for k in at.session_state if not k.startswith("$$")]
    with Store(with_accounts) as store:
        assert session_user(store, token) is None


def test_the_server_drops_messages_that_empty_every_cache():
    """A stranger's websocket may send clear_cache (it emptied every visitor's caches): the
    guard drops it and passes the next message on."""
    import asyncio

    from streamlit.proto.BackMsg_pb2 import BackMsg

    from ui.server import Guard

    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    sent = [clear, rerun]

    async def receive():
        return {"type": "websocket.receive", "bytes": sent.pop(0).SerializeToString()}

    message = asyncio.run(Guard._filtered(receive)())
    passed = BackMsg()
    passed.ParseFromString(message["bytes"])
    assert passed.WhichOneof("type") == "rerun_script" and sent == []


def test_a_viewer_cannot_write_through_the_engine_whatever_asks(tmp_path):
    """The role is decided by the single write path, not by what a page shows: an upload, a
    setting, an action item or an undo made in a viewer's name is refused, nothing stored."""
    from helpers import TODAY

    from ecdata.i18n import Refusal
    from ecdata.ingest.upload import ingest_file
    from ecdata.meeting.actions import add_action
    from ecdata.store.settings import save_setting

    with Store(tmp_path / "v.duckdb") as store:
        add_user(store, "看客", "viewer", "a-long-password-1")
        path = tmp_path / "a.csv"
        path.write_text("日期,访客数\n2026-10-01,5\n", encoding="utf-8")
        before = store.dump()
        with acting_as("看客"):
            outcome = ingest_file(store, path, store_name="A店", today=TODAY)
            assert not outcome.ok and outcome.message.key == "acc.viewer_write"
            for write in (
                lambda: save_setting(store, "k", 1),
                lambda: add_action(store, dt.date(2026, 10, 5), "查主图"),
            ):
                with pytest.raises(Refusal) as refused:
                    write()
                assert refused.value.key == "acc.viewer_write"
        assert store.dump() == before


def test_every_table_holding_a_stores_rows_is_shadowed_for_a_limited_account(store):
    """A table added with a store column (a rollup, a twin) and forgotten in SCOPED_TABLES
    would let a store-limited viewer read every store's rows through it."""
    from ecdata.store.database import SCOPED_TABLES

    with_store = {
        r[0]
        for r in store.reader()
        .execute(
            "SELECT table_name FROM information_schema.columns "
            "WHERE column_name IN ('store', 'stores') AND table_schema = 'main'"
        )
        .fetchall()
    }
    # Accounts name the stores they are granted: read only by the owner's account functions.
    assert with_store and with_store - SCOPED_TABLES.keys() == {"users"}
