"""Hostile and broken input, as an attacker or a careless user sends it.

Every case: a clear message in both languages, the database exactly as it was, and for the
size cases a bounded peak memory, measured in a child process.
"""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import ROOT, TODAY, rejected, sums

from ecdata.cli import main as cli
from ecdata.ingest.reader import read_export
from ecdata.ingest.scratch import remove_leftovers
from ecdata.ingest.upload import ingest_file
from ecdata.store import Store

# --- a repeated key: the message renders (it once crashed on a field named `key`) ---


def test_a_repeated_key_is_named_in_both_languages(store, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("日期,访客数\n2026-10-01,100\n2026-10-01,90\n2026-10-02,5\n", encoding="utf-8")
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok and outcome.batch.rows_written == 1
    (problem,) = outcome.parsed.problems
    assert (
        problem.message.text("zh")
        == "第 2 行：2026-10-01 / A店 / all 在文件中重复出现 2 次，已全部跳过"
    )
    assert (
        problem.message.text("en")
        == "row 2: 2026-10-01 / A店 / all appears 2 times in the file; all skipped"
    )


def test_the_cli_lists_skipped_rows_and_imports_only_when_they_are_accepted(tmp_path, capsys):
    """Rows left out for a reason nobody chose (a repeated key) are said first; without
    --accept-skips nothing is stored and the exit code is 1, so a scheduled import fails."""
    path = tmp_path / "dup.csv"
    path.write_text("日期,访客数\n2026-10-01,100\n2026-10-01,90\n2026-10-02,5\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    code = cli(["ingest", str(path), "--db", str(db), "--store", "A店"])
    captured = capsys.readouterr()
    assert code == 1
    assert "重复出现 2 次" in captured.out and "appears 2 times" in captured.out
    assert "--accept-skips" in captured.err and "Nothing was imported" in captured.err
    with Store(db) as store:
        assert store.reader().execute("SELECT count(*) FROM store_daily").fetchone() == (0,)
    code = cli(["ingest", str(path), "--db", str(db), "--store", "A店", "--accept-skips"])
    assert code == 0
    with Store(db) as store:
        rows = store.reader().execute("SELECT date::VARCHAR, visitors FROM store_daily").fetchall()
    assert rows == [("2026-10-02", 5)]


# --- numbers and dates outside what a cell can plausibly hold ---


def test_implausible_cells_skip_their_row_and_name_it(store, tmp_path):
    path = tmp_path / "wild.csv"
    path.write_text(
        "日期,访客数,支付金额,支付转化率,平均响应时长\n"
        "2026-10-01,100,1000,5%,30\n"  # row 2: fine
        "2026-10-02,NaN,10,5%,30\n"  # row 3
        "2026-10-03,10,inf,5%,30\n"  # row 4
        "2026-10-04,10,1e308,5%,30\n"  # row 5: over 10^13
        "2026-10-05,10,1e309,5%,30\n"  # row 6: overflows to inf
        "2026-10-06,12.5,10,5%,30\n"  # row 7: half a visitor
        "2026-10-07,10,10,150%,30\n"  # row 8: a rate over 100%
        "1900-01-01,10,10,5%,30\n"  # row 9
        "2026-10-09,1000000000000,10,5%,30\n",  # row 10: 10^12 visitors
        encoding="utf-8",
    )
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok
    found = {(p.row, p.column, p.message.key) for p in outcome.parsed.problems}
    assert found == {
        (3, "访客数", "row.bad_count"),
        (4, "支付金额", "row.bad_money"),
        (5, "支付金额", "row.bad_money"),
        (6, "支付金额", "row.bad_money"),
        (7, "访客数", "row.bad_count"),
        (8, "支付转化率", "row.bad_rate"),
        (9, "日期", "row.old_date"),
        (10, "访客数", "row.bad_count"),
    }
    by_row = {p.row: p.message for p in outcome.parsed.problems}
    # DuckDB read the column as numbers: 1e309 is already infinity when it is named.
    assert "「inf」" in by_row[6].text("zh") and "'inf'" in by_row[6].text("en")
    assert "150%" in by_row[8].text("en")
    totals = sums(store)
    assert totals["rows"] == 1 and totals["visitors"] == 100 and totals["sales"] == 1000


def test_a_day_long_response_time_is_refused(store, tmp_path):
    path = tmp_path / "赤兔_2026-10-01.csv"
    path.write_text(
        "客服昵称,咨询人数,平均响应时长\nA店:小王,10,25小时\nA店:小李,10,30秒\n", encoding="utf-8"
    )
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok
    assert [(p.row, p.message.key) for p in outcome.parsed.problems] == [(2, "row.bad_duration")]


def test_a_file_of_only_implausible_rows_changes_nothing(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "nan.csv", b"Date,Sessions\n2026-10-02,nan\n2026-10-03,inf\n")
    assert msg.key == "err.no_valid_rows"


def test_a_date_in_the_file_name_before_2000_is_refused(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "report_1999-12-31.csv", "访客数,支付金额\n1,2\n".encode())
    assert msg.key == "err.bad_period"


# --- archives: bounded whatever they claim ---


def zip_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return buf.getvalue()


def test_a_zip_larger_than_the_limit_once_unpacked_is_refused(seeded, tmp_path):
    bomb = zip_of("zeros.csv", b"0" * (3 << 20))
    msg = rejected(seeded, tmp_path, "bomb.zip", bomb, max_mb=2)
    assert msg.key == "err.archive_too_large"
    assert "3 MB" in msg.text("en") and "2 MB" in msg.text("en")


def test_a_zip_that_inflates_a_thousandfold_is_refused(seeded, tmp_path):
    bomb = zip_of("zeros.csv", b"0" * (20 << 20))
    assert len(bomb) < 100_000
    msg = rejected(seeded, tmp_path, "ratio.zip", bomb)
    assert msg.key == "err.archive_ratio"
    assert "100" in msg.text("zh")


def test_an_xlsx_that_inflates_a_thousandfold_is_refused(seeded, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<row><c><v>1</v></c></row>" * 1_000_000)
    msg = rejected(seeded, tmp_path, "bomb.xlsx", buf.getvalue())
    assert msg.key == "err.archive_ratio"


def test_a_zip_whose_directory_understates_its_member_is_refused(seeded, tmp_path):
    """The directory says 1 KB, the member inflates to 5 MB: reading stops at what was
    declared and the checksum then fails; nothing past it is read or stored."""
    raw = bytearray(zip_of("rows.csv", b"2026-10-02,1\n" * 400_000))
    small = (1024).to_bytes(4, "little")
    raw[22:26] = small  # uncompressed size in the local header
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = small  # and in the central directory
    assert zipfile.ZipFile(io.BytesIO(bytes(raw))).infolist()[0].file_size == 1024
    msg = rejected(seeded, tmp_path, "liar.zip", bytes(raw))
    assert msg.key == "err.archive_lies"


def understated(members: dict[str, bytes], claimed: int) -> bytes:
    """A zip whose local headers and central directory claim every member inflates to
    `claimed` bytes, whatever it holds."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    raw = bytearray(buf.getvalue())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = raw.find(signature)
        while at >= 0:
            raw[at + offset : at + offset + 4] = claimed.to_bytes(4, "little")
            at = raw.find(signature, at + 4)
    return bytes(raw)


def test_an_xlsx_whose_directory_understates_is_refused_in_little_memory(seeded, tmp_path):
    """A 250 KB xlsx whose directory claims 10 KB per member while its sheet inflates to
    250 MB (calamine sized its buffers by the claim and took 895 MB): refused before any
    Excel reader sees it, with the reading process under 300 MB at its peak."""
    sheet = b"<row><c><v>1</v></c></row>" * (10 << 20)  # 250 MB
    crafted = understated(
        {"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": sheet}, 10_000
    )
    del sheet
    assert len(crafted) < 1 << 20
    msg = rejected(seeded, tmp_path, "sales.xlsx", crafted)
    assert msg.key == "err.archive_lies"
    path = tmp_path / "again.xlsx"
    path.write_bytes(crafted)
    key, peak_mb = peak_mb_of_reading(path)
    assert key == "err.archive_lies" and peak_mb < 300


# VmHWM, not getrusage: a child's ru_maxrss counts the parent's pages at fork time.
PEAK_SCRIPT = """
import re, sys
sys.path.insert(0, {root!r})
from ecdata.ingest.reader import read_export
import datetime as dt
parsed = read_export({path!r}, store_name="A", today=dt.date(2026, 11, 20))
print(parsed.error.key if parsed.error else "ok")
status = open("/proc/self/status").read()
print(int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) // 1024)
"""


def peak_mb_of_reading(path: Path) -> tuple[str, int]:
    """Read `path` in a fresh process: (message key or 'ok', peak resident MB)."""
    script = PEAK_SCRIPT.format(root=str(ROOT), path=str(path))
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0], int(out[1])


def test_a_half_gigabyte_zip_bomb_costs_little_memory(tmp_path):
    # 512 MiB of zeros in about half a megabyte, written in pieces so the test stays small
    # (the 2 GiB bomb of the report behaves the same; compressing it costs the suite 10 s).
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.csv", "w", force_zip64=True) as member:
            chunk = b"\0" * (64 << 20)
            for _ in range(8):
                member.write(chunk)
    assert path.stat().st_size < 1 << 20
    key, peak = peak_mb_of_reading(path)
    assert key == "err.archive_too_large"
    assert peak < 300, f"peak {peak} MB"


def test_a_zip_of_one_repeated_row_is_refused_quickly_and_cheaply(tmp_path):
    path = tmp_path / "rows.zip"
    path.write_bytes(zip_of("rows.csv", b"date,sessions\n" + b"2026-10-02,1\n" * 8_000_000))
    key, peak = peak_mb_of_reading(path)
    assert key == "err.archive_ratio"
    assert peak < 300, f"peak {peak} MB"


# --- text that stops being its encoding ---


def test_a_gbk_line_deep_in_a_utf8_file_names_the_byte(seeded, tmp_path):
    head = "日期,访客数\n" + "".join(f"2026-09-{d:02d},{d}\n" for d in range(1, 29)) * 2000
    bad_at = len(head.encode("utf-8")) + len("2026-10-01,")
    content = head.encode() + "2026-10-01,很多\n".encode("gbk") + b"2026-10-02,1\n" * 1000
    msg = rejected(seeded, tmp_path, "mixed.csv", content)
    assert msg.key == "err.decode"
    assert f"byte {bad_at}" in msg.text("en") and "UTF-8" in msg.text("en")
    assert f"第 {bad_at} 字节" in msg.text("zh")


def test_a_stray_byte_in_a_gbk_file_names_the_byte(seeded, tmp_path):
    rows = "".join(f"2026-10-{d:02d},天猫旗舰店,{d}\n" for d in range(1, 29))
    content = f"日期,店铺名称,访客数\n{rows}".encode("gbk") + b"2026-10-29,\xff\xff,1\n"
    msg = rejected(seeded, tmp_path, "gbk.csv", content)
    assert msg.key == "err.decode" and "GB18030" in msg.text("en")


# --- what the product writes, and what a killed run leaves ---


def test_cli_csv_neutralises_formula_names(tmp_path, capsys):
    db = str(tmp_path / "x.duckdb")
    path = tmp_path / "s.csv"
    path.write_text(
        '日期,店铺,访客数\n2026-10-01,=HYPERLINK("http://x"),5\n2026-10-01,@SUM(A1),6\n',
        encoding="utf-8",
    )
    assert cli(["ingest", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert cli(["kpis", "--db", db, "--grain", "day", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert sorted(r["store"] for r in rows) == ['\'=HYPERLINK("http://x")', "'@SUM(A1)"]


def test_scratch_folders_of_dead_runs_are_removed_at_start(tmp_path):
    dead = tmp_path / "ecdata-999999999-read-abc"
    (dead / "spill").mkdir(parents=True)
    (dead / "staged.parquet").write_bytes(b"x" * 1000)
    mine = tmp_path / f"ecdata-{os.getpid()}-read-def"
    mine.mkdir()
    other = tmp_path / "not-ours"
    other.mkdir()
    assert remove_leftovers(tmp_path) == [dead]
    assert not dead.exists() and mine.exists() and other.exists()


def test_the_cli_cleans_up_after_a_killed_run(tmp_path):
    dead = tmp_path / "ecdata-999999999-staged-x"
    dead.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path), "ECDATA_DB": str(tmp_path / "d.duckdb")}
    subprocess.run(
        [sys.executable, "-m", "ecdata", "batches"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert not dead.exists()


def test_reading_leaves_no_scratch_folder_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # re-read TMPDIR
    path = tmp_path / "a.csv"
    path.write_text("日期,访客数\n2026-10-01,1\n", encoding="utf-8")
    parsed = read_export(path, store_name="A", today=TODAY)
    assert parsed.ok and list((tmp_path / "tmp").iterdir())  # the staged Parquet lives on
    del parsed
    import gc

    gc.collect()
    assert list((tmp_path / "tmp").iterdir()) == []


def test_server_settings_keep_it_local_and_quiet():
    """What `streamlit run` reads: bind to this machine only, no tracebacks to visitors."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["client"]["showErrorDetails"] == "none"


def test_cli_json_is_valid_for_hostile_names(tmp_path, capsys):
    db = str(tmp_path / "x.duckdb")
    path = tmp_path / "s.csv"
    path.write_text('日期,店铺,访客数\n2026-10-01,"<script>""x""</script>",5\n', encoding="utf-8")
    assert cli(["ingest", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert cli(["kpis", "--db", db, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["store"] == '<script>"x"</script>'


def test_an_xlsx_with_a_broken_inside_is_unreadable_not_a_crash(seeded, tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row><c><v>1</v")
    msg = rejected(seeded, tmp_path, "broken.xlsx", buf.getvalue())
    assert msg.key == "err.unreadable"


# --- names are text everywhere ---


def test_control_characters_in_a_files_names_are_dropped_as_read(store, tmp_path):
    from ecdata.export import to_xlsx_bytes
    from ecdata.metrics.kpis import Filters
    from ecdata.metrics.review import fact_rows

    path = tmp_path / "names.csv"
    path.write_text(
        "日期,店铺,渠道,访客数\n2026-10-01,\x1b[31mA店\x07,搜\x7f索,100\n", encoding="utf-8"
    )
    assert ingest_file(store, path, today=TODAY).ok
    cur = store.reader()
    assert cur.execute("SELECT store, channel FROM store_daily").fetchall() == [("[31mA店", "搜索")]
    # The Excel export of those rows no longer fails on an illegal character.
    assert to_xlsx_bytes(fact_rows(cur, Filters())).startswith(b"PK")


def test_a_typed_name_with_control_characters_is_refused(seeded, tmp_path):
    from ecdata.store.accounts import AccountError, add_user

    msg = rejected(
        seeded, tmp_path, "day.csv", "日期,访客数\n2026-10-02,5\n".encode(), store_name="A\x1b[2J店"
    )
    assert msg.key == "err.name_control"
    with pytest.raises(AccountError) as refused:
        add_user(seeded, "bo\x1bss", "owner", "owner pass 1")
    assert refused.value.key == "acc.bad_name"


def test_every_table_a_page_shows_is_inert_in_a_spreadsheet():
    """A formula in a stored name is shown (and downloaded from the table's toolbar) as
    text; a signed number written by the pages is left as it is."""
    import pandas as pd

    from ecdata.export import neutralise

    frame = pd.DataFrame(
        {"store": ['=HYPERLINK("http://x.example","点我")', "@SUM(A1)", "-cmd|' /C calc'!A0"],
         "change": ["-12.5%", "-¥3,900", "+0.4 pp"]}
    )  # fmt: skip
    shown = neutralise(frame)
    assert all(v.startswith("'") for v in shown.store)
    assert shown.change.tolist() == ["-12.5%", "-¥3,900", "+0.4 pp"]
