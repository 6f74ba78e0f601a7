# scale.sh - table 3 of `make bench`: bring-up and teardown time of 10, 50
# and 100 nodes, against iproute2 doing the comparable work by hand
# (sourced).
#
# Owns: the star topologies (topo_star), the figures pmipemu prints
# ("bring-up X ms ..., teardown Y ms"), and the by-hand baseline: one `ip`
# process per operation, as a shell script would do it. Must not: leave a
# namespace behind (names are $BENCH_TAG-nK, removed by bench_cleanup too).

BENCH_SCALE_SIZES=${BENCH_SCALE_SIZES:-"10 50 100"}

now_ns() { date +%s%N; }

# scale_emu N DIR: prints "bringup_ms teardown_ms wall_ms".
scale_emu() {
	local n=$1 dir=$2 t0 t1 line
	mkdir -p "$dir"
	topo_star "$dir/topo.xml" "$n"
	t0=$(now_ns)
	bench_bg "$BENCH_BIN/pmipemu" run "$dir/topo.xml" --out "$dir/run" >"$dir/pmipemu.out" 2>&1
	bench_wait "$BENCH_LAST" || { echo "bench: pmipemu failed, see $dir/pmipemu.out" >&2; return 1; }
	t1=$(now_ns)
	line=$(grep -o 'bring-up [0-9.]* ms.*teardown [0-9.]* ms' "$dir/pmipemu.out") || return 1
	rm -rf "$dir/run"
	echo "$line" | awk -v w="$(( (t1 - t0) / 1000000 ))" \
		'{ for (i = 1; i < NF; i++) { if ($i == "bring-up") b = $(i + 1); if ($i == "teardown") t = $(i + 1) }
		   print b, t, w }'
}

# The by-hand equivalent of topo_star N: namespaces with lo up, IPv6 DAD
# off (pmipemu turns it off too), one veth pair a link, addresses at both
# ends, interfaces up, a default route on every host.
scale_iproute_up() {
	local n=$1 k hub="$BENCH_TAG-n0" h
	ip netns add "$hub" && ip -n "$hub" link set lo up || return 1
	ip netns exec "$hub" sysctl -qw net.ipv6.conf.default.accept_dad=0 || return 1
	for k in $(seq 1 $((n - 1))); do
		h="$BENCH_TAG-n$k"
		ip netns add "$h" && ip -n "$h" link set lo up &&
		ip netns exec "$h" sysctl -qw net.ipv6.conf.default.accept_dad=0 &&
		ip link add "e$k" netns "$hub" type veth peer name eth0 netns "$h" &&
		ip -n "$hub" addr add "2001:db8:$(printf %x "$k")::1/64" dev "e$k" &&
		ip -n "$h" addr add "2001:db8:$(printf %x "$k")::2/64" dev eth0 &&
		ip -n "$hub" link set "e$k" up && ip -n "$h" link set eth0 up &&
		ip -n "$h" -6 route add default via "2001:db8:$(printf %x "$k")::1" dev eth0 || return 1
	done
}

scale_iproute_down() {
	local n=$1 k
	for k in $(seq 0 $((n - 1))); do
		ip netns del "$BENCH_TAG-n$k" 2>/dev/null
	done
	return 0
}

# scale_iproute N: prints "bringup_ms teardown_ms".
scale_iproute() {
	local n=$1 t0 t1 t2 ok=0
	t0=$(now_ns)
	scale_iproute_up "$n" || ok=1
	t1=$(now_ns)
	scale_iproute_down "$n"
	t2=$(now_ns)
	[ $ok = 0 ] || { echo "bench: iproute2 baseline failed at $n nodes" >&2; return 1; }
	awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN{printf "%.1f %.1f\n", (b - a) / 1e6, (c - b) / 1e6}'
}

bench_scale() {
	local n i f x y z eb=() et=() ew=() ib=() it=()
	local fmt='%6s %6s %14s %14s %12s %16s %16s\n'
	bench_table "3. Bring-up and teardown, star of N nodes (N-1 links; median of $BENCH_REPS, ms)"
	say "$fmt" nodes links emu_bringup emu_teardown emu_wall iproute2_bringup iproute2_teardown
	for n in $BENCH_SCALE_SIZES; do
		eb=() et=() ew=() ib=() it=()
		for i in $(seq 1 "$BENCH_REPS"); do
			if f=$(scale_emu "$n" "$BENCH_TMP/scale-$n-$i"); then
				read -r x y z <<<"$f"; eb+=("$x"); et+=("$y"); ew+=("$z")
			fi
			if f=$(scale_iproute "$n"); then
				read -r x y <<<"$f"; ib+=("$x"); it+=("$y")
			else
				scale_iproute_down "$n"
			fi
		done
		say "$fmt" "$n" "$((n - 1))" "$(median "${eb[@]:--}")" "$(median "${et[@]:--}")" \
			"$(median "${ew[@]:--}")" "$(median "${ib[@]:--}")" "$(median "${it[@]:--}")"
	done
	say '\nemu_bringup/teardown: as pmipemu prints them (namespaces, TAPs, addresses, routes, links;\n'
	say 'processes stopped, TAPs and namespaces released). emu_wall: the whole pmipemu run, 1 s of\n'
	say 'run time included. iproute2: one ip process per operation (netns add, lo up, DAD off,\n'
	say 'veth pair, 2 addresses, 2 links up, default route), then ip netns del each; the kernel\n'
	say 'frees namespaces asynchronously after both.\n'
}
