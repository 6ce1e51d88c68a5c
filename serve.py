"""The dashboard's server: app.py inside Streamlit's ASGI app, with ecdata's guard in front
(ui/server.py: allowed hosts on every route, uploads only when signed in and within the
limit, metrics closed, the session cookie set HttpOnly by the server).

    .venv/bin/python -m streamlit run serve.py    (what scripts/start.sh runs)
"""

import os
from contextlib import asynccontextmanager

import streamlit as st
from starlette.middleware import Middleware

from ui.server import ROUTES, Guard, write_report_token


@asynccontextmanager
async def lifespan(app):
    """Once per server process: the token the CLI asks this server for reports with, and the
    scheduler that sends scheduled reports (ecdata/schedules.py; ECDATA_SCHEDULER=0: off)."""
    from ecdata.schedules import start_scheduler
    from ui.state import get_store

    token_file = write_report_token()
    scheduler = None
    if os.environ.get("ECDATA_SCHEDULER", "1") != "0":
        scheduler = start_scheduler(get_store())
    try:
        yield None
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
        token_file.unlink(missing_ok=True)


app = st.App("app.py", routes=ROUTES, middleware=[Middleware(Guard)], lifespan=lifespan)
