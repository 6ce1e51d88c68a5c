"""The guard in front of the dashboard's server (serve.py runs app.py inside st.App with it).

Streamlit's own routes answer anyone who can reach the port; what a stranger must not do is
checked here, before Streamlit sees the request:

- a Host outside `server.allowedHosts` (DNS rebinding) is refused on every route, not only
  the websocket Streamlit checks itself;
- with accounts, a file upload needs a signed-in session (the session cookie) and no file
  is taken above the upload limit, the same bytes the browser and the reader use;
- `/_stcore/metrics` is closed, and websocket messages that empty every visitor's caches or
  drive Streamlit's debugging (clear_cache, debug_*, set_run_on_save) are dropped;
- the session cookie is set by the server, HttpOnly: the script hands a one-time code to the
  page, the page trades it here (POST /_ecdata/session) for the cookie, so the long-lived
  token never reaches JavaScript.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg

from ecdata.ingest.reader import DEFAULT_MAX_MB, MB
from ecdata.store import default_db_path
from ecdata.store.accounts import SESSION_HOURS, any_accounts, session_user

COOKIE = "ecdata_session"
UPLOAD_PATH = "/_stcore/upload_file/"
CLOSED_PATHS = ("/_stcore/metrics",)
DROPPED_MESSAGES = {
    "clear_cache",
    "debug_disconnect_websocket",
    "debug_shutdown_runtime",
    "set_run_on_save",
}
# Multipart framing around an uploaded file (boundary, headers): allowed above the file size.
MULTIPART_OVERHEAD = 64 * 1024
HANDOFF_SECONDS = 30  # a one-time code must be traded for the cookie within this time

_HANDOFFS: dict[str, tuple[str, float]] = {}
_HANDOFFS_LOCK = threading.Lock()


def handoff(token: str) -> str:
    """A one-time code the page trades for an HttpOnly cookie holding `token`."""
    code = secrets.token_urlsafe(24)
    with _HANDOFFS_LOCK:
        now = time.monotonic()
        for old in [c for c, (_, at) in _HANDOFFS.items() if now - at > HANDOFF_SECONDS]:
            del _HANDOFFS[old]
        _HANDOFFS[code] = (token, now)
    return code


def _take(code: str) -> str | None:
    with _HANDOFFS_LOCK:
        found = _HANDOFFS.pop(code, None)
    if found is None or time.monotonic() - found[1] > HANDOFF_SECONDS:
        return None
    return found[0]


def host_allowed(host: str | None) -> bool:
    """`host` (a Host header, port ignored) is in server.allowedHosts, or that is empty."""
    allowed = [h.strip().lower().rstrip(".") for h in config.get_option("server.allowedHosts")]
    if not allowed or "*" in allowed:
        return True
    if not host:
        return False
    try:
        name = (urlsplit(f"//{host}").hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    return any(
        name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:]))
        for pattern in allowed
    )


def _store():
    from ui.state import _open_store  # the app's own Store: one connection per process

    return _open_store(str(default_db_path()))


def _signed_in(cookie_header: str | None) -> bool:
    """Whether the request may act: no accounts exist, or its session cookie is valid."""
    store = _store()
    if not any_accounts(store.reader()):
        return True
    token = _cookie(cookie_header)
    return bool(token) and session_user(store, token) is not None


def _cookie(header: str | None) -> str | None:
    for part in (header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and value:
            return value
    return None


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


class Guard:
    """ASGI middleware: the checks above, for HTTP requests and the websocket."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        if not host_allowed(headers.get("host")):
            return await self._refuse(scope, receive, send, 403, "host not allowed")
        if scope["type"] == "websocket":
            return await self.app(scope, self._filtered(receive), send)
        path = scope["path"]
        if path in CLOSED_PATHS:
            return await self._refuse(scope, receive, send, 404, "not found")
        if path.startswith(UPLOAD_PATH) and scope["method"] in ("PUT", "POST"):
            size = headers.get("content-length")
            if size and size.isdigit() and int(size) > DEFAULT_MAX_MB * MB + MULTIPART_OVERHEAD:
                return await self._refuse(scope, receive, send, 413, "file too large")
            if not _signed_in(headers.get("cookie")):
                return await self._refuse(scope, receive, send, 403, "sign in first")
        return await self.app(scope, receive, send)

    @staticmethod
    def _filtered(receive):
        async def receive_allowed():
            while True:
                message = await receive()
                data = message.get("bytes") if message["type"] == "websocket.receive" else None
                if data:
                    back = BackMsg()
                    try:
                        back.ParseFromString(data)
                    except Exception:  # not a BackMsg: Streamlit decides what to do
                        return message
                    if back.WhichOneof("type") in DROPPED_MESSAGES:
                        continue
                return message

        return receive_allowed

    @staticmethod
    async def _refuse(scope, receive, send, status: int, why: str):
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return None
        return await Response(why, status_code=status)(scope, receive, send)


async def set_session_cookie(request: Request) -> Response:
    """POST {"code": …}: the one-time code from the page, traded for the HttpOnly cookie."""
    try:
        code = json.loads(await request.body()).get("code", "")
    except (ValueError, AttributeError):
        code = ""
    token = _take(code) if isinstance(code, str) else None
    if token is None:
        return JSONResponse({"ok": False}, status_code=403)
    response = JSONResponse({"ok": True})
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=_https(request),
    )
    return response


async def clear_session_cookie(request: Request) -> Response:
    """POST: forget the session cookie (sign-out, or a token the server no longer knows)."""
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


def _https(request: Request) -> bool:
    """Behind a reverse proxy that serves HTTPS (X-Forwarded-Proto), or HTTPS itself."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return request.url.scheme == "https" or forwarded == "https"


# --- the report while the dashboard runs, and its published images -------------------------
#
# The embedded DuckDB file is this process's alone while the dashboard runs, so
# `python -m ecdata report` asks this server for the report instead (ecdata/cli.py): with the
# token the server wrote beside the database at start (readable by its owner only).

_REPORT_TOKEN: dict[str, str] = {}


def write_report_token() -> Path:
    """A fresh token for this server process, with the address the CLI reaches it at, in
    `<database>.server.json` (mode 600)."""
    token = secrets.token_urlsafe(32)
    _REPORT_TOKEN["token"] = token
    address = config.get_option("server.address") or "127.0.0.1"
    if address in ("0.0.0.0", "::"):
        address = "127.0.0.1"
    url = f"http://{address}:{config.get_option('server.port')}"
    path = server_file(str(default_db_path()))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps({"url": url, "token": token}), encoding="utf-8")
    return path


def server_file(db: str) -> Path:
    return Path(f"{db}.server.json")


def make_report(request: Request) -> Response:
    """GET /_ecdata/report?week=&store=&lang=&format=pdf|png&people=: the report, drawn by
    this process (which holds the database), for the CLI holding this server's token."""
    from ecdata.report import ReportError, build_report, render

    expected = _REPORT_TOKEN.get("token", "")
    given = request.headers.get("authorization", "").removeprefix("Bearer ")
    if not expected or not secrets.compare_digest(given, expected):
        return Response("no", status_code=403)
    q = request.query_params
    fmt = q.get("format", "pdf")
    if fmt not in ("pdf", "png"):
        return Response("format", status_code=400)
    week = dt.date.fromisoformat(q["week"]) if q.get("week") else None
    try:
        report = build_report(
            _store().reader(), week, tuple(q.getlist("store")), q.get("lang", "zh"),
            people=q.get("people") or None,
        )  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / f"report.{fmt}"
            render(report, {fmt: out})
            body = out.read_bytes()
    except ReportError as refused:
        return JSONResponse({"key": refused.message.key, "params": refused.message.params}, 422)
    media = "application/pdf" if fmt == "pdf" else "image/png"
    return Response(body, media_type=media)


def published_report(request: Request) -> Response:
    """GET /_ecdata/reports/<name>.png: a report image sent to a group by link (钉钉, 飞书,
    Slack robots take images only so), under a name nobody can guess."""
    from ecdata.schedules import published_folder

    name = request.path_params["name"]
    if not re.fullmatch(r"[A-Za-z0-9_-]{32}\.png", name):
        return Response("no", status_code=404)
    path = published_folder() / name
    if not path.is_file():
        return Response("no", status_code=404)
    return Response(path.read_bytes(), media_type="image/png")


ROUTES = [
    Route("/_ecdata/session", set_session_cookie, methods=["POST"]),
    Route("/_ecdata/signout", clear_session_cookie, methods=["POST"]),
    Route("/_ecdata/report", make_report, methods=["GET"]),
    Route("/_ecdata/reports/{name}", published_report, methods=["GET"]),
]
