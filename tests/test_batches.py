"""Merge, replace, idempotence and undo: the promises every upload keeps."""

import pytest
from helpers import TODAY, sums

from ecdata.i18n import Refusal
from ecdata.ingest.upload import ingest_file
from ecdata.store.batches import list_batches, undo_batch


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ingest(store, path):
    outcome = ingest_file(store, path, store_name="A店", today=TODAY)
    assert outcome.ok, str(outcome.message)
    return outcome


def test_same_content_twice_changes_nothing(store, tmp_path):
    path = write(tmp_path, "a.csv", "日期,访客数,支付金额\n2026-10-01,100,1000\n")
    first = ingest(store, path)
    before = store.dump()
    again = ingest(store, path)
    assert again.batch.duplicate_of == first.batch.batch_id
    assert store.dump() == before


def test_partial_file_merges_latest_wins_and_missing_metrics_stay(store, tmp_path):
    ingest(
        store,
        write(
            tmp_path,
            "full.csv",
            "日期,访客数,支付金额,推广费\n2026-10-01,100,1000,50\n2026-10-02,200,2000,60\n",
        ),
    )
    # A later file with only sales for one day, plus a new day.
    out = ingest(
        store, write(tmp_path, "fix.csv", "日期,支付金额\n2026-10-02,2500\n2026-10-03,3000\n")
    )
    assert (out.batch.rows_new, out.batch.rows_replaced) == (1, 1)
    rows = (
        store.reader()
        .execute("SELECT date::VARCHAR, visitors, sales, spend FROM store_daily ORDER BY date")
        .fetchall()
    )
    assert rows == [
        ("2026-10-01", 100, 1000, 50),
        ("2026-10-02", 200, 2500, 60),
        ("2026-10-03", None, 3000, None),
    ]


def test_undo_restores_exactly_what_the_batch_replaced(store, tmp_path):
    ingest(store, write(tmp_path, "one.csv", "日期,访客数,支付金额\n2026-10-01,100,1000\n"))
    before = store.dump()["store_daily"]
    out = ingest(
        store, write(tmp_path, "two.csv", "日期,支付金额\n2026-10-01,1500\n2026-10-02,700\n")
    )
    assert sums(store)["sales"] == 2200
    undo_batch(store, out.batch.batch_id)
    assert store.dump()["store_daily"] == before
    assert sums(store)["sales"] == 1000
    # The undone content can be uploaded again and lands again.
    again = ingest(store, tmp_path / "two.csv")
    assert again.batch.duplicate_of is None and sums(store)["sales"] == 2200


def test_undo_of_an_overwritten_batch_is_refused_until_the_later_one_is_undone(store, tmp_path):
    first = ingest(store, write(tmp_path, "1.csv", "日期,访客数\n2026-10-01,100\n"))
    second = ingest(store, write(tmp_path, "2.csv", "日期,访客数\n2026-10-01,120\n"))
    with pytest.raises(Refusal) as refused:
        undo_batch(store, first.batch.batch_id)
    assert refused.value.key == "err.undo_blocked"
    assert sums(store)["visitors"] == 120
    undo_batch(store, second.batch.batch_id)
    undo_batch(store, first.batch.batch_id)
    assert sums(store)["rows"] == 0
    with pytest.raises(Refusal) as refused:
        undo_batch(store, first.batch.batch_id)
    assert refused.value.key == "err.batch_undone"


def test_batch_records_counts(store, tmp_path):
    ingest(
        store, write(tmp_path, "c.csv", "日期,访客数\n2026-10-01,100\n2026-10-02,abc\n合计,100\n")
    )
    row = list_batches(store).iloc[0]
    assert (row.rows_read, row.rows_written, row.rows_rejected) == (3, 1, 1)
    assert row.file_name == "c.csv" and row.target_table == "store_daily"


def test_schema_version_is_recorded(store):
    from ecdata.store import SCHEMA_VERSION

    assert store.schema_version() == SCHEMA_VERSION >= 1


def test_a_column_added_by_a_later_migration_never_takes_another_columns_values(store, tmp_path):
    """A database whose fact tables gained a column (as a migration adds one, at the end):
    writes, replaced-row copies, undo and a store rename name their columns, so the new
    column stays empty and every batch id stays where it belongs."""
    from ecdata.store.batches import rename_store

    cur = store.reader()
    for table in ("store_daily", "replaced_store_daily"):
        cur.execute(f"ALTER TABLE {table} ADD COLUMN added_later DOUBLE")
    first = tmp_path / "a.csv"
    first.write_text("日期,访客数,支付金额\n2026-10-01,100,1000\n2026-10-02,200,2000\n", "utf-8")
    second = tmp_path / "b.csv"
    second.write_text("日期,访客数\n2026-10-02,250\n2026-10-03,300\n", "utf-8")
    for path in (first, second):
        assert ingest_file(store, path, store_name="A店", today=TODAY).ok
    rows = cur.execute(
        "SELECT date::VARCHAR, visitors, sales, batch_id, added_later FROM store_daily ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("2026-10-01", 100, 1000, 1, None),
        ("2026-10-02", 250, 2000, 2, None),
        ("2026-10-03", 300, None, 2, None),
    ]
    undo_batch(store, 2)
    assert sums(store)["visitors"] == 300 and sums(store)["rows"] == 2
    assert cur.execute("SELECT DISTINCT batch_id, added_later FROM store_daily").fetchall() == [
        (1, None)
    ]
    rename_store(store, "A店", "天猫店")
    assert cur.execute("SELECT DISTINCT store, added_later FROM store_daily").fetchall() == [
        ("天猫店", None)
    ]


def test_an_undone_batch_is_reapplied_as_a_new_undoable_batch(store, tmp_path):
    from ecdata.store.batches import reapply_batch

    first = tmp_path / "a.csv"
    first.write_text("日期,访客数,支付金额\n2026-10-01,100,1000\n2026-10-02,200,2000\n", "utf-8")
    second = tmp_path / "b.csv"
    second.write_text("日期,访客数\n2026-10-02,250\n2026-10-03,300\n", "utf-8")
    for path in (first, second):
        assert ingest_file(store, path, store_name="A店", today=TODAY).ok
    undo_batch(store, 2)
    assert sums(store)["visitors"] == 300  # batch 1's figures again
    assert reapply_batch(store, 2).params["new"] == 3
    assert (sums(store)["visitors"], sums(store)["sales"], sums(store)["rows"]) == (650, 3000, 3)
    batches = list_batches(store).set_index("batch_id")
    assert batches.loc[3, "file_name"] == "b.csv"
    # Once: the kept rows became batch 3.
    with pytest.raises(Refusal):
        reapply_batch(store, 2)
    # The re-applied batch is undone like any, back to batch 1's figures.
    undo_batch(store, 3)
    assert sums(store)["visitors"] == 300
