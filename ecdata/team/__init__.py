"""The team: roster and ratings files, stage schemes (scores and pay), stage diagnosis and
org structure against the reference models.

Reads files only through ecdata.ingest's public functions; KPIs come from ecdata.metrics.
"""
