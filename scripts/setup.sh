#!/usr/bin/env bash
# Creates .venv and installs the requirements when they changed since the last install.
# Sourced by start.sh and test.sh; WITH_DEV=1 adds the test tools.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $($PY --version)"
  $PY -m venv .venv
fi
req=requirements.txt
[ "${WITH_DEV:-0}" = 1 ] && req=requirements-dev.txt
stamp=".venv/.installed-$(cat requirements.txt requirements-dev.txt constraints.txt | sha1sum | cut -c1-12)-${WITH_DEV:-0}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  # constraints.txt: the exact versions the suite last passed with (pip freeze), so a new
  # release cannot change what CI runs; requirements*.txt keep the supported ranges.
  .venv/bin/python -m pip install --quiet -r "$req" -c constraints.txt
  touch "$stamp"
fi
