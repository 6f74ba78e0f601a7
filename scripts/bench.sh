#!/bin/bash
# bench.sh - `make bench`: performance tables, each against a baseline
# measured in the same run (doc/bench.md has the recorded numbers).
#
# Owns: the order of the tables and the results file build/bench/results.md
# (appended, one section a run). The tables live in tests/bench/*.sh, one
# function each, so that PMIPv6 rows plug in as functions. Must not: fail on
# a timing figure (the machine is shared: numbers are reported, not judged),
# or leave anything behind: namespaces, processes and temporary files are
# removed on every path, and checked at the end.
#
# Environment: B (build dir, default build), BENCH_REPS (default 3),
# BENCH_PPS_S, BENCH_DELAY_S (seconds of traffic a measurement, 2 and 3),
# BENCH_PPS_SIZES ("64 1452"), BENCH_SCALE_SIZES ("10 50 100"),
# BENCH_TABLES (default "pps threads delay scale pmip appd domain"), BENCH_DOMAIN_SIZES
# ("10x100 50x500 100x1000", MAGSxMNS), APPD_RUNS (the
# appendix D fast handover repeated, default 20: about 10 s a run).
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1

B=${B:-build}
BENCH_BIN=$(realpath "$B/bin")
BENCH_OUT="$B/bench"
BENCH_RES="$BENCH_OUT/results.md"
BENCH_REPS=${BENCH_REPS:-3}
BENCH_TABLES=${BENCH_TABLES:-"pps threads delay scale pmip appd domain"}

for f in lib topo link_pps link_threads delay scale pmip appd domain; do
	# shellcheck source=/dev/null
	. "tests/bench/$f.sh"
done

if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (namespaces, TAPs)" >&2
	exit 1
fi
for p in pmipemu trafgen; do
	[ -x "$BENCH_BIN/$p" ] || { echo "bench: $BENCH_BIN/$p missing: make all" >&2; exit 1; }
done
for p in jq tshark ip; do
	command -v "$p" >/dev/null || { echo "bench: $p missing: make deps" >&2; exit 1; }
done
mkdir -p "$BENCH_OUT" || exit 1
bench_init

t_start=$(date +%s)
say '\n## make bench, %s\n\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say 'machine: %s cores, %s, kernel %s; shared with other work: figures vary run to run.\n' \
	"$(nproc)" "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$(uname -r)"
say 'commit: %s\n' "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

for t in $BENCH_TABLES; do
	case $t in
	pps)   bench_link_pps ;;
	threads) bench_link_threads ;;
	delay) bench_delay ;;
	scale) bench_scale ;;
	pmip)  bench_pmip ;;
	appd)  bench_appd_repeat | tee -a "$BENCH_RES" ;;
	domain) bench_domain ;;
	*)     echo "bench: unknown table $t" >&2 ;;
	esac
done

bench_cleanup
left=$(ip netns list 2>/dev/null | grep "^$BENCH_TAG-")
procs=$(pgrep -a -f -- "/tmp/$BENCH_TAG" 2>/dev/null)
say '\nbench time %d s; left behind: namespaces %s, processes %s\n' \
	"$(( $(date +%s) - t_start ))" "${left:-none}" "${procs:-none}"
echo "results appended to $BENCH_RES"
[ -z "$left" ] && [ -z "$procs" ]
