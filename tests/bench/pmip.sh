# pmip.sh - the PMIPv6 tables of `make bench`, hooks for later (sourced).
#
# Owns: one function a PMIPv6 measurement, each printing its table. Until
# lmad/magd can be driven for these measurements, each row says so: no
# number is printed that was not measured. Must not: print estimates.

PMIP_TODO="not yet measured (needs lmad/magd)"

pmip_todo_rows() {
	local r
	for r in "$@"; do
		say '%-44s %s\n' "$r" "$PMIP_TODO"
	done
}

# LMA engine: PBU -> PBA per second, the pure engine driven in a loop
# (baseline: RFC 5213 behaviour without the multihoming extension).
bench_lma_pbu_rate() {
	bench_table "4. LMA engine PBU/PBA rate"
	pmip_todo_rows "PBU/PBA per s, RFC 5213 baseline" "PBU/PBA per s, multihoming (section 4 keys)"
}

# Binding cache memory per binding at 100k and 1M mobility sessions.
bench_binding_memory() {
	bench_table "5. Memory per binding"
	pmip_todo_rows "bytes per binding, 100k bindings" "bytes per binding, 1M bindings"
}

# User-space IPv6-in-IPv6 tunnel (TUN + protocol 41) pps against a veth.
bench_tunnel_pps() {
	bench_table "6. User-space tunnel frames/s"
	pmip_todo_rows "veth baseline, 64 B" "LMA-MAG tunnel, 64 B" "LMA-MAG tunnel, 1452 B"
}

# Fast handover (draft appendix D): interruption with and without dormant
# routes, from trafgen's largest arrival gap around the disconnect.
bench_fast_handover() {
	bench_table "7. Handover interruption"
	pmip_todo_rows "RFC 5213 handover (baseline), max gap" "fast handover (dormant routes), max gap"
}

bench_pmip() {
	bench_lma_pbu_rate
	bench_binding_memory
	bench_tunnel_pps
	bench_fast_handover
}
