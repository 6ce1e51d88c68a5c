"""Excel benchmark: reading a 100k-row .xlsx export into checked facts.

Prints, best of 3 each: ecdata's read_export (fastexcel: calamine to Arrow columns, typed in
DuckDB), and the route it replaced (pandas' calamine engine plus a Python pass over every
cell) for the same sheet, to the point where the rows are in DuckDB.

    .venv/bin/python bench/excel.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def make_xlsx(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["生意参谋 - 店铺整体"])
    sheet.append(["统计日期", "店铺", "渠道", "访客数", "支付金额", "支付转化率"])
    start = dt.date(2020, 1, 1)
    for i in range(rows):
        sheet.append(
            [
                start + dt.timedelta(days=i // 50),
                f"店铺{i % 5}",
                f"渠道{(i // 5) % 10}",
                1000 + i % 900,
                round(4000 + (i % 5000) / 3, 2),
                "4.50%",
            ]
        )
    book.save(path)


def excel_cells(frame) -> list[list]:
    """The route this benchmark compares with: every cell through Python as text."""
    import pandas as pd

    def cell(v):
        if v is None or v is pd.NaT or (isinstance(v, float) and pd.isna(v)):
            return None
        if isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d %H:%M:%S" if v.time() != dt.time() else "%Y-%m-%d")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    return [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]


def best_of(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    import duckdb
    import pandas as pd

    from ecdata.ingest.reader import read_export

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        make_xlsx(path, args.rows)
        today = dt.date(2030, 1, 1)
        parsed = read_export(path, store_name="店", today=today)
        assert parsed.ok and parsed.staged_rows == args.rows, parsed.error

        def old_route():
            frame = pd.read_excel(path, sheet_name=0, header=None, engine="calamine")
            cells = pd.DataFrame(excel_cells(frame), dtype="string")
            con = duckdb.connect()
            con.register("cells", cells)
            con.execute("CREATE TABLE raw AS SELECT * FROM cells")
            con.close()

        ours = best_of(lambda: read_export(path, store_name="店", today=today))
        before = best_of(old_route)
        size = path.stat().st_size / 2**20
        print(f"xlsx {args.rows:,} rows ({size:.1f} MB)")
        print(f"  ecdata read_export (fastexcel -> Arrow -> DuckDB, checked): {ours:.2f} s")
        print(f"  previous route, cells into DuckDB only (pandas + per-cell pass): {before:.2f} s")


if __name__ == "__main__":
    main()
