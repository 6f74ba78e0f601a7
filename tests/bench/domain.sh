# domain.sh - table "domain" of `make bench` (issue 15, item 5): a PMIPv6
# domain of M MAGs and N MNs written by scripts/gen_domain.py, run once per
# size: bring-up, the registration storm at the LMA (how many MNs got a
# binding, when the last one did), how many MNs got their flow through
# (delivery >= 90 %), teardown, wall time and pmipemu's peak RSS (sourced).
#
# Owns: the sizes (BENCH_DOMAIN_SIZES, "MAGSxMNS ..."). Must not: judge
# (numbers are reported; the machine is shared), leave anything behind.

BENCH_DOMAIN_SIZES=${BENCH_DOMAIN_SIZES:-"10x100 50x500 100x1000"}

# domain_row MAGS MNS DIR: one line of the table.
domain_row() {
	local m=$1 n=$2 dir=$3 t0 t1
	mkdir -p "$dir"
	python3 scripts/gen_domain.py --mags "$m" --mns "$n" --start 4s --stop 6s \
		--duration 7s > "$dir/topo.xml" || return 1
	t0=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$dir/rss" "$BENCH_BIN/pmipemu" run "$dir/topo.xml" \
		--out "$dir/run" > "$dir/pmipemu.out" 2>&1
	t1=$(date +%s%N)
	python3 - "$dir" "$m" "$n" "$(( (t1 - t0) / 1000000 ))" <<'PY'
import json, re, sys
d, m, n, wall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = open(d + "/pmipemu.out").read()
b = re.search(r"bring-up ([0-9.]+) ms \(daemons ready in ([0-9.]+) ms more\), teardown ([0-9.]+) ms", out)
ev = [json.loads(l) for l in open(d + "/run/events.jsonl")]
reg = {}
for e in ev:
    if e["ev"] == "bce_created":
        reg.setdefault(e["mn_id"], e["t"])
rep = json.load(open(d + "/run/report.json"))
ok = sum(1 for f in rep["flows"].values()
         if f.get("sent") and f.get("received", 0) >= 0.9 * f["sent"])
rss = (open(d + "/rss").read().strip().splitlines() or [""])[-1]  # after any "exited" line
last = max(reg.values()) if reg else float("nan")
print(f"{m:>5} {n:>6} {b.group(1) if b else '-':>10} {b.group(2) if b else '-':>10} "
      f"{len(reg):>6}/{n:<6} {last:>9.2f} {ok:>6}/{n:<6} {b.group(3) if b else '-':>10} "
      f"{wall:>8} {int(rss) // 1024 if rss.isdigit() else '-':>7}")
PY
	rm -rf "$dir"
}

bench_domain() {
	local s m n
	bench_table "domain. A PMIPv6 domain of M MAGs and N MNs (scripts/gen_domain.py), one run each"
	say '%5s %6s %10s %10s %13s %9s %13s %10s %8s %7s\n' MAGs MNs bringup_ms daemons_ms \
		registered last_reg_s flows_ok teardown_ms wall_ms rss_MB
	for s in $BENCH_DOMAIN_SIZES; do
		m=${s%x*} n=${s#*x}
		domain_row "$m" "$n" "$BENCH_TMP/domain-$s" | tee -a "$BENCH_RES" \
			|| say '%5s %6s %s\n' "$m" "$n" "run failed"
	done
	say '\nregistered: MNs with a binding at the LMA (bce_created events), last_reg_s: when the\n'
	say 'last one came (run time); flows_ok: MNs whose CN->MN flow (10 pps from 4 s to 6 s)\n'
	say 'delivered >= 90 %%; rss_MB: pmipemu itself (the link engine and the run), not the daemons.\n'
}
