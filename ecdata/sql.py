"""SQL text and its named parameters as one value, so they never travel apart.

`Sql("store = $store", {"store": "A店"})` is a piece; pieces compose with `+`, `Sql.join`
and `Sql.of` (a template whose {slots} take pieces or plain text) and keep every parameter
they carry. `execute(cur, sql)` hands DuckDB exactly the statement's parameters: the text
names each of them and nothing else (either way round is a bug, raised here), and records
the statement while `recording()` is on: what `kpis --show-sql` prints is what ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_NAME = re.compile(r"\$([A-Za-z_]\w*)")
_RECORDED: ContextVar[list[Sql] | None] = ContextVar("recorded_sql", default=None)


@dataclass(frozen=True)
class Sql:
    text: str
    params: dict[str, Any] = field(default_factory=dict)

    def __add__(self, other: Sql | str) -> Sql:
        other = other if isinstance(other, Sql) else Sql(other)
        return Sql(self.text + other.text, _merged(self.params, other.params))

    def __radd__(self, other: str) -> Sql:
        return Sql(other) + self

    @staticmethod
    def join(separator: str, parts: Iterable[Sql | str]) -> Sql:
        out = Sql("")
        for i, part in enumerate(parts):
            out = out + (separator if i else "") + part
        return out

    @staticmethod
    def of(template: str, /, params: dict | None = None, **slots: Sql | str | int) -> Sql:
        """`template` with its {slots} filled (str.format), the pieces' parameters and
        `params` carried along."""
        texts = {k: (v.text if isinstance(v, Sql) else v) for k, v in slots.items()}
        merged = dict(params or {})
        for value in slots.values():
            if isinstance(value, Sql):
                merged = _merged(merged, value.params)
        return Sql(template.format(**texts), merged)

    def names(self) -> set[str]:
        return set(_NAME.findall(self.text))


def _merged(a: dict, b: dict) -> dict:
    clash = [k for k in a.keys() & b.keys() if a[k] is not b[k] and a[k] != b[k]]
    if clash:
        raise ValueError(f"one SQL parameter, two values: {', '.join(sorted(clash))}")
    return {**a, **b}


def execute(cur, sql: Sql):
    """Run `sql` on `cur` with exactly the parameters its text names."""
    names = sql.names()
    if names != sql.params.keys():
        missing, extra = sorted(names - sql.params.keys()), sorted(sql.params.keys() - names)
        raise ValueError(
            f"SQL parameters named but not carried {missing}, carried not named {extra}"
        )
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append(sql)
    return cur.execute(sql.text, sql.params) if sql.params else cur.execute(sql.text)


@contextmanager
def recording() -> Iterator[list[Sql]]:
    """Every statement `execute` runs inside the block, in order, with its parameters."""
    statements: list[Sql] = []
    token = _RECORDED.set(statements)
    try:
        yield statements
    finally:
        _RECORDED.reset(token)
