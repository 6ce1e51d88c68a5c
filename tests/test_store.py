"""The store's promises: one transaction per upload, concurrent readers, remembered mappings."""

import threading

import pytest
from helpers import TODAY, sums

from ecdata.ingest.upload import ingest_file, read_for_store, remember_mapping
from ecdata.metrics.kpis import kpi_table
from ecdata.store import batches


def test_an_upload_that_fails_half_way_leaves_nothing_behind(store, tmp_path, monkeypatch):
    first = tmp_path / "a.csv"
    first.write_text("日期,访客数\n2026-10-01,100\n", encoding="utf-8")
    assert ingest_file(store, first, store_name="A店", today=TODAY).ok
    before = store.dump()
    second = tmp_path / "b.csv"
    second.write_text("日期,访客数\n2026-10-01,300\n2026-10-02,50\n", encoding="utf-8")
    real_drop = batches.drop_staged

    def crash(*args):  # after the old row is deleted and the new ones inserted
        real_drop(*args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(batches, "drop_staged", crash)
    with pytest.raises(RuntimeError):
        ingest_file(store, second, store_name="A店", today=TODAY)
    assert store.dump() == before


def test_readers_in_threads_while_a_write_lands(store, tmp_path):
    path = tmp_path / "base.csv"
    path.write_text(
        "日期,访客数,询单人数\n" + "".join(f"2026-10-{d:02d},{d * 10},{d}\n" for d in range(1, 29)),
        encoding="utf-8",
    )
    assert ingest_file(store, path, store_name="A店", today=TODAY).ok
    errors, totals = [], []

    def read():
        try:
            for _ in range(20):
                totals.append(kpi_table(store.reader(), "month", "none").visitors.sum())
        except Exception as exc:  # noqa: BLE001 - any failure fails the test
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    more = tmp_path / "more.csv"
    more.write_text("日期,访客数\n2026-10-29,1000\n", encoding="utf-8")
    assert ingest_file(store, more, store_name="A店", today=TODAY).ok
    for t in threads:
        t.join()
    assert not errors
    # Every read saw the data either before or after the write, never half of it.
    assert set(totals) <= {
        sum(d * 10 for d in range(1, 29)),
        sum(d * 10 for d in range(1, 29)) + 1000,
    }


def test_a_mapping_chosen_once_is_used_for_the_next_file_of_that_shape(store, tmp_path):
    text = "日期,进店人数,支付金额\n2026-10-01,120,900\n"
    path = tmp_path / "custom.csv"
    path.write_text(text, encoding="utf-8")
    first = read_for_store(store, path, store_name="A店", today=TODAY)
    assert "进店人数" not in first.mapping_by_header()  # unknown header: not mapped
    chosen = {"日期": "date", "进店人数": "visitors", "支付金额": "sales"}
    fixed = read_for_store(store, path, store_name="A店", mapping_override=chosen, today=TODAY)
    remember_mapping(store, fixed.headers, fixed.mapping_by_header())
    later = tmp_path / "next_week.csv"
    later.write_text("日期,进店人数,支付金额\n2026-10-08,80,500\n", encoding="utf-8")
    assert ingest_file(store, later, store_name="A店", today=TODAY).ok
    assert sums(store)["visitors"] == 80


def test_a_version_3_database_keeps_its_products_and_their_undo(tmp_path):
    """Schema 4 turned product_daily into product_facts (with a last day): a store made by
    version 3 opens with every product row, as a one-day fact, and undo still works."""
    import datetime as dt

    import duckdb

    from ecdata.store import Store
    from ecdata.store.batches import undo_batch
    from ecdata.store.schema import MIGRATIONS

    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    for statements in MIGRATIONS[:3]:
        for sql in statements:
            con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (3)")
    con.execute(
        "INSERT INTO batches (batch_id, file_name, content_hash, kind, target_table) "
        "VALUES (1, 'p.xls', 'h', 'product', 'product_daily')"
    )
    con.execute(
        "INSERT INTO product_daily VALUES "
        "(DATE '2026-11-02', '天猫店', '600012345678', '卫衣', 300, 900, 12, 15, 1788, false, 1)"
    )
    con.close()
    with Store(path) as store:
        assert store.reader().execute(
            "SELECT date, date_to, product_id, visitors, sales, batch_id FROM product_facts"
        ).fetchall() == [(dt.date(2026, 11, 2), dt.date(2026, 11, 2), "600012345678", 300, 1788, 1)]
        undo_batch(store, 1)
        assert store.reader().execute("SELECT count(*) FROM product_facts").fetchall() == [(0,)]


def test_a_remembered_answer_cleared_by_another_session_mid_lookup_is_no_error(tmp_path):
    """Sessions run in threads: one may empty the memory between another's check and read
    (it raised KeyError). Simulated by a memory that empties itself when asked."""
    import pandas as pd

    from ecdata.store import Store, database

    class ClearedWhileAsked(dict):
        def __contains__(self, key):
            found = super().__contains__(key)
            self.clear()  # another thread's forget_remembered, right between the two
            return found

        def get(self, key, default=None):
            found = super().get(key, default)
            self.clear()
            return found

    with Store(tmp_path / "s.duckdb") as store:
        cur = store.reader()
        frame = pd.DataFrame({"x": [1]})
        memory = ClearedWhileAsked()
        original = database._REMEMBERED
        database._REMEMBERED = memory
        try:
            database.per_data_version(cur, ("q",), lambda: frame)  # remembered
            answer = database.per_data_version(cur, ("q",), lambda: frame)  # emptied mid-way
        finally:
            database._REMEMBERED = original
        assert answer.x.tolist() == [1]


def test_a_run_reads_the_data_version_once_and_a_write_unpins_it(tmp_path, monkeypatch):
    """One cache of answers keyed by the data version, read once per page run; a write in
    the run unpins it, so what the run asks next sees the change."""
    import ecdata.store.database as database
    from ecdata.store import Store

    calls = []
    real = database.data_version
    monkeypatch.setattr(database, "data_version", lambda cur: calls.append(1) or real(cur))
    with Store(tmp_path / "v.duckdb") as store:
        cur = store.reader()
        database.pin_data_version(cur)
        calls.clear()
        answers = [database.per_data_version(cur, ("q", i), lambda i=i: i) for i in range(5)]
        assert answers == [0, 1, 2, 3, 4] and calls == []  # five questions, no version query
        asked = []
        database.per_data_version(cur, ("same",), lambda: asked.append(1) or "first")
        assert database.per_data_version(cur, ("same",), lambda: "again") == "first"
        with store.writer() as w:
            w.execute("INSERT INTO app_settings (setting_id, key, value) VALUES (1, 'k', '1')")
        # The version moved and is read again: the same question is answered anew.
        assert database.per_data_version(cur, ("same",), lambda: "after the write") == (
            "after the write"
        )
        assert calls == [1]


def test_an_answer_asked_inside_a_write_is_never_remembered(store):
    """Inside a write the data version is still the committed one: an answer read there
    (an inquiry not yet committed, then rolled back) must not be served to anyone after."""
    from ecdata.metrics.sources import stored_kinds

    assert not stored_kinds(store.reader()).ledger
    with pytest.raises(RuntimeError), store.writer() as cur:
        cur.execute("INSERT INTO inquiries (store, inquiry_id, batch_id) VALUES ('A店', 'q1', 1)")
        assert stored_kinds(cur).ledger  # the write sees its own row
        raise RuntimeError("the upload fails half way")
    assert not stored_kinds(store.reader()).ledger


def test_the_weekly_review_reads_the_data_version_once_per_rerun(db, monkeypatch):
    from helpers import app

    import ecdata.store.database as database

    at = app(lang="en")
    calls = []
    real = database.data_version
    monkeypatch.setattr(database, "data_version", lambda cur: calls.append(1) or real(cur))
    at.run()
    assert not at.exception
    assert len(calls) == 1  # was 15: one per question of the page


def test_a_page_run_reads_one_snapshot_sees_its_own_writes_and_ends_its_transactions(tmp_path):
    """Inside run_reads every question of a run reads one snapshot: another session's
    write lands for the next run, the run's own write shows at once, and once the run ends
    its readers are closed (no transaction left open while a session idles)."""
    import duckdb

    from ecdata.store import Store
    from ecdata.store.database import run_reads
    from ecdata.store.settings import save_setting

    def settings(cur) -> int:
        return cur.execute("SELECT count(*) FROM app_settings").fetchall()[0][0]

    with Store(tmp_path / "r.duckdb") as store:
        with run_reads():
            cur = store.run_reader()
            assert store.run_reader() is cur  # one reader per scope for the whole run
            assert store.run_reader(("A店",)) is not cur  # a limited scope has its own
            assert settings(cur) == 0
            # Another session (another thread, not in this run) writes meanwhile.
            other = threading.Thread(target=save_setting, args=(store, "rule", 1))
            other.start()
            other.join()
            assert settings(cur) == 0  # this run still reads its snapshot
            save_setting(store, "rule", 2)  # this run's own write
            assert settings(cur) == 2  # seen at once, with the other session's
        with pytest.raises(duckdb.ConnectionException):
            cur.execute("SELECT 1")  # closed with the run
        assert settings(store.run_reader()) == 2  # outside a run: a new reader each time


def test_an_answer_for_this_run_is_asked_once_and_again_after_a_write(tmp_path):
    """Who is signed in is looked up once a run; a write (a sign-in is one) asks again."""
    from ecdata.store import Store
    from ecdata.store.database import for_this_run, run_reads
    from ecdata.store.settings import save_setting

    asked = []

    def who():
        asked.append(1)
        return len(asked)

    with Store(tmp_path / "a.duckdb") as store:
        with run_reads():
            assert [for_this_run(("who",), who) for _ in range(3)] == [1, 1, 1]
            save_setting(store, "rule", 1)
            assert for_this_run(("who",), who) == 2
        assert for_this_run(("who",), who) == 3  # outside a run: asked every time
        with run_reads():
            assert for_this_run(("who",), who) == 4  # a new run asks anew
