#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz/ with clang
# (-fsanitize=fuzzer,address,undefined) into build-fuzz/ and run each for a
# bounded time: FUZZ_SECONDS (default 60) each. Exits non-zero on a finding;
# the crashing input is left in build-fuzz/ (crash-*) to replay with
#   build-fuzz/fuzz_NAME build-fuzz/crash-...
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
mkdir -p "$OUT"
status=0
for h in mh nd; do
  # shellcheck disable=SC2086
  $CC $CFLAGS -o "$OUT/fuzz_$h" "tests/fuzz/fuzz_$h.c" $CODEC
  corpus="$OUT/corpus_$h"
  mkdir -p "$corpus"
  [ "$h" = mh ] && cp tests/data/mh/*.bin "$corpus/" 2>/dev/null || true
  echo "fuzz: fuzz_$h for ${SECS}s"
  if ! (cd "$OUT" && "./fuzz_$h" -max_total_time="$SECS" -max_len=4096 \
          -print_final_stats=1 "corpus_$h" >"fuzz_$h.log" 2>&1); then
    echo "fuzz: fuzz_$h FOUND A PROBLEM, see $OUT/fuzz_$h.log" >&2
    tail -30 "$OUT/fuzz_$h.log" >&2
    status=1
  else
    grep -E 'stat::number_of_executed_units|cov:' "$OUT/fuzz_$h.log" | tail -2
  fi
done
exit $status
