"""The command line, as a scripted weekly import would use it."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args, db, env=None):
    return subprocess.run(
        [sys.executable, "-m", "ecdata", *args, "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_ingest_reports_each_file_and_a_bad_file_does_not_stop_the_others(tmp_path):
    db = tmp_path / "x.duckdb"
    good = tmp_path / "good.csv"
    good.write_text(
        "日期,访客数,询单人数,询单成交人数,推广费\n2026-10-05,100,20,5,40\n"
        "2026-10-06,300,20,5,60\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"")
    result = run("ingest", str(bad), str(good), "--store", "A店", db=db)
    assert result.returncode == 1
    assert "bad.csv" in result.stderr and "empty" in result.stderr
    assert "good.csv" in result.stdout and "wrote 2" in result.stdout

    out = run("kpis", "--grain", "week", "--by", "store", "--format", "json", db=db)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert row["period"] == "2026-10-05" and row["store"] == "A店"
    assert row["visitors"] == 400 and row["inquiry_conversion"] == 0.25
    assert row["inquiry_cost"] == 100 / 40  # spend only: no monthly costs uploaded
    assert row["labor_cost"] is None and row["sales"] is None  # no data: empty, not zero

    csv_out = run("kpis", "--grain", "day", "--by", "none", "--format", "csv", db=db).stdout
    header = csv_out.splitlines()[0].split(",")
    assert header[:3] == ["period", "visitors", "page_views"]
    # The ratios, then how many store-days each covers (one a row at the day grain).
    assert header[header.index("inquiry_cost") + 1] == "closed_inquiry_cost"
    assert header.index("inquiry_cost_days") + 1 == header.index("closed_inquiry_cost_days")
    assert header[-2:] == ["first_reply_hours_days", "reply_in_time_rate_days"]
    assert "store_days" in header


def test_batches_and_undo(tmp_path):
    db = tmp_path / "x.duckdb"
    f = tmp_path / "f.csv"
    f.write_text("日期,访客数\n2026-10-05,100\n", encoding="utf-8")
    assert run("ingest", str(f), "--store", "A店", db=db).returncode == 0
    listing = run("batches", db=db).stdout
    assert "f.csv" in listing
    assert run("undo", "1", db=db).returncode == 0
    again = run("undo", "1", db=db)
    assert again.returncode == 1 and "already undone" in again.stderr
    assert run("kpis", "--format", "csv", db=db).stdout.strip().count("\n") == 0


def test_demo_and_default_db_from_environment(tmp_path):
    db = tmp_path / "env.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "ecdata", "demo", "--end", "2026-11-15"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "ECDATA_DB": str(db)},
    )
    assert result.returncode == 0, result.stderr
    assert db.exists() and "3640" in result.stdout


def test_team_files_from_the_command_line(tmp_path):
    db = tmp_path / "x.duckdb"
    roster = ROOT / "sample_data" / "花名册_淘宝C店.xlsx"
    ratings = ROOT / "sample_data" / "月度评分_淘宝C店.csv"
    result = run("team", str(roster), str(ratings), db=db)
    assert result.returncode == 0, result.stderr
    assert "wrote 4" in result.stdout.splitlines()[0] and "wrote 4" in result.stdout
    bad = tmp_path / "loop.csv"
    bad.write_text("姓名,岗位,上级\nA,店长,B\nB,运营,A\n", encoding="utf-8")
    looped = run("team", str(bad), db=db)
    assert looped.returncode == 1 and "loop" in looped.stderr


def test_an_unknown_layout_is_read_with_header_row_and_map_then_remembered(tmp_path, capsys):
    from ecdata.cli import main

    db = str(tmp_path / "m.duckdb")
    text = "客服日报（自制）\n日子,当日咨询,当日成交\n2026-10-01,80,29\n2026-10-02,60,21\n"
    first = tmp_path / "自制日报_10月.csv"
    first.write_text(text, encoding="utf-8")
    assert main(["ingest", str(first), "--db", db, "--store", "A店"]) == 1
    assert "No header found" in capsys.readouterr().err
    assert (
        main(
            [
                "ingest",
                str(first),
                "--db",
                db,
                "--store",
                "A店",
                "--header-row",
                "2",
                "--map",
                "日子=date",
                "--map",
                "当日咨询=inquiries",
                "--map",
                "当日成交=closed_inquiries",
            ]
        )
        == 0
    )
    capsys.readouterr()
    nxt = tmp_path / "自制日报_11月.csv"
    nxt.write_text(text.replace("2026-10", "2026-11"), encoding="utf-8")
    assert main(["ingest", str(nxt), "--db", db, "--store", "A店", "--header-row", "2"]) == 0
    capsys.readouterr()
    assert main(["kpis", "--db", db, "--grain", "month", "--by", "none", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["period"], r["inquiries"], r["closed_inquiries"]) for r in rows] == [
        ("2026-10-01", 140, 50),
        ("2026-11-01", 140, 50),
    ]


def test_a_map_to_an_unknown_field_is_refused_with_the_fields(tmp_path, capsys):
    from ecdata.cli import main

    path = tmp_path / "a.csv"
    path.write_text("日期,访客数\n2026-10-01,1\n", encoding="utf-8")
    assert (
        main(["ingest", str(path), "--db", str(tmp_path / "x.duckdb"), "--map", "访客数=visitorz"])
        == 2
    )
    err = capsys.readouterr().err
    assert "visitorz" in err and "visitors" in err and "COLUMN=FIELD" in err
