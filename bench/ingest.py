"""Ingest benchmark: DuckDB's own CSV load vs ecdata's ingest of the same file.

Generates a daily metrics CSV (date x store x channel) of each size, then times, each in a
fresh child process writing a fresh database file:
  - duckdb:  CREATE TABLE t AS SELECT * FROM read_csv(file)
  - ecdata:  ingest_file(store, file)  (sniff, header, clean, validate, merge as a batch)
and prints both, their ratio, and the peak RSS of each child; then the first size again as
GB18030 (a Chinese Windows export) against its UTF-8 twin. The xlsx figure: bench/excel.py.

    .venv/bin/python bench/ingest.py [--rows 1000000 10000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_csv(path: Path, rows: int) -> None:
    """5.5 years of days x 10 channels x as many stores as it takes (50 for 1M rows, 500 for
    10M); written by DuckDB itself (fast, deterministic)."""
    import duckdb

    days = 2000
    stores = -(-rows // (days * 10))
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT DATE '2020-01-01' + CAST(d AS INTEGER) AS "日期", '店铺' || s AS "店铺", '渠道' || c AS "渠道",
                 1000 + (d * 7 + s * 13 + c * 31) % 900 AS "访客数",
                 3000 + (d * 11 + s * 3 + c) % 2000 AS "浏览量",
                 20 + (d + s + c) % 30 AS "支付买家数",
                 round(4000 + ((d * 17 + s * 5 + c * 3) % 5000) / 3.0, 2) AS "支付金额",
                 50 + (d * 3 + s + c * 7) % 60 AS "咨询人数",
                 10 + (d + s * 2 + c) % 25 AS "询单成交人数",
                 round(((d + s + c) % 400) / 7.0, 2) AS "推广费"
          FROM range({days}) r(d), range({stores}) t(s), range(10) u(c)
          LIMIT {rows}
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)
    con.close()


def child(mode: str, csv_path: str, db_path: str) -> None:
    """One measured run. Imports come first and are not timed; opening the database file,
    the load, and closing it (DuckDB's checkpoint writes the file) are."""
    import duckdb

    from ecdata.ingest.upload import ingest_file
    from ecdata.store import Store

    start = time.perf_counter()
    if mode == "duckdb":
        con = duckdb.connect(db_path)
        con.execute("SET preserve_insertion_order = false")
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}')")
        rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
        con.close()
    else:
        with Store(db_path) as store:
            outcome = ingest_file(store, Path(csv_path), max_mb=10_000)
            assert outcome.ok, str(outcome.message)
            rows = outcome.batch.rows_written
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb}))


def measure(mode: str, csv_path: Path, workdir: Path) -> dict:
    db = workdir / f"{mode}.duckdb"
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(csv_path), str(db)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=2, help="runs each; the best is kept")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="ecdata-bench-") as tmp:
        workdir = Path(tmp)
        print(
            f"{'rows':>10} {'MB':>6} {'duckdb s':>9} {'ecdata s':>9} {'ratio':>6} "
            f"{'duckdb peak MB':>15} {'ecdata peak MB':>15}"
        )
        twins = []
        for rows in args.rows:
            csv_path = workdir / f"metrics_{rows}.csv"
            make_csv(csv_path, rows)
            size_mb = csv_path.stat().st_size / 2**20
            base = min(
                (measure("duckdb", csv_path, workdir) for _ in range(args.repeat)),
                key=lambda r: r["seconds"],
            )
            ours = min(
                (measure("ecdata", csv_path, workdir) for _ in range(args.repeat)),
                key=lambda r: r["seconds"],
            )
            assert ours["rows"] == base["rows"] == rows, (ours, base)
            print(
                f"{rows:>10,} {size_mb:>6.0f} {base['seconds']:>9.2f} {ours['seconds']:>9.2f} "
                f"{ours['seconds'] / base['seconds']:>6.2f} {base['peak_mb']:>15.0f} "
                f"{ours['peak_mb']:>15.0f}",
                flush=True,
            )
            twins.append((rows, csv_path, ours))
        # The same file as a Chinese Windows export writes it (GB18030), against its twin.
        for rows, csv_path, utf8 in twins[:1]:
            gb_path = workdir / f"metrics_{rows}_gb18030.csv"
            with (
                open(csv_path, encoding="utf-8") as src,
                open(gb_path, "w", encoding="gb18030") as dst,
            ):
                for chunk in iter(lambda: src.read(1 << 24), ""):
                    dst.write(chunk)
            gb = min(
                (measure("ecdata", gb_path, workdir) for _ in range(args.repeat)),
                key=lambda r: r["seconds"],
            )
            assert gb["rows"] == rows, gb
            print(
                f"GB18030 {rows:,} rows: {gb['seconds']:.2f} s vs its UTF-8 twin "
                f"{utf8['seconds']:.2f} s: {gb['seconds'] / utf8['seconds']:.2f}x "
                f"(peak {gb['peak_mb']:.0f} MB)",
                flush=True,
            )
            gb_path.unlink()
        for _, csv_path, _ in twins:
            csv_path.unlink()


if __name__ == "__main__":
    main()
