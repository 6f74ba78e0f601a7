/*
 * test_lma_prefix_set.c - problem statement section 2.2 (a) and (b) at
 * the LMA: a re-registration (HI 5) of an interface's session naming only
 * some of its prefixes removes the others; one naming new prefixes that no
 * session routes adds them; errors (a prefix of another MN, a prefix of
 * another session) leave everything held in place. MN3 holds two static
 * prefixes on interface C (lma_fixture.h); the pool serves additions.
 */
#include "lma_fixture.h"

static void setup_on(void)
{
	fixture_config();
	C.prefix_update = true;
	fixture_start();
}

TestSuite(lma_prefix_set, .init = setup_on, .fini = teardown);

static struct mh_prefix P1, P2, P4;

static void mn3_on_mag1(void)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_C, NULL);

	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	P1 = pfx("2001:db8:300:1::", 64);
	P2 = pfx("2001:db8:300:2::", 64);
	P4 = pfx("2001:db8:100:4::", 64);       /* in the pool, nobody's */
}

static const struct in6_addr *peer_of(const struct mh_prefix *p)
{
	static struct in6_addr h;

	h = host_in(p, 1);
	return lma_downlink_peer(L, &h);
}

static void refresh_naming(uint16_t seq, const struct mh_prefix *p, unsigned n, uint64_t now)
{
	struct mh_msg m = pbu(MN3, seq, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_C, &p[0]);

	m.group[0].n_hnp = (uint8_t)n;
	memcpy(m.group[0].hnp, p, sizeof(p[0]) * n);
	input(&MAG1, &m, now);
}

/* (a): the PBA names P1 alone, P2 is no longer routed, P1 untouched. */
Test(lma_prefix_set, hi_5_naming_some_prefixes_removes_the_others)
{
	mn3_on_mag1();
	refresh_naming(2, &P1, 1, SEC);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert_eq(the_pba()->group[0].n_hnp, 1);
	cr_assert(!memcmp(&the_pba()->group[0].hnp[0].prefix, &P1.prefix, 16));
	cr_assert(addr_is(peer_of(&P1), &MAG1));
	cr_assert_null(peer_of(&P2), "P2 is not routed any more");
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 1, "P2's route, and only it");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	/* the next refresh naming P1 alone is a plain refresh */
	refresh_naming(3, &P1, 1, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
}

/* (b): P4 joins the session; P1 and P2 keep their routes. */
Test(lma_prefix_set, hi_5_naming_a_new_prefix_adds_it)
{
	struct mh_prefix set[3];

	mn3_on_mag1();
	set[0] = P1, set[1] = P2, set[2] = P4;
	refresh_naming(2, set, 3, SEC);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert_eq(the_pba()->group[0].n_hnp, 3);
	cr_assert(addr_is(peer_of(&P4), &MAG1));
	cr_assert(addr_is(peer_of(&P1), &MAG1));
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
	/* and removed again: back to P1, P2 */
	refresh_naming(3, set, 2, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	cr_assert_null(peer_of(&P4));
}

/* Issue 11 item 3: adding another MN's prefix is 155, nothing changes. */
Test(lma_prefix_set, adding_a_prefix_of_another_mn_is_155)
{
	struct mh_prefix set[2];

	mn3_on_mag1();
	set[0] = P1, set[1] = pfx("2001:db8:200:1::", 64);       /* MN2's */
	refresh_naming(2, set, 2, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
	cr_assert(addr_is(peer_of(&P1), &MAG1));
	cr_assert(addr_is(peer_of(&P2), &MAG1), "P2 is still held");
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
}

/* Off (RFC 5213 alone): the same removal is 159 and nothing changes. */
Test(lma_prefix_set, off_a_changed_set_is_159)
{
	C.prefix_update = false;
	fixture_start();
	mn3_on_mag1();
	refresh_naming(2, &P1, 1, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
	cr_assert(addr_is(peer_of(&P2), &MAG1));
}

/* A set with none of the session's prefixes is no (a)/(b): RFC 5213's 159
 * (HI 1, the other HIs' rules are unchanged). */
Test(lma_prefix_set, hi_1_with_another_set_is_still_159)
{
	struct mh_msg m = pbu(MN3, 2, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_C, &P1);

	mn3_on_mag1();
	m = pbu(MN3, 2, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_C, &P1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
	cr_assert(addr_is(peer_of(&P2), &MAG1));
}
