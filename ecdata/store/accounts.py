"""Accounts and roles, optional: with no account ecdata runs for one person on their own
machine; once one exists, everyone signs in.

Passwords are kept only as Argon2id hashes (argon2-cffi, the reference implementation's
bindings). Repeated failures lock an account for a while. Roles:

- owner: everything, pay included;
- manager: uploads, undoes their own batches, edits ratings and settings; no pay;
- viewer: reads (optionally only the stores granted); no pay, no changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ecdata.i18n import Refusal
from ecdata.names import has_control_characters
from ecdata.store.database import Cursor, Store

ROLES = ("owner", "manager", "viewer")
MAX_FAILURES = 5  # in a row; then the account waits LOCK_MINUTES
LOCK_MINUTES = 15
MIN_PASSWORD = 8
SESSION_HOURS = 12  # a sign-in lasts this long (across reloads), then asks again

# What each role may do. Enforced where the server acts (ui.auth.require before every write,
# pay left out of what is sent), not by hiding buttons alone.
PERMISSIONS = {
    "owner": {"read", "upload", "undo_any", "undo_own", "team", "settings", "pay", "users"},
    "manager": {"read", "upload", "undo_own", "team", "settings"},
    "viewer": {"read"},
}

COMPANY_WIDE = {"settings", "users"}

_HASHER = PasswordHasher()


@dataclass(frozen=True)
class User:
    name: str
    role: str
    stores: tuple[str, ...] = ()  # the stores a viewer may see; empty: all

    def can(self, action: str) -> bool:
        # What holds for every store (settings, accounts) is not for an account limited to
        # some stores, whatever its role; the engine refuses it too (check_company_wide).
        if self.stores and action in COMPANY_WIDE:
            return False
        return action in PERMISSIONS[self.role]


# With no account, the one person at the machine may do everything.
LOCAL_OWNER = User("", "owner")


class AccountError(Refusal):
    """A refused account operation (a weak password, a locked account, an unknown name)."""


def any_accounts(cur: Cursor) -> bool:
    return cur.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchall()[0][0]


def _check(role: str, password: str) -> None:
    if role not in ROLES:
        raise AccountError("acc.bad_role", role=role, roles=", ".join(ROLES))
    if len(password) < MIN_PASSWORD:
        raise AccountError("acc.short_password", n=MIN_PASSWORD)


def add_user(
    store: Store, name: str, role: str, password: str, stores: tuple[str, ...] = ()
) -> None:
    name = name.strip()
    if not name:
        raise AccountError("acc.no_name")
    if has_control_characters(name) or any(has_control_characters(s) for s in stores):
        raise AccountError("acc.bad_name")
    _check(role, password)
    with store.writer() as cur:
        if cur.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
            raise AccountError("acc.exists", name=name)
        cur.execute(
            "INSERT INTO users (name, role, password_hash, stores) VALUES (?, ?, ?, ?)",
            [name, role, _HASHER.hash(password), list(stores)],
        )


def remove_user(store: Store, name: str) -> None:
    with store.writer() as cur:
        if not cur.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
            raise AccountError("acc.unknown", name=name)
        cur.execute("DELETE FROM sessions WHERE name = ?", [name])
        cur.execute("DELETE FROM users WHERE name = ?", [name])


def set_password(store: Store, name: str, password: str) -> None:
    _check("viewer", password)
    with store.writer() as cur:
        if not cur.execute("SELECT 1 FROM users WHERE name = ?", [name]).fetchall():
            raise AccountError("acc.unknown", name=name)
        cur.execute(
            "UPDATE users SET password_hash = ? WHERE name = ?", [_HASHER.hash(password), name]
        )
        cur.execute("DELETE FROM sign_in_failures WHERE name = ?", [name])
        cur.execute("DELETE FROM sessions WHERE name = ?", [name])  # signed in elsewhere: out


def list_users(cur: Cursor) -> pd.DataFrame:
    """name, role, stores, failures (wrong passwords in a row, over every client),
    locked_until (the latest lock of any client), created_at: never the hashes."""
    return cur.execute(
        """SELECT u.name, u.role, u.stores,
                  CAST(COALESCE(f.failures, 0) AS INTEGER) AS failures,
                  f.locked_until, u.created_at
           FROM users u LEFT JOIN (
               SELECT name, sum(failures) AS failures, max(locked_until) AS locked_until
               FROM sign_in_failures GROUP BY name) f USING (name)
           ORDER BY u.name"""
    ).df()


def sign_in(
    store: Store,
    name: str,
    password: str,
    now: dt.datetime | None = None,
    client: str = "local",
) -> User:
    """The user, when `password` is theirs; AccountError otherwise.

    Attempts are counted per name and client (the browser's address): MAX_FAILURES in a row
    from one client lock that name for that client for LOCK_MINUTES (a right password is
    refused meanwhile), so guessing is slowed while a stranger elsewhere cannot lock the
    owner out. An attempt is counted *before* its password is checked, in one write
    transaction: attempts sent in parallel cannot all read the same stale count. Unknown
    names are counted and answered exactly like real ones (no telling names apart)."""
    now = now or dt.datetime.now()
    with store.writer() as cur:
        row = cur.execute(
            "SELECT failures, locked_until FROM sign_in_failures WHERE name = ? AND client = ?",
            [name, client],
        ).fetchall()
        failures, locked_until = row[0] if row else (0, None)
        blocked = locked_until is not None and locked_until > now
        if not blocked:
            if locked_until is not None:
                failures = 0  # the lock ran out: a fresh run of attempts
            failures += 1
            locked_until = (
                now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
            )
            cur.execute(
                "DELETE FROM sign_in_failures WHERE name = ? AND client = ?", [name, client]
            )
            cur.execute(
                "INSERT INTO sign_in_failures (name, client, failures, locked_until) "
                "VALUES (?, ?, ?, ?)",
                [name, client, failures, locked_until],
            )
        user = cur.execute(
            "SELECT role, password_hash, stores FROM users WHERE name = ?", [name]
        ).fetchall()
    if blocked or not user:
        _HASHER.hash(password)  # as slow as a real check: no telling names apart by time
        raise AccountError(
            "acc.locked" if blocked else _refusal(locked_until), minutes=LOCK_MINUTES
        )
    role, hashed, stores = user[0]
    try:
        _HASHER.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        raise AccountError(_refusal(locked_until), minutes=LOCK_MINUTES) from None
    with store.writer() as cur:
        cur.execute("DELETE FROM sign_in_failures WHERE name = ? AND client = ?", [name, client])
        cur.execute("UPDATE users SET last_sign_in = ? WHERE name = ?", [now, name])
    return User(name, role, tuple(stores or ()))


def _refusal(locked_until: object) -> str:
    """A wrong password's answer: 'locked' once this attempt locked the name."""
    return "acc.bad_login" if locked_until is None else "acc.locked"


def account(store: Store, name: str) -> User | None:
    """The account called `name`, without a password: for an identity a company's identity
    provider vouched for (its e-mail is the account's name)."""
    row = store.reader().execute("SELECT role, stores FROM users WHERE name = ?", [name]).fetchall()
    if not row:
        return None
    role, stores = row[0]
    return User(name, role, tuple(stores or ()))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(store: Store, user: User, now: dt.datetime | None = None) -> str:
    """A new session token for `user` (kept by the browser as a cookie; only its hash is
    stored), valid SESSION_HOURS."""
    now = now or dt.datetime.now()
    token = secrets.token_urlsafe(32)
    with store.writer() as cur:
        cur.execute("DELETE FROM sessions WHERE expires_at < ?", [now])
        cur.execute(
            "INSERT INTO sessions (token_hash, name, expires_at) VALUES (?, ?, ?)",
            [_digest(token), user.name, now + dt.timedelta(hours=SESSION_HOURS)],
        )
    return token


def session_user(store: Store, token: str, now: dt.datetime | None = None) -> User | None:
    """The account a session token belongs to, while it is valid and the account exists."""
    now = now or dt.datetime.now()
    row = (
        store.run_reader()  # in a page run, its reader: a question per run, not per check
        .execute(
            """SELECT u.name, u.role, u.stores FROM sessions s JOIN users u USING (name)
               WHERE s.token_hash = ? AND s.expires_at > ?""",
            [_digest(token), now],
        )
        .fetchall()
    )
    if not row:
        return None
    name, role, stores = row[0]
    return User(name, role, tuple(stores or ()))


def end_session(store: Store, token: str) -> None:
    with store.writer() as cur:
        cur.execute("DELETE FROM sessions WHERE token_hash = ?", [_digest(token)])
