# delay.sh - table 2 of `make bench`: how far the delivered delay is from
# the configured one, 10 ms at 10k frames/s, against a plain veth pair
# (sourced).
#
# Owns: three views of the same traffic: trafgen end to end (receiver's
# kernel arrival time minus the sender's send time, as report.json computes
# it: nearest-rank percentiles), the link alone (the frame's time in the
# receiving end's capture minus its time in the sending end's capture: the
# engine stamps a frame when it reads it and when it writes it), and the
# veth pair end to end (the stack's own latency, nothing configured).
# Must not: judge the numbers.

BENCH_DELAY_MS=10
BENCH_DELAY_RATE=10000
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

DELAY_FMT='%-40s %9s %9s %9s %9s %7s %6s\n'

# delay_row LABEL OFFSET_NS IDLE: percentiles of the ns on stdin minus the
# offset, in microseconds, and the machine's idle share meanwhile.
delay_row() {
	local label=$1 off=$2 idle=$3 p50 p99 max min n
	read -r p50 p99 max min n <<<"$(percentiles)"
	if [ "$n" = 0 ]; then
		say '%-40s %s\n' "$label" "no samples"
		return
	fi
	say "$DELAY_FMT" "$label" "$(delay_us "$min" "$off")" "$(delay_us "$p50" "$off")" \
		"$(delay_us "$p99" "$off")" "$(delay_us "$max" "$off")" "$n" "$idle"
}

delay_us() {
	awk -v v="$1" -v o="$2" 'BEGIN{printf "%.1f", (v - o) / 1e3}'
}

# The emulated link, run as the rest of the bench runs it, or with
# pmipemu under SCHED_FIFO (children reset to normal): the difference is
# what waiting for a CPU costs the delivery timer on a busy machine.
delay_emu_rows() {
	local label=$1 d=$2 off=$3
	shift 3
	if delay_run_emu "$d" "$@"; then
		delay_from_records "$d/tg/recv.csv" | delay_row "emu$label, trafgen end to end" "$off" "$(cat "$d/idle")"
		delay_from_captures "$d/run" | delay_row "emu$label, link alone (captures)" "$off" "$(cat "$d/idle")"
		rm -rf "$d/run"
	else
		say '%-40s %s\n' "emu$label" "measurement failed"
	fi
}

# delay_run_emu DIR [PREFIX...]: PREFIX runs pmipemu, e.g. under chrt.
delay_run_emu() {
	local dir=$1 i0
	shift
	mkdir -p "$dir/tg"
	topo_two_hosts "$dir/topo.xml" "${BENCH_DELAY_MS}ms" 64 "$BENCH_DELAY_RATE" \
		"$BENCH_DELAY_S" "$dir/tg" "$BENCH_BIN/trafgen"
	bench_bg "$@" "$BENCH_BIN/pmipemu" run "$dir/topo.xml" --out "$dir/run" >"$dir/pmipemu.out" 2>&1
	sleep 1; i0=$(idle_s); sleep "$BENCH_DELAY_S"
	delay_idle "$i0" >"$dir/idle"
	bench_wait "$BENCH_LAST" || { echo "bench: pmipemu failed, see $dir/pmipemu.out" >&2; return 1; }
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
	local off=$((BENCH_DELAY_MS * 1000000)) d
	bench_table "2. Delay error, ${BENCH_DELAY_MS} ms configured, ${BENCH_DELAY_RATE} frames/s of 64 B payload for ${BENCH_DELAY_S} s (microseconds)"
	say "$DELAY_FMT" "path (latency minus configured)" min p50 p99 max frames idle%
	delay_emu_rows "" "$BENCH_TMP/delay-emu" "$off"
	delay_emu_rows " (chrt -f -R 10)" "$BENCH_TMP/delay-emu-fifo" "$off" chrt -f -R 10
	d="$BENCH_TMP/delay-veth"
	if delay_run_veth "$d"; then
		delay_from_records "$d/tg/recv.csv" | delay_row "veth, trafgen end to end (nothing conf.)" 0 "$(cat "$d/idle")"
	else
		say '%-40s %s\n' "veth" "measurement failed"
	fi
	say '\nend to end: receiver kernel arrival time (SO_TIMESTAMPNS) minus send time in the payload,\n'
	say 'nearest-rank percentiles as in report.json; it includes both stacks and the TAPs. link alone:\n'
	say 'time the engine wrote the frame to h2 minus time it read it from h1 (the two captures).\n'
	say 'chrt -f -R 10: pmipemu alone under SCHED_FIFO (its children reset to SCHED_OTHER), to show\n'
	say 'how much of the error is waiting for a CPU. idle%%: idle share of all cores meanwhile.\n'
}
