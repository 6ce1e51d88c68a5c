"""Batches: how facts enter the store, merge with what is there, and leave again on undo.

Merge rule: for each key in the upload, the metrics the file carries replace the stored values
(latest wins; a missing cell keeps the stored value), the metrics it lacks stay untouched. The
full prior row of every touched key is copied to `replaced_<table>` first, so undo can delete
what the batch wrote and put those rows back exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecdata.i18n import Message, Refusal
from ecdata.names import has_control_characters
from ecdata.sql import Sql, execute
from ecdata.store import FACT_TABLES, PRODUCT_FACTS, STORE_DAILY, FactTable, Store
from ecdata.store.database import (
    ACTOR,
    Cursor,
    StoreNotGranted,
    check_company_wide,
    check_granted,
    granted_stores,
)
from ecdata.store.schema import (
    PRODUCT_WEEKS,
    ROLLUP,
    product_weeks_insert_sql,
    rollup_insert_sql,
)


@dataclass(frozen=True)
class BatchResult:
    batch_id: int
    rows_written: int
    rows_new: int
    rows_replaced: int
    duplicate_of: int | None = None  # set when the same content was already stored

    def said(self, file_name: str, rows_read: int, skipped: int) -> Message:
        """What importing a file did, as every face says it (ok.ingested)."""
        return Message(
            "ok.ingested",
            {
                "file": file_name,
                "read": rows_read,
                "written": self.rows_written,
                "new": self.rows_new,
                "replaced": self.rows_replaced,
                "skipped": skipped,
                "batch": self.batch_id,
            },
        )


def _key_join(table: FactTable, left: str, right: str) -> str:
    return " AND ".join(f"{left}.{k} = {right}.{k}" for k in table.keys)


def find_same_upload(cur: Cursor, content_hash: str, store_param: str | None) -> int | None:
    """The active batch that stored this exact content (with the same store option), if any.

    `cur`: a reader for a preview; `write_batch` checks again on its writer cursor."""
    row = cur.execute(
        """SELECT batch_id FROM batches WHERE content_hash = ? AND undone_at IS NULL
           AND store_param IS NOT DISTINCT FROM ? ORDER BY batch_id DESC LIMIT 1""",
        [content_hash, store_param],
    ).fetchall()
    return row[0][0] if row else None


def count_existing(cur: Cursor, table: FactTable, staged_name: str) -> int:
    """How many staged keys already have a stored row (the rows an upload would replace)."""
    return cur.execute(
        f"SELECT count(*) FROM {staged_name} s SEMI JOIN {table.name} f "
        f"ON {_key_join(table, 's', 'f')}"
    ).fetchall()[0][0]


def use_staged(cur: Cursor, name: str, staged: pa.Table | pd.DataFrame | str | Path) -> list[str]:
    """Make `staged` (a table in memory, or a Parquet file) queryable as `name`; its columns."""
    if isinstance(staged, (str, Path)):
        path = str(staged).replace("'", "''")
        cur.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet('{path}')")
    else:
        cur.register(name, staged)
    return [r[0] for r in cur.execute(f"DESCRIBE {name}").fetchall()]


def drop_staged(cur: Cursor, name: str, staged: object) -> None:
    if isinstance(staged, (str, Path)):
        cur.execute(f"DROP VIEW IF EXISTS {name}")
    else:
        cur.unregister(name)


def _note_touched(w: Cursor, touched: str, params: list | None = None) -> None:
    """Remember the (date, store) pairs that `touched` (a SELECT) names, as touched_days."""
    w.execute(
        f"CREATE OR REPLACE TEMP TABLE touched_days AS SELECT DISTINCT date, store FROM "
        f"({touched})",
        params,
    )


def _recompute_touched(w: Cursor) -> None:
    """Compute the store-day rollup (schema.ROLLUP) again for the pairs in touched_days."""
    w.execute(
        f"DELETE FROM {ROLLUP} r USING touched_days t WHERE r.date = t.date AND r.store = t.store"
    )
    w.execute(
        rollup_insert_sql(
            "store_daily f SEMI JOIN touched_days t ON t.date = f.date AND t.store = f.store"
        )
    )
    w.execute("DROP TABLE touched_days")


@contextmanager
def _rollup_kept(w: Cursor, touched: str, params: list | None = None) -> Iterator[None]:
    """Keep the store-day rollup equal to store_daily's sums across the change made inside
    this block: `touched` is a SELECT of the (date, store) pairs the change may alter, read
    before it; their rollup rows are computed again after it."""
    _note_touched(w, touched, params)
    yield
    _recompute_touched(w)


@contextmanager
def _product_weeks_kept(w: Cursor, touched: str, params: list | None = None) -> Iterator[None]:
    """Keep the product-week rollup (schema.PRODUCT_WEEKS) equal to product_facts across the
    change made inside this block: `touched` is a SELECT of the (date, store) pairs of
    product rows the change may alter, read before it; their weeks are summed again after."""
    w.execute(
        "CREATE OR REPLACE TEMP TABLE touched_weeks AS SELECT DISTINCT "
        f"CAST(date_trunc('week', date) AS DATE) AS week, store FROM ({touched})",
        params,
    )
    yield
    w.execute(
        f"DELETE FROM {PRODUCT_WEEKS} p USING touched_weeks t "
        "WHERE CAST(date_trunc('week', p.date) AS DATE) = t.week AND p.store = t.store"
    )
    w.execute(
        product_weeks_insert_sql(
            "product_facts f SEMI JOIN touched_weeks t ON t.store = f.store "
            "AND t.week = CAST(date_trunc('week', f.date) AS DATE)"
        )
    )
    w.execute("DROP TABLE touched_weeks")


def _products_of_both_stores(old: str, new: str) -> tuple[str, list[str]]:
    """Every day either store has a product row, under both names (a rename moves them)."""
    return (
        "SELECT d.date, s.store FROM (SELECT DISTINCT date FROM product_facts "
        "WHERE store IN ($1, $2)) d, (SELECT unnest([$1, $2]) AS store) s",
        [old, new],
    )


def _merge_keeping_rollup(
    cur: Cursor, table: FactTable, staged_cols: list[str], delete_missing: bool
) -> tuple[int, int, int]:
    """_merge, and the store-day and product-week rollups kept equal to their tables."""
    if table.name == PRODUCT_FACTS.name:
        touched = "SELECT date, store FROM staged_upload"
        if delete_missing:
            touched += " UNION ALL SELECT date, store FROM product_facts"
        with _product_weeks_kept(cur, touched):
            return _merge(cur, table, staged_cols, delete_missing)
    if table.name != STORE_DAILY.name:
        return _merge(cur, table, staged_cols, delete_missing)
    if delete_missing:  # rows the staged table lacks go too: any stored store-day may change
        everything = (
            "SELECT date, store FROM staged_upload UNION ALL SELECT date, store FROM store_daily"
        )
        with _rollup_kept(cur, everything):
            return _merge(cur, table, staged_cols, delete_missing)
    merged = _merge(cur, table, staged_cols, delete_missing)
    batch_id, _, replaced = merged
    if replaced:  # other batches' sums on the file's store-days changed
        _note_touched(cur, "SELECT date, store FROM staged_upload")
        _recompute_touched(cur)
    else:  # nothing replaced: the batch's own sums are all that is new
        cur.execute(rollup_insert_sql(f"store_daily f WHERE f.batch_id = {batch_id}"))
    return merged


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
        staged_cols = use_staged(cur, "staged_upload", staged)
        if "store" in table.columns:
            staged_stores = cur.execute("SELECT DISTINCT store FROM staged_upload").fetchall()
            check_granted(cur, [r[0] for r in staged_stores])
            if delete_missing and granted_stores(cur) is not None:
                # A whole-table write would remove other stores' rows: not for a limited account.
                check_company_wide(cur)
        elif "person_id" in table.columns and (granted := granted_stores(cur)) is not None:
            # Ratings and plan tasks belong to people, people to stores: only the granted
            # stores' people (and staff serving every store) for a limited account.
            outside = cur.execute(
                """SELECT DISTINCT s.person_id FROM staged_upload s
                   LEFT JOIN roster r USING (person_id)
                   WHERE r.person_id IS NULL
                      OR (r.store IS NOT NULL AND NOT list_contains($granted, r.store))
                   ORDER BY 1""",
                {"granted": list(granted)},
            ).fetchall()
            if outside:
                raise StoreNotGranted([r[0] for r in outside])
        if once:
            same = find_same_upload(cur, meta["content_hash"], meta.get("store_param"))
            if same is not None:
                drop_staged(cur, "staged_upload", staged)
                return BatchResult(same, 0, 0, 0, duplicate_of=same)
        batch_id, written, replaced = _merge_keeping_rollup(cur, table, staged_cols, delete_missing)
        drop_staged(cur, "staged_upload", staged)
        row = {
            "batch_id": batch_id,
            "target_table": table.name,
            "rows_written": written,
            "rows_new": written - replaced,
            "rows_replaced": replaced,
            "created_by": ACTOR.get(),
            **meta,
        }
        cur.execute(
            f"INSERT INTO batches ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    return BatchResult(batch_id, written, written - replaced, replaced)


def _named(table: FactTable, prefix: str = "") -> str:
    """The table's columns by name, for both sides of an INSERT: a column a migration adds
    (or a different order on an older database) can never receive another column's values,
    as a positional `INSERT ... SELECT *` would."""
    return ", ".join(prefix + c for c in table.columns)


def _merge(
    cur: Cursor, table: FactTable, staged_cols: list[str], delete_missing: bool
) -> tuple[int, int, int]:
    """write_batch's merge of `staged_upload` into `table`: (batch id, written, replaced)."""
    provided = [m for m in table.metrics if m in staged_cols]
    batch_id = cur.execute("SELECT COALESCE(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0]
    join = _key_join(table, "s", "o")
    first = table.keys[0]
    overlaps = cur.execute(
        f"SELECT EXISTS (SELECT 1 FROM {table.name} WHERE {first} BETWEEN "
        f"(SELECT min({first}) FROM staged_upload) AND (SELECT max({first}) FROM staged_upload))"
    ).fetchall()[0][0]
    # A file of days (months, people) the table has none of yet, as most weekly uploads
    # are, replaces nothing: the join that finds replaced rows would hash the whole file
    # (10M rows: 0.3 GB and 0.5 s) to find none.
    cur.execute(
        f"CREATE TEMP TABLE prior_rows AS SELECT f.* FROM {table.name} f "
        + (f"SEMI JOIN staged_upload s ON {_key_join(table, 's', 'f')}" if overlaps else "LIMIT 0")
    )
    if delete_missing:
        gone = cur.execute(
            f"INSERT INTO replaced_{table.name} ({_named(table)}, replaced_by) "
            f"SELECT {_named(table, 'f.')}, {batch_id} FROM {table.name} f "
            f"ANTI JOIN staged_upload s ON {_key_join(table, 's', 'f')}"
        ).fetchall()[0][0]
        if gone:
            cur.execute(
                f"DELETE FROM {table.name} f WHERE NOT EXISTS (SELECT 1 FROM staged_upload s "
                f"WHERE {_key_join(table, 's', 'f')})"
            )
    replaced = cur.execute("SELECT count(*) FROM prior_rows").fetchall()[0][0]
    if replaced:
        cur.execute(
            f"INSERT INTO replaced_{table.name} ({_named(table)}, replaced_by) "
            f"SELECT {_named(table)}, {batch_id} FROM prior_rows"
        )
        cur.execute(
            f"DELETE FROM {table.name} f USING staged_upload s WHERE {_key_join(table, 's', 'f')}"
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
        f"INSERT INTO {table.name} ({_named(table)}) SELECT {', '.join(select)} FROM {source}"
    ).fetchall()[0][0]
    cur.execute("DROP TABLE prior_rows")
    return batch_id, written, replaced


RENAME = "*"  # target_table of a store rename: every table with a store column


def _later_overwrite(w: Cursor, table_name: str, batch_id: int) -> int | None:
    """The first active batch that replaced rows `batch_id` wrote to `table_name`, if any."""
    return w.execute(
        f"""SELECT min(r.replaced_by) FROM replaced_{table_name} r
            JOIN batches b ON b.batch_id = r.replaced_by
            WHERE r.batch_id = ? AND b.undone_at IS NULL""",
        [batch_id],
    ).fetchall()[0][0]


def rename_store(store: Store, old: str, new: str) -> BatchResult:
    """Rename store `old` to `new` everywhere, as one undoable batch; when `new` exists
    already, the two are merged: for a key both have, `new` keeps its values and takes
    `old`'s only for the metrics it lacks. The rows keep the batch they came from (which
    platform, which file: the fact view reads spend breakdowns and currencies from it);
    every row touched is kept in replaced_<table> first, so undo puts both stores back."""
    if has_control_characters(new):
        raise ValueError("a store name holds control characters: the page refuses it first")
    with store.writer() as w:
        check_granted(w, [old, new])
        batch_id = w.execute("SELECT COALESCE(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0]
        written = replaced = 0
        with (
            _rollup_kept(w, *_both_stores_days(old, new)),
            _product_weeks_kept(w, *_products_of_both_stores(old, new)),
        ):
            for table in FACT_TABLES.values():
                if "store" not in table.columns:
                    continue
                n_written, n_replaced = _rename_in(w, table, old, new, batch_id)
                written, replaced = written + n_written, replaced + n_replaced
        w.execute(
            "INSERT INTO batches (batch_id, file_name, content_hash, kind, platform, "
            "target_table, store_param, rows_written, rows_new, rows_replaced, created_by) "
            "VALUES (?, ?, ?, 'rename', NULL, ?, ?, ?, 0, ?, ?)",
            [
                batch_id,
                f"{old} → {new}",
                "rename:" + json.dumps([old, new], ensure_ascii=False),
                RENAME,
                new,
                written,
                replaced,
                ACTOR.get(),
            ],
        )
    return BatchResult(batch_id, written, 0, replaced)


def _both_stores_days(old: str, new: str) -> tuple[str, list[str]]:
    """Every day either store has a row, under both names: a rename moves rows between
    them (for the rollup, _rollup_kept)."""
    return (
        "SELECT d.date, s.store FROM (SELECT DISTINCT date FROM store_daily "
        "WHERE store IN ($1, $2)) d, (SELECT unnest([$1, $2]) AS store) s",
        [old, new],
    )


def _rename_in(w: Cursor, table: FactTable, old: str, new: str, batch_id: int) -> tuple[int, int]:
    """Move `old`'s rows of `table` to `new` (merging with `new`'s rows of the same key)."""
    moved = {"old": old}  # the rows that move
    both = {"old": old, "new": new}  # …and the target's rows they meet

    count = Sql(f"SELECT count(*) FROM {table.name} WHERE store = $old", moved)
    if not execute(w, count).fetchall()[0][0]:
        return 0, 0
    keyed = "store" in table.keys
    other_keys = [k for k in table.keys if k != "store"]
    # The target's rows that share a key with a moved row are replaced by the merged row.
    clash = (
        f"store = $new AND EXISTS (SELECT 1 FROM {table.name} o WHERE o.store = $old AND "
        + " AND ".join(f"o.{k} = {table.name}.{k}" for k in other_keys)
        + ")"
        if keyed
        else "false"
    )
    touched = Sql(f"store = $old OR ({clash})", both if keyed else moved)
    replaced = execute(
        w,
        Sql(
            f"INSERT INTO replaced_{table.name} ({_named(table)}, replaced_by) "
            f"SELECT {_named(table)}, {batch_id} FROM {table.name} WHERE "
        )
        + touched,
    ).fetchall()[0][0]
    if keyed:
        join = " AND ".join(f"t.{k} = o.{k}" for k in other_keys)
        select = [("$new" if k == "store" else f"o.{k}") for k in table.keys]
        select += [f"COALESCE(t.{c}, o.{c})" for c in table.metrics + table.flags]
        select.append("COALESCE(t.batch_id, o.batch_id)")
        source = (
            f"(SELECT * FROM {table.name} WHERE store = $old) o LEFT JOIN "
            f"(SELECT * FROM {table.name} WHERE {clash}) t ON {join}"
        )
    else:  # the roster: the store is a column of each person's row
        select = [("$new" if c == "store" else c) for c in table.columns]
        source = f"(SELECT * FROM {table.name} WHERE store = $old)"
    named = ", ".join(f"{expr} AS {col}" for expr, col in zip(select, table.columns))
    execute(w, Sql(f"CREATE OR REPLACE TEMP TABLE renamed AS SELECT {named} FROM {source}", both))
    execute(w, Sql(f"DELETE FROM {table.name} WHERE ") + touched)
    written = w.execute(
        f"INSERT INTO {table.name} ({_named(table)}) SELECT {_named(table)} FROM renamed"
    ).fetchall()[0][0]
    w.execute("DROP TABLE renamed")
    return written, replaced


def _undo_rename(w: Cursor, batch_id: int) -> tuple[int, int]:
    """Put both stores back: the rows a rename wrote (keys of the rows it replaced, under
    the new name) go, the replaced rows return. Refused when a later active batch wrote to
    either store: its rows could not be told apart from the renamed ones."""
    old, new = _renamed_stores(w, batch_id)
    tables = [t for t in FACT_TABLES.values() if "store" in t.columns]
    later = w.execute(
        "SELECT min(batch_id) FROM batches WHERE batch_id > $1 AND undone_at IS NULL AND ("
        + " OR ".join(
            f"EXISTS (SELECT 1 FROM {t.name} f WHERE f.batch_id = batches.batch_id "
            f"AND f.store IN ($2, $3))"
            for t in tables
        )
        + ")",
        [batch_id, old, new],
    ).fetchall()[0][0]
    if later is not None:
        raise Refusal("err.undo_blocked", batch=batch_id, later=later)
    removed = restored = 0
    for t in tables:
        keys = [k for k in t.keys if k != "store"] or list(t.keys)
        match = " AND ".join(f"r.{k} = f.{k}" for k in keys)
        store_match = "f.store = $new AND " if "store" in t.keys else ""
        removed += w.execute(
            f"DELETE FROM {t.name} f WHERE {store_match}EXISTS (SELECT 1 FROM replaced_{t.name} r "
            f"WHERE r.replaced_by = $batch AND {match})",
            {"new": new, "batch": batch_id} if store_match else {"batch": batch_id},
        ).fetchall()[0][0]
        restored += w.execute(
            f"INSERT INTO {t.name} ({_named(t)}) SELECT {_named(t)} FROM replaced_{t.name} "
            "WHERE replaced_by = ?",
            [batch_id],
        ).fetchall()[0][0]
        w.execute(f"DELETE FROM replaced_{t.name} WHERE replaced_by = ?", [batch_id])
    return removed, restored


def _renamed_stores(w: Cursor, batch_id: int) -> list[str]:
    """[old, new] of a rename batch."""
    (names,) = w.execute(
        "SELECT content_hash FROM batches WHERE batch_id = ?", [batch_id]
    ).fetchall()[0]
    return json.loads(names.removeprefix("rename:"))


def _undo_rows(w: Cursor, table_name: str, batch_id: int) -> tuple[int, int]:
    """Remove what batch `batch_id` wrote to `table_name`, put back what it replaced:
    (rows removed, rows restored)."""
    cols = _named(FACT_TABLES[table_name])
    # Kept, so the batch can be re-applied (reapply_batch); its earlier copy, if it was
    # undone and re-applied before, gives way.
    w.execute(f"DELETE FROM undone_{table_name} WHERE batch_id = ?", [batch_id])
    w.execute(
        f"INSERT INTO undone_{table_name} ({cols}) SELECT {cols} FROM {table_name} "
        "WHERE batch_id = ?",
        [batch_id],
    )
    removed = w.execute(f"DELETE FROM {table_name} WHERE batch_id = ?", [batch_id])
    removed = removed.fetchall()[0][0]
    restored = w.execute(
        f"INSERT INTO {table_name} ({cols}) SELECT {cols} FROM replaced_{table_name} "
        "WHERE replaced_by = ?",
        [batch_id],
    ).fetchall()[0][0]
    w.execute(f"DELETE FROM replaced_{table_name} WHERE replaced_by = ?", [batch_id])
    return removed, restored


def undo_batch(store: Store, batch_id: int, only_by: str | None = None) -> Message:
    """Put back what batch `batch_id` replaced and remove what it added.

    Refused (Refusal) when a later active batch overwrote some of its rows, since
    restoring then would silently throw away the later upload: undo that one first. The
    check runs inside the write transaction, so no upload can land between it and the undo.
    With `only_by` (a manager's account), only that account's own batches are undone.
    """
    with store.writer() as w:
        row = w.execute(
            "SELECT target_table, undone_at, created_by FROM batches WHERE batch_id = ?",
            [batch_id],
        ).fetchall()
        if not row:
            raise Refusal("err.unknown_batch", batch=batch_id)
        table_name, undone_at, created_by = row[0]
        if undone_at is not None:
            raise Refusal("err.batch_undone", batch=batch_id)
        if only_by is not None and created_by != only_by:
            raise Refusal("err.undo_not_yours", batch=batch_id)
        if table_name == RENAME:
            renamed = _renamed_stores(w, batch_id)
            with (
                _rollup_kept(w, *_both_stores_days(*renamed)),
                _product_weeks_kept(w, *_products_of_both_stores(*renamed)),
            ):
                removed, restored = _undo_rename(w, batch_id)
        else:
            later = _later_overwrite(w, table_name, batch_id)
            if later is not None:
                raise Refusal("err.undo_blocked", batch=batch_id, later=later)
            touched = (
                f"SELECT date, store FROM {table_name} WHERE batch_id = $1 UNION ALL "
                f"SELECT date, store FROM replaced_{table_name} WHERE replaced_by = $1"
            )
            rollup: AbstractContextManager = nullcontext()
            if table_name == STORE_DAILY.name:
                rollup = _rollup_kept(w, touched, [batch_id])
            elif table_name == PRODUCT_FACTS.name:
                rollup = _product_weeks_kept(w, touched, [batch_id])
            with rollup:
                removed, restored = _undo_rows(w, table_name, batch_id)
        w.execute(
            "UPDATE batches SET undone_at = current_timestamp, undone_by = ? WHERE batch_id = ?",
            [ACTOR.get(), batch_id],
        )
    # `removed` counts every row the batch wrote; those it had replaced came back.
    return Message(
        "ok.undone",
        {"batch": batch_id, "restored": restored, "removed": max(removed - restored, 0)},
    )


def reapply_batch(store: Store, batch_id: int) -> Message:
    """Write an undone batch's rows again, as a new batch (undoable like any): the rows its
    undo kept, with the same file, platform and store; a rename is renamed again."""
    cur = store.reader()
    row = cur.execute(
        "SELECT file_name, kind, platform, target_table, store_param, encoding, header_row, "
        "rows_read, rows_rejected, date_min, date_max, undone_at, content_hash "
        "FROM batches WHERE batch_id = ?",
        [batch_id],
    ).fetchall()
    if not row:
        raise Refusal("err.unknown_batch", batch=batch_id)
    (file_name, kind, platform, target, store_param, encoding, header_row, read, rejected,
     first, last, undone_at, content_hash) = row[0]  # fmt: skip
    if undone_at is None:
        raise Refusal("err.batch_active", batch=batch_id)
    if target == RENAME:
        old, new = _renamed_stores(cur, batch_id)
        result = rename_store(store, old, new)
        return Message("ok.reapplied", {"batch": batch_id, "new": result.batch_id})
    table = FACT_TABLES[target]
    columns = ", ".join(c for c in table.columns if c != "batch_id")
    rows = cur.execute(f"SELECT {columns} FROM undone_{target} WHERE batch_id = ?", [batch_id]).df()
    if rows.empty:
        raise Refusal("err.nothing_to_reapply", batch=batch_id)
    meta = {
        "file_name": file_name,
        "content_hash": f"{content_hash}:reapplied:{batch_id}",
        "kind": kind,
        "platform": platform,
        "store_param": store_param,
        "encoding": encoding,
        "header_row": header_row,
        "rows_read": read,
        "rows_rejected": rejected,
        "date_min": first,
        "date_max": last,
    }
    result = write_batch(store, table, rows, meta)
    with store.writer() as w:  # re-applied once: its kept rows are now the new batch's
        w.execute(f"DELETE FROM undone_{target} WHERE batch_id = ?", [batch_id])
    return Message("ok.reapplied", {"batch": batch_id, "new": result.batch_id})


def undo_summary(store: Store, batch_id: int) -> Message:
    """What undoing batch `batch_id` removes, for the question asked before it is done:
    its file, rows written, stores and dates."""
    cur = store.reader()
    row = cur.execute(
        "SELECT file_name, target_table, rows_written, date_min, date_max FROM batches "
        "WHERE batch_id = ?",
        [batch_id],
    ).fetchall()
    if not row:
        raise ValueError(f"no batch {batch_id}")
    file_name, target, rows, first, last = row[0]
    stores: list[str] = []
    if target == RENAME:
        stores = _renamed_stores(cur, batch_id)
    elif target in FACT_TABLES and "store" in FACT_TABLES[target].columns:
        found = cur.execute(
            f"SELECT DISTINCT store FROM {target} WHERE batch_id = ? ORDER BY 1", [batch_id]
        )
        stores = [r[0] for r in found.fetchall()]
    dates = f"{first} ~ {last}" if first and last else "—"
    return Message(
        "up.undo_confirm",
        {
            "batch": batch_id,
            "file": file_name,
            "rows": rows or 0,
            "stores": "、".join(stores) or "—",
            "dates": dates,
        },
    )


def list_batches(store: Store) -> pd.DataFrame:
    """Every batch, newest first, with its counts and whether it was undone."""
    return (
        store.reader()
        .execute(
            """SELECT batch_id, file_name, kind, platform, target_table, store_param,
                  rows_read, rows_written, rows_new, rows_replaced, rows_rejected,
                  date_min, date_max, created_at, undone_at, created_by, undone_by
           FROM batches ORDER BY batch_id DESC"""
        )
        .df()
    )
