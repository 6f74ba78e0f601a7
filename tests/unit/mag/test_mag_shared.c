/*
 * test_mag_shared.c - a MAG serving one interface of an MN whose prefix P1
 * is shared with the MN's other interface behind another MAG (problem
 * statement section 3, appendix B): the PBA gives P1 with the interface's
 * own P2; the MAG advertises both, routes both to the MN's link and
 * accepts the MN's uplink from both (RFC 5213 6.9.1.2, 6.10.5). Nothing
 * in the PBA says "shared": the LMA's policy decides (doc/protocol.md).
 */
#include "mag_testlib.h"

TestSuite(mag_shared, .init = tsetup, .fini = tteardown);

static void register_with_two_prefixes(void)
{
	attach(IF_WLAN, LL_A2, S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	struct mh_msg r = make_pba(p, PBA_STATUS_ACCEPTED, 100, "2001:db8:100:1::");
	r.group[0].n_hnp = 2;
	r.group[0].hnp[1].len = 64;
	r.group[0].hnp[1].prefix = a6("2001:db8:100:2::");
	pba(&r, S_NS + 1000);
}

Test(mag_shared, pba_with_a_shared_prefix_routes_and_advertises_both)
{
	register_with_two_prefixes();
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 2, "P1 and P2 to the MN's link");
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(nth_act(MAG_ACT_ROUTE_ADD, i)->ifindex, IF_WLAN);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra);
	cr_assert_eq(ra->n_hnp, 2, "both prefixes advertised");
}

Test(mag_shared, uplink_from_the_shared_prefix_is_the_sessions)
{
	register_with_two_prefixes();
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A2);
	struct in6_addr h1 = a6("2001:db8:100:1::ca:11"), h2 = a6("2001:db8:100:2::ca:11");

	cr_assert_not_null(b);
	cr_assert_eq(mag_find_by_addr(tm, &h1), b, "source in P1: accepted");
	cr_assert_eq(mag_find_by_addr(tm, &h2), b);
	struct in6_addr other = a6("2001:db8:100:3::1");
	cr_assert_null(mag_find_by_addr(tm, &other), "a prefix it was not given");
}
