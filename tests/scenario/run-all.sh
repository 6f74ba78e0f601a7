#!/bin/bash
# Runs every tests/scenario/test_*.sh (as root), one at a time, and prints
# one line per test and a closing "N passed, N failed" line.
cd "$(dirname "$0")/../.."
pass=0; failn=0; skip=0; failed=()
if [ "$(id -u)" != 0 ]; then
  echo "scenario: needs root (namespaces, TAP devices): FAILED, nothing was tested"; exit 1
fi
if ! command -v tshark >/dev/null 2>&1; then
  echo "scenario: tshark is not installed: the captures cannot be judged: FAILED"; exit 1
fi
for t in tests/scenario/test_*.sh; do
  [ -n "${SCENARIO:-}" ] && [[ "$t" != *"$SCENARIO"* ]] && continue
  start=$(date +%s%N)
  log=$(mktemp /tmp/pmipemu-scn-log.XXXXXX)
  timeout -k 10 300 bash "$t" >"$log" 2>&1; rc=$?
  ds=$(( ($(date +%s%N) - start) / 100000000 )); dur="$((ds / 10)).$((ds % 10))"
  if [ $rc = 0 ]; then pass=$((pass+1)); echo "PASS $t (${dur}s)"
  elif [ $rc = 77 ]; then skip=$((skip+1)); failed+=("$t"); echo "SKIP (counts as a failure) $t: $(tail -n1 "$log")"
  else failn=$((failn+1)); failed+=("$t"); echo "FAIL $t (rc=$rc, ${dur}s)"; sed 's/^/    /' "$log" | tail -n 40; fi
  rm -f "$log"
  # Whatever a failed test left, the next one must not inherit it.
  build/bin/pmipemu clean >/dev/null 2>&1
done
echo "scenario: $pass passed, $failn failed, $skip skipped"
echo "$pass passed, $failn failed"
[ $failn = 0 ] && [ $skip = 0 ]
