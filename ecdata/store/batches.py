"""Batches: how facts enter the store, merge with what is there, and leave again on undo.

Merge rule: for each key in the upload, the metrics the file carries replace the stored values
(latest wins; a missing cell keeps the stored value), the metrics it lacks stay untouched. The
full prior row of every touched key is copied to `replaced_<table>` first, so undo can delete
what the batch wrote and put those rows back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecdata.i18n import Message
from ecdata.store import FACT_TABLES, FactTable, Store


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    rows_written: int
    rows_new: int
    rows_replaced: int
    duplicate_of: int | None = None  # set when the same content was already stored


def _key_join(table: FactTable, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{k} = {right}.{k}" for k in table.keys)


def find_same_upload(cur, content_hash: str, store_param: str | None) -> int | None:
    """The active batch that stored this exact content (with the same store option), if any.

    `cur`: a reader for a preview; `write_batch` checks again on its writer cursor."""
    row = cur.execute(
        """SELECT batch_id FROM batches WHERE content_hash = ? AND undone_at IS NULL
           AND store_param IS NOT DISTINCT FROM ? ORDER BY batch_id DESC LIMIT 1""",
        [content_hash, store_param],
    ).fetchall()
    return row[0][0] if row else None


def count_existing(cur, table: FactTable, staged_name: str) -> int:
    """How many staged keys already have a stored row (the rows an upload would replace)."""
    return cur.execute(
        f"SELECT count(*) FROM {staged_name} s SEMI JOIN {table.name} f "
        f"ON {_key_join(table, 's', 'f')}"
    ).fetchall()[0][0]


def use_staged(cur, name: str, staged: pa.Table | pd.DataFrame | str | Path) -> list[str]:
    """Make `staged` (a table in memory, or a Parquet file) queryable as `name`; its columns."""
    if isinstance(staged, (str, Path)):
        path = str(staged).replace("'", "''")
        cur.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    else:
        cur.register(name, staged)
    return [r[0] for r in cur.execute(f"DESCRIBE {name}").fetchall()]


def drop_staged(cur, name: str, staged) -> None:
    if isinstance(staged, (str, Path)):
        cur.execute(f"DROP VIEW IF EXISTS {name}")
    else:
        cur.unregister(name)


def write_batch(
    store: Store,
    table: FactTable,
    staged: pa.Table | pd.DataFrame | str | Path,
    meta: dict,
    once: bool = False,
    delete_missing: bool = False,
) -> BatchResult:
    """Merge `staged` (key columns + the metric columns the file carries; in memory or a
    Parquet file) into `table`.

    `meta` fills the batches row (file_name, content_hash, kind, platform, ...). Everything
    happens in one transaction. With `once`, content already stored (same content_hash and
    store_param) is not written again: `duplicate_of` names the batch that has it. That check
    runs inside the transaction: one made before taking the writer could be stale. With
    `delete_missing`, `staged` is the whole table (an editor's content): stored rows whose
    key it lacks are removed, kept in replaced_<table> like any replaced row, so undo brings
    them back.
    """
    with store.writer() as cur:
        if once:
            same = find_same_upload(cur, meta["content_hash"], meta.get("store_param"))
            if same is not None:
                return BatchResult(same, 0, 0, 0, duplicate_of=same)
        staged_cols = use_staged(cur, "staged_upload", staged)
        provided = [m for m in table.metrics if m in staged_cols]
        batch_id = cur.execute("SELECT COALESCE(max(batch_id), 0) + 1 FROM batches").fetchall()[0][
            0
        ]
        join = _key_join(table, "s", "o")
        cur.execute(
            f"CREATE TEMP TABLE prior_rows AS SELECT f.* FROM {table.name} f "
            f"SEMI JOIN staged_upload s ON {_key_join(table, 's', 'f')}"
        )
        if delete_missing:
            gone = cur.execute(
                f"INSERT INTO replaced_{table.name} SELECT f.*, {batch_id} FROM {table.name} f "
                f"ANTI JOIN staged_upload s ON {_key_join(table, 's', 'f')}"
            ).fetchall()[0][0]
            if gone:
                cur.execute(
                    f"DELETE FROM {table.name} f WHERE NOT EXISTS (SELECT 1 FROM staged_upload s "
                    f"WHERE {_key_join(table, 's', 'f')})"
                )
        replaced = cur.execute("SELECT count(*) FROM prior_rows").fetchall()[0][0]
        if replaced:
            cur.execute(f"INSERT INTO replaced_{table.name} SELECT *, {batch_id} FROM prior_rows")
            cur.execute(
                f"DELETE FROM {table.name} f USING staged_upload s "
                f"WHERE {_key_join(table, 's', 'f')}"
            )
        select = [f"s.{k}" for k in table.keys]
        for m in table.metrics:
            select.append(f"COALESCE(s.{m}, o.{m})" if m in provided else f"o.{m}")
        for flag in table.flags:
            select.append(f"s.{flag}" if flag in staged_cols else f"o.{flag}")
        select.append(str(batch_id))
        source = (
            f"staged_upload s LEFT JOIN prior_rows o ON {join}"
            if replaced
            else "staged_upload s LEFT JOIN (SELECT * FROM prior_rows LIMIT 0) o ON true"
        )
        written = cur.execute(
            f"INSERT INTO {table.name} SELECT {', '.join(select)} FROM {source}"
        ).fetchall()[0][0]
        cur.execute("DROP TABLE prior_rows")
        drop_staged(cur, "staged_upload", staged)
        row = {
            "batch_id": batch_id,
            "target_table": table.name,
            "rows_written": written,
            "rows_new": written - replaced,
            "rows_replaced": replaced,
            **meta,
        }
        cur.execute(
            f"INSERT INTO batches ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    return BatchResult(batch_id, written, written - replaced, replaced)


def undo_batch(store: Store, batch_id: int) -> tuple[bool, Message]:
    """Put back what batch `batch_id` replaced and remove what it added.

    Refused (False, message) when a later active batch overwrote some of its rows, since
    restoring then would silently throw away the later upload: undo that one first. The
    check runs inside the write transaction, so no upload can land between it and the undo.
    """
    with store.writer() as w:
        row = w.execute(
            "SELECT target_table, undone_at FROM batches WHERE batch_id = ?", [batch_id]
        ).fetchall()
        if not row:
            return False, Message("err.unknown_batch", {"batch": batch_id})
        table_name, undone_at = row[0]
        if undone_at is not None:
            return False, Message("err.batch_undone", {"batch": batch_id})
        later = w.execute(
            f"""SELECT min(r.replaced_by) FROM replaced_{table_name} r
                JOIN batches b ON b.batch_id = r.replaced_by
                WHERE r.batch_id = ? AND b.undone_at IS NULL""",
            [batch_id],
        ).fetchall()[0][0]
        if later is not None:
            return False, Message("err.undo_blocked", {"batch": batch_id, "later": later})
        cols = ", ".join(FACT_TABLES[table_name].columns)
        removed = w.execute(f"DELETE FROM {table_name} WHERE batch_id = ?", [batch_id])
        removed = removed.fetchall()[0][0]
        restored = w.execute(
            f"INSERT INTO {table_name} SELECT {cols} FROM replaced_{table_name} "
            "WHERE replaced_by = ?",
            [batch_id],
        ).fetchall()[0][0]
        w.execute(f"DELETE FROM replaced_{table_name} WHERE replaced_by = ?", [batch_id])
        w.execute("UPDATE batches SET undone_at = current_timestamp WHERE batch_id = ?", [batch_id])
    # `removed` counts every row the batch wrote; those it had replaced came back.
    return True, Message(
        "ok.undone",
        {"batch": batch_id, "restored": restored, "removed": max(removed - restored, 0)},
    )


def list_batches(store: Store) -> pd.DataFrame:
    """Every batch, newest first, with its counts and whether it was undone."""
    return (
        store.reader()
        .execute(
            """SELECT batch_id, file_name, kind, platform, target_table, store_param,
                  rows_read, rows_written, rows_new, rows_replaced, rows_rejected,
                  date_min, date_max, created_at, undone_at
           FROM batches ORDER BY batch_id DESC"""
        )
        .df()
    )
