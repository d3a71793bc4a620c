#!/usr/bin/env bash
# The suite at instants that break date arithmetic: a daylight-saving change in each direction
# (one inside the hour that repeats), just before and just after midnight in the demo teams'
# zone (where UTC is already the next day), the start of a demo meeting, and a leap day years
# after every date the tests write. Each run also goes to PostgreSQL when
# CONVENE_TEST_POSTGRES_URL is set. Extra arguments go to pytest (e.g. -x, -m "not browser").
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANTS=(
  "2027-03-14T03:30 America/New_York"   # the spring change: 02:00-03:00 never happened
  "2027-11-07T01:30 America/New_York"   # the autumn change: 01:30 happens twice (the first)
  "2026-12-31T23:30 America/New_York"   # 04:30 UTC on New Year's Day
  "2027-07-01T00:30 America/New_York"   # the first half-hour of a month and a quarter
  "2027-01-12T09:30 America/New_York"   # the Community Collaborative's meeting starts
  "2036-02-29T12:00:00Z"                # a leap day, after every date written in the tests
)
failed=()
for now in "${INSTANTS[@]}"; do
  echo "=== clock at $now"
  CONVENE_TEST_NOW="$now" CONVENE_TEST_POSTGRES_NOW="$now" bash scripts/test.sh -q "$@" || failed+=("$now")
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed at: %s\n' "${failed[@]}"
  exit 1
fi
echo "the suite passed at all ${#INSTANTS[@]} instants"
