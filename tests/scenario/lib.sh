# Shared helpers of the scenario tests (sourced). Each test is a bash script
# test_*.sh run from the top of the tree as root; it exits 0 on pass, 77 to
# skip, anything else on failure, and must leave nothing behind.
set -u
PMIPEMU=${PMIPEMU:-build/bin/pmipemu}
TMP=$(mktemp -d /tmp/pmipemu-scn.XXXXXX)
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "  $*"; }

# Every network namespace referenced by any process or open fd on the
# machine. A namespace of ours that outlived its run would be referenced
# somewhere (else the kernel has freed it), so "after" must be a subset of
# "before".
ns_refs() {
  { for p in /proc/[0-9]*; do
      readlink "$p/ns/net" 2>/dev/null
      ls -l "$p/fd" 2>/dev/null | grep -o 'net:\[[0-9]*\]'
    done; } | sort -u
}
NS_BEFORE=$TMP/ns.before
ns_refs > "$NS_BEFORE"

# Fails when the run left a namespace, a process, a state folder or a TAP.
check_leftovers() {
  local after=$TMP/ns.after extra
  sleep 0.3
  ns_refs > "$after"
  extra=$(comm -13 "$NS_BEFORE" "$after")
  [ -z "$extra" ] || fail "namespaces left behind: $extra"
  ls /run/pmipemu/ 2>/dev/null | grep -q . && fail "state left in /run/pmipemu: $(ls /run/pmipemu)"
  pgrep -x 'lmad|magd|mnd|trafgen' >/dev/null && fail "processes left: $(pgrep -ax 'lmad|magd|mnd|trafgen')"
  true
}

cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT

# tshark: count packets matching a display filter in a capture.
tcount() { tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l; }
# No malformed packets and no expert error in a capture.
tclean() {
  local bad
  bad=$(tshark -r "$1" -Y '_ws.malformed || _ws.expert.severity >= "error"' -T fields -e frame.number 2>/dev/null | wc -l)
  [ "$bad" = 0 ] || fail "$1: $bad malformed/expert-error packets"
}
# JSON field from a file (python3 is on Debian 12 by default).
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$1" "$2"; }
