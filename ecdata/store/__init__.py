"""The store: DuckDB, the schema and its migrations, and batches (merge, undo).

Owns the connection and the one write path. Depends on nothing else in ecdata but i18n, so
every layer above (ingest, metrics, team) can read and write through it.
"""

from ecdata.store.database import DEFAULT_DB, Store, default_db_path
from ecdata.store.schema import (
    AGENT_DAILY,
    FACT_TABLES,
    INQUIRIES,
    INQUIRY_MARKS,
    PLAN_TASKS,
    PRODUCT_FACTS,
    RATINGS,
    ROSTER,
    SCHEMA_VERSION,
    STORE_DAILY,
    STORE_MONTHLY,
    STORE_PERIODS,
    FactTable,
)

__all__ = [
    "AGENT_DAILY",
    "DEFAULT_DB",
    "FACT_TABLES",
    "INQUIRIES",
    "INQUIRY_MARKS",
    "PLAN_TASKS",
    "PRODUCT_FACTS",
    "RATINGS",
    "ROSTER",
    "SCHEMA_VERSION",
    "STORE_DAILY",
    "STORE_MONTHLY",
    "STORE_PERIODS",
    "FactTable",
    "Store",
    "default_db_path",
]
