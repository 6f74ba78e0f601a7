# lib.sh - shared helpers of `make bench` (sourced by scripts/bench.sh).
#
# Owns: the run-scoped names, the cleanup of everything the bench creates
# (namespaces, processes, temporary files) on every path, the output (stdout
# and build/bench/results.md), the plain veth baseline, CPU sampling and the
# statistics helpers. Must not: touch anything it did not create (other
# engineers run pmipemu and trafgen on the same machine), or fail a bench on
# a timing figure: numbers are reported, never judged.

BENCH_TAG="pmipemu-bench-$$"          # namespaces: $BENCH_TAG-a, -b, -n0...
BENCH_PIDS=""                         # background processes we started

bench_cleanup() {
	local p ns left i
	for p in $BENCH_PIDS; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in $BENCH_PIDS; do
		wait "$p" 2>/dev/null
	done
	BENCH_PIDS=""
	# Started from a $(...) subshell, a process is not in this shell's
	# list: find ours by the run's unique temporary path in their command
	# lines, stop them by pid (pmipemu tears its run down on SIGTERM; a
	# 100-node teardown takes seconds), then SIGKILL what remains.
	if [ -n "${BENCH_TMP:-}" ]; then
		for p in $(pgrep -f -- "$BENCH_TMP/"); do
			kill -TERM "$p" 2>/dev/null
		done
		for i in $(seq 1 100); do
			left=$(pgrep -f -- "$BENCH_TMP/") || break
			[ "$i" = 100 ] && for p in $left; do kill -KILL "$p" 2>/dev/null; done
			sleep 0.1
		done
	fi
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$BENCH_TAG-"); do
		ip netns del "$ns" 2>/dev/null
	done
	[ -n "${BENCH_TMP:-}" ] && rm -rf "$BENCH_TMP"
	return 0
}

bench_on_signal() {
	echo "bench: interrupted, cleaning up" >&2
	bench_cleanup
	trap - EXIT
	exit 130
}

bench_init() {
	BENCH_TMP=$(mktemp -d "/tmp/$BENCH_TAG.XXXXXX") || exit 1
	trap bench_cleanup EXIT
	trap bench_on_signal INT TERM HUP
}

# Start a command in the background and remember it for the cleanup.
bench_bg() {
	"$@" &
	BENCH_PIDS="$BENCH_PIDS $!"
	BENCH_LAST=$!
}

# Wait for a background command started by bench_bg; forget it.
bench_wait() {
	local rc
	wait "$1"
	rc=$?
	BENCH_PIDS=$(echo "$BENCH_PIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	return $rc
}

# ---- output --------------------------------------------------------------

# printf to stdout and to the results file.
say() {
	# shellcheck disable=SC2059
	printf "$@" | tee -a "$BENCH_RES"
}

# A table's title and column heads; then rows with `say "$FMT" ...`.
bench_table() {
	say '\n### %s\n\n' "$1"
}

# ---- numbers ---------------------------------------------------------------

# median of the arguments (numbers; "-" entries ignored); "-" when none.
median() {
	printf '%s\n' "$@" | grep -v '^-$' | sort -g |
		awk '{a[NR]=$1} END {if (!NR) print "-"; else if (NR%2) print a[(NR+1)/2];
		     else printf "%.6g\n", (a[NR/2]+a[NR/2+1])/2}'
}

# index (1-based) of the median run among the arguments: the run whose
# first figure is the median, so a row shows one consistent run.
median_index() {
	printf '%s\n' "$@" | awk '{print $1, NR}' | sort -g |
		awk '{a[NR]=$2} END {print a[int((NR+1)/2)]}'
}

# Nearest-rank percentiles of one column of numbers on stdin, the same
# definition as tg_stats.c (value at rank ceil(p/100 n)): "p50 p99 max min n".
percentiles() {
	sort -g | awk '{a[NR]=$1}
	function rank(p,  r) { r = int(p * NR / 100); if (r < p * NR / 100) r++; return r < 1 ? 1 : r }
	END { if (!NR) { print "- - - - 0"; exit }
	      print a[rank(50)], a[rank(99)], a[NR], a[1], NR }'
}

# CPU seconds (user + system) used so far by a process; 0 when gone.
cpu_s() {
	awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# CPU seconds used so far by a process's live threads, to the nanosecond
# (/proc/PID/task/*/schedstat: cpu_s has the tick's 10 ms resolution); 0
# when gone.
cpu_ns_s() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {printf "%.6f\n", s / 1e9}'
}

# Idle CPU seconds of the whole machine so far (all cores, /proc/stat).
idle_s() {
	awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {print ($5 + $6) / hz; exit}' /proc/stat
}

# The newest process whose command line holds a string (read only: used to
# find the trafgen we started inside pmipemu's nodes, by its unique path).
pid_of() {
	pgrep -n -f -- "$1" 2>/dev/null
}

# Counters of an interface from `ip -s -s link` output on stdin.
ifstat_tx_dropped() { awk '/TX: *bytes/ {getline; print $4; exit}'; }
ifstat_rx_dropped() { awk '/RX: *bytes/ {getline; print $4; exit}'; }
# Udp6RcvbufErrors from /proc/net/snmp6 on stdin.
snmp6_rcvbuf_errors() { awk '$1 == "Udp6RcvbufErrors" {print $2}'; }

# ---- the plain veth baseline ---------------------------------------------

# veth_up: two namespaces $BENCH_TAG-a/-b joined by a veth pair, addresses
# 2001:db8:1::1 and ::2 without DAD, lo up, a ping to resolve ND first so
# no measured packet waits for it. Says on stderr which step failed.
veth_up() {
	local a="$BENCH_TAG-a" b="$BENCH_TAG-b" ns
	VETH_A="vb$$a" VETH_B="vb$$b"
	ip netns add "$a" && ip netns add "$b" || { echo "bench: ip netns add" >&2; return 1; }
	for ns in "$a" "$b"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 \
			net.ipv6.conf.all.accept_dad=0 >/dev/null &&
		ip -n "$ns" link set lo up || { echo "bench: $ns: sysctl, lo" >&2; return 1; }
	done
	ip link add "$VETH_A" netns "$a" type veth peer name "$VETH_B" netns "$b" &&
	ip -n "$a" addr add 2001:db8:1::1/64 dev "$VETH_A" nodad &&
	ip -n "$b" addr add 2001:db8:1::2/64 dev "$VETH_B" nodad &&
	ip -n "$a" link set "$VETH_A" up && ip -n "$b" link set "$VETH_B" up ||
		{ echo "bench: veth pair" >&2; return 1; }
	# one reply, asked once a second for up to 3 s
	ip netns exec "$a" ping -6 -q -c 1 -w 3 2001:db8:1::2 >/dev/null 2>&1 ||
		{ echo "bench: no ping reply across the veth pair" >&2; return 1; }
}

veth_down() {
	ip netns del "$BENCH_TAG-a" 2>/dev/null
	ip netns del "$BENCH_TAG-b" 2>/dev/null
	return 0
}
