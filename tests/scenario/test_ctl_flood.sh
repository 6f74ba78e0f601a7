#!/bin/bash
# lmad's control socket under load (issue 10, item 5): 2000 clients at once
# are served (at most 64 at a time, the rest wait in the backlog or retry)
# and the run is unharmed; with its descriptors exhausted (prlimit) lmad
# pauses accepting instead of spinning (CPU time measured over 1 s), and
# answers again once they are back.
. "$(dirname "$0")/lib.sh"
out=$TMP/run
$PMIPEMU run topologies/pmip-basic.xml --out "$out" --duration 20s > "$TMP/stdout" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
init=
for _ in $(seq 100); do
  init=$(grep -s '"process_start".*"name":"lmad"' "$out/events.jsonl" | grep -o '"pid":[0-9]*' | cut -d: -f2)
  id=$(grep -so '"run_id":"[0-9a-f]*"' "$out/events.jsonl" | cut -d'"' -f4)
  [ -n "$init" ] && [ -n "$id" ] && break
  sleep 0.05
done
lmad=$(pgrep -P "$init")
[ -n "$lmad" ] || fail "no lmad"
ctl=$(grep -l "$out" /run/pmipemu/*/out | head -n1 | xargs dirname)/lma.ctl
[ -S "$ctl" ] || fail "no control socket $ctl"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# 2000 clients at once, each "show stats"; every one must get an answer.
python3 - "$ctl" > "$TMP/flood" <<'PY' || fail "flood: $(cat "$TMP/flood")"
import resource, socket, sys, threading, time
resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
path, n, ok = sys.argv[1], 2000, []
go = threading.Event()
def client():
    go.wait()
    try:
        for _ in range(1000):             # a full backlog says EAGAIN: retry
            s = socket.socket(socket.AF_UNIX); s.settimeout(20)
            try:
                s.connect(path); break
            except BlockingIOError:
                s.close(); time.sleep(0.01)
        s.sendall(b"show stats\n")
        if b'"pbu_received"' in s.makefile("rb").read(): ok.append(1)
        s.close()
    except OSError as e: print(e)
ts = [threading.Thread(target=client) for _ in range(n)]
for t in ts: t.start()
go.set()
for t in ts: t.join()
print(len(ok))
sys.exit(0 if len(ok) == n else 1)
PY
note "2000 concurrent clients: $(cat "$TMP/flood") answered"

# Out of descriptors: lmad must not spin.
prlimit --pid "$lmad" --nofile=12: || fail "prlimit"
python3 - "$ctl" <<'PY' &
import socket, sys, time
socks = []
for _ in range(10):
    s = socket.socket(socket.AF_UNIX)
    try: s.connect(sys.argv[1]); socks.append(s)
    except OSError: pass
time.sleep(1.5)
PY
holder=$!
sleep 0.2
c0=$(cpu "$lmad"); sleep 1; c1=$(cpu "$lmad")
ticks=$((c1 - c0))
note "lmad CPU with no descriptors left: $ticks ticks in 1 s ($(getconf CLK_TCK)/s)"
[ "$ticks" -le 10 ] || fail "lmad used $ticks ticks of CPU in 1 s out of descriptors: spinning"
wait $holder
prlimit --pid "$lmad" --nofile=1024: || fail "prlimit back"
sleep 0.3
$PMIPEMU ctl --run "$id" lma show stats > /dev/null || fail "lmad does not answer after its fds came back"
wait $pid; rc=$?
[ $rc = 0 ] || fail "run exit $rc: $(grep -E 'FAIL|DIED' "$TMP/stdout")"
check_leftovers
echo ok
