"""Backups of the embedded file: the whole store into a folder and back into a new file,
every row and every number the same."""

from __future__ import annotations

import pytest
from helpers import WEEK

from ecdata.cli import main
from ecdata.metrics.kpis import Filters, totals
from ecdata.store import Store
from ecdata.store.backup import RestoreError, backup, restore


def test_a_backup_restores_into_a_new_file_row_for_row(db, tmp_path):
    scope = Filters((), (), *WEEK)
    with Store(db) as store:
        before, kpis = store.dump(), totals(store.reader(), scope)
        assert backup(store, tmp_path / "backup") == len(before["batches"])
    with restore(tmp_path / "backup", str(tmp_path / "restored.duckdb")) as copy:
        assert copy.dump() == before
        again = totals(copy.reader(), scope)
    assert again.inquiry_cost == pytest.approx(kpis.inquiry_cost)
    # Equal but for the order of addition (rows come back in another order): 1e-12.
    assert again.sales == pytest.approx(kpis.sales, rel=1e-12)


def test_a_restore_never_overwrites_and_a_folder_is_checked(db, tmp_path, capsys):
    with Store(db) as store:
        backup(store, tmp_path / "b")
        with pytest.raises(RestoreError) as exists:
            backup(store, tmp_path / "b")
    assert exists.value.key == "err.backup_exists"
    taken = tmp_path / "taken.duckdb"
    Store(taken).close()
    with pytest.raises(RestoreError) as occupied:
        restore(tmp_path / "b", str(taken))
    assert occupied.value.key == "err.restore_target_exists"
    assert main(["restore", str(tmp_path), "--db", str(tmp_path / "new.duckdb")]) == 1
    assert "not an ecdata backup" in capsys.readouterr().err
    assert not (tmp_path / "new.duckdb").exists()
