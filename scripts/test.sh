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
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
# One worker per core; the browser tests stay together on one (xdist_group "browser").
exec .venv/bin/python -m pytest -n auto --dist loadgroup "$@"
