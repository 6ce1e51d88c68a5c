"""Page benchmark: each page's full rerun through AppTest on 1M daily rows, cold and warm.

Builds a store with 50 stores x 10 channels x 2000 days (1M store-day-channel rows) plus
monthly costs, then for each page times a run with empty query caches (cold) and the median
of further reruns (warm).

    .venv/bin/python bench/pages.py [--stores 50] [--days 2000] [--warm 5] [--db FILE]
        [--pages overview explore] [--range last_52_weeks] [--products 100000000]
    .venv-ducklake/bin/python bench/pages.py --lake --stores 500   # 10M rows: file vs lake

With `--products N`, N product-day rows (20 stores x 5,000 SKUs x as many days as it takes,
ending on the store rows' last day) are written as one 生意参谋-style CSV per year and
ingested through the CLI (`python -m ecdata ingest`), timed, with its peak memory; then the
product queries the pages run (top products, the products that moved) are timed on their
own, and the pages as usual.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
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


def build(path, stores: int, days: int) -> int:
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


def build_products(db, rows: int, last_day: dt.date, folder: Path) -> None:
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


def time_product_queries(db, warm: int) -> None:
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


def time_pages(db: str, args) -> dict[str, tuple[float, float]]:
    """Each page's cold run and median warm rerun on `db` (a file or a DuckLake), printed."""
    os.environ["ECDATA_DB"] = db
    os.environ["ECDATA_DEMO"] = "0"
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from ecdata.store.database import forget_remembered

    sys.path.insert(0, str(ROOT / "tests"))
    from helpers import run_pages_as_the_server_does

    run_pages_as_the_server_does()  # every page through app.py, as a browser gets it

    print(f"{'page':<24} {'cold s':>7} {'warm s (median)':>16}")
    pages = [p for p in PAGES if not args.pages or Path(p).stem in args.pages]
    out = {}
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
        out[page] = (cold, statistics.median(warm))
        print(f"{page:<24} {cold:>7.2f} {out[page][1]:>16.2f}", flush=True)
    # What the pages cost the process serving them (the store, its caches, DuckDB's).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (the pages' server): {peak:,.0f} MB")
    return out


def _postgres_bin(name: str) -> str:
    import glob
    import shutil

    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return found if isinstance(found, str) else found[-1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def lake_against_file(args, folder: Path) -> None:
    """The same pages on a fresh embedded file and on a fresh DuckLake in a private
    PostgreSQL, each in its own process, and the ratio of each figure."""
    import shutil
    import socket

    pg = Path(tempfile.mkdtemp(prefix="ecdata-pg-"))
    if os.geteuid() == 0:
        shutil.chown(pg, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = dict(check=True, capture_output=True)
    subprocess.run(_as_postgres([_postgres_bin("initdb"), "-D", f"{pg}/data", "-A", "trust",
                                 "-U", "ec"]), **run)  # fmt: skip
    subprocess.run(_as_postgres([_postgres_bin("pg_ctl"), "-D", f"{pg}/data", "-o",
                                 f"-p {port} -k {pg} -h 127.0.0.1", "-l", f"{pg}/log", "-w",
                                 "start"]), **run)  # fmt: skip
    conninfo = f"host=127.0.0.1 port={port} user=ec"
    try:
        subprocess.run(["psql", f"{conninfo} dbname=postgres", "-q", "-c",
                        "CREATE DATABASE bench"], **run)  # fmt: skip
        targets = {
            "embedded file": str(folder / "bench.duckdb"),
            "DuckLake on PostgreSQL": f"ducklake:postgres:{conninfo} dbname=bench",
        }
        results = {}
        for label, target in targets.items():
            print(f"== {label}", flush=True)
            child = [sys.executable, __file__, "--db", target, "--json", str(folder / "r.json"),
                     "--stores", str(args.stores), "--days", str(args.days),
                     "--warm", str(args.warm)]  # fmt: skip
            if args.pages:
                child += ["--pages", *args.pages]
            if args.range:
                child += ["--range", args.range]
            env = {**os.environ, "ECDATA_DATA_PATH": str(folder / "lake-data")}
            subprocess.run(child, check=True, env=env)
            results[label] = json.loads((folder / "r.json").read_text())
        file_, lake = results.values()
        print(f"{'page':<24} {'cold file':>9} {'cold lake':>9} {'ratio':>6} "
              f"{'warm file':>9} {'warm lake':>9} {'ratio':>6}")  # fmt: skip
        for page, (cold, warm) in file_.items():
            lcold, lwarm = lake[page]
            print(f"{page:<24} {cold:>9.2f} {lcold:>9.2f} {lcold / cold:>6.2f} "
                  f"{warm:>9.2f} {lwarm:>9.2f} {lwarm / warm:>6.2f}")  # fmt: skip
    finally:
        subprocess.run(_as_postgres([_postgres_bin("pg_ctl"), "-D", f"{pg}/data", "-m", "fast",
                                     "stop"]), capture_output=True)  # fmt: skip
        shutil.rmtree(pg, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stores", type=int, default=50)
    parser.add_argument("--days", type=int, default=2000)
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--pages", nargs="+", help="only these pages (e.g. overview)")
    parser.add_argument("--range", default=None, help="a range preset, e.g. last_52_weeks")
    parser.add_argument(
        "--db", help="a database built earlier (kept; built here when missing), or a DuckLake"
    )
    parser.add_argument(
        "--products", type=int, default=0, help="product-day rows to ingest (via the CLI)"
    )
    parser.add_argument(
        "--lake",
        action="store_true",
        help="the pages on an embedded file and on DuckLake + PostgreSQL, and their ratio "
        "(run with .venv-ducklake/bin/python: DuckLake needs duckdb 1.5)",
    )
    parser.add_argument("--json", type=Path, help=argparse.SUPPRESS)  # a child's results
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecdata-bench-") as tmp:
        if args.lake:
            lake_against_file(args, Path(tmp))
            return
        db = args.db or str(Path(tmp) / "bench.duckdb")
        if db.startswith("ducklake:") or not Path(db).exists():
            t0 = time.perf_counter()
            rows = build(db, args.stores, args.days)
            print(f"built {rows:,} store-day-channel rows in {time.perf_counter() - t0:.1f} s")
        if args.products:
            last_day = dt.date(2021, 1, 1) + dt.timedelta(days=args.days - 1)
            build_products(db, args.products, last_day, Path(tmp))
            time_product_queries(db, args.warm)
        results = time_pages(db, args)
        if args.json:
            args.json.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
