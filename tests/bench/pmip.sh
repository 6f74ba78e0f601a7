# pmip.sh - the PMIPv6 tables of `make bench` (sourced by scripts/bench.sh).
#
# Owns: one function a PMIPv6 measurement, each printing its table with a
# baseline measured in the same run; the C programs they drive are
# tests/bench/bench_*.c, built into $B/bench/ by `make bench-build`.
# Must not: print a number that was not measured, fail on a figure, or leave
# anything behind (namespaces carry $BENCH_TAG, files live in $BENCH_TMP).

# The bench program NAME, or a row saying it is missing (status 1).
pmip_prog() {
	local p="$B/bench/$1"
	if [ ! -x "$p" ]; then
		say '%s missing: make bench-build\n' "$p" >&2
		return 1
	fi
	realpath "$p"
}

# LMA engine: PBU -> PBA per second, the pure engine driven in a loop by
# tests/bench/bench_lma.c (decode, lma_input_pbu, encode of the PBA, as
# lmad's on_mh does), against decode + encode alone in the same process.
# BENCH_LMA_SIZES MNs configured (one policy profile each, pool prefixes);
# a phase stops after BENCH_LMA_MAX_S s, the msgs column says how far it got.
bench_lma_pbu_rate() {
	local n prog
	bench_table "4. LMA engine PBU/PBA rate (decode + lma_input_pbu + PBA encode, one core)"
	prog=$(pmip_prog bench_lma) || return 0
	say '%8s  %-26s %8s %8s %9s %8s %9s\n' MNs phase msgs accepted msgs/s us/msg engine_us
	for n in ${BENCH_LMA_SIZES:-1000 10000 100000}; do
		"$prog" rate "$n" "${BENCH_LMA_MAX_S:-1.5}" 2>&1 | tee -a "$BENCH_RES"
	done
}

# Binding cache memory per binding at 100k and 1M mobility sessions:
# bench_lma mem N fills a binding cache as the engine does for N new MNs.
bench_binding_memory() {
	local n prog
	bench_table "5. Memory per binding (binding cache filled as lma_apply does: 1 session, 1 /64 each)"
	prog=$(pmip_prog bench_lma) || return 0
	say '%8s  %8s %8s %12s %12s %10s %9s\n' MNs sessions prefixes bce_B/bind rss_B/bind policy_B add_us
	for n in ${BENCH_MEM_SIZES:-100000 1000000}; do
		"$prog" mem "$n" 2>&1 | tee -a "$BENCH_RES"
	done
}

# User-space IPv6-in-IPv6 tunnel (TUN + protocol 41) pps against a veth.
bench_tunnel_pps() {
	bench_table "6. User-space tunnel frames/s"
	pmip_todo_rows "veth baseline, 64 B" "LMA-MAG tunnel, 64 B" "LMA-MAG tunnel, 1452 B"
}

# Fast handover (draft appendix D) against RFC 5213 behaviour: both runs
# and the table come from scripts/bench_appd.sh (bench_appd), which reads
# the receivers' arrival times around the WLAN cut. The run folders live in
# $BENCH_TMP so that the cleanup finds their pmipemu by its path.
bench_fast_handover() {
	bench_table "7. Handover interruption, appendix D fast handover vs RFC 5213 (ms, packets)"
	if [ ! -r scripts/bench_appd.sh ]; then
		say 'scripts/bench_appd.sh missing\n'
		return 0
	fi
	# shellcheck source=/dev/null
	. scripts/bench_appd.sh
	mkdir -p "$BENCH_TMP/appd"
	PMIPEMU="$BENCH_BIN/pmipemu" bench_appd "$BENCH_TMP/appd" 2>&1 | tee -a "$BENCH_RES"
	rm -rf "$BENCH_TMP/appd"
	return 0
}

bench_pmip() {
	bench_lma_pbu_rate
	bench_binding_memory
	bench_tunnel_pps
	bench_fast_handover
}
