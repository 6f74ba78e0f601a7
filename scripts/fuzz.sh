#!/bin/sh
# Run each libFuzzer harness of tests/fuzz/ for a bounded time:
# FUZZ_SECONDS (default 60) each. The harnesses are built by the Makefile
# (`make fuzz-build`, clang -fsanitize=fuzzer,address,undefined, what each
# links chosen there from the list of pure modules); `make fuzz` builds and
# runs this. Exits non-zero on a finding; the crashing input is left in
# build-fuzz/ (crash-*) to replay with
#   build-fuzz/fuzz_NAME build-fuzz/crash-...
# FUZZ_ONLY="topo ctl" runs only those harnesses.
set -eu
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-60}
OUT=${OUT:-build-fuzz}
FUZZ_ONLY=${FUZZ_ONLY:-mh mip6 nd auth utf8 topo ctl flow}
make -s --no-print-directory fuzz-build FUZZ_ONLY="$FUZZ_ONLY" FUZZ_B="$OUT"
# The loader validates against the schema of the tree being fuzzed.
PMIPEMU_XSD=$PWD/doc/topology.xsd
export PMIPEMU_XSD
mkdir -p "$OUT"
status=0
for h in $FUZZ_ONLY; do
  corpus="$OUT/corpus_$h"
  mkdir -p "$corpus"
  maxlen=4096
  case $h in
  mh|nd|mip6)
    [ "$h" = mh ] && cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true
    [ "$h" = nd ] && cp tests/data/nd/*.bin "$corpus/" 2>/dev/null || true ;;
  utf8)
    printf 'caf\303\251 \355\240\200 \300\257 \364\220\200\200 ok' > "$corpus/seed1" ;;
  auth)
    cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true ;;
  topo)
    cp topologies/*.xml tests/data/topo/good/*.xml tests/data/scenario/*.xml "$corpus/" 2>/dev/null || true
    maxlen=16384 ;;
  flow)
    i=0
    for c in "udp src 2001:db8:c::/48 dst 2001:db8::1-2001:db8::9 sport 1-2 dport 5004 flowlabel 7 tc 0-63" \
             "prefix 2001:db8:100:1::/64 id 3 prio 10 udp dport 5004 -> g3 fallback wlan0" \
             "prefix 2001:db8:100:1::/64 tcp -> any g3=1 wlan0=3"; do
      i=$((i+1)); printf '%s\n' "$c" > "$corpus/seed$i"
    done ;;
  ctl)
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
