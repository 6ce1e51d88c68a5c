"""The dashboard's server: app.py inside Streamlit's ASGI app, with ecdata's guard in front
(ui/server.py: allowed hosts on every route, uploads only when signed in and within the
limit, metrics closed, the session cookie set HttpOnly by the server).

    .venv/bin/python -m streamlit run serve.py    (what scripts/start.sh runs)
"""

import streamlit as st
from starlette.middleware import Middleware

from ui.server import ROUTES, Guard

app = st.App("app.py", routes=ROUTES, middleware=[Middleware(Guard)])
