#!/usr/bin/env bash
# The whole suite on SQLite; then, when CONVENE_TEST_POSTGRES_URL names a PostgreSQL server,
# the same suite again on a fresh database there. Extra arguments go to pytest.
#
# CONVENE_TEST_NOW sets the instant the suite starts at (see tests/conftest.py);
# CONVENE_TEST_POSTGRES_NOW, when set, is the PostgreSQL run's own (CI runs it at a hard one).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

echo "== Convene test suite on SQLite (clock: ${CONVENE_TEST_NOW:-the real time})"
env -u CONVENE_TEST_POSTGRES_URL "$BIN/pytest" "$@"

if [ -n "${CONVENE_TEST_POSTGRES_URL:-}" ]; then
  now=${CONVENE_TEST_POSTGRES_NOW:-${CONVENE_TEST_NOW:-}}
  echo "== Convene test suite on PostgreSQL (${CONVENE_TEST_POSTGRES_URL%%\?*}; clock: ${now:-the real time})"
  CONVENE_TEST_NOW="$now" "$BIN/pytest" "$@"
fi
