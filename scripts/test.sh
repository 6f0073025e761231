#!/usr/bin/env bash
# Set up and run the whole test suite: lint, every test on SQLite, then the database tests again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

# Browser tests drive Debian's Chromium (never a downloaded browser).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium for the browser tests..."
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || echo "could not install chromium"
  fi
fi
if [ ! -x /usr/bin/chromium ] && [ "${CI:-}" = "true" ]; then
  echo "CI: /usr/bin/chromium is missing, so the browser tests cannot run." >&2
  exit 1
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== types (pyright, standard mode: toolkit/ and ui/) =="
.venv/bin/pyright

echo "== tests on SQLite =="
.venv/bin/pytest -q -p no:cacheprovider "$@"

PG_URL=${TOOLKIT_TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}
if .venv/bin/python -c "import sys, psycopg; psycopg.connect(sys.argv[1].replace('+psycopg', ''), connect_timeout=3).close()" "$PG_URL" 2>/dev/null; then
  echo "== database tests on PostgreSQL =="
  TOOLKIT_TEST_DATABASE_URL=$PG_URL .venv/bin/pytest -q -p no:cacheprovider -m "db" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "CI: PostgreSQL is not reachable at $PG_URL; its tests must run in CI." >&2
  exit 1
else
  echo "PostgreSQL not reachable at $PG_URL: skipped its rerun (set TOOLKIT_TEST_DATABASE_URL to run it)."
fi
