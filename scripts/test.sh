#!/usr/bin/env bash
# Runs the whole test suite: engine, parser, AppTest pages and the real-browser tests.
# Installs what is missing first: the venv and, when run as root, Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
WITH_DEV=1 source scripts/setup.sh
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium, a CJK font and pdftoppm for the browser tests"
    # A failed install skips the browser tests rather than failing the whole suite.
    { apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk \
        fonts-noto-color-emoji poppler-utils >/dev/null; } ||
      echo "could not install chromium: the browser tests will be skipped" >&2
  else
    echo "chromium not found: the browser tests will be skipped" >&2
  fi
fi
# DuckLake's tests start their own PostgreSQL: install it when it is missing and we may.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing PostgreSQL for the DuckLake tests"
    { apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } ||
      echo "could not install PostgreSQL: the DuckLake tests will be skipped" >&2
  else
    echo "PostgreSQL not found: the DuckLake tests will be skipped" >&2
  fi
fi
# DuckLake needs duckdb 1.5.x (requirements-ducklake.txt): its tests run again in a copy of
# .venv with that duckdb, so the same engine code is tested on both backends.
lake_stamp=".venv-ducklake/.installed-$(cat requirements.txt requirements-dev.txt constraints.txt requirements-ducklake.txt | sha1sum | cut -c1-12)"
if [ ! -f "$lake_stamp" ]; then
  rm -rf .venv-ducklake
  cp -a .venv .venv-ducklake
  .venv-ducklake/bin/python -m pip install --quiet -r requirements-ducklake.txt
  touch "$lake_stamp"
fi
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m mypy  # pyproject [tool.mypy]: ecdata/, bodies checked in store and metrics
# One worker per core; the browser tests stay together on one (xdist_group "browser").
status=0
.venv/bin/python -m pytest -n auto --dist loadgroup "$@" || status=$?
echo "DuckLake on PostgreSQL (duckdb 1.5 in .venv-ducklake):"
.venv-ducklake/bin/python -m pytest -q -p no:cacheprovider -rs tests/test_ducklake.py || status=$?
exit $status
