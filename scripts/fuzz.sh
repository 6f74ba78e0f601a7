#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined) into build-fuzz/ and run each for a
# bounded time: FUZZ_SECONDS (default 60) each. Exits non-zero on a finding;
# the crashing input is left in build-fuzz/ (crash-*) to replay with
#   build-fuzz/fuzz_NAME build-fuzz/crash-...
# FUZZ_ONLY="topo ctl" runs only those harnesses.
set -eu
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-60}
OUT=build-fuzz
CC=${FUZZ_CC:-clang}
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Werror -Inodes/pmip
 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
# The codec sources only: the harnesses need nothing else of libpmip.
CODEC="nodes/pmip/mh.c nodes/pmip/mh_opt.c nodes/pmip/mh_csum.c nodes/pmip/mh_rx.c
 nodes/pmip/mh_names.c nodes/pmip/nd.c nodes/pmip/tnl.c nodes/pmip/mh_flow.c nodes/pmip/nd_flow.c
 nodes/pmip/flow_ts.c nodes/pmip/flow_sel.c nodes/pmip/flow_match.c nodes/pmip/hash.c
 nodes/pmip/mip6_ext.c"
# The topology model (libtopo) and the pure parts of lmad and magd: every
# file of their folders but the shells (*_io.c) and the mains.
TOPO="$(ls emu/topo/*.c) links/link_params.c"
ENGINES="$(ls nodes/pmip/*.c nodes/lma/*.c nodes/mag/*.c |
 grep -vE '_io\.c$|/lmad\.c$|/magd\.c$')"
XML_CFLAGS="-I. -Iemu -Inodes $(pkg-config --cflags libxml-2.0 json-c)"
XML_LIBS="$(pkg-config --libs libxml-2.0 json-c nettle) -lm"
# The loader validates against the schema of the tree being fuzzed.
PMIPEMU_XSD=$PWD/doc/topology.xsd
export PMIPEMU_XSD
mkdir -p "$OUT"
status=0
# The flow grammar: selectors, rules, the flow table (section 3).
FLOW="nodes/pmip/flow_sel.c nodes/pmip/flow_match.c nodes/pmip/flow_rule.c
 nodes/pmip/flow_tab.c nodes/pmip/flow_index.c nodes/pmip/flow_pin.c nodes/pmip/hash.c
 nodes/pmip/flow_ts.c"
for h in ${FUZZ_ONLY:-mh mip6 nd auth utf8 topo ctl flow}; do
  corpus="$OUT/corpus_$h"
  mkdir -p "$corpus"
  maxlen=4096
  # shellcheck disable=SC2086
  case $h in
  mh|nd|mip6)
    $CC $CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $CODEC
    [ "$h" = mh ] && cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true
    [ "$h" = nd ] && cp tests/data/nd/*.bin "$corpus/" 2>/dev/null || true ;;
  utf8)
    $CC $CFLAGS -Inodes/io -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" nodes/io/nio_utf8.c
    printf 'caf\303\251 \355\240\200 \300\257 \364\220\200\200 ok' > "$corpus/seed1" ;;
  auth)
    $CC $CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $CODEC nodes/pmip/mh_auth.c \
      $(pkg-config --libs nettle)
    cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true ;;
  topo)
    $CC $CFLAGS $XML_CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $TOPO $FLOW $XML_LIBS
    cp topologies/*.xml tests/data/topo/good/*.xml tests/data/scenario/*.xml "$corpus/" 2>/dev/null || true
    maxlen=16384 ;;
  flow)
    $CC $CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $FLOW
    i=0
    for c in "udp src 2001:db8:c::/48 dst 2001:db8::1-2001:db8::9 sport 1-2 dport 5004 flowlabel 7 tc 0-63" \
             "prefix 2001:db8:100:1::/64 id 3 prio 10 udp dport 5004 -> g3 fallback wlan0" \
             "prefix 2001:db8:100:1::/64 tcp -> any g3=1 wlan0=3"; do
      i=$((i+1)); printf '%s\n' "$c" > "$corpus/seed$i"
    done ;;
  ctl)
    $CC $CFLAGS $XML_CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $ENGINES $TOPO $XML_LIBS
    i=0
    for c in "show bindings" "show stats" "show bul" "help" \
             "handoff mn1@pmipemu.example 02:00:00:00:aa:01 02:00:00:00:aa:02" \
             "flow add prefix 2001:db8:100::/64 udp dport 5004 -> 02:00:00:00:aa:01" \
             "show flows" "flow del 1" \
             "prefix move 02:00:00:00:aa:01 2001:db8:100:2::/64" \
             "prefix take 02:00:00:00:aa:01 2001:db8:100:9::/64 2001:db8:100:8::/64"; do
      i=$((i+1)); printf '%s\n' "$c" > "$corpus/seed$i"
    done ;;
  esac
  echo "fuzz: fuzz_$h for ${SECS}s"
  if ! (cd "$OUT" && "./fuzz_$h" -max_total_time="$SECS" -max_len="$maxlen" \
          -print_final_stats=1 "corpus_$h" >"fuzz_$h.log" 2>&1); then
    echo "fuzz: fuzz_$h FOUND A PROBLEM, see $OUT/fuzz_$h.log" >&2
    tail -30 "$OUT/fuzz_$h.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' "$OUT/fuzz_$h.log" | tail -2
  fi
done
exit $status
