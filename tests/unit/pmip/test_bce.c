/*
 * test_bce.c - the binding model (nodes/pmip/bce.c, bce_prefix.c, hash.c):
 * keys, prefix route sets, moves, dormant routes, deadlines, scale.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pmip/bce.h"

static const struct hash_key seed = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };
static const uint8_t mac_b[6] = { 2, 0, 0, 0, 0, 0xb };

static struct bce_key key(const char *mn, const uint8_t *ll, uint8_t att, uint16_t bid)
{
	struct bce_key k = {
		.mn_id = (const uint8_t *)mn, .mn_id_len = (uint8_t)strlen(mn),
		.ll_id = ll, .ll_id_len = ll ? 6 : 0, .att = att, .bid = bid,
	};
	return k;
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad test address %s", s);
	return a;
}

Test(hash, siphash24_matches_reference_vectors)
{
	/* SipHash paper, appendix A: key 00..0f, message 00..0e. */
	struct hash_key k;
	uint8_t kb[16], msg[15];

	for (int i = 0; i < 16; i++)
		kb[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	memcpy(&k.k0, kb, 8);   /* little-endian host assumed, as the vectors */
	memcpy(&k.k1, kb + 8, 8);
	cr_assert_eq(hash_siphash24(&k, msg, 15), 0xa129ca6149be45e5ULL);
	cr_assert_eq(hash_siphash24(&k, msg, 0), 0x726fdb47dd0e0e31ULL);
}

Test(bce, session_found_by_full_key_only)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key k = key("mn1@example.org", mac_a, MH_ATT_WLAN, 0);
	struct bce_session *s = bce_session_add(bc, &k);

	cr_assert_not_null(s);
	cr_assert_eq(bce_find_session(bc, &k), s);
	struct bce_key other_if = key("mn1@example.org", mac_b, MH_ATT_WLAN, 0);
	struct bce_key other_att = key("mn1@example.org", mac_a, MH_ATT_3GPP_EUTRAN, 0);
	struct bce_key other_bid = key("mn1@example.org", mac_a, MH_ATT_WLAN, 7);
	struct bce_key other_mn = key("mn2@example.org", mac_a, MH_ATT_WLAN, 0);
	cr_assert_null(bce_find_session(bc, &other_if));
	cr_assert_null(bce_find_session(bc, &other_att));
	cr_assert_null(bce_find_session(bc, &other_bid));
	cr_assert_null(bce_find_session(bc, &other_mn));
	other_bid.any_bid = true;
	cr_assert_eq(bce_find_session(bc, &other_bid), s, "any_bid ignores the BID");
	bce_free(bc);
}

Test(bce, duplicate_session_key_is_refused)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key k = key("mn1", mac_a, 4, 0);

	cr_assert_not_null(bce_session_add(bc, &k));
	cr_assert_null(bce_session_add(bc, &k));
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(bce_n_sessions(bc), 1);
	bce_free(bc);
}

Test(bce, two_interfaces_of_one_mn_are_two_sessions_of_one_mn)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key ka = key("mn1", mac_a, 4, 0), kb = key("mn1", mac_b, 4, 0);
	struct bce_session *a = bce_session_add(bc, &ka), *b = bce_session_add(bc, &kb);

	cr_assert(a && b && a != b);
	cr_assert_eq(a->mn, b->mn);
	cr_assert_eq(a->mn->n_session, 2);
	cr_assert_eq(bce_n_mns(bc), 1);
	cr_assert_eq(bce_find_mn(bc, (const uint8_t *)"mn1", 3), a->mn);
	bce_session_del(bc, a);
	cr_assert_eq(bce_n_mns(bc), 1);
	bce_session_del(bc, b);
	cr_assert_eq(bce_n_mns(bc), 0);
	cr_assert_null(bce_find_mn(bc, (const uint8_t *)"mn1", 3));
	bce_free(bc);
}

Test(bce, prefix_lookup_by_address_at_registered_length)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key k = key("mn1", mac_a, 4, 0);
	struct bce_session *s = bce_session_add(bc, &k);
	struct in6_addr p64 = a6("2001:db8:100:1::"), p56 = a6("2001:db8:200::");

	cr_assert_eq(bce_prefix_bind(bc, s, &p64, 64), 0);
	cr_assert_eq(bce_prefix_bind(bc, s, &p56, 56), 0);
	struct in6_addr in64 = a6("2001:db8:100:1::1234"), in56 = a6("2001:db8:200:ab::1");
	struct in6_addr out = a6("2001:db8:100:2::1");
	cr_assert_not_null(bce_lookup_addr(bc, &in64));
	cr_assert_eq(bce_lookup_addr(bc, &in64)->len, 64);
	cr_assert_eq(bce_lookup_addr(bc, &in56)->len, 56);
	cr_assert_null(bce_lookup_addr(bc, &out));
	cr_assert_null(bce_find_prefix(bc, &p64, 63));
	bce_free(bc);
}

Test(bce, shared_prefix_has_ordered_routes_and_survives_one_session)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key ka = key("mn1", mac_a, 4, 0), kb = key("mn1", mac_b, 8, 0);
	struct bce_session *a = bce_session_add(bc, &ka), *b = bce_session_add(bc, &kb);
	struct in6_addr p = a6("2001:db8:1:1::");

	cr_assert_eq(bce_prefix_bind(bc, a, &p, 64), 0);
	cr_assert_eq(bce_prefix_bind(bc, b, &p, 64), 0);
	struct bce_prefix *x = bce_find_prefix(bc, &p, 64);
	cr_assert_eq(x->n_route, 2);
	cr_assert_eq(x->route[0], a);
	cr_assert_eq(bce_prefix_downlink(x), a);
	a->state = BCE_STATE_DEREGISTERED;
	cr_assert_eq(bce_prefix_downlink(x), b, "a deregistered route is skipped");
	bce_session_del(bc, a);
	cr_assert_eq(bce_find_prefix(bc, &p, 64), x);
	cr_assert_eq(x->n_route, 1);
	bce_session_del(bc, b);
	cr_assert_null(bce_find_prefix(bc, &p, 64));
	cr_assert_eq(bce_n_prefixes(bc), 0);
	bce_free(bc);
}

Test(bce, prefix_move_keeps_route_position)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key ka = key("mn1", mac_a, 4, 0), kb = key("mn1", mac_b, 4, 0),
		       kc = key("mn1", NULL, 4, 3);
	struct bce_session *a = bce_session_add(bc, &ka), *b = bce_session_add(bc, &kb),
			   *c = bce_session_add(bc, &kc);
	struct in6_addr p = a6("2001:db8:1:1::"), q = a6("2001:db8:1:2::");

	bce_prefix_bind(bc, a, &p, 64);
	bce_prefix_bind(bc, a, &q, 64);
	bce_prefix_bind(bc, b, &p, 64);
	struct bce_prefix *x = bce_find_prefix(bc, &p, 64);
	cr_assert_eq(bce_prefix_move(bc, x, a, c), 0);
	cr_assert_eq(x->route[0], c, "moved route takes a's place");
	cr_assert_eq(x->route[1], b);
	cr_assert_eq(a->n_prefix, 1, "subset move: a keeps q");
	cr_assert(bce_session_has_prefix(c, x));
	cr_assert_eq(bce_prefix_move(bc, x, a, c), -1);
	cr_assert_eq(errno, ENOENT);
	bce_free(bc);
}

Test(bce, dormant_route_takes_downlink_until_restored)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key ka = key("mn1", mac_a, 4, 0), kb = key("mn1", mac_b, 8, 0);
	struct bce_session *a = bce_session_add(bc, &ka), *b = bce_session_add(bc, &kb);
	struct in6_addr p = a6("2001:db8:1:1::");

	bce_prefix_bind(bc, a, &p, 64);
	struct bce_prefix *x = bce_find_prefix(bc, &p, 64);
	cr_assert_eq(bce_prefix_activate_dormant(x), -1, "no backup yet");
	bce_prefix_set_dormant(x, b);
	cr_assert_eq(bce_prefix_downlink(x), a, "a dormant route stays dormant");
	cr_assert_eq(bce_prefix_activate_dormant(x), 0);
	cr_assert_eq(bce_prefix_downlink(x), b);
	bce_prefix_restore(x);
	cr_assert_eq(bce_prefix_downlink(x), a);
	bce_prefix_activate_dormant(x);
	bce_session_del(bc, b);
	cr_assert_null(x->dormant, "deleting the backup session clears it");
	cr_assert_eq(bce_prefix_downlink(x), a);
	bce_free(bc);
}

Test(bce, session_holds_at_most_hnp_max_prefixes)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key k = key("mn1", mac_a, 4, 0);
	struct bce_session *s = bce_session_add(bc, &k);
	struct in6_addr p = a6("2001:db8:1::");

	for (int i = 0; i < MH_HNP_MAX; i++) {
		p.s6_addr[7] = (uint8_t)i;
		cr_assert_eq(bce_prefix_bind(bc, s, &p, 64), 0);
	}
	p.s6_addr[7] = 0xff;
	cr_assert_eq(bce_prefix_bind(bc, s, &p, 64), -1);
	cr_assert_eq(errno, ENOSPC);
	cr_assert_null(bce_find_prefix(bc, &p, 64), "refused prefix leaves no entry");
	cr_assert_eq(s->n_prefix, MH_HNP_MAX);
	bce_free(bc);
}

Test(bce, deadlines_come_out_earliest_first)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_session *s[5];
	const uint64_t d[5] = { 50, 10, 40, 20, 30 };
	char id[8];

	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "mn%d", i);
		struct bce_key k = key(id, NULL, 4, 0);
		s[i] = bce_session_add(bc, &k);
		bce_set_deadline(bc, s[i], d[i]);
	}
	bce_set_deadline(bc, s[4], 5);          /* re-arm moves it up */
	bce_set_deadline(bc, s[2], BCE_NO_DEADLINE);
	cr_assert_eq(bce_next_deadline(bc), 5);
	cr_assert_null(bce_expired(bc, 4));
	const uint64_t want[] = { 5, 10, 20, 50 };
	for (int i = 0; i < 4; i++) {
		struct bce_session *e = bce_expired(bc, 100);
		cr_assert_not_null(e);
		cr_assert_eq(e->deadline_ns, want[i]);
		bce_session_del(bc, e);
	}
	cr_assert_eq(bce_next_deadline(bc), BCE_NO_DEADLINE);
	bce_free(bc);
}

Test(bce, memory_count_returns_to_base_after_deletes)
{
	struct bce_cache *bc = bce_new(&seed);
	struct bce_key k = key("mn1", mac_a, 4, 0);
	struct in6_addr p = a6("2001:db8:1::");

	struct bce_session *s0 = bce_session_add(bc, &k);
	bce_prefix_bind(bc, s0, &p, 64);
	bce_session_del(bc, s0);
	size_t base = bce_mem_bytes(bc);   /* bucket arrays now exist */
	struct bce_session *s = bce_session_add(bc, &k);
	for (int i = 0; i < 5; i++) {
		p.s6_addr[7] = (uint8_t)i;
		bce_prefix_bind(bc, s, &p, 64);
	}
	cr_assert_gt(bce_mem_bytes(bc), base + 5 * sizeof(struct bce_prefix));
	bce_session_del(bc, s);
	cr_assert_eq(bce_mem_bytes(bc), base);
	bce_free(bc);
}

/* The LMA's data plane looks up a prefix per packet: a million sessions
 * must insert and look up in seconds (no timing assertion). */
Test(bce, million_sessions_insert_and_lookup, .timeout = 60)
{
	struct bce_cache *bc = bce_new(&seed);
	/* Sanitizers make each allocation several times dearer: a fifth of
	 * the sessions still checks the same code under ASan/UBSan. */
#if defined(__SANITIZE_ADDRESS__)
	enum { N = 200000 };
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	enum { N = 200000 };
#else
	enum { N = 1000000 };
#endif
#else
	enum { N = 1000000 };
#endif
	char id[32];
	struct in6_addr p = a6("2001:db8::");
	unsigned failed = 0, wrong = 0;

	/* Counters, not an assertion per iteration: Criterion's asserts cost
	 * more than the cache operations measured here. */
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(id, sizeof(id), "mn%u@example.org", i);
		struct bce_key k = key(id, mac_a, 4, 0);
		k.mn_id_len = (uint8_t)n;
		struct bce_session *s = bce_session_add(bc, &k);
		p.s6_addr[4] = (uint8_t)(i >> 24); p.s6_addr[5] = (uint8_t)(i >> 16);
		p.s6_addr[6] = (uint8_t)(i >> 8);  p.s6_addr[7] = (uint8_t)i;
		if (!s || bce_prefix_bind(bc, s, &p, 64) < 0) {
			failed++;
			continue;
		}
		bce_set_deadline(bc, s, 1000 + i);
	}
	cr_assert_eq(failed, 0);
	cr_assert_eq(bce_n_sessions(bc), N);
	cr_assert_eq(bce_n_prefixes(bc), N);
	for (uint32_t i = 0; i < N; i += 7) {
		struct in6_addr a = p;
		a.s6_addr[4] = (uint8_t)(i >> 24); a.s6_addr[5] = (uint8_t)(i >> 16);
		a.s6_addr[6] = (uint8_t)(i >> 8);  a.s6_addr[7] = (uint8_t)i;
		a.s6_addr[15] = 1;
		struct bce_prefix *x = bce_lookup_addr(bc, &a);
		int n = snprintf(id, sizeof(id), "mn%u@example.org", i);
		if (!x || x->route[0]->mn->id_len != n ||
		    memcmp(x->route[0]->mn->id, id, n) != 0)
			wrong++;
	}
	cr_assert_eq(wrong, 0);
	cr_assert_eq(bce_next_deadline(bc), 1000);
	cr_log_info("bce: %zu sessions, %zu bytes, %zu bytes/session", bce_n_sessions(bc),
		    bce_mem_bytes(bc), bce_mem_bytes(bc) / bce_n_sessions(bc));
	bce_free(bc);
}

struct page_seen {
	uint8_t *hits;                  /* by session id */
	size_t calls;
};

static void page_cb(void *arg, const struct bce_session *s)
{
	struct page_seen *p = arg;

	p->hits[s->id]++;
	p->calls++;
}

/* `show bindings` pages with a cursor (issue 10): following the returned
 * bucket lists every session once, each page at least max sessions but the
 * last, and a page passes only what it lists (no walk from the start). */
Test(bce, paged_walk_lists_every_session_once)
{
	struct bce_cache *bc = bce_new(&seed);
	char mn[16];
	size_t n = 1000, next = 0, pages = 0, max_id = 0;

	for (size_t i = 0; i < n; i++) {
		snprintf(mn, sizeof(mn), "mn%zu", i);
		struct bce_key k = key(mn, mac_a, 4, 0);
		struct bce_session *s = bce_session_add(bc, &k);
		cr_assert_not_null(s);
		max_id = s->id > max_id ? s->id : max_id;
	}
	struct page_seen p = { .hits = calloc(max_id + 1, 1) };
	while (next < bce_session_buckets(bc)) {
		size_t before = p.calls, from = next;

		next = bce_foreach_session_from(bc, from, 7, page_cb, &p);
		cr_assert_gt(next, from, "the cursor moves on");
		if (next < bce_session_buckets(bc))
			cr_assert_geq(p.calls - before, 7, "a full page but the last");
		cr_assert_lt(p.calls - before, 7 + 16, "a page is what it lists");
		pages++;
	}
	cr_assert_eq(p.calls, n);
	for (size_t i = 0; i <= max_id; i++)
		cr_assert_leq(p.hits[i], 1, "session %zu listed twice", i);
	cr_assert_geq(pages, n / (7 + 16));
	free(p.hits);
	bce_free(bc);
}
