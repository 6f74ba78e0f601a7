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

# tshark is the judge: without it, or without the capture, a check that
# counts "0 bad packets" would pass having judged nothing. tcount runs in
# $(...), so it stops the test by a signal to it (the trap below) as well
# as by printing no number.
command -v tshark >/dev/null 2>&1 || fail "tshark is not installed: captures cannot be judged"
trap 'fail "a tshark check could not run (above)"' USR1
# Every capture is read with the project's dissector loaded (issue 14): its
# fields (pmipemu.*) are there to filter on, and a Lua error in it is an
# expert error that tclean catches.
TSHARK_LUA="-X lua_script:doc/wireshark/pmipemu.lua"
tshark_fields() {
  local err=$TMP/tshark.err out
  if [ ! -s "$1" ]; then
    echo "FAIL: capture $1 is missing or empty" >&2; kill -USR1 $$; return 1
  fi
  if ! out=$(tshark $TSHARK_LUA -r "$1" -Y "$2" -T fields -e frame.number 2>"$err"); then
    echo "FAIL: tshark -r $1 -Y '$2': $(head -c 300 "$err")" >&2; kill -USR1 $$; return 1
  fi
  printf '%s' "$out"
}
# tshark: count packets matching a display filter in a capture.
tcount() {
  local out
  out=$(tshark_fields "$1" "$2") || { echo "tshark-failed"; return 1; }
  [ -z "$out" ] && echo 0 || printf '%s\n' "$out" | wc -l
}
# No malformed packets, no expert warning or error in a capture (tshark
# 4.0 rates a Mobility Option running past the header as a warning), and
# no Mobility Header message left undecoded (with the dissector, tshark
# decodes every type we send).
tclean() {
  local bad
  bad=$(tcount "$1" '_ws.malformed || _ws.expert.severity >= "warning" || mip6.unknown_type_data')
  [ "$bad" = 0 ] || fail "$1: $bad malformed/expert-error/undecoded packets"
}
# tests/tools/mh_inject, built when missing or older than its source;
# prints its absolute path.
mh_inject_tool() {
	local tool=build/tools/mh_inject
	if [ ! -x "$tool" ] || [ tests/tools/mh_inject.c -nt "$tool" ]; then
		mkdir -p build/tools
		${CC:-cc} -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -o "$tool" \
			tests/tools/mh_inject.c || fail "cannot build $tool"
	fi
	realpath "$tool"
}
# JSON field from a file (python3 is on Debian 12 by default).
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval('d'+sys.argv[2]))" "$1" "$2"; }
