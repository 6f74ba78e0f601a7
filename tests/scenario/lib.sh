# Shared helpers of the scenario tests (sourced). Each test is a bash script
# test_*.sh run from the top of the tree as root; it exits 0 on pass, 77 to
# skip, anything else on failure, and must leave nothing behind.
set -u
PMIPEMU=${PMIPEMU:-build/bin/pmipemu}
TMP=$(mktemp -d /tmp/pmipemu-scn.XXXXXX)
fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "  $*"; }

# What the test leaves behind is judged by leftovers.py: namespaces, node
# programs and state folders that no live run owns.
NS_BEFORE=$TMP/ns.before
python3 tests/scenario/leftovers.py snapshot "$NS_BEFORE"

check_leftovers() {
  sleep 0.3
  python3 tests/scenario/leftovers.py check "$NS_BEFORE" || fail "the run left something behind (above)"
}

cleanup_tmp() { rm -rf "$TMP"; }
trap cleanup_tmp EXIT

# tshark: count packets matching a display filter in a capture.
tcount() { tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l; }
# No malformed packets and no expert warning or error in a capture (tshark
# 4.0 rates a Mobility Option running past the header as a warning).
tclean() {
  local bad
  bad=$(tshark -r "$1" -Y '_ws.malformed || _ws.expert.severity >= "warning"' -T fields -e frame.number 2>/dev/null | wc -l)
  [ "$bad" = 0 ] || fail "$1: $bad malformed/expert-error packets"
}
# JSON field from a file (python3 is on Debian 12 by default).
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$1" "$2"; }
