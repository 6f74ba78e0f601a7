# link_pps.sh - table 1 of `make bench`: frames per second through the link
# engine, no impairment, against a plain veth pair (sourced).
#
# Owns: one measurement = one trafgen sender pushing above what the path
# carries for BENCH_PPS_S seconds, one trafgen receiver; figures from the
# sender's summary, the receiver's records, the link counters (report.json)
# and the interface/UDP counters of both ends. Must not: judge the numbers.
#
# Where frames are lost, by reason:
#   send_err  the sender's socket refused them (trafgen counts by errno)
#   tx_drop   the sending interface dropped them: for a TAP, its queue was
#             full because the relay did not read fast enough; for veth,
#             the peer's backlog was full
#   link_drop the link engine dropped them (loss, queue, down, tx)
#   rx_drop   the receiving interface or UDP socket buffer dropped them

# Payload sizes: 64 B (the design sketch's iperf3 figure) and a full
# 1500-byte IPv6 packet (1452 B of UDP payload, 1514 B on the wire).
BENCH_PPS_SIZES=${BENCH_PPS_SIZES:-"64 1452"}
BENCH_PPS_RATE=2000000                 # far above what either path carries
BENCH_PPS_S=${BENCH_PPS_S:-2}          # seconds of traffic a measurement

# pps_measure KIND SIZE RUNDIR: run one measurement (KIND emu or veth) and
# print one line of figures:
#   offered link_pps recv_pps send_err tx_drop link_drop rx_drop sent sender_cpu relay_cpu
pps_measure() {
	local kind=$1 size=$2 dir=$3
	mkdir -p "$dir/tg" || return 1
	if [ "$kind" = emu ]; then
		pps_run_emu "$size" "$dir" || return 1
	else
		pps_run_veth "$size" "$dir" || return 1
	fi
	pps_figures "$kind" "$dir"
}

# CPU share (percent) of the sender and of the relay over the middle of the
# sending period: which one is saturated says which side limits.
pps_sample_cpu() {
	local dir=$1 relay=$2 sender recv s0 r0 v0 i0 s1 r1 v1 i1
	sleep "$(awk -v s="$BENCH_PPS_S" 'BEGIN{print s / 4}')"
	sender=$(pid_of "$dir/tg/send.json")
	recv=$(pid_of "$dir/tg/recv.json")
	[ -z "$sender" ] && { echo "- - - -" >"$dir/cpu"; return; }
	s0=$(cpu_s "$sender"); r0=$(cpu_s "$relay"); v0=$(cpu_s "$recv"); i0=$(idle_s)
	sleep "$(awk -v s="$BENCH_PPS_S" 'BEGIN{print s / 2}')"
	s1=$(cpu_s "$sender"); r1=$(cpu_s "$relay"); v1=$(cpu_s "$recv"); i1=$(idle_s)
	awk -v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" -v r="$relay" -v d="$BENCH_PPS_S" \
	    -v v0="$v0" -v v1="$v1" -v i0="$i0" -v i1="$i1" -v ncpu="$(nproc)" \
		'BEGIN { w = d / 2; rc = "-"
		         if (r) rc = sprintf("%.0f", (r1 - r0) / w * 100)
		         printf "%.0f %s %.0f %.0f\n", (s1 - s0) / w * 100, rc,
		                (v1 - v0) / w * 100, (i1 - i0) / w / ncpu * 100 }' >"$dir/cpu"
}

pps_run_emu() {
	local size=$1 dir=$2 pid
	topo_two_hosts "$dir/topo.xml" 0ms "$size" "$BENCH_PPS_RATE" "$BENCH_PPS_S" \
		"$dir/tg" "$BENCH_BIN/trafgen"
	bench_bg "$BENCH_BIN/pmipemu" run "$dir/topo.xml" --out "$dir/run" >"$dir/pmipemu.out" 2>&1
	pid=$BENCH_LAST
	sleep 1                          # the sender starts 1 s into the run
	pps_sample_cpu "$dir" "$pid"
	bench_wait "$pid" || { echo "bench: pmipemu failed, see $dir/pmipemu.out" >&2; return 1; }
	cp "$dir/run/report.json" "$dir/report.json"
	cat "$dir/run/exec/h1_link.out" >"$dir/tx_if"
	cat "$dir/run/exec/h2_link.out" >"$dir/rx_if"
	cat "$dir/run/exec/h2_snmp6.out" >"$dir/rx_snmp6"
	rm -rf "$dir/run"                # captures: ~100 MB a run
}

pps_run_veth() {
	local size=$1 dir=$2 a="$BENCH_TAG-a" b="$BENCH_TAG-b" rx tx
	veth_up || { echo "bench: cannot build the veth baseline" >&2; veth_down; return 1; }
	bench_bg ip netns exec "$b" "$BENCH_BIN/trafgen" recv --flow f1 --port 5001 \
		--out "$dir/tg/recv.json"
	rx=$BENCH_LAST
	sleep 0.2
	bench_bg ip netns exec "$a" timeout -s TERM "$BENCH_PPS_S" "$BENCH_BIN/trafgen" send \
		--flow f1 --dst 2001:db8:1::2 --dport 5001 --rate "$BENCH_PPS_RATE" \
		--size "$size" --duration "${BENCH_PPS_S}s" --out "$dir/tg/send.json"
	tx=$BENCH_LAST
	pps_sample_cpu "$dir" 0
	bench_wait "$tx"
	sleep 0.3
	kill -TERM "$rx" 2>/dev/null
	bench_wait "$rx"
	ip -n "$a" -s -s link show dev "$VETH_A" >"$dir/tx_if"
	ip -n "$b" -s -s link show dev "$VETH_B" >"$dir/rx_if"
	ip netns exec "$b" cat /proc/net/snmp6 >"$dir/rx_snmp6"
	veth_down
}

pps_figures() {
	local kind=$1 dir=$2 sent first last errs rx txd rxd rcvbuf deliv link_drop
	sent=$(jq -r .sent "$dir/tg/send.json") || return 1
	errs=$(jq -r .send_errors "$dir/tg/send.json")
	first=$(jq -r .first_send_ns "$dir/tg/send.json")
	last=$(jq -r .last_send_ns "$dir/tg/send.json")
	rx=$(awk -F, 'NR == 2 {f = $3} NR > 1 {l = $3; n++} END {printf "%d %.0f %.0f\n", n, f, l}' \
		"$dir/tg/recv.csv")
	txd=$(ifstat_tx_dropped <"$dir/tx_if")
	rxd=$(ifstat_rx_dropped <"$dir/rx_if")
	rcvbuf=$(snmp6_rcvbuf_errors <"$dir/rx_snmp6")
	if [ "$kind" = emu ]; then
		deliv=$(jq -r .links.l1.ab.delivered "$dir/report.json")
		link_drop=$(jq -r '.links.l1.ab | .drop_loss + .drop_queue + .drop_down + (.drop_tx // 0)' \
			"$dir/report.json")
	else
		deliv=-; link_drop=-
	fi
	awk -v sent="$sent" -v errs="$errs" -v first="$first" -v last="$last" \
	    -v rx="$rx" -v txd="$txd" -v rxd="$((rxd + rcvbuf))" -v deliv="$deliv" \
	    -v link_drop="$link_drop" -v cpu="$(cat "$dir/cpu")" 'BEGIN {
		span = (last - first) / 1e9; split(rx, r, " "); rspan = (r[3] - r[2]) / 1e9
		split(cpu, c, " ")
		lpps = "-"
		if (deliv != "-") lpps = sprintf("%.0f", deliv / span)
		rpps = 0
		if (rspan > 0) rpps = r[1] / rspan
		printf "%.0f %s %.0f %d %d %s %d %d %s %s %s %s\n", sent / span, lpps, rpps,
		       errs, txd, link_drop, rxd, sent, c[1], c[2], c[3], c[4] }'
}

# Which side limits: frames lost before or in the path mean the path did
# not keep up with the sender; otherwise the sender's own rate is the limit.
# A limit reached with the machine's CPU all taken (idle under 10 %) is a
# share of two cores, not the speed of that stage alone.
pps_limit() {
	awk -v kind="$1" -v f="$2" 'BEGIN { split(f, x, " ")
		sent = x[8]; lost_path = x[5] + (x[6] == "-" ? 0 : x[6]); idle = x[12]
		if (sent && lost_path > sent / 100)
			who = kind == "emu" ? "relay" : "veth"
		else if (sent && x[7] > sent / 100)
			who = "receiver"
		else
			who = "sender"
		if (idle != "-" && idle < 10)
			who = who ",cpu-bound"
		print who }'
}

# The run whose recv pps is the median of the runs, with the range.
pps_row() {
	local kind=$1 size=$2 l2=$3 pick range row
	shift 3
	local rates=()
	for row in "$@"; do
		rates+=("$(echo "$row" | awk '{print $3}')")
	done
	pick=$(median_index "${rates[@]}")
	row=${!pick}
	range=$(printf '%s\n' "${rates[@]}" | sort -g |
		awk 'NR == 1 {a = $1} {b = $1} END {printf "%.0f-%.0f", a, b}')
	local off lpps rpps err txd ldrop rxd sent ctx crl crx idle
	read -r off lpps rpps err txd ldrop rxd sent ctx crl crx idle <<<"$row"
	# CPU cost of one relayed frame: independent of how much of the
	# shared cores the relay got
	local us=-
	[ "$crl" != - ] && [ "$lpps" != - ] && [ "$lpps" -gt 0 ] &&
		us=$(awk -v c="$crl" -v p="$lpps" 'BEGIN{printf "%.1f", c / 100 / p * 1e6}')
	PPS_RECV["$kind $size"]=$rpps
	say "$PPS_FMT" "$kind" "$size" "$l2" "$off" "$lpps" "$rpps" "$range" "$err" "$txd" \
		"$ldrop" "$rxd" "$ctx" "$crl" "$crx" "$idle" "$us" "$(pps_limit "$kind" "$row")"
}

declare -A PPS_RECV                    # "kind size" -> the row's recv_pps

PPS_FMT='%-5s %5s %5s %8s %8s %8s %15s %6s %8s %6s %7s %4s %6s %4s %5s %8s  %s\n'

bench_link_pps() {
	local size l2 kind i f runs
	bench_table "1. Link engine frames/s, no impairment (median of $BENCH_REPS runs by recv_pps; ${BENCH_PPS_S} s each)"
	say "$PPS_FMT" path pay_B l2_B offered link_pps recv_pps recv_range snd_er tx_drop l_drop rx_drop tx% relay% rx% idle% relay_us limit
	for size in $BENCH_PPS_SIZES; do
		l2=$((size + 8 + 40 + 14))
		for kind in veth emu; do
			runs=()
			for i in $(seq 1 "$BENCH_REPS"); do
				f=$(pps_measure "$kind" "$size" "$BENCH_TMP/pps-$kind-$size-$i") &&
					runs+=("$f")
			done
			if [ ${#runs[@]} -eq 0 ]; then
				say "%-5s %5s %5s  measurement failed\n" "$kind" "$size" "$l2"
				continue
			fi
			pps_row "$kind" "$size" "$l2" "${runs[@]}"
		done
	done
	say '\ngoal (issue 15): emu recv_pps >= 1.0x veth'"'"'s:'
	for size in $BENCH_PPS_SIZES; do
		say ' %s B %s;' "$size" "$(awk -v e="${PPS_RECV["emu $size"]:-0}" \
			-v v="${PPS_RECV["veth $size"]:-0}" 'BEGIN{if (v > 0) printf "%.2fx", e / v; else print "-"}')"
	done
	say '\n\noffered: sent / sending time (sender summary). link_pps: link a>b delivered / sending time.\n'
	say 'recv_pps: received / receiving time (receiver records). Drops: counts over the whole run.\n'
	say 'tx_drop: sending interface TX dropped (emu: TAP queue full, the relay did not read in time).\n'
	say 'l_drop: link engine drops. rx_drop: receiving interface RX dropped + Udp6RcvbufErrors.\n'
	say 'tx%% relay%% rx%%: CPU share (of one core) of the trafgen sender, pmipemu (the link engine) and\n'
	say 'the trafgen receiver in the middle of the sending time; idle%%: idle share of all cores then.\n'
	say 'relay_us: CPU microseconds pmipemu spends per relayed frame (relay%% / link_pps), which\n'
	say 'includes the receiving stack run inside its write() to the TAP; 1e6 / relay_us is what\n'
	say 'one whole core could relay.\n'
}
