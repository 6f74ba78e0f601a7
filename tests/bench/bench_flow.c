/*
 * bench_flow.c - `make bench` table 8: the LMA flow table's cost per packet
 * (nodes/pmip/flow_tab.c, problem statement section 3) at N rules.
 *
 *   bench_flow N...   for each N, two layouts:
 *     spread  N prefixes with one rule each (many MNs, one rule per prefix)
 *     one     N rules on one prefix (one MN with N filters; distinct
 *             source addresses, udp dport 5004)
 *   and for each, the cost of
 *     cached  a packet of one of 1000 known flows (the flow cache answers)
 *     first   the first packet of a new flow (cache miss: the prefix's
 *             index is looked up, flow_index.c; flows spread over all
 *             rules; rules_walked = rules compared per first packet)
 *     add_ns  the mean time of one rule add while filling (its overlap
 *             check looks only at the rules the index says can overlap)
 *   baseline: flow_key_hash alone (what every packet pays anyway).
 *
 * Owns: the loops and their rows on stdout. Must not: judge a number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "pmip/flow_tab.h"

#define KNOWN_FLOWS 1000
#define MIN_NS 300000000ULL            /* each measurement runs >= 0.3 s */

static const struct hash_key hk = { 0x5eed, 0xf10e };

static struct in6_addr prefix_of(unsigned i, bool spread)
{
	struct in6_addr p = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 1 } };

	if (spread) {
		p.s6_addr[5] = (uint8_t)(i >> 16);
		p.s6_addr[6] = (uint8_t)(i >> 8);
		p.s6_addr[7] = (uint8_t)i;
	}
	return p;
}

static struct in6_addr src_of(unsigned i)
{
	struct in6_addr a = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0xc } };

	a.s6_addr[13] = (uint8_t)(i >> 16);
	a.s6_addr[14] = (uint8_t)(i >> 8);
	a.s6_addr[15] = (uint8_t)i;
	return a;
}

/* The table with n rules; *add_ns: mean time of one add (the overlap
 * check against the prefix's rules is most of it). */
static struct flow_tab *fill(unsigned n, bool spread, double *add_ns)
{
	struct flow_tab *t = flow_tab_new(&hk);
	uint64_t t0 = bench_now_ns();

	for (unsigned i = 0; t && i < n; i++) {
		struct flow_rule r = { .prio = 100, .plen = 64, .mode = FLOW_MODE_ONE, .n_target = 1 };
		const char *why;

		r.prefix = prefix_of(i, spread);
		r.sel.fields = FLOW_F_PROTO | FLOW_F_DPORT | FLOW_F_SRC;
		r.sel.proto = 17;
		r.sel.dport_lo = r.sel.dport_hi = 5004;
		r.sel.src_lo = r.sel.src_hi = src_of(i);
		strcpy(r.target[0].name, "if1");
		r.target[0].weight = 1;
		if (flow_tab_add(t, &r, &why) < 0) {
			fprintf(stderr, "bench_flow: rule %u: %s\n", i, why);
			exit(1);
		}
	}
	*add_ns = (double)(bench_now_ns() - t0) / (double)(n ? n : 1);
	return t;
}

/* A packet of rule i's flow number f. */
static struct flow_key key_of(unsigned i, unsigned f, bool spread)
{
	struct flow_key k = { .proto = 17, .has_ports = true, .dport = 5004 };

	k.src = src_of(i);
	k.dst = prefix_of(i, spread);
	k.dst.s6_addr[15] = 9;
	k.sport = (uint16_t)(1024 + f);
	return k;
}

/* ns per lookup; mode 0 cached, 1 first packet, 2 hash only */
static double measure(struct flow_tab *t, unsigned n, bool spread, int mode, uint64_t *matched)
{
	uint64_t t0 = bench_now_ns(), done = 0, h, sink = 0;
	unsigned seed = 12345;

	*matched = 0;
	while (bench_now_ns() - t0 < MIN_NS) {
		for (unsigned j = 0; j < 1024; j++, done++) {
			unsigned i = mode == 0 ? (unsigned)(done % KNOWN_FLOWS) % n
					       : (seed = seed * 1103515245u + 12345u) % n;
			/* a new flow each time: sport from the running count */
			struct flow_key k = key_of(i, mode == 0 ? 0 : (unsigned)done, spread);
			struct in6_addr p = prefix_of(i, spread);

			if (mode == 2) {
				sink += flow_key_hash(&hk, &k);
				continue;
			}
			*matched += flow_tab_classify(t, &p, 64, &k, &h) != NULL;
		}
	}
	if (sink == 1)
		putchar(' ');
	return (double)(bench_now_ns() - t0) / (double)done;
}

static void row(unsigned n, bool spread)
{
	double add;
	struct flow_tab *t = fill(n, spread, &add);
	uint64_t m0, m1, m2;
	double base = measure(t, n, spread, 2, &m2);
	double cached = measure(t, n, spread, 0, &m0);
	const struct flow_tab_stats *st = flow_tab_stats(t);
	uint64_t steps0 = st->rule_walk_steps, look0 = st->lookups, hits0 = st->cache_hits;
	double first = measure(t, n, spread, 1, &m1);
	double walk = (double)(st->rule_walk_steps - steps0) /
		      (double)((st->lookups - look0) - (st->cache_hits - hits0));

	printf("%8u  %-7s %10.1f %10.1f %12.1f %10.1f %8s %10.1f\n", n, spread ? "spread" : "one",
	       base, cached, first, walk, m0 && m1 ? "yes" : "NO", add);
	flow_tab_free(t);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_flow N...\n");
		return 2;
	}
	for (int a = 1; a < argc; a++) {
		unsigned n = (unsigned)strtoul(argv[a], NULL, 10);

		if (n == 0)
			continue;
		row(n, true);
		row(n, false);
	}
	return 0;
}
