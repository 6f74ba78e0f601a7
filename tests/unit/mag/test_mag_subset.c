/*
 * test_mag_subset.c - section 2.2 (c) at the MAG, MAG-initiated: hand off
 * some, not all, prefixes of one MN interface to its other interface on
 * this MAG (HI 2 naming them); the giving interface keeps the rest, loses
 * the moved ones only on acceptance, and errors change nothing.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mag_testlib.h"

TestSuite(mag_subset, .init = tsetup, .fini = tteardown);

#define MN_A "mn-a@example.org"

static struct mh_prefix pf(const char *s)
{
	struct mh_prefix p = { .len = 64, .prefix = a6(s) };
	return p;
}

/* A1 on eth1 holds P1 and P2, A2 on wlan1 holds P3. */
static void setup_two(void)
{
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), 0, 100, "2001:db8:100:1::");
	r.group[0].n_hnp = 2;
	r.group[0].hnp[1] = pf("2001:db8:100:2::");
	pba(&r, 1000);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:3::", S_NS);
}

Test(mag_subset, pbu_names_the_receiving_prefixes_and_only_the_moved_one)
{
	const char *why = NULL;
	struct mh_prefix p2 = pf("2001:db8:100:2::");

	setup_two();
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff_subset(tm, MN_A, LL_A1, LL_A2, &p2, 1, 2 * S_NS, ta, &why),
		     0, "%s", why);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->group[0].hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	cr_assert_eq(p->group[0].n_hnp, 2, "P3 (own) and P2 (moved), not P1");
	cr_assert(!memcmp(&p->group[0].hnp[1].prefix, &p2.prefix, 16));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0, "nothing moves before the PBA");
	cr_assert_eq(mag_find_session(tm, MN_A, LL_A1)->n_hnp, 2);
}

Test(mag_subset, accepted_subset_moves_one_route_and_keeps_the_rest)
{
	const char *why = NULL;
	struct mh_prefix p2 = pf("2001:db8:100:2::");

	setup_two();
	mag_acts_reset(ta);
	mag_handoff_subset(tm, MN_A, LL_A1, LL_A2, &p2, 1, 2 * S_NS, ta, &why);
	struct mh_msg r = make_pba(nth_pbu(0), 0, 100, NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	cr_assert_eq(nth_act(MAG_ACT_ROUTE_DEL, 0)->ifindex, IF_ETH);
	cr_assert_eq(nth_act(MAG_ACT_ROUTE_ADD, 0)->ifindex, IF_WLAN);
	const struct mag_bul *a1 = mag_find_session(tm, MN_A, LL_A1);
	cr_assert_not_null(a1, "the giving session stays");
	cr_assert_eq(a1->n_hnp, 1);
	struct in6_addr h1 = a6("2001:db8:100:1::7"), h2 = a6("2001:db8:100:2::7");
	cr_assert_eq(mag_find_by_addr(tm, &h1)->ifindex, IF_ETH);
	cr_assert_eq(mag_find_by_addr(tm, &h2)->ifindex, IF_WLAN);
	/* the old interface is told P2 is gone there (lifetimes 0) */
	const struct mag_act *wd = NULL;
	for (size_t i = 0; (wd = nth_act(MAG_ACT_SEND_RA, i)); i++)
		if (wd->ifindex == IF_ETH)
			break;
	cr_assert_not_null(wd);
	cr_assert_eq(wd->valid_s, 0);
	cr_assert_eq(wd->n_hnp, 1);
	cr_assert_gt(wd->router_lifetime_s, 0, "still the router for P1");
}

Test(mag_subset, errors_are_clear_and_change_nothing)
{
	const char *why = NULL;
	struct mh_prefix p9 = pf("2001:db8:100:9::");
	struct mh_prefix both[2] = { pf("2001:db8:100:1::"), pf("2001:db8:100:2::") };

	setup_two();
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff_subset(tm, MN_A, LL_A1, LL_A2, &p9, 1, 2 * S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "FROM_LLID does not hold a named prefix");
	cr_assert_eq(mag_handoff_subset(tm, MN_A, LL_A1, LL_A2, both, 2, 2 * S_NS, ta, &why), -1);
	cr_assert_str_eq(why, "that is every prefix of FROM_LLID: use handoff without prefixes");
	cr_assert_eq(mag_handoff_subset(tm, MN_A, LL_A1, LL_A1, both, 1, 2 * S_NS, ta, &why), -1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_eq(mag_find_session(tm, MN_A, LL_A1)->n_hnp, 2);
}

Test(mag_subset, refused_subset_keeps_everything_where_it_was)
{
	const char *why = NULL;
	struct mh_prefix p2 = pf("2001:db8:100:2::");

	setup_two();
	mag_acts_reset(ta);
	mag_handoff_subset(tm, MN_A, LL_A1, LL_A2, &p2, 1, 2 * S_NS, ta, &why);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX,
				   100, NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL) + count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_eq(mag_find_session(tm, MN_A, LL_A1)->n_hnp, 2);
	cr_assert_eq(mag_find_session(tm, MN_A, LL_A2)->n_hnp, 1);
}
