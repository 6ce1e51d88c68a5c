"""Backups: the whole store as a folder of Parquet files and the SQL that rebuilds it
(DuckDB's EXPORT DATABASE), and its restore into a new file or an empty DuckLake.

Works the same on both backends, so a backup of the embedded file can seed a DuckLake and a
DuckLake's backup can be opened on a laptop.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ecdata.i18n import Refusal
from ecdata.store.database import Store
from ecdata.store.lake import is_lake, lake_ddl, open_lake
from ecdata.store.schema import SCHEMA_VERSION


class RestoreError(Refusal):
    """A backup that cannot be written or restored (a folder in use, a target not empty)."""


def backup(store: Store, folder: Path) -> int:
    """Write every table of `store` into `folder` (created; must not hold a backup yet).
    Returns the number of batches it holds."""
    folder = Path(folder)
    if (folder / "schema.sql").exists():
        raise RestoreError("err.backup_exists", folder=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    cur = store.reader()
    target = str(folder.resolve()).replace("'", "''")
    # Inside the write lock: no batch lands halfway through the copy.
    with store.writer() as w:
        catalog = w.execute("SELECT current_database()").fetchall()[0][0]
        w.execute(f"EXPORT DATABASE {catalog} TO '{target}' (FORMAT parquet)")
    _without_secrets(folder)
    return cur.execute("SELECT count(*) FROM batches").fetchall()[0][0]


# Tables whose columns hold secrets (a webhook's token, a signing secret, a mail password):
# a backup keeps their rows with those columns empty, so a copied backup sends nothing.
SECRET_COLUMNS = {"report_destinations": ("url", "secret")}


def _without_secrets(folder: Path) -> None:
    """Blank the secret columns in the exported Parquet files (load.sql names each)."""
    load = (folder / "load.sql").read_text(encoding="utf-8")
    for statement in _statements(load):
        words = statement.split()
        if len(words) < 4 or words[0].upper() != "COPY":
            continue
        table = words[1].split(".")[-1].strip('"')
        if table not in SECRET_COLUMNS:
            continue
        path = Path(_relocated(statement, str(folder.resolve())).split("'")[1])
        con = duckdb.connect()
        try:
            quoted = str(path).replace("'", "''")
            blank = ", ".join(f"NULL::VARCHAR AS {c}" for c in SECRET_COLUMNS[table])
            con.execute(
                f"COPY (SELECT * REPLACE ({blank}) FROM read_parquet('{quoted}')) "
                f"TO '{quoted}.blank' (FORMAT parquet)"
            )
        finally:
            con.close()
        Path(f"{path}.blank").replace(path)


def restore(folder: Path, target: str) -> Store:
    """A store at `target` (a new DuckDB file, or an empty DuckLake) holding the backup in
    `folder`; migrated to this version's schema if the backup is older."""
    folder = Path(folder)
    schema, load = folder / "schema.sql", folder / "load.sql"
    if not schema.exists() or not load.exists():
        raise RestoreError("err.not_a_backup", folder=str(folder))
    lake = is_lake(str(target))
    if not lake and Path(target).exists():
        raise RestoreError("err.restore_target_exists", target=str(target))
    con = open_lake(str(target)) if lake else duckdb.connect(str(target))
    try:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'batches' "
            "AND table_catalog = current_database()"
        ).fetchall()[0][0]
        if exists:
            raise RestoreError("err.restore_target_exists", target=str(target))
        con.execute("BEGIN TRANSACTION")
        for statement in _statements(schema.read_text(encoding="utf-8")):
            con.execute(lake_ddl(statement) if lake else statement)
        # load.sql names the Parquet files relative to where EXPORT wrote them.
        base = str(folder.resolve())
        for statement in _statements(load.read_text(encoding="utf-8")):
            con.execute(_relocated(statement, base))
        version = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        if version is None or version > SCHEMA_VERSION:
            raise RestoreError("err.not_a_backup", folder=str(folder))
        con.execute("COMMIT")
    except BaseException:
        con.close()
        if not lake:
            Path(target).unlink(missing_ok=True)
        raise
    con.close()
    return Store(target)


def _statements(text: str) -> list[str]:
    return [s.strip() for s in text.split(";\n") if s.strip()]


def _relocated(statement: str, base: str) -> str:
    """A COPY … FROM 'old/path/table.parquet' of load.sql, reading from `base` instead."""
    start = statement.find("'")
    end = statement.find("'", start + 1)
    if start < 0 or end < 0:
        return statement
    name = Path(statement[start + 1 : end]).name
    path = str(Path(base) / name).replace("'", "''")
    return statement[:start] + f"'{path}'" + statement[end + 1 :]
