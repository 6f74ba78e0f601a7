#!/bin/bash
# `pmipemu ctl NODE show bindings` follows lmad's pages ("next", doc/
# protocol.md) and prints one document with every session and prefix: here
# against a stand-in control socket that serves three pages. Its JSON is
# printed without "\/" escapes, indented with --pretty (issue 14).
. "$(dirname "$0")/lib.sh"
mkdir -p "$TMP/state"
python3 - "$TMP/state/lma.ctl" > "$TMP/server.log" 2>&1 <<'PY' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4)
pages = {0: 1, 1: 2, 2: None}
for k in range(5):
    c, _a = s.accept(); line = c.makefile().readline().strip()
    if k >= 3:                  # another command, a daemon's escaped answer
        c.sendall(b'{"hnp":"2001:db8:100:1::\\/64","n":1}\n'); c.close(); continue
    frm = 0 if line == "show bindings" else int(line.rsplit(" ", 1)[1])
    ans = {"n_sessions": 3, "from": frm, "next": pages[frm],
           "sessions": [{"session": frm + 1}], "prefixes": [{"prefix": "p%d" % frm, "hnp": "2001:db8:100:%d::/64" % frm}]}
    c.sendall((json.dumps(ans) + "\n").encode()); c.close()
    print(line, flush=True)
PY
srv=$!
trap 'kill $srv 2>/dev/null; wait 2>/dev/null; cleanup_tmp' EXIT
for _ in $(seq 50); do [ -S "$TMP/state/lma.ctl" ] && break; sleep 0.05; done
PMIPEMU_STATE_DIR=$TMP/state $PMIPEMU ctl lma show bindings > "$TMP/out.json" \
	|| fail "ctl exit $?: $(cat "$TMP/out.json")"
[ "$(jget "$TMP/out.json" "['sessions'].__len__()")" = 3 ] || fail "not every page: $(cat "$TMP/out.json")"
[ "$(jget "$TMP/out.json" "['prefixes'][2]['prefix']")" = p2 ] || fail "prefixes: $(cat "$TMP/out.json")"
grep -q '"next"' "$TMP/out.json" && fail "the merged document still has next"
grep -qF '\/' "$TMP/out.json" && fail "ctl printed \\/ escapes: $(cat "$TMP/out.json")"
PMIPEMU_STATE_DIR=$TMP/state $PMIPEMU ctl lma show one > "$TMP/one.json" || fail "ctl show one: exit $?"
[ "$(cat "$TMP/one.json")" = '{"hnp":"2001:db8:100:1::/64","n":1}' ] || fail "plain answer: $(cat "$TMP/one.json")"
PMIPEMU_STATE_DIR=$TMP/state $PMIPEMU ctl --pretty lma show one > "$TMP/pretty.json" || fail "ctl --pretty: exit $?"
[ "$(wc -l < "$TMP/pretty.json")" -ge 4 ] || fail "--pretty is not indented: $(cat "$TMP/pretty.json")"
[ "$(jget "$TMP/pretty.json" "['hnp']")" = 2001:db8:100:1::/64 ] || fail "--pretty: $(cat "$TMP/pretty.json")"
grep -qF '\/' "$TMP/pretty.json" && fail "--pretty printed \\/ escapes"
wait $srv
grep -qx "show bindings from 2" "$TMP/server.log" || fail "pages asked: $(cat "$TMP/server.log")"
echo ok
