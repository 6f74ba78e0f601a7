# delay.sh - table 2 of `make bench`: how far the delivered delay is from
# the configured one, 10 ms at 100 and at 10k frames/s, with the link
# engine's early wake-up (--spin, default 50 us) and without (--spin 0),
# against a plain veth pair (sourced).
#
# Owns: three views of the same traffic: trafgen end to end (receiver's
# kernel arrival time minus the sender's send time, as report.json computes
# it: nearest-rank percentiles), the link alone (the frame's time in the
# receiving end's capture minus its time in the sending end's capture: the
# engine stamps a frame when it reads it and when it writes it), and the
# veth pair end to end (the stack's own latency, nothing configured).
# Must not: judge the numbers.

BENCH_DELAY_MS=10
BENCH_DELAY_RATE=10000                 # the veth baseline's rate
BENCH_DELAY_RATES=${BENCH_DELAY_RATES:-"100 10000"}
BENCH_DELAY_SPINS=${BENCH_DELAY_SPINS:-"100us 0"}
BENCH_DELAY_S=${BENCH_DELAY_S:-3}      # seconds of traffic

# Per-frame link time (ns) from the two captures of the emulated link:
# frames of the flow matched by trafgen's sequence number (payload octets
# 8-15, hex); epoch times split at the dot so no precision is lost.
delay_from_captures() {
	local run=$1
	{
		tshark -r "$run/h1-eth0.pcap" -Y 'udp.dstport == 5001' -T fields \
			-e frame.time_epoch -e udp.payload 2>/dev/null | sed 's/^/S\t/'
		tshark -r "$run/h2-eth0.pcap" -Y 'udp.dstport == 5001' -T fields \
			-e frame.time_epoch -e udp.payload 2>/dev/null | sed 's/^/R\t/'
	} | awk -F'\t' '{ split($2, t, "."); k = substr($3, 17, 16)
		if ($1 == "S") { ss[k] = t[1]; sf[k] = t[2] }
		else if (k in ss) print (t[1] - ss[k]) * 1e9 + (t[2] - sf[k]) }'
}

# Latencies (ns) end to end from trafgen's receiver records.
delay_from_records() {
	awk -F, 'NR > 1 {print $3 - $2}' "$1"
}

DELAY_FMT='%-46s %9s %9s %9s %9s %7s %6s %6s\n'

# delay_row LABEL OFFSET_NS IDLE [RELAY% [P99FILE]]: percentiles of the ns
# on stdin minus the offset, in microseconds, the machine's idle share
# meanwhile and pmipemu's CPU share; the p99 (us, or -) also into P99FILE
# (the row runs at the end of a pipe: a variable would not come back).
delay_row() {
	local label=$1 off=$2 idle=$3 relay=${4:--} p99f=${5:-/dev/null} p50 p99 max min n
	read -r p50 p99 max min n <<<"$(percentiles)"
	if [ "$n" = 0 ]; then
		echo - >"$p99f"
		say '%-46s %s\n' "$label" "no samples"
		return
	fi
	delay_us "$p99" "$off" >"$p99f"
	say "$DELAY_FMT" "$label" "$(delay_us "$min" "$off")" "$(delay_us "$p50" "$off")" \
		"$(delay_us "$p99" "$off")" "$(delay_us "$max" "$off")" "$n" "$idle" "$relay"
}

delay_us() {
	awk -v v="$1" -v o="$2" 'BEGIN{printf "%.1f", (v - o) / 1e3}'
}

# The emulated link at RATE frames/s with pmipemu --spin SPIN (pmipemu
# runs SCHED_FIFO by default: what is left is the engine's own lateness).
# Sets DELAY_LINK_P99 to the link-alone p99 (us).
delay_emu_rows() {
	local rate=$1 spin=$2 d=$3 off=$4 label
	label="emu ${rate}/s --spin $spin"
	if delay_run_emu "$d" "$rate" "$spin"; then
		delay_from_records "$d/tg/recv.csv" |
			delay_row "$label, end to end" "$off" "$(cat "$d/idle")" "$(cat "$d/relay")"
		delay_from_captures "$d/run" |
			delay_row "$label, link alone" "$off" "$(cat "$d/idle")" "$(cat "$d/relay")" "$d/p99"
		DELAY_LINK_P99=$(cat "$d/p99")
		rm -rf "$d/run"
	else
		DELAY_LINK_P99=-
		say '%-46s %s\n' "$label" "measurement failed"
	fi
}

# delay_run_emu DIR RATE SPIN: one run; DIR/idle and DIR/relay get the
# machine's idle share and pmipemu's CPU share over the sending time.
delay_run_emu() {
	local dir=$1 rate=$2 spin=$3 i0 c0 pid
	mkdir -p "$dir/tg"
	topo_two_hosts "$dir/topo.xml" "${BENCH_DELAY_MS}ms" 64 "$rate" \
		"$BENCH_DELAY_S" "$dir/tg" "$BENCH_BIN/trafgen"
	bench_bg "$BENCH_BIN/pmipemu" run "$dir/topo.xml" --out "$dir/run" --spin "$spin" \
		>"$dir/pmipemu.out" 2>&1
	pid=$BENCH_LAST
	sleep 1; i0=$(idle_s); c0=$(cpu_ns_s "$pid"); sleep "$BENCH_DELAY_S"
	awk -v c0="$c0" -v c1="$(cpu_ns_s "$pid")" -v d="$BENCH_DELAY_S" \
		'BEGIN{printf "%.1f\n", (c1 - c0) / d * 100}' >"$dir/relay"
	delay_idle "$i0" >"$dir/idle"
	bench_wait "$pid" || { echo "bench: pmipemu failed, see $dir/pmipemu.out" >&2; return 1; }
}

# Idle share (percent) of all cores since idle_s gave $1, BENCH_DELAY_S ago.
delay_idle() {
	awk -v i0="$1" -v i1="$(idle_s)" -v d="$BENCH_DELAY_S" -v n="$(nproc)" \
		'BEGIN{printf "%.0f\n", (i1 - i0) / d / n * 100}'
}

delay_run_veth() {
	local dir=$1 rx i0
	mkdir -p "$dir/tg"
	veth_up || { echo "bench: cannot build the veth baseline" >&2; veth_down; return 1; }
	bench_bg ip netns exec "$BENCH_TAG-b" "$BENCH_BIN/trafgen" recv --flow f1 --port 5001 \
		--out "$dir/tg/recv.json"
	rx=$BENCH_LAST
	sleep 0.2
	i0=$(idle_s)
	bench_bg ip netns exec "$BENCH_TAG-a" "$BENCH_BIN/trafgen" send --flow f1 \
		--dst 2001:db8:1::2 --dport 5001 --rate "$BENCH_DELAY_RATE" --size 64 \
		--duration "${BENCH_DELAY_S}s" --out "$dir/tg/send.json"
	bench_wait "$BENCH_LAST"
	delay_idle "$i0" >"$dir/idle"
	sleep 0.2
	kill -TERM "$rx" 2>/dev/null
	bench_wait "$rx"
	veth_down
}

bench_delay() {
	local off=$((BENCH_DELAY_MS * 1000000)) d rate spin goals=""
	bench_table "2. Delay error, ${BENCH_DELAY_MS} ms configured, 64 B payload for ${BENCH_DELAY_S} s (microseconds)"
	say "$DELAY_FMT" "path (latency minus configured)" min p50 p99 max frames idle% relay%
	for rate in $BENCH_DELAY_RATES; do
		for spin in $BENCH_DELAY_SPINS; do
			delay_emu_rows "$rate" "$spin" "$BENCH_TMP/delay-emu-$rate-$spin" "$off"
			goals="$goals $rate/s --spin $spin: $(delay_goal "$DELAY_LINK_P99");"
		done
	done
	d="$BENCH_TMP/delay-veth"
	if delay_run_veth "$d"; then
		delay_from_records "$d/tg/recv.csv" | delay_row "veth ${BENCH_DELAY_RATE}/s, end to end (nothing conf.)" 0 "$(cat "$d/idle")"
	else
		say '%-46s %s\n' "veth" "measurement failed"
	fi
	say '\ngoal (issue 15): link alone p99 <= 50 us; p99 / 50 us:%s\n' "$goals"
	say '\nend to end: receiver kernel arrival time (SO_TIMESTAMPNS) minus send time in the payload,\n'
	say 'nearest-rank percentiles as in report.json; it includes both stacks and the TAPs. link alone:\n'
	say 'time the engine wrote the frame to h2 minus time it read it from h1 (the two captures).\n'
	say -- '--spin: the workers wake that long before a delivery and poll until it is due (0: sleep\n'
	say 'until the instant). relay%%: pmipemu'"'"'s CPU share over the sending time (the cost of the\n'
	say 'polling is the difference between a rate'"'"'s two rows). idle%%: idle share of all cores.\n'
}

# "0.62x" of the 50 us goal, or "-".
delay_goal() {
	[ "$1" = - ] && { echo -; return; }
	awk -v p="$1" 'BEGIN{printf "%.2fx", p / 50}'
}
