"""Page benchmark: each page's full rerun through AppTest on 1M daily rows, cold and warm.

Builds a store with 50 stores x 10 channels x 2000 days (1M store-day-channel rows) plus
monthly costs, then for each page times a run with empty query caches (cold) and the median
of further reruns (warm).

    .venv/bin/python bench/pages.py [--stores 50] [--days 2000] [--warm 5] [--db FILE]
        [--pages overview explore] [--range last_52_weeks] [--products 100000000]

With `--products N`, N product-day rows (20 stores x 5,000 SKUs x as many days as it takes,
ending on the store rows' last day) are written as one 生意参谋-style CSV per year and
ingested through the CLI (`python -m ecdata ingest`), timed, with its peak memory; then the
product queries the pages run (top products, the products that moved) are timed on their
own, and the pages as usual.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
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


PRODUCT_STORES, SKUS = 20, 5000


def build_products(db: Path, rows: int, last_day: dt.date, folder: Path) -> None:
    """`rows` product-day rows as yearly CSV downloads, ingested through the CLI."""
    import duckdb

    days = -(-rows // (PRODUCT_STORES * SKUS))
    first = last_day - dt.timedelta(days=days - 1)
    files, left = [], rows
    con = duckdb.connect()
    for start in range(0, days, 365):
        n = min(365, days - start)
        path = folder / f"商品效果_{start:05d}.csv"
        take = min(left, n * PRODUCT_STORES * SKUS)
        con.execute(f"""
            COPY (
              SELECT DATE '{first}' + CAST(d AS INTEGER) AS "统计日期", '店铺' || s AS "店铺",
                     'SKU' || k AS "商品ID", '商品' || k AS "商品名称",
                     (d * 7 + s * 13 + k * 31) % 90 AS "商品访客数",
                     (d * 11 + s * 3 + k) % 200 AS "商品浏览量",
                     (d + s + k) % 5 AS "支付买家数", (d + s + k) % 7 AS "支付件数",
                     round(((d * 17 + s * 5 + k * 3) % 5000) / 3.0, 2) AS "支付金额"
              FROM range({start}, {start + n}) r(d), range({PRODUCT_STORES}) t(s),
                   range({SKUS}) u(k)
              LIMIT {take}
            ) TO '{path}' (HEADER, DELIMITER ',')""")
        files.append(path)
        left -= take
    con.close()
    size = sum(f.stat().st_size for f in files) / 2**30
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ecdata", "ingest", "--db", str(db), "--max-mb", "1000000",
         *map(str, files)],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"ingested {rows:,} product-day rows ({len(files)} files, {size:.1f} GB) through the "
        f"CLI in {seconds:.0f} s ({rows / seconds / 1e6:.2f}M rows/s), peak {peak:,.0f} MB"
    )
    for f in files:
        f.unlink()


def time_product_queries(db: Path, warm: int) -> None:
    """The product queries the review (top 5) and Explore (top 50, movers) run, over the
    latest week and the last 52 weeks, cold (first) and warm (median)."""
    from ecdata.metrics.kpis import Filters
    from ecdata.metrics.products import product_movers, product_table
    from ecdata.store import Store
    from ecdata.store.database import forget_remembered

    with Store(db) as store:
        cur = store.reader()
        last = cur.execute("SELECT max(date_to) FROM product_facts").fetchall()[0][0]
        for label, days in (("latest week", 7), ("52 weeks", 364)):
            filters = Filters(date_from=last - dt.timedelta(days=days - 1), date_to=last)
            for name, run in (
                ("top 50", lambda f=filters: product_table(store.reader(), f, 50)),
                ("movers", lambda f=filters: product_movers(store.reader(), f, "previous")),
            ):
                forget_remembered()
                started = time.perf_counter()
                run()
                cold = time.perf_counter() - started
                times = []
                for _ in range(warm):
                    started = time.perf_counter()
                    run()
                    times.append(time.perf_counter() - started)
                print(
                    f"products {name:<7} {label:<12} cold {cold:5.2f} s   "
                    f"warm {statistics.median(times):5.2f} s"
                )


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
    parser.add_argument(
        "--products", type=int, default=0, help="product-day rows to ingest (via the CLI)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecdata-bench-") as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        if not db.exists():
            t0 = time.perf_counter()
            rows = build(db, args.stores, args.days)
            print(f"built {rows:,} store-day-channel rows in {time.perf_counter() - t0:.1f} s")
        if args.products:
            last_day = dt.date(2021, 1, 1) + dt.timedelta(days=args.days - 1)
            build_products(db, args.products, last_day, Path(tmp))
            time_product_queries(db, args.warm)
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
        # What the pages cost the process serving them (the store, its caches, DuckDB's).
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process (the pages' server): {peak:,.0f} MB")


if __name__ == "__main__":
    main()
