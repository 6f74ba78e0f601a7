#!/bin/bash
# A node daemon killed mid-run is a failure of the run (issue 10, item 4):
# exit code 3, a DIED line in the summary with the last lines of its log,
# a "died" entry in report.json, and magd's log says it retransmitted its
# PBU to the dead LMA (RFC 6275 11.8); a run where nothing dies says
# "died": [] and does not exit 3.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/pmip-handoff.xml --out "$out" --duration 8s > "$TMP/stdout" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
init=
for _ in $(seq 200); do
  init=$(grep -s '"process_start".*"name":"lmad"' "$out/events.jsonl" | grep -o '"pid":[0-9]*' | cut -d: -f2)
  [ -n "$init" ] && grep -qs '"run_start"' "$out/events.jsonl" && break
  sleep 0.05
done
[ -n "$init" ] || fail "lmad never started"
sleep 1.5
lmad=$(pgrep -P "$init")
[ -n "$lmad" ] || fail "no lmad under its init $init"
kill -KILL "$lmad"
wait $pid; rc=$?
[ $rc = 3 ] || fail "run exit $rc after lmad was killed, expected 3: $(tail -n 5 "$TMP/stdout")"
grep -q '^DIED lma lmad (daemon) at .*killed by SIGKILL' "$TMP/stdout" \
	|| fail "no DIED line in the summary: $(tail -n 8 "$TMP/stdout")"
grep -q '^  | lmad: ' "$TMP/stdout" || fail "the DIED line shows no lines of lmad's log"
[ "$(jget "$out/report.json" "['died'][0]['name']")" = lmad ] || fail "report.json: no died lmad"
[ "$(jget "$out/report.json" "['died'][0]['signal']")" = KILL ] || fail "report.json: died without signal"
[ "$(jget "$out/report.json" "['died'].__len__()")" = 1 ] || fail "report.json: other deaths: $(jget "$out/report.json" "['died']")"
grep -q '"unexpected":true' "$out/events.jsonl" || fail "events.jsonl: exit not marked unexpected"
grep -q 'pbu_retransmitted .*"retx":1' "$out"/logs/mag2-magd.log \
	|| fail "magd did not log its retransmission to the dead LMA: $(cat "$out"/logs/mag2-magd.log)"
for p in "$out"/*.pcap; do tclean "$p"; done
check_leftovers

# The same run left alone: nothing died.
$PMIPEMU run topologies/pmip-handoff.xml --out "$TMP/ok" --duration 8s > "$TMP/stdout2" 2>&1; rc=$?
[ $rc != 3 ] || fail "a run where nothing died exited 3: $(grep DIED "$TMP/stdout2")"
[ "$(jget "$TMP/ok/report.json" "['died']")" = "[]" ] || fail "report.json died is not []"
check_leftovers
echo ok
