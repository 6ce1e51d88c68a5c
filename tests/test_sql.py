"""SQL text and its parameters as one value (ecdata/sql.py): composed, run with exactly its
parameters, and shown as it ran (`kpis --show-sql`)."""

import datetime as dt

import duckdb
import pytest
from helpers import DEMO_END

from ecdata.cli import main as cli
from ecdata.metrics.kpis import Filters, kpi_table, scope
from ecdata.sql import Sql, execute, recording


def test_pieces_compose_and_keep_their_parameters():
    where = Sql("store = $store", {"store": "A店"}) + " AND " + Sql("n > $n", {"n": 2})
    assert where.params == {"store": "A店", "n": 2}
    joined = Sql.join(" OR ", [Sql("a = $a", {"a": 1}), "true"])
    assert (joined.text, joined.params) == ("a = $a OR true", {"a": 1})
    made = Sql.of("SELECT {what} FROM t WHERE {where}", what="x", where=where)
    assert made.text == "SELECT x FROM t WHERE store = $store AND n > $n"
    with pytest.raises(ValueError, match="one SQL parameter, two values: n"):
        where + Sql(" OR n = $n", {"n": 3})


def test_execution_passes_exactly_the_parameters_the_text_names():
    con = duckdb.connect()
    assert execute(con, Sql("SELECT $x + 1", {"x": 41})).fetchone() == (42,)
    with pytest.raises(ValueError, match=r"named but not carried \['y'\]"):
        execute(con, Sql("SELECT $x + $y", {"x": 1}))
    with pytest.raises(ValueError, match=r"carried not named \['z'\]"):
        execute(con, Sql("SELECT $x", {"x": 1, "z": 2}))


def test_a_kpi_scope_carries_its_parameters():
    filters = Filters(("A店",), (), dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    assert scope(filters, with_channel=False).params == {
        "stores": ["A店"],
        "date_from": dt.date(2026, 11, 9),
        "date_to": dt.date(2026, 11, 15),
    }
    assert "channels" in scope(filters).params and "$channels" in scope(filters).text


def test_recording_sees_the_statements_a_kpi_table_runs(db):
    from ecdata.store import Store

    with Store(db) as store, recording() as statements:
        kpi_table(store.reader(), "total", "none", Filters(date_from=DEMO_END, date_to=DEMO_END))
    assert any("WITH facts AS" in s.text and s.params["date_to"] == DEMO_END for s in statements)


def test_kpis_show_sql_prints_what_ran(db, capsys):
    code = cli(["kpis", "--db", str(db), "--grain", "total", "--from", "2026-11-09",
                "--to", "2026-11-15", "--show-sql"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "-- statement 1" in out and "WITH facts AS" in out
    assert "$date_from = datetime.date(2026, 11, 9)" in out
