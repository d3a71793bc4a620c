#!/usr/bin/env bash
# The whole suite on SQLite; then, when CONVENE_TEST_POSTGRES_URL names a PostgreSQL server,
# the same suite again on a fresh database there. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

echo "== Convene test suite on SQLite"
env -u CONVENE_TEST_POSTGRES_URL "$BIN/pytest" "$@"

if [ -n "${CONVENE_TEST_POSTGRES_URL:-}" ]; then
  echo "== Convene test suite on PostgreSQL (${CONVENE_TEST_POSTGRES_URL%%\?*})"
  "$BIN/pytest" "$@"
fi
