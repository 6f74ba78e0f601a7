/*
 * lma_fixture.h - a configured LMA engine and PBU builders for the LMA
 * tests. Header-only (static), included by each tests/unit/lma/test_*.c.
 */
#ifndef PMIPEMU_LMA_FIXTURE_H
#define PMIPEMU_LMA_FIXTURE_H

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <string.h>

#include "lma/lma.h"

/* Not every test file uses every helper. */
#define FIXTURE_FN static __attribute__((unused))
#define SEC 1000000000ULL
#define MN1 "mn1@example.org"
#define MN2 "mn2@example.org"
#define MN3 "mn3@example.org"

static const uint8_t MAC_A[6] = { 2, 0, 0, 0, 1, 0xa };
static const uint8_t MAC_B[6] = { 2, 0, 0, 0, 1, 0xb };
static const uint8_t MAC_C[6] = { 2, 0, 0, 0, 1, 0xc };

static struct lma *L;
static struct lma_actions A;
static struct lma_config C;
static struct in6_addr MAG1, MAG2, MAG3, LMAA;
static struct in6_addr mags_buf[2];
static struct lma_policy pol_buf[8];
static uint64_t REALTIME = 1700000000ULL * SEC;

FIXTURE_FN struct in6_addr addr(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "bad address %s", s);
	return a;
}

FIXTURE_FN struct mh_prefix pfx(const char *s, uint8_t len)
{
	struct mh_prefix p = { .len = len, .prefix = addr(s) };

	return p;
}

/* Profiles: MN1 has interfaces A (WLAN) and B (E-UTRAN), pool prefixes;
 * MN2 has a static prefix; MN3 has two static prefixes on interface C. */
FIXTURE_FN void fixture_config(void)
{
	lma_config_init(&C);
	MAG1 = addr("2001:db8:0:1::1");
	MAG2 = addr("2001:db8:0:2::1");
	MAG3 = addr("2001:db8:0:3::1");        /* not authorized */
	LMAA = addr("2001:db8::1");
	C.lmaa = LMAA;
	mags_buf[0] = MAG1;
	mags_buf[1] = MAG2;
	C.mags = mags_buf;
	C.n_mags = 2;
	C.pool = pfx("2001:db8:100::", 48);
	C.pool_plen = 64;
	memset(pol_buf, 0, sizeof(pol_buf));
	strcpy(pol_buf[0].mn_id, MN1);
	pol_buf[0].has_ll_id = true;
	memcpy(pol_buf[0].ll_id, MAC_A, 6);
	pol_buf[0].att = MH_ATT_WLAN;
	strcpy(pol_buf[1].mn_id, MN1);
	pol_buf[1].has_ll_id = true;
	memcpy(pol_buf[1].ll_id, MAC_B, 6);
	pol_buf[1].att = MH_ATT_3GPP_EUTRAN;
	strcpy(pol_buf[2].mn_id, MN2);
	pol_buf[2].n_hnp = 1;
	pol_buf[2].hnp[0] = pfx("2001:db8:200:1::", 64);
	strcpy(pol_buf[3].mn_id, MN3);
	pol_buf[3].has_ll_id = true;
	memcpy(pol_buf[3].ll_id, MAC_C, 6);
	pol_buf[3].n_hnp = 2;
	pol_buf[3].hnp[0] = pfx("2001:db8:300:1::", 64);
	pol_buf[3].hnp[1] = pfx("2001:db8:300:2::", 64);
	C.policies = pol_buf;
	C.n_policies = 4;
	C.hash_seed.k0 = 1;
	C.hash_seed.k1 = 2;
}

FIXTURE_FN void fixture_start(void)
{
	const char *why = NULL;

	/* A test that reconfigures runs after the suite's init (Criterion
	 * treats .init = NULL as unset): replace that engine. */
	lma_free(L);
	lma_actions_fini(&A);
	L = lma_new(&C, &why);
	cr_assert_not_null(L, "lma_new: %s", why);
	lma_actions_init(&A);
}

FIXTURE_FN void setup(void)
{
	fixture_config();
	fixture_start();
}

FIXTURE_FN void teardown(void)
{
	lma_free(L);
	L = NULL;
	lma_actions_fini(&A);
}

/* A PBU of one group: MN-ID, MN-LL-ID (ll may be NULL), HI, ATT, one HNP
 * (NULL = ALL_ZERO, "assign one"). */
FIXTURE_FN struct mh_msg pbu(const char *mn, uint16_t seq, uint32_t lifetime_s, uint8_t hi,
			 uint8_t att, const uint8_t *ll, const struct mh_prefix *hnp)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BU);
	m.bu_flags = MH_BU_A | MH_BU_P;
	m.seq = seq;
	m.lifetime = (uint16_t)(lifetime_s / 4);
	if (mn)
		cr_assert_eq(mh_set_mn_id(&m, mn), 0);
	struct mh_group *g = &m.group[0];

	g->has_hi = true;
	g->hi = hi;
	g->has_att = true;
	g->att = att;
	if (ll) {
		g->has_mn_ll_id = true;
		g->mn_ll_id_len = 6;
		memcpy(g->mn_ll_id, ll, 6);
	}
	g->n_hnp = 1;
	if (hnp)
		g->hnp[0] = *hnp;
	return m;
}

FIXTURE_FN void input(const struct in6_addr *src, const struct mh_msg *m, uint64_t now_ns)
{
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, src, m, now_ns, REALTIME + now_ns, &A), 0);
}

FIXTURE_FN void tick(uint64_t now_ns)
{
	lma_actions_clear(&A);
	lma_timer(L, now_ns, &A);
}

FIXTURE_FN const struct lma_action *find_act(enum lma_action_type t, size_t nth)
{
	for (size_t i = 0; i < A.n; i++)
		if (A.v[i].type == t && nth-- == 0)
			return &A.v[i];
	return NULL;
}

FIXTURE_FN size_t count_act(enum lma_action_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < A.n; i++)
		n += A.v[i].type == t;
	return n;
}

FIXTURE_FN size_t count_event(enum lma_event e)
{
	size_t n = 0;

	for (size_t i = 0; i < A.n; i++)
		n += A.v[i].type == LMA_ACT_EVENT && A.v[i].event.ev == e;
	return n;
}

FIXTURE_FN const char *event_json(enum lma_event e)
{
	for (size_t i = 0; i < A.n; i++)
		if (A.v[i].type == LMA_ACT_EVENT && A.v[i].event.ev == e)
			return A.v[i].event.json;
	return NULL;
}

/* The one PBA of the last input. */
FIXTURE_FN const struct mh_msg *the_pba(void)
{
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1, "expected one PBA, got %zu",
		     count_act(LMA_ACT_SEND_PBA));
	return &find_act(LMA_ACT_SEND_PBA, 0)->pba.msg;
}

FIXTURE_FN bool addr_is(const struct in6_addr *a, const struct in6_addr *b)
{
	return a && b && memcmp(a, b, sizeof(*a)) == 0;
}

/* Register MN1's interface A at MAG1 and return its prefix. */
FIXTURE_FN struct mh_prefix register_a(uint64_t now_ns)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);

	input(&MAG1, &m, now_ns);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, PBA_STATUS_ACCEPTED, "status %u", p->status);
	cr_assert_eq(p->group[0].n_hnp, 1);
	return p->group[0].hnp[0];
}

FIXTURE_FN struct in6_addr host_in(const struct mh_prefix *p, uint8_t last)
{
	struct in6_addr a = p->prefix;

	a.s6_addr[15] = last;
	return a;
}

#endif
