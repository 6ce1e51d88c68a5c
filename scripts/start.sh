#!/usr/bin/env bash
# Starts the dashboard on a local DuckDB file (default data/ecdata.duckdb, or $ECDATA_DB).
# An empty database gets the demo company on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
export ECDATA_DB=${ECDATA_DB:-data/ecdata.duckdb}
exec .venv/bin/python -m streamlit run serve.py --server.headless=true "$@"
