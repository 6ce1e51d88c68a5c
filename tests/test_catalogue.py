"""The metric catalogue is the one declaration of every metric: each expression compiles
over the stored columns, every stored and uploaded field is declared, and the tables other
modules use are derived from it."""

import duckdb
import pytest

from ecdata.ingest import headers as hd
from ecdata.metrics.catalogue import (
    AGENT_BASE,
    AGENT_DERIVED,
    INPUT_ONLY,
    KPI_COLUMNS,
    METRICS,
    PRODUCT_BASE,
    TARGET_OF,
    TOTAL_COST,
    TOTAL_COST_SQL,
    UNIT_LIMITS,
    UPLOAD_FIELDS,
    Metric,
    is_money,
)
from ecdata.metrics.kpis import MONEY_COLUMNS
from ecdata.metrics.ledger import LEDGER_SUMS
from ecdata.store.schema import AGENT_DAILY, PRODUCT_FACTS, STORE_DAILY, STORE_MONTHLY


@pytest.fixture(scope="module")
def columns():
    """A table with every stored metric column, one row."""
    names = sorted(
        set(
            STORE_DAILY.metrics
            + AGENT_DAILY.metrics
            + PRODUCT_FACTS.metrics
            + STORE_MONTHLY.metrics
        )
        - {"product_name"}
        | {"breakdown_spend", "service_inquiries", "inquiry_target"}
        | set(LEDGER_SUMS)
    )
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT {', '.join(f'1.0 AS {n}' for n in names)}")
    return con


def test_every_base_expression_compiles_over_the_stored_columns(columns):
    bases = [
        m
        for m in list(METRICS.values()) + AGENT_BASE + PRODUCT_BASE + INPUT_ONLY
        if not m.derived and m.expr
    ]
    columns.execute(f"SELECT {', '.join(f'{m.expr} AS {m.name}' for m in bases)} FROM t").fetchall()


def test_every_ratio_compiles_over_its_parts(columns):
    """A ratio is evaluated over summed columns (and the total cost made of them)."""
    names = [r[0] for r in columns.execute("DESCRIBE t").fetchall()]
    sums = ", ".join(f"sum({c}) AS {c}" for c in names)
    agents = "sum(response_seconds) AS response_weighted, sum(received) AS response_weight"
    summed = f"SELECT *, {TOTAL_COST_SQL} AS {TOTAL_COST} FROM (SELECT {sums}, {agents} FROM t)"
    ratios = [m for m in METRICS.values() if m.derived] + AGENT_DERIVED
    for m in ratios:
        (value,) = columns.execute(f"SELECT {m.expr} FROM ({summed})").fetchall()[0]
        assert value is not None, m.name
        for part in m.parts:
            assert part in METRICS or part in (
                TOTAL_COST,
                "inquiry_target",
                "response_weighted",
                "response_weight",
            ), (m.name, part)


def test_stored_and_uploaded_fields_are_declared_with_a_limit_by_their_unit():
    declared = set(METRICS) | {m.name for m in INPUT_ONLY + AGENT_BASE}
    assert set(STORE_DAILY.metrics) <= declared
    assert set(KPI_COLUMNS) <= set(METRICS)
    assert set(hd.FIELD_LIMITS) == set(UPLOAD_FIELDS)
    assert hd.FIELD_LIMITS["visitors"] == UNIT_LIMITS["count"]
    assert hd.FIELD_LIMITS["response_seconds"] == ("duration", 86400.0)
    assert hd.FIELD_LIMITS["conversion_rate"] == ("rate", 1.0)


def test_money_and_targets_come_from_the_declarations():
    assert set(MONEY_COLUMNS) == {n for n in METRICS if is_money(n)}
    assert {"roi", "sales_target_completion", "target_inquiry_cost", "inquiry_cost"} <= set(
        MONEY_COLUMNS
    )
    assert "conversion_rate" not in MONEY_COLUMNS and "inquiry_task_completion" not in MONEY_COLUMNS
    assert TARGET_OF == {"sales": "sales_target", "inquiries": "inquiry_target"}


def test_a_unit_outside_the_set_is_refused():
    with pytest.raises(ValueError, match="unit"):
        Metric("x", "x", "x", "yuan", None, "SUM(x)")
