"""Browser benchmark: each page in a real Chromium, from navigation to the last chart drawn.

Starts `streamlit run` on a database (the demo company, or `--stores/--days` rows built as
bench/pages.py builds them), then for every page: the first load after the server started
(its query caches cold), the median of 3 loads in new browser contexts ("cold": nothing
cached in the browser), and the median of 3 loads again in the same context ("warm": the
browser's cache holds the app's code), and what the first load was sent over the websocket
(all of it, and the plotly figures' JSON within it). Then opens 8 sessions at once and prints
the server's memory (RSS of the streamlit process and its children).

    .venv/bin/python bench/browser.py [--stores 500 --days 2000] [--pages overview org]

Last, the same loads of a one-line Streamlit app (title only; one plotly chart): the floor
no page can beat on this machine.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
PAGES = ["", "inquiry_cost", "explore", "team_kpis", "diagnosis", "org", "upload"]
DRAWN = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  return [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
    .every(c => c.querySelector('.main-svg'));
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Streamlit's own floor on this machine: a page with a title only, and with one small
# plotly chart, served and timed the same way.
FLOOR_APP = """import streamlit as st
import plotly.graph_objects as go
st.title("floor")
if st.query_params.get("chart"):
    st.plotly_chart(go.Figure(go.Bar(x=["a", "b", "c"], y=[1, 3, 2])))
"""


def start(db: Path, script: str = "app.py") -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "ECDATA_DB": str(db), "ECDATA_DEMO": "0"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.headless=true",
         f"--server.port={port}", "--browser.gatherUsageStats=false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.25)
    proc.kill()
    raise RuntimeError("streamlit did not start")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc (MB)."""
    total, pids = 0, [pid]
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
            with open(f"/proc/{p}/task/{p}/children") as f:
                pids += [int(c) for c in f.read().split()]
        except (FileNotFoundError, StopIteration):
            continue
    return total / 1024


def timed_load(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    return time.perf_counter() - started


def count_sent(page) -> dict[str, int]:
    """What the server sends `page` from now on, counted as it arrives: the bytes of every
    websocket message, and the plotly figures among them (how many, their JSON's bytes)."""
    from google.protobuf.message import DecodeError
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    sent = {"bytes": 0, "charts": 0, "chart_bytes": 0}

    def received(payload) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        sent["bytes"] += len(data)
        message = ForwardMsg()
        try:
            message.ParseFromString(data)
        except DecodeError:
            return
        if message.WhichOneof("type") == "delta" and message.delta.HasField("new_element"):
            element = message.delta.new_element
            if element.WhichOneof("type") == "plotly_chart":
                sent["charts"] += 1
                sent["chart_bytes"] += len(element.plotly_chart.spec.encode())

    page.on("websocket", lambda ws: ws.on("framereceived", received))
    return sent


def loads(browser, address: str) -> tuple[float, float, float, dict[str, int]]:
    """(first load, median of 3 cold loads, median of 3 warm loads) of one address, and
    what the server sent for the first (count_sent)."""
    first_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    first_page = first_ctx.new_page()
    sent = count_sent(first_page)
    first = timed_load(first_page, address)
    first_ctx.close()
    cold, warm = [], []
    for _ in range(3):
        ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
        page = ctx.new_page()
        cold.append(timed_load(page, address))
        warm.append(timed_load(page, address))
        ctx.close()
    return first, statistics.median(cold), statistics.median(warm), sent


def row(label: str, first: float, cold: float, warm: float, sent: dict[str, int]) -> str:
    charts = f"{sent['charts']:>7}{sent['chart_bytes'] / 1000:>10.1f}"
    return f"{label:<22}{first:8.2f}{cold:8.2f}{warm:8.2f}{sent['bytes'] / 1000:>10.1f}{charts}"


def floor(browser, folder: Path) -> None:
    """The same three loads of a one-line Streamlit app: what no page of ours can beat."""
    script = folder / "floor.py"
    script.write_text(FLOOR_APP, encoding="utf-8")
    proc, url = start(folder / "unused.duckdb", str(script))
    try:
        for label, query in (("title only", ""), ("one chart", "?chart=1")):
            print(row(f"floor: {label}", *loads(browser, f"{url}/{query}")))
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=0, help="0: the demo company")
    parser.add_argument("--days", type=int, default=2000)
    parser.add_argument(
        "--pages", nargs="*", default=None, help="only these (overview, inquiry_cost, …)"
    )
    args = parser.parse_args()
    pages = [p for p in PAGES if args.pages is None or (p or "overview") in args.pages]
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="ecdata-bench-"))
    db = folder / "bench.duckdb"
    if args.stores:
        from bench.pages import build

        rows = build(db, args.stores, args.days)
        print(f"database: {rows:,} store-day-channel rows")
    else:
        import datetime as dt

        from ecdata.demo import load_demo
        from ecdata.store import Store

        with Store(db) as store:
            load_demo(store, dt.date(2026, 11, 15))
        print("database: the demo company")
    proc, url = start(db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            print(
                f"{'page':<22}{'first':>8}{'cold':>8}{'warm':>8}{'sent KB':>10}{'charts':>7}"
                f"{'chart KB':>10}   (s, median of 3; what the first load was sent)"
            )
            for name in pages:
                print(row(name or "overview", *loads(browser, f"{url}/{name}?lang=zh")))
            contexts = [browser.new_context() for _ in range(8)]
            for ctx in contexts:
                timed_load(ctx.new_page(), f"{url}/?lang=zh")
            print(f"server memory with 8 sessions open: {rss_mb(proc.pid):.0f} MB")
            floor(browser, folder)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
