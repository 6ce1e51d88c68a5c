"""Metrics: the catalogue of every measure, KPI tables over any period and scope, periods,
and what the weekly review derives from them.

Reads the store through a DuckDB cursor; never reads files (no import of ecdata.ingest).
"""
