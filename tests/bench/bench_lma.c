/*
 * bench_lma.c - `make bench` tables 4 and 5: the LMA engine's PBU/PBA rate
 * and the binding cache's memory per binding.
 *
 *   bench_lma rate N MAX_S   an LMA configured for N MNs (one policy profile
 *                            each, prefixes from the pool): N registrations,
 *                            then N refreshes, each PBU decoded, processed
 *                            and its PBA encoded; baseline: decode + encode
 *                            of a mirrored PBA without the engine. A phase
 *                            stops after MAX_S seconds (rows say how many).
 *   bench_lma mem N          N bindings (one session, one /64 each) into a
 *                            binding cache: bce_mem_bytes() and RSS growth.
 *
 * Owns: the measurement loops and their rows on stdout. Must not: judge a
 * number (tests/bench/pmip.sh prints, nothing fails on a figure).
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"
#include "lma/lma.h"

#define MH_BUF 256
/* The wall clock the PBUs are stamped with and the engine is given (5.5):
 * fixed, so a run does not depend on the machine's time; refreshes 1 ms
 * later, so their timestamps are newer (8.8 resolution is 1/65536 s). */
#define BENCH_REG_RT_NS 1800000000000000000ULL
#define BENCH_REF_RT_NS (BENCH_REG_RT_NS + 1000000ULL)

struct wire {
	uint8_t (*buf)[MH_BUF];
	uint16_t *len;
	size_t n;
};

struct phase {
	size_t done, accepted;
	uint64_t ns;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "bench_lma: out of memory\n");
		exit(1);
	}
	return p;
}

static void wire_init(struct wire *w, size_t n)
{
	w->buf = xcalloc(n, sizeof(*w->buf));
	w->len = xcalloc(n, sizeof(*w->len));
	w->n = n;
}

static void wire_fini(struct wire *w)
{
	free(w->buf);
	free(w->len);
}

static void wire_put(struct wire *w, size_t i, const struct mh_msg *m)
{
	const char *why = NULL;
	int n = mh_encode(m, NULL, NULL, w->buf[i], MH_BUF, &why);

	if (n < 0) {
		fprintf(stderr, "bench_lma: PBU not encoded: %s\n", why);
		exit(1);
	}
	w->len[i] = (uint16_t)n;
}

static struct lma *lma_for(size_t n_mn)
{
	struct lma_config c;
	struct in6_addr mag = bench_addr(BENCH_MAG_ADDR);
	const char *why = NULL;
	struct lma *l;

	lma_config_init(&c);
	c.lmaa = bench_addr(BENCH_LMAA);
	c.mags = &mag;
	c.n_mags = 1;
	c.pool.prefix = bench_addr(BENCH_POOL);
	c.pool.len = BENCH_POOL_LEN;
	c.pool_plen = 64;
	c.use_timestamps = true;        /* RFC 5213 5.5 default, as lmad runs */
	c.hash_seed = (struct hash_key){ 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	c.policies = xcalloc(n_mn, sizeof(*c.policies));
	c.n_policies = n_mn;
	for (size_t i = 0; i < n_mn; i++)
		bench_mn_id(c.policies[i].mn_id, sizeof(c.policies[i].mn_id), (unsigned)i);
	l = lma_new(&c, &why);
	free(c.policies);
	if (!l) {
		fprintf(stderr, "bench_lma: lma_new: %s\n", why);
		exit(1);
	}
	return l;
}

/* One PBU through the engine as lmad does it (lma_io.c on_mh): decode,
 * lma_input_pbu, encode every PBA. The first PBA's first HNP goes to *hnp. */
static int engine_one(struct lma *l, const struct in6_addr *src, const uint8_t *p,
		      size_t len, uint64_t now_ns, uint64_t realtime_ns,
		      struct lma_actions *acts, struct mh_prefix *hnp)
{
	struct mh_msg m;
	uint8_t out[MH_BUF * 4];
	const char *why = NULL;
	int accepted = 0;

	if (mh_decode(p, len, NULL, NULL, &m, &why) < 0 ||
	    lma_input_pbu(l, src, &m, now_ns, realtime_ns, acts) < 0)
		return -1;
	for (size_t i = 0; i < acts->n; i++) {
		const struct lma_action *a = &acts->v[i];

		if (a->type != LMA_ACT_SEND_PBA ||
		    mh_encode(&a->pba.msg, NULL, NULL, out, sizeof(out), &why) < 0)
			continue;
		if (a->pba.msg.status == PBA_STATUS_ACCEPTED && !accepted++ && hnp)
			*hnp = a->pba.msg.group[0].hnp[0];
	}
	lma_actions_clear(acts);
	return accepted ? 0 : -1;
}

/* The baseline: what any responder pays, decode and encode, no engine. */
static int noop_one(const uint8_t *p, size_t len)
{
	struct mh_msg m, pba;
	uint8_t out[MH_BUF * 4];
	const char *why = NULL;

	if (mh_decode(p, len, NULL, NULL, &m, &why) < 0)
		return -1;
	bench_pba_mirror(&pba, &m);
	return mh_encode(&pba, NULL, NULL, out, sizeof(out), &why) < 0 ? -1 : 0;
}

static bool over(const struct phase *ph, uint64_t t0, uint64_t max_ns)
{
	return (ph->done & 63) == 0 && bench_now_ns() - t0 > max_ns;
}

static struct phase run_noop(const struct wire *w, uint64_t max_ns)
{
	struct phase ph = { 0 };
	uint64_t t0 = bench_now_ns();

	for (; ph.done < w->n && !over(&ph, t0, max_ns); ph.done++)
		ph.accepted += noop_one(w->buf[ph.done], w->len[ph.done]) == 0;
	ph.ns = bench_now_ns() - t0;
	return ph;
}

static struct phase run_engine(struct lma *l, const struct wire *w, size_t n,
			       uint64_t max_ns, uint64_t realtime_ns, struct mh_prefix *hnps)
{
	struct in6_addr mag = bench_addr(BENCH_MAG_ADDR);
	struct lma_actions acts;
	struct phase ph = { 0 };
	uint64_t t0 = bench_now_ns();

	lma_actions_init(&acts);
	for (; ph.done < n && !over(&ph, t0, max_ns); ph.done++)
		ph.accepted += engine_one(l, &mag, w->buf[ph.done], w->len[ph.done],
					  t0 + ph.done, realtime_ns, &acts,
					  hnps ? &hnps[ph.done] : NULL) == 0;
	ph.ns = bench_now_ns() - t0;
	lma_actions_fini(&acts);
	return ph;
}

static double us_per(const struct phase *ph)
{
	return ph->done ? (double)ph->ns / 1e3 / (double)ph->done : 0.0;
}

static void row(size_t n, const char *what, const struct phase *ph, const struct phase *base)
{
	double us = us_per(ph);

	printf("%8zu  %-26s %8zu %8zu %9.0f %8.2f", n, what, ph->done, ph->accepted,
	       ph->ns ? (double)ph->done * 1e9 / (double)ph->ns : 0.0, us);
	if (base)
		printf(" %9.2f\n", us - us_per(base));
	else
		printf(" %9s\n", "-");
}

static int cmd_rate(size_t n, double max_s)
{
	uint64_t max_ns = (uint64_t)(max_s * 1e9);
	struct mh_prefix *hnps = xcalloc(n, sizeof(*hnps));
	struct wire reg, ref;
	struct mh_msg m;
	struct lma *l = lma_for(n);

	wire_init(&reg, n);
	wire_init(&ref, n);
	for (size_t i = 0; i < n; i++) {
		bench_pbu(&m, (unsigned)i, 1, NULL, MH_HI_ATTACH_NEW_IFACE, BENCH_REG_RT_NS);
		wire_put(&reg, i, &m);
	}
	struct phase base = run_noop(&reg, max_ns);
	row(n, "decode+encode (no-op)", &base, NULL);
	size_t rss0 = bench_rss_bytes();
	struct phase r = run_engine(l, &reg, n, max_ns, BENCH_REG_RT_NS, hnps);
	row(n, "registration (new BCE)", &r, &base);
	size_t sessions = bce_n_sessions(lma_bce(l)), mem = bce_mem_bytes(lma_bce(l));
	size_t rss = bench_rss_bytes() - rss0;

	/* 5.3.3: the MAG refreshes with the prefix it was given, HI 5. */
	for (size_t i = 0; i < r.done; i++) {
		bench_pbu(&m, (unsigned)i, 2, &hnps[i], MH_HI_NOT_CHANGED, BENCH_REF_RT_NS);
		wire_put(&ref, i, &m);
	}
	struct phase f = run_engine(l, &ref, r.done, max_ns, BENCH_REF_RT_NS, NULL);
	row(n, "refresh (same MAG)", &f, &base);
	printf("# %zu sessions: bce_mem_bytes/session %.0f, RSS growth/session %.0f\n", sessions,
	       sessions ? (double)mem / (double)sessions : 0.0,
	       sessions ? (double)rss / (double)sessions : 0.0);
	lma_free(l);
	wire_fini(&reg);
	wire_fini(&ref);
	free(hnps);
	return r.accepted == r.done && f.accepted == f.done ? 0 : 1;
}

/* A binding as the engine makes one for a new MN (lma_handoff.c, 5.3.2):
 * a session keyed by (MN-ID, MN-LL-ID, ATT), one pool /64, a deadline. */
static int add_binding(struct bce_cache *bc, unsigned i, const struct in6_addr *coa)
{
	char id[64];
	uint8_t ll[6] = { 0x02, 0xbe, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
			  (uint8_t)(i >> 8), (uint8_t)i };
	struct in6_addr p = bench_addr(BENCH_POOL);
	struct bce_key k = { .ll_id = ll, .ll_id_len = 6, .att = MH_ATT_WLAN };
	struct bce_session *s;

	k.mn_id = (const uint8_t *)bench_mn_id(id, sizeof(id), i);
	k.mn_id_len = (uint8_t)strlen(id);
	if (!(s = bce_session_add(bc, &k)))
		return -1;
	s->proxy_coa = *coa;
	s->lifetime_s = BENCH_LIFETIME_S;
	p.s6_addr[5] = (uint8_t)(i >> 16);      /* bits 40-63: the /64 of MN i */
	p.s6_addr[6] = (uint8_t)(i >> 8);
	p.s6_addr[7] = (uint8_t)i;
	bce_set_deadline(bc, s, (uint64_t)BENCH_LIFETIME_S * 1000000000ULL + i);
	return bce_prefix_bind(bc, s, &p, 64);
}

static int cmd_mem(size_t n)
{
	struct hash_key key = { 1, 2 };
	struct in6_addr coa = bench_addr(BENCH_MAG_ADDR);
	size_t rss0 = bench_rss_bytes();
	uint64_t t0 = bench_now_ns();
	struct bce_cache *bc = bce_new(&key);

	if (!bc)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (add_binding(bc, (unsigned)i, &coa) < 0) {
			fprintf(stderr, "bench_lma: binding %zu not added\n", i);
			return 1;
		}
	uint64_t ns = bench_now_ns() - t0;
	size_t rss = bench_rss_bytes() - rss0;

	printf("%8zu  %8zu %8zu %12.1f %12.1f %10zu %9.2f\n", n, bce_n_sessions(bc),
	       bce_n_prefixes(bc), (double)bce_mem_bytes(bc) / (double)n,
	       (double)rss / (double)n, sizeof(struct lma_policy),
	       (double)ns / 1e3 / (double)n);
	bce_free(bc);
	return 0;
}

/* "show bindings" of n registered sessions, page by page as `pmipemu ctl`
 * follows "next" (issue 10, item 5): every session comes out once, each
 * page within the control socket's 64 KB answer. */
static int cmd_show(size_t n)
{
	static char out[65536];
	struct wire reg;
	struct mh_msg m;
	struct lma *l = lma_for(n);
	size_t from = 0, got = 0, pages = 0, biggest = 0;

	wire_init(&reg, n);
	for (size_t i = 0; i < n; i++) {
		bench_pbu(&m, (unsigned)i, 1, NULL, MH_HI_ATTACH_NEW_IFACE, BENCH_REG_RT_NS);
		wire_put(&reg, i, &m);
	}
	struct phase r = run_engine(l, &reg, n, 600e9, BENCH_REG_RT_NS, NULL);
	uint64_t t0 = bench_now_ns();
	for (;;) {
		int len = lma_show_bindings_from(l, 0, from, out, sizeof(out));
		json_object *o = len < 0 ? NULL : json_tokener_parse(out), *v;
		if (!o) {
			fprintf(stderr, "bench_lma: page from %zu: %s\n", from, out);
			return 1;
		}
		pages++;
		biggest = (size_t)len > biggest ? (size_t)len : biggest;
		got += json_object_array_length(json_object_object_get(o, "sessions"));
		bool more = json_object_object_get_ex(o, "next", &v) && v;
		from = more ? (size_t)json_object_get_int64(v) : from;
		json_object_put(o);
		if (!more)
			break;
	}
	uint64_t ns = bench_now_ns() - t0;
	printf("%8zu sessions registered, %zu listed in %zu pages (largest %zu bytes) "
	       "in %.2f s\n", r.accepted, got, pages, biggest, (double)ns / 1e9);
	lma_free(l);
	wire_fini(&reg);
	return got == r.accepted && r.accepted == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "rate"))
		return cmd_rate(strtoul(argv[2], NULL, 10), atof(argv[3]));
	if (argc == 3 && !strcmp(argv[1], "mem"))
		return cmd_mem(strtoul(argv[2], NULL, 10));
	if (argc == 3 && !strcmp(argv[1], "show"))
		return cmd_show(strtoul(argv[2], NULL, 10));
	fprintf(stderr, "usage: bench_lma rate N MAX_S | bench_lma mem N | bench_lma show N\n");
	return 2;
}
