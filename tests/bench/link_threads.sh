# link_threads.sh - table 1t of `make bench`: the link engine's CPU cost per
# relayed frame with 1 and with 2 worker threads (sourced).
#
# Owns: two independent host pairs (topo_two_pairs), each sender at a rate
# the relay carries (BENCH_THREADS_RATE, 64 B), pmipemu --threads 1 and
# --threads 2 with --spin 0 (the early wake-up's polling is table 2's); the
# figure is pmipemu's CPU time over the middle of the sending time divided
# by the frames both links delivered meanwhile. On this 2-core machine the
# senders and receivers share the cores with the engine, so the cost per
# frame, not the rate, says what a second worker costs or saves.
# Must not: judge the numbers.

BENCH_THREADS_RATE=${BENCH_THREADS_RATE:-20000}   # frames/s per pair
BENCH_THREADS_LIST=${BENCH_THREADS_LIST:-"1 2"}

# threads_measure N DIR: one run with N workers; prints
#   delivered_per_s relay_cpu_pct us_per_frame idle_pct
threads_measure() {
	local n=$1 dir=$2 pid c0 c1 d0 d1 i0 i1 w
	mkdir -p "$dir/tg" || return 1
	topo_two_pairs "$dir/topo.xml" 64 "$BENCH_THREADS_RATE" "$BENCH_PPS_S" "$dir/tg" \
		"$BENCH_BIN/trafgen"
	bench_bg "$BENCH_BIN/pmipemu" run "$dir/topo.xml" --out "$dir/run" --threads "$n" \
		--spin 0 >"$dir/pmipemu.out" 2>&1
	pid=$BENCH_LAST
	w=$(awk -v s="$BENCH_PPS_S" 'BEGIN{print s / 2}')
	sleep "$(awk -v s="$BENCH_PPS_S" 'BEGIN{print 1 + s / 4}')"
	c0=$(cpu_ns_s "$pid"); i0=$(idle_s); d0=$(threads_delivered "$dir/tg")
	sleep "$w"
	c1=$(cpu_ns_s "$pid"); i1=$(idle_s); d1=$(threads_delivered "$dir/tg")
	bench_wait "$pid" || { echo "bench: pmipemu failed, see $dir/pmipemu.out" >&2; return 1; }
	rm -rf "$dir/run"
	awk -v c0="$c0" -v c1="$c1" -v d0="$d0" -v d1="$d1" -v i0="$i0" -v i1="$i1" -v w="$w" \
	    -v n="$(nproc)" 'BEGIN { f = d1 - d0; us = f > 0 ? (c1 - c0) / f * 1e6 : 0
		printf "%.0f %.0f %.2f %.0f\n", f / w, (c1 - c0) / w * 100, us, (i1 - i0) / w / n * 100 }'
}

# Datagrams both receivers' UDP stacks took in so far: Udp6InDatagrams of
# /proc/PID/net/snmp6, which shows the namespace of the receiver's node
# (trafgen writes its own records only when it stops).
threads_delivered() {
	local n=0 k pid v
	for k in 1 2; do
		pid=$(pid_of "$1/recv$k.json")
		[ -n "$pid" ] || continue
		v=$(awk '$1 == "Udp6InDatagrams" {print $2}' "/proc/$pid/net/snmp6" 2>/dev/null)
		n=$((n + ${v:-0}))
	done
	echo "$n"
}

THREADS_FMT='%-8s %10s %8s %10s %6s %s\n'

bench_link_threads() {
	local n i f runs us base=""
	bench_table "1t. Link engine CPU per relayed frame, 1 and 2 worker threads (two host pairs, ${BENCH_THREADS_RATE} frames/s of 64 B each, --spin 0; median of $BENCH_REPS)"
	say "$THREADS_FMT" threads "frames/s" relay% us/frame idle% "ratio to 1 thread"
	for n in $BENCH_THREADS_LIST; do
		runs=()
		for i in $(seq 1 "$BENCH_REPS"); do
			f=$(threads_measure "$n" "$BENCH_TMP/threads-$n-$i") && runs+=("$f")
		done
		if [ ${#runs[@]} -eq 0 ]; then
			say '%-8s measurement failed\n' "$n"
			continue
		fi
		local costs=() pick row
		for row in "${runs[@]}"; do costs+=("$(echo "$row" | awk '{print $3}')"); done
		pick=$(median_index "${costs[@]}")
		row=${runs[$((pick - 1))]}
		us=$(echo "$row" | awk '{print $3}')
		[ -z "$base" ] && base=$us
		say "$THREADS_FMT" "$n" $(echo "$row" | awk '{print $1, $2, $3, $4}') \
			"$(awk -v a="$us" -v b="$base" 'BEGIN{printf "%.2fx", (b > 0 ? a / b : 0)}')"
	done
	say '\nframes/s: datagrams both receivers'"'"' UDP stacks took in (Udp6InDatagrams in their nodes) over the\n'
	say 'middle half of the sending time; relay%%: pmipemu'"'"'s CPU share then (all its threads);\n'
	say 'us/frame: relay CPU time / frames. Goal (issue 15): 2 threads <= 1.10x the cost of 1.\n'
}
