"""The store on DuckLake with its catalog in PostgreSQL: the same engine code as on the
embedded file (batches, merge, undo, renames, KPIs, the app), writers in several processes,
and backups between the two backends.

PostgreSQL is started here (initdb into a temporary folder, a free port on 127.0.0.1).
DuckLake's extensions exist as PyPI packages for duckdb 1.5.x only, so scripts/test.sh runs
this file a second time in .venv-ducklake (requirements-ducklake.txt); in the main venv
(duckdb 2.x) it is skipped, saying so.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import duckdb
import pytest
from helpers import DEMO_END, ROOT, TODAY, WEEK, app

from ecdata.demo import load_demo
from ecdata.ingest.upload import ingest_file
from ecdata.metrics.kpis import Filters, kpi_table, totals
from ecdata.store import Store
from ecdata.store.backup import backup, restore
from ecdata.store.batches import list_batches, rename_store, undo_batch


def _have_lake_packages() -> bool:
    try:
        import duckdb_extension_ducklake  # noqa: F401
        import duckdb_extension_postgres  # noqa: F401
    except ImportError:
        return False
    return True


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


pytestmark = [
    pytest.mark.skipif(
        not duckdb.__version__.startswith("1.5.") or not _have_lake_packages(),
        reason=f"DuckLake's extension packages exist for duckdb 1.5.x only (this is "
        f"{duckdb.__version__}): scripts/test.sh runs this file in .venv-ducklake",
    ),
    pytest.mark.skipif(
        _postgres_bin("initdb") is None or shutil.which("psql") is None,
        reason="PostgreSQL is not installed (scripts/test.sh installs it with apt as root)",
    ),
]

SAMPLE = ROOT / "sample_data" / "生意参谋_店铺整体_淘宝C店.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: as the postgres user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture(scope="module")
def postgres():
    # Not under pytest's own temporary folder: as root that one is closed to other users.
    folder = Path(tempfile.mkdtemp(prefix="ecdata-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    subprocess.run(
        _as_postgres([_postgres_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "ec"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -h 127.0.0.1"
    subprocess.run(
        _as_postgres(
            [_postgres_bin("pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
             "-w", "start"]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    yield f"host=127.0.0.1 port={port} user=ec"
    subprocess.run(
        _as_postgres([_postgres_bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
        capture_output=True,
    )
    shutil.rmtree(folder, ignore_errors=True)


_COUNT = iter(range(10_000))


@pytest.fixture
def lake(postgres, tmp_path, monkeypatch):
    """A new, empty DuckLake (its own database in the test PostgreSQL, its own data folder);
    ECDATA_DATA_PATH set for this process and the ones it starts."""
    name = f"lake_{os.getpid()}_{next(_COUNT)}"
    subprocess.run(
        ["psql", f"{postgres} dbname=postgres", "-q", "-c", f"CREATE DATABASE {name}"],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("ECDATA_DATA_PATH", str(tmp_path / "lake-data"))
    return f"ducklake:postgres:{postgres} dbname={name}"


def day_file(folder: Path, day: int, visitors: int) -> Path:
    path = folder / f"day{day}.csv"
    path.write_text(
        f"日期,访客数,支付买家数,支付金额\n2026-10-{day:02d},{visitors},{visitors // 10},"
        f"{visitors * 10}\n",
        encoding="utf-8",
    )
    return path


def test_the_demo_and_a_real_export_give_the_same_numbers_on_both_backends(lake, tmp_path):
    with Store(tmp_path / "file.duckdb") as on_file, Store(lake) as on_lake:
        for store in (on_file, on_lake):
            load_demo(store, DEMO_END)
            assert ingest_file(store, SAMPLE, store_name="淘宝C店", today=TODAY).ok
        scope = Filters((), (), *WEEK)
        a, b = totals(on_file.reader(), scope), totals(on_lake.reader(), scope)
        for metric in ("sales", "visitors", "inquiries", "inquiry_cost", "conversion_rate"):
            assert b[metric] == pytest.approx(a[metric]), metric
        weekly = [
            kpi_table(s.reader(), "week", "store", Filters()).sort_values(["period", "store"])
            for s in (on_file, on_lake)
        ]
        assert weekly[1].sales.round(6).tolist() == weekly[0].sales.round(6).tolist()


def _statistics_lookups(store: Store, sql: str) -> tuple[list[tuple], int]:
    """`sql`'s answer, and how often DuckLake asked PostgreSQL for table statistics in it."""
    con, cur = store._con, store.reader()
    con.execute("CALL enable_logging('QueryLog')")
    con.execute("CALL truncate_duckdb_logs()")
    try:
        answer = cur.execute(sql).fetchall()
        logged = con.execute("SELECT message FROM duckdb_logs WHERE type = 'QueryLog'").fetchall()
    finally:
        con.execute("CALL disable_logging()")
    return answer, sum("ducklake_table_stats" in message for (message,) in logged)


def test_a_table_never_written_is_not_looked_up_again_and_again(lake):
    """DuckLake has no statistics for a table nobody wrote, and asks PostgreSQL for them
    again for each column a query plans: ten lookups for three columns, every query. The
    store gives every table statistics when it opens (an empty store's tables are all
    unwritten), and their stand-in values never show in an answer."""
    from ecdata.store.lake import give_every_table_statistics
    from ecdata.store.notes import add_note

    with Store(lake) as store:
        notes = "SELECT min(day), max(text), count(*) FROM timeline_notes"
        answer, lookups = _statistics_lookups(store, notes)
        assert answer == [(None, None, 0)]
        assert lookups <= 1  # read once and kept, as for any written table (without: 10)
        assert give_every_table_statistics(store.reader()) == []  # none left without
        add_note(store, dt.date(2026, 11, 20), "双11 复盘")
        assert _statistics_lookups(store, notes)[0] == [(dt.date(2026, 11, 20), "双11 复盘", 1)]
        # A table added by a later version's migration is given them on the next open.
        with store.writer() as cur:
            cur.execute("CREATE TABLE later_table (day DATE NOT NULL, note VARCHAR NOT NULL)")
    with Store(lake) as store:
        later = "SELECT min(day), min(note), count(*) FROM later_table"
        answer, lookups = _statistics_lookups(store, later)
        assert answer == [(None, None, 0)] and lookups <= 1


def test_merge_undo_and_rename_restore_exactly_on_the_lake(lake, tmp_path):
    with Store(lake) as store:
        assert ingest_file(store, day_file(tmp_path, 1, 100), store_name="A店", today=TODAY).ok
        before = store.dump()
        # The same day again with another figure: a merge that replaces one row.
        again = tmp_path / "again"
        again.mkdir()
        second = ingest_file(store, day_file(again, 1, 300), store_name="A店", today=TODAY)
        assert second.batch.rows_replaced == 1
        assert totals(store.reader(), Filters()).visitors == 300
        renamed = rename_store(store, "A店", "B店")
        assert totals(store.reader(), Filters(("B店",))).visitors == 300
        undo_batch(store, renamed.batch_id)
        undo_batch(store, second.batch.batch_id)
        after = store.dump()
        assert after["store_daily"] == before["store_daily"]
        assert totals(store.reader(), Filters()).visitors == 100


def test_the_product_weeks_follow_every_write_on_the_lake(lake, tmp_path):
    from test_rollup import jd_products, product_week_differences

    days = [dt.date(2026, 11, 2) + dt.timedelta(days=i) for i in range(10)]
    rows = [(d, "1", "杯子", 10, 100.0) for d in days]
    with Store(lake) as store:
        first = ingest_file(store, jd_products(tmp_path, "a.csv", rows), store_name="A店", today=TODAY)  # fmt: skip
        again = ingest_file(store, jd_products(tmp_path, "b.csv", rows[5:8]), store_name="B店", today=TODAY)  # fmt: skip
        assert first.ok and again.ok and product_week_differences(store) == []
        merged = rename_store(store, "B店", "A店")
        assert product_week_differences(store) == []
        undo_batch(store, merged.batch_id)
        undo_batch(store, again.batch.batch_id)
        assert product_week_differences(store) == []
        weeks = store.reader().execute("SELECT date, sum(sales) FROM product_weekly GROUP BY 1")
        assert sorted(weeks.fetchall()) == [(days[0], 700.0), (days[7], 300.0)]


WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from pathlib import Path
    from ecdata.ingest.upload import ingest_file
    from ecdata.metrics.kpis import Filters, totals
    from ecdata.store import Store
    target, path, wait_for = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    with Store(target) as store:
        outcome = ingest_file(store, path, store_name="A店", today=dt.date(2026, 11, 20))
        assert outcome.ok, str(outcome.message)
        # An app process: it sees the others' uploads land, without restarting.
        import time
        deadline = time.time() + 60
        while totals(store.reader(), Filters()).visitors < wait_for and time.time() < deadline:
            time.sleep(0.2)
        print(outcome.batch.batch_id, totals(store.reader(), Filters()).visitors)
    """
)


def test_four_writer_processes_land_every_batch_once_and_see_each_other(lake, tmp_path):
    Store(lake).close()  # the schema, before four processes race to migrate it
    files = [day_file(tmp_path, day, 100 * day) for day in (1, 2, 3, 4)]
    everyone = float(sum(100 * day for day in (1, 2, 3, 4)))
    started = time.perf_counter()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, lake, str(path), str(everyone)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [w.communicate(timeout=120) for w in writers]
    assert all(w.returncode == 0 for w in writers), [r[1][-800:] for r in results]
    lines = [r[0].split() for r in results]
    assert sorted(int(batch) for batch, _ in lines) == [1, 2, 3, 4]
    assert all(float(seen) == everyone for _, seen in lines)  # each saw all four
    with Store(lake) as store:
        assert len(list_batches(store)) == 4
        assert store.reader().execute("SELECT count(*) FROM store_daily").fetchall() == [(4,)]
    print(f"four writer processes: {time.perf_counter() - started:.1f} s")


def test_a_lake_backup_restores_into_a_file_and_a_file_backup_into_a_lake(lake, tmp_path):
    with Store(lake) as store:
        load_demo(store, DEMO_END)
        rows = store.dump()
        backup(store, tmp_path / "from-lake")
    with restore(tmp_path / "from-lake", str(tmp_path / "copy.duckdb")) as on_file:
        assert on_file.dump()["store_daily"] == rows["store_daily"]
        backup(on_file, tmp_path / "from-file")
    fresh = lake.rsplit("dbname=", 1)[0] + "dbname=" + lake.rsplit("dbname=", 1)[1] + "_b"
    subprocess.run(
        ["psql", lake.split(":", 2)[2].rsplit("dbname=", 1)[0] + "dbname=postgres", "-q",
         "-c", f"CREATE DATABASE {fresh.rsplit('dbname=', 1)[1]}"],
        check=True, capture_output=True,
    )  # fmt: skip
    with restore(tmp_path / "from-file", fresh) as back_on_lake:
        assert back_on_lake.dump()["batches"] == rows["batches"]


def test_the_app_runs_on_the_lake(lake, app_on):
    with Store(lake) as store:
        load_demo(store, DEMO_END)
    app_on(lake)
    at = app(lang="en")
    assert not at.exception
    assert any("Sales" == m.label for m in at.metric)
    # A run reads inside one transaction per store scope (run_reads), ended with the run:
    # none is left open in PostgreSQL while the session sits idle.
    idle = subprocess.run(
        ["psql", lake[len("ducklake:postgres:") :], "-tAc",
         "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' "
         "AND datname = current_database()"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    assert idle == "0"


def test_processes_starting_together_on_an_empty_lake_migrate_once(lake, tmp_path):
    """Two ingests into a lake nobody has opened yet: each reads the schema version under
    the writers' lock, so one migrates and the other finds it done ('Column with name
    created_by already exists!' before)."""
    files = [day_file(tmp_path, day, 100 * day) for day in (1, 2)]
    starters = [
        subprocess.Popen(
            [sys.executable, "-m", "ecdata", "ingest", str(path), "--db", lake, "--store", "A店"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = [p.communicate(timeout=180) for p in starters]
    assert all(p.returncode == 0 for p in starters), [r[1][-800:] for r in results]
    with Store(lake) as store:
        versions = (
            store.reader()
            .execute("SELECT version, count(*) FROM schema_version GROUP BY 1 ORDER BY 1")
            .fetchall()
        )
        assert [n for _, n in versions] == [1] * len(versions)  # each version once
        assert len(list_batches(store)) == 2


SENDER = textwrap.dedent(
    """
    import datetime as dt, sys
    from ecdata.schedules import run_due
    from ecdata.store import Store

    def render(cur, schedule, first, last):  # the report without Chromium
        return "Weekly report", b"png", None

    with Store(sys.argv[1]) as store:
        print(len(run_due(store, dt.datetime(2026, 11, 23, 1, 1), renderer=render)))
    """
)


def test_schedulers_in_three_processes_send_a_slot_once(lake):
    """Three servers' schedulers wake at the same minute on one DuckLake: the claim, taken
    under the writers' lock, lets exactly one of them send."""
    from test_delivery import Hooks

    from ecdata.delivery import Destination
    from ecdata.schedules import Schedule, add_schedule, send_status

    hooks = Hooks([(200, "ok")] * 3)
    try:
        with Store(lake) as store:
            daily = Schedule("daily", "daily", 0, "09:00", "Asia/Shanghai")
            add_schedule(store, daily, Destination.parse(f"slack:{hooks.url}/services/T/B/X"))
            with store.writer() as cur:
                cur.execute("UPDATE report_schedules SET created_at = TIMESTAMP '2026-11-01'")
        senders = [
            subprocess.Popen(
                [sys.executable, "-c", SENDER, lake],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            for _ in range(3)
        ]
        results = [s.communicate(timeout=120) for s in senders]
        assert all(s.returncode == 0 for s in senders), [r[1][-800:] for r in results]
        assert sorted(int(out) for out, _ in results) == [0, 0, 1]
        assert len(hooks.requests) == 1
        with Store(lake) as store:
            status = send_status(store.reader()).iloc[0]
            assert status.error is None and status.sent_at is not None
    finally:
        hooks.close()
