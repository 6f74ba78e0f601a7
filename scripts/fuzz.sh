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
CODEC="nodes/pmip/mh.c nodes/pmip/mh_opt.c nodes/pmip/mh_csum.c
 nodes/pmip/mh_names.c nodes/pmip/nd.c nodes/pmip/tnl.c"
# The topology model (libtopo) and the pure parts of lmad and magd: every
# file of their folders but the shells (*_io.c) and the mains.
TOPO="$(ls emu/topo*.c) emu/units.c"
ENGINES="$(ls nodes/pmip/*.c nodes/lma/*.c nodes/mag/*.c |
 grep -vE '_io\.c$|/lmad\.c$|/magd\.c$')"
XML_CFLAGS="-Iemu -Inodes $(pkg-config --cflags libxml-2.0 json-c)"
XML_LIBS="$(pkg-config --libs libxml-2.0 json-c) -lm"
# The loader validates against the schema of the tree being fuzzed.
PMIPEMU_XSD=$PWD/doc/topology.xsd
export PMIPEMU_XSD
mkdir -p "$OUT"
status=0
for h in ${FUZZ_ONLY:-mh nd topo ctl}; do
  corpus="$OUT/corpus_$h"
  mkdir -p "$corpus"
  maxlen=4096
  # shellcheck disable=SC2086
  case $h in
  mh|nd)
    $CC $CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $CODEC
    [ "$h" = mh ] && cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true ;;
  topo)
    $CC $CFLAGS $XML_CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $TOPO $XML_LIBS
    cp topologies/*.xml tests/data/topo/good/*.xml tests/data/scenario/*.xml "$corpus/" 2>/dev/null || true
    maxlen=16384 ;;
  ctl)
    $CC $CFLAGS $XML_CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $ENGINES $TOPO $XML_LIBS
    i=0
    for c in "show bindings" "show stats" "show bul" "help" \
             "handoff mn1@pmipemu.example 02:00:00:00:aa:01 02:00:00:00:aa:02"; do
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
