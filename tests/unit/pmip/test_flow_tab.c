/*
 * test_flow_tab.c - the LMA's flow table (nodes/pmip/flow_tab.c,
 * flow_rule.c): rule grammar, match order (prio, then addition), refusals
 * that change nothing, removal, weighted per-flow choice, the flow cache.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pmip/flow_tab.h"

static const struct hash_key hk = { 0x1111, 0x2222 };

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct flow_rule rule(const char *text)
{
	struct flow_rule r;
	const char *why = NULL;

	cr_assert_eq(flow_rule_parse(text, &r, &why), 0, "%s: %s", text, why);
	return r;
}

static uint32_t add(struct flow_tab *t, const char *text)
{
	struct flow_rule r = rule(text);
	const char *why = NULL;

	cr_assert_eq(flow_tab_add(t, &r, &why), 0, "%s: %s", text, why);
	return r.id;
}

static const char *refused(struct flow_tab *t, const char *text)
{
	struct flow_rule r = rule(text);
	const char *why = NULL;
	size_t n = flow_tab_n_rules(t);

	cr_assert_eq(flow_tab_add(t, &r, &why), -1, "accepted: %s", text);
	cr_assert_eq(flow_tab_n_rules(t), n, "a refusal changes nothing");
	return why;
}

static const struct in6_addr P1 = { .s6_addr = { 0x20, 1, 0xd, 0xb8, 1, 0, 0, 1 } };

static const struct flow_rule *classify(struct flow_tab *t, uint16_t sport, uint16_t dport,
					uint64_t *h)
{
	struct flow_key k = { .src = a6("2001:db8:c::1"), .dst = a6("2001:db8:100:1::9"),
			      .proto = 17, .has_ports = true, .sport = sport, .dport = dport };
	uint64_t dummy;

	return flow_tab_classify(t, &P1, 64, &k, h ? h : &dummy);
}

Test(flow_rule, grammar_one_fallback_and_any)
{
	struct flow_rule r = rule("prefix 2001:db8:100:1::/64 id 7 prio 10 udp dport 5004 "
				  "-> g3 fallback wlan0");
	char out[FLOW_RULE_TEXT_MAX];

	cr_assert_eq(r.id, 7);
	cr_assert_eq(r.prio, 10);
	cr_assert_eq(r.mode, FLOW_MODE_ONE);
	cr_assert_eq(r.n_target, 2);
	cr_assert_str_eq(r.target[1].name, "wlan0");
	flow_rule_format(&r, out, sizeof(out));
	cr_assert_str_eq(out, "prefix 2001:db8:100:1::/64 id 7 prio 10 udp dport 5004 -> g3 "
			      "fallback wlan0");
	r = rule("prefix 2001:db8:100:1::5/64 any -> any g3:1 02:00:00:00:aa:01=3");
	cr_assert_eq(r.mode, FLOW_MODE_ANY);
	cr_assert_eq(r.prio, FLOW_PRIO_DEFAULT);
	cr_assert_eq(r.target[1].weight, 3);
	cr_assert_str_eq(r.target[1].name, "02:00:00:00:aa:01", "a MAC is a name");
	cr_assert(!memcmp(&r.prefix, &P1, 16), "host bits cleared");
}

Test(flow_rule, bad_rules_say_why)
{
	const char *bad[][2] = {
		{ "udp -> g3", "prefix" },
		{ "prefix 2001:db8::/64 udp", "->" },
		{ "prefix 2001:db8::/64 udp -> ", "->" },
		{ "prefix 2001:db8::/64 id 0 -> g3", "id" },
		{ "prefix 2001:db8::/64 prio 70000 -> g3", "prio" },
		{ "prefix 2001:db8::/64 -> g3 wlan0", "fallback" },
		{ "prefix 2001:db8::/64 -> any a b c d e", "4 targets" },
		{ "prefix 2001:db8::/64 -> any a=0", "WEIGHT" },
		{ "prefix 2001:db8::/64 dport x -> g3", "dport" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct flow_rule r;
		const char *why = NULL;

		cr_assert_eq(flow_rule_parse(bad[i][0], &r, &why), -1, "accepted %s", bad[i][0]);
		cr_assert(why && strstr(why, bad[i][1]), "%s: '%s'", bad[i][0], why);
	}
}

Test(flow_tab, first_match_by_prio_then_addition)
{
	struct flow_tab *t = flow_tab_new(&hk);
	uint32_t wide = add(t, "prefix 2001:db8:100:1::/64 prio 50 udp -> wlan0");
	uint32_t audio = add(t, "prefix 2001:db8:100:1::/64 prio 10 udp dport 5004 -> g3");

	cr_assert_eq(classify(t, 1, 5004, NULL)->id, audio, "lower prio first");
	cr_assert_eq(classify(t, 1, 6000, NULL)->id, wide);
	struct flow_key k = { .dst = a6("2001:db8:100:2::1"), .proto = 17 };
	uint64_t h;
	struct in6_addr p2 = a6("2001:db8:100:2::");
	cr_assert_null(flow_tab_classify(t, &p2, 64, &k, &h), "other prefix: no rule");
	flow_tab_free(t);
}

Test(flow_tab, overlap_at_same_prio_is_refused)
{
	struct flow_tab *t = flow_tab_new(&hk);

	add(t, "prefix 2001:db8:100:1::/64 udp dport 5000-5010 -> g3");
	cr_assert(strstr(refused(t, "prefix 2001:db8:100:1::/64 udp dport 5010 -> wlan0"),
			 "overlaps"));
	add(t, "prefix 2001:db8:100:1::/64 udp dport 5011 -> wlan0");
	add(t, "prefix 2001:db8:100:1::/64 prio 200 udp dport 5010 -> wlan0");
	add(t, "prefix 2001:db8:100:2::/64 udp dport 5000-5010 -> wlan0");
	cr_assert(strstr(refused(t, "prefix 2001:db8:100:1::/64 id 1 tcp -> g3"), "id"));
	cr_assert(strstr(refused(t, "prefix 2001:db8:100:1::/64 tcp -> any a b=2 a"), "twice"));
	cr_assert_eq(flow_tab_n_rules(t), 4);
	flow_tab_free(t);
}

Test(flow_tab, removal_forgets_cached_answers)
{
	struct flow_tab *t = flow_tab_new(&hk);
	uint32_t id = add(t, "prefix 2001:db8:100:1::/64 udp dport 5004 -> g3");

	cr_assert_eq(classify(t, 1, 5004, NULL)->id, id);
	cr_assert_eq(classify(t, 1, 5004, NULL)->id, id);
	cr_assert_eq(flow_tab_stats(t)->cache_hits, 1);
	cr_assert_eq(flow_tab_find(t, id)->hits, 2);
	cr_assert_eq(flow_tab_del(t, id), 0);
	cr_assert_eq(flow_tab_del(t, id), -1, "gone");
	cr_assert_null(classify(t, 1, 5004, NULL), "no stale cache answer");
	cr_assert(!flow_tab_has_prefix(t, &P1, 64), "empty prefix dropped");
	cr_assert_eq(flow_tab_n_rules(t), 0);
	flow_tab_free(t);
}

Test(flow_tab, weights_share_flows_and_a_flow_keeps_its_target)
{
	struct flow_tab *t = flow_tab_new(&hk);
	bool both[2] = { true, true }, second[2] = { false, true };
	unsigned n[2] = { 0 };

	add(t, "prefix 2001:db8:100:1::/64 udp -> any g3=1 wlan0=3");
	for (uint16_t sp = 1; sp <= 4000; sp++) {
		uint64_t h;
		const struct flow_rule *r = classify(t, sp, 9, &h);
		int i = flow_rule_pick(r, r->n_target, both, h);

		cr_assert(i == 0 || i == 1);
		n[i]++;
		uint64_t h2;
		const struct flow_rule *r2 = classify(t, sp, 9, &h2);
		cr_assert_eq(flow_rule_pick(r2, 2, both, h2), i,
			     "every packet of a flow takes the same target");
		cr_assert_eq(flow_rule_pick(r, 2, second, h), 1, "only usable targets");
	}
	/* 1:3 of 4000 flows: expect 1000 +- 5 sigma (sigma ~ 27) */
	cr_assert(n[0] > 860 && n[0] < 1140, "share g3 %u of 4000", n[0]);
	bool none[2] = { false, false };
	uint64_t h;
	const struct flow_rule *r = classify(t, 1, 9, &h);
	cr_assert_eq(flow_rule_pick(r, 2, none, h), -1);
	flow_tab_free(t);
}

Test(flow_tab, any_without_names_shares_over_the_callers_sessions)
{
	struct flow_rule r = rule("prefix 2001:db8::/64 -> any");
	bool u[3] = { true, true, true };
	unsigned n[3] = { 0 };

	for (uint64_t f = 0; f < 3000; f++)
		n[flow_rule_pick(&r, 3, u, f * 0x9e3779b97f4a7c15ULL)]++;
	for (int i = 0; i < 3; i++)
		cr_assert(n[i] > 800, "session %d got %u of 3000", i, n[i]);
}

Test(flow_tab, many_rules_many_prefixes)
{
	struct flow_tab *t = flow_tab_new(&hk);
	char text[128];

	for (unsigned i = 0; i < 20000; i++) {
		snprintf(text, sizeof(text), "prefix 2001:db8:%x:%x::/64 udp dport %u -> g3",
			 i >> 8, i & 0xff, 1000 + i % 7);
		add(t, text);
	}
	cr_assert_eq(flow_tab_n_rules(t), 20000);
	struct flow_key k = { .dst = a6("2001:db8:4e:1f::1"), .proto = 17, .has_ports = true,
			      .dport = 1000 + (0x4e1f % 7) };
	struct in6_addr p = a6("2001:db8:4e:1f::");
	uint64_t h;
	cr_assert_not_null(flow_tab_classify(t, &p, 64, &k, &h));
	cr_assert_eq(flow_tab_stats(t)->rule_walk_steps, 1, "one rule of that prefix walked");
	flow_tab_free(t);
}

static int pick(struct flow_tab *t, uint16_t sport, const bool *usable)
{
	uint64_t h;
	const struct flow_rule *r = classify(t, sport, 9, &h);
	struct flow_key k = { .src = a6("2001:db8:c::1"), .dst = a6("2001:db8:100:1::9"),
			      .proto = 17, .has_ports = true, .sport = sport, .dport = 9 };

	return flow_tab_pick(t, r, &k, h, r->n_target, usable);
}

Test(flow_tab, pinning_splits_a_few_flows_exactly_by_weight)
{
	struct flow_tab *t = flow_tab_new(&hk);
	bool both[2] = { true, true };
	unsigned n[2] = { 0 };

	add(t, "prefix 2001:db8:100:1::/64 udp -> any g3=1 wlan0=2");
	for (uint16_t f = 1; f <= 6; f++)
		n[pick(t, f, both)]++;
	cr_assert_eq(n[0], 2, "g3 got %u of 6 flows", n[0]);
	cr_assert_eq(n[1], 4);
	cr_assert_eq(flow_tab_n_pins(t), 6);
	flow_tab_free(t);
}

Test(flow_tab, a_pinned_flow_keeps_its_target_until_it_is_unusable)
{
	struct flow_tab *t = flow_tab_new(&hk);
	bool both[2] = { true, true }, only1[2] = { false, true };

	add(t, "prefix 2001:db8:100:1::/64 udp -> any g3 wlan0");
	int first = pick(t, 7, both);
	for (uint16_t f = 100; f < 140; f++)
		pick(t, f, both);
	cr_assert_eq(pick(t, 7, both), first, "other flows do not move it");
	cr_assert_eq(pick(t, 7, only1), 1, "its target went: pinned again");
	cr_assert_eq(pick(t, 7, both), 1, "and stays there");
	flow_tab_free(t);
}

struct ref_ctx {
	const struct flow_rule *v[512];
	size_t n;
};

static void collect(void *arg, const struct flow_rule *r)
{
	struct ref_ctx *c = arg;

	c->v[c->n++] = r;
}

/* A random rule of prefix 2001:db8:100:1::/64 into text: one of the first
 * `kinds` selector shapes (exact ports or addresses, a port range, a
 * protocol, nothing, then two-field ones), values below `vals`, a prio of
 * RND(prios) * step. */
static void random_rule(uint32_t *seed, unsigned kinds, unsigned vals, unsigned prios,
			unsigned step, char *text, size_t cap)
{
#define R(m) ((*seed = *seed * 1103515245u + 12345u) >> 8) % (m)
	unsigned k = R(kinds), a = R(vals), b = a + R(4), c = b + R(4), prio = R(prios) * step;
#undef R
	char sel[96];

	switch (k) {
	case 0: snprintf(sel, sizeof(sel), "udp dport %u", a); break;
	case 1: snprintf(sel, sizeof(sel), "udp sport %u", a); break;
	case 2: snprintf(sel, sizeof(sel), "src 2001:db8:c::%x", a); break;
	case 3: snprintf(sel, sizeof(sel), "dst 2001:db8:100:1::%x", a); break;
	case 4: snprintf(sel, sizeof(sel), "udp dport %u-%u", a, b); break;
	case 5: snprintf(sel, sizeof(sel), "tcp"); break;
	case 7: snprintf(sel, sizeof(sel), "udp src 2001:db8:c::%x dport %u", a, b); break;
	case 8: snprintf(sel, sizeof(sel), "udp sport %u dport %u-%u", a, b, c); break;
	default: snprintf(sel, sizeof(sel), "any"); break;
	}
	snprintf(text, cap, "prefix 2001:db8:100:1::/64 prio %u %s -> g3", prio, sel);
}

/* The index (flow_index.c) gives what a walk of every rule in match order
 * gives: random rules of every kind (exact ports, addresses, ranges, none)
 * and prios, random packets, some rules removed. */
Test(flow_tab, index_answers_as_a_full_walk_would)
{
	struct flow_tab *t = flow_tab_new(&hk);
	uint32_t seed = 99;
	char text[200];
	unsigned added = 0;

#define RND(m) ((seed = seed * 1103515245u + 12345u) >> 8) % (m)
	for (unsigned i = 0; i < 400; i++) {
		random_rule(&seed, 7, 8, 4, 10, text, sizeof(text));
		struct flow_rule r;
		const char *why;
		cr_assert_eq(flow_rule_parse(text, &r, &why), 0, "%s: %s", text, why);
		added += flow_tab_add(t, &r, &why) == 0;  /* overlaps are refused */
		if (RND(5) == 0 && added)
			flow_tab_del(t, 1 + RND(i + 1));
	}
	cr_assert_gt(flow_tab_n_rules(t), 5, "enough rules survive");
	struct ref_ctx c = { .n = 0 };
	flow_tab_foreach(t, collect, &c);
	for (unsigned n = 0; n < 3000; n++) {
		struct flow_key k = { .proto = 17 };
		uint64_t h;

		if (RND(2))
			k.proto = 6;
		k.has_ports = RND(8) != 0;
		k.sport = (uint16_t)RND(10);
		k.dport = (uint16_t)RND(10);

		inet_pton(AF_INET6, "2001:db8:c::", &k.src);
		inet_pton(AF_INET6, "2001:db8:100:1::", &k.dst);
		k.src.s6_addr[15] = (uint8_t)RND(10);
		k.dst.s6_addr[15] = (uint8_t)RND(10);
		k.flow_label = n;       /* a new flow each time: no cache */
		const struct flow_rule *want = NULL;
		for (size_t i = 0; i < c.n && !want; i++)
			if (flow_sel_match(&c.v[i]->sel, &k))
				want = c.v[i];
		const struct flow_rule *got = flow_tab_classify(t, &P1, 64, &k, &h);
		cr_assert_eq(got ? got->id : 0, want ? want->id : 0, "packet %u", n);
	}
#undef RND
	flow_tab_free(t);
}

/* The overlap check through the index (flow_ix_overlap) refuses exactly
 * what a check against every rule of the prefix would: random rules naming
 * one, two or no fields exactly or as ranges, at random prios, some
 * removed between adds. */
Test(flow_tab, indexed_overlap_check_agrees_with_a_full_walk)
{
	struct flow_tab *t = flow_tab_new(&hk);
	uint32_t seed = 7;
	unsigned accepted = 0, overlapping = 0;

#define RND(m) ((seed = seed * 1103515245u + 12345u) >> 8) % (m)
	for (unsigned i = 0; i < 1500; i++) {
		char text[200];

		random_rule(&seed, 9, 12, 3, 1, text, sizeof(text));
		struct flow_rule r = rule(text);
		struct ref_ctx c = { .n = 0 };
		bool want_refused = false;

		cr_assert_lt(flow_tab_n_rules(t), 512, "collect's room");
		flow_tab_foreach(t, collect, &c);
		for (size_t j = 0; j < c.n && !want_refused; j++)
			want_refused = c.v[j]->prio == r.prio && flow_sel_overlap(&c.v[j]->sel, &r.sel);
		const char *why = NULL;
		int rc = flow_tab_add(t, &r, &why);
		cr_assert_eq(rc, want_refused ? -1 : 0, "%s: %s", text, why ? why : "accepted");
		accepted += rc == 0;
		overlapping += want_refused;
		if (RND(4) == 0 && flow_tab_n_rules(t) > 0) {
			c.n = 0;
			flow_tab_foreach(t, collect, &c);
			flow_tab_del(t, c.v[RND(c.n)]->id);
		}
	}
#undef RND
	cr_assert_gt(accepted, 50);
	cr_assert_gt(overlapping, 50, "both answers occur");
	flow_tab_free(t);
}
