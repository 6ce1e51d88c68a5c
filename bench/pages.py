"""Page benchmark: each page's full rerun through AppTest on 1M daily rows, cold and warm.

Builds a store with 50 stores x 10 channels x 2000 days (1M store-day-channel rows) plus
monthly costs, then for each page times a run with empty query caches (cold) and the median
of further reruns (warm).

    .venv/bin/python bench/pages.py [--stores 50] [--days 2000] [--warm 5] [--db FILE]
        [--pages overview explore] [--range last_52_weeks]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = sorted(f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py"))


def build(path: Path, stores: int, days: int) -> int:
    from ecdata.store import STORE_DAILY, STORE_MONTHLY, Store
    from ecdata.store.batches import write_batch

    with Store(path) as store:
        cur = store.reader()
        facts = cur.sql(f"""
            SELECT CAST(DATE '2021-01-01' + CAST(d AS INTEGER) AS DATE) AS date,
                   '店铺' || s AS store, '渠道' || c AS channel,
                   CAST(1000 + (d * 7 + s * 13 + c * 31) % 900 AS DOUBLE) AS visitors,
                   CAST(3000 + (d * 11 + s * 3 + c) % 2000 AS DOUBLE) AS page_views,
                   CAST(20 + (d + s + c) % 30 AS DOUBLE) AS buyers,
                   round(4000 + ((d * 17 + s * 5 + c * 3) % 5000) / 3.0, 2) AS sales,
                   CAST(50 + (d * 3 + s + c * 7) % 60 AS DOUBLE) AS inquiries,
                   CAST(10 + (d + s * 2 + c) % 25 AS DOUBLE) AS closed_inquiries,
                   round(((d + s + c) % 400) / 7.0, 2) AS spend, false AS not_final
            FROM range({days}) r(d), range({stores}) t(s), range(10) u(c)""").to_arrow_table()
        meta = {"file_name": "bench", "content_hash": "bench", "kind": "store"}
        write_batch(store, STORE_DAILY, facts, meta)
        costs = cur.sql(f"""
            SELECT DISTINCT CAST(date_trunc('month', DATE '2021-01-01' + CAST(d AS INTEGER))
                                 AS DATE) AS month, '店铺' || s AS store,
                   30000.0 AS labor_cost, 6000.0 AS management_cost,
                   3000000.0 AS sales_target, 8.0 AS target_inquiry_cost
            FROM range({days}) r(d), range({stores}) t(s)""").to_arrow_table()
        write_batch(store, STORE_MONTHLY, costs, {**meta, "content_hash": "bench-costs"})
        # The demo company's 18-person roster and a year of ratings, for the team pages.
        import datetime as dt

        from ecdata.demo import demo_frames
        from ecdata.store import RATINGS, ROSTER

        team = demo_frames(dt.date(2021, 1, 1) + dt.timedelta(days=days - 1))
        write_batch(store, ROSTER, team["roster"], {**meta, "content_hash": "bench-roster"})
        write_batch(store, RATINGS, team["ratings"], {**meta, "content_hash": "bench-ratings"})
        return facts.num_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--days", type=int, default=2000)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--pages", nargs="+", help="only these pages (e.g. overview)")
    parser.add_argument("--range", default=None, help="a range preset, e.g. last_52_weeks")
    parser.add_argument(
        "--db", type=Path, help="a database built earlier (kept; built here when missing)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecdata-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        if not db.exists():
            t0 = time.perf_counter()
            rows = build(db, args.stores, args.days)
            print(f"built {rows:,} store-day-channel rows in {time.perf_counter() - t0:.1f} s")
        os.environ["ECDATA_DB"] = str(db)
        os.environ["ECDATA_DEMO"] = "0"
        import streamlit as st
        from streamlit.testing.v1 import AppTest

        from ecdata.store.database import forget_remembered

        print(f"{'page':<24} {'cold s':>7} {'warm s (median)':>16}")
        pages = [p for p in PAGES if not args.pages or Path(p).stem in args.pages]
        for page in pages:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.query_params["lang"] = "en"
            if args.range:
                at.query_params["range"] = args.range
            at.run()  # opens the store (cache_resource) once, as a running server would
            at.switch_page(page)
            st.cache_data.clear()
            forget_remembered()  # the engine's own memory of KPI answers, too
            start = time.perf_counter()
            at.run()
            cold = time.perf_counter() - start
            assert not at.exception, at.exception
            warm = []
            for _ in range(args.warm):
                start = time.perf_counter()
                at.run()
                warm.append(time.perf_counter() - start)
            print(f"{page:<24} {cold:>7.2f} {statistics.median(warm):>16.2f}", flush=True)


if __name__ == "__main__":
    main()
