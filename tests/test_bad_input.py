"""Bad input gets a clear message naming file, row and column, and the store stays as it was."""

from helpers import TODAY, rejected

from ecdata.ingest.upload import ingest_file


def test_empty_file(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "empty.csv", b"")
    assert msg.key == "err.empty" and "empty.csv" in msg.text("en") and "空" in msg.text("zh")


def test_picture_renamed_csv(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert msg.key == "err.binary" and "PNG" in msg.text("en")


def test_no_recognisable_columns(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "notes.csv", "名字,备注\n张三,你好\n".encode())
    assert msg.key == "err.no_header"


def test_no_date_column_and_no_date_in_name(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "stats.csv", "访客数,支付金额\n100,1000\n".encode())
    assert msg.key == "err.no_date" and "stats.csv" in msg.text("zh")


def test_no_metric_column(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "keys.csv", "日期,店铺\n2026-10-01,A店\n".encode())
    assert msg.key == "err.no_metric"


def test_text_in_every_number_cell(seeded, tmp_path):
    msg = rejected(seeded, tmp_path, "text.csv", "日期,访客数\n2026-10-02,很多\n".encode())
    assert msg.key == "err.no_valid_rows"
    assert "第 2 行" in msg.text("zh") and "'访客数'" in msg.text("en") and "很多" in msg.text("en")


def test_missing_store(seeded, tmp_path):
    msg = rejected(
        seeded, tmp_path, "nostore.csv", "日期,访客数\n2026-10-02,1\n".encode(), store_name=None
    )
    assert msg.key == "err.no_store"


def test_too_large(seeded, tmp_path):
    content = ("日期,访客数\n" + "2026-10-02,1\n" * 120_000).encode()
    msg = rejected(seeded, tmp_path, "big.csv", content, max_mb=1)
    assert msg.key == "err.too_large" and "1 MB" in msg.text("en")


def test_zip_with_two_files(seeded, tmp_path):
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.csv", "日期,访客数\n2026-10-02,1\n")
        z.writestr("b.csv", "日期,访客数\n2026-10-03,1\n")
    msg = rejected(seeded, tmp_path, "two.zip", buf.getvalue())
    assert msg.key == "err.zip"


def test_row_problems_are_listed_and_skipped_the_rest_lands(store, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_text(
        "日期,访客数,支付金额\n2026-10-01,100,1000\n2026-10-02,-5,200\n"
        "2026-10-03,30,abc\n2031-01-01,10,10\n2026-13-45,1,1\n2026-10-06,60,600\n",
        encoding="utf-8",
    )
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok
    problems = {(p.row, p.column, p.message.key) for p in outcome.parsed.problems}
    assert problems == {
        (3, "访客数", "row.negative"),
        (4, "支付金额", "row.bad_number"),
        (5, "日期", "row.future_date"),
        (6, "日期", "row.bad_date"),
    }
    assert outcome.batch.rows_written == 2
    assert outcome.parsed.rows_rejected == 4


def test_duplicate_dates_in_a_store_report_are_skipped_not_summed(store, tmp_path):
    # Two different figures for one day: neither is taken (identical rows count once:
    # test_formats.py::test_exact_repeated_rows_of_a_stacked_download_count_once).
    path = tmp_path / "dup.csv"
    path.write_text("日期,访客数\n2026-10-01,100\n2026-10-01,120\n2026-10-02,5\n", encoding="utf-8")
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok and outcome.batch.rows_written == 1
    assert [p.message.key for p in outcome.parsed.problems] == ["row.duplicate"]
