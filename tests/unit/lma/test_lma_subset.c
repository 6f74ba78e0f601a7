/*
 * test_lma_subset.c - problem statement section 2.2 at the LMA, the
 * MAG-initiated half: a PBU with HI 2 naming only some prefixes of an
 * interface moves exactly those (the rest stay), errors leave everything
 * held in place, and a subset handoff racing the old interface's refresh
 * does not bounce the moved prefix back. MN3 holds two static prefixes on
 * interface C (lma_fixture.h).
 */
#include "lma_fixture.h"

TestSuite(lma_subset, .init = setup, .fini = teardown);

static struct mh_prefix P1, P2;

static void mn3_on_mag1(void)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_C, NULL);

	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	P1 = pfx("2001:db8:300:1::", 64);
	P2 = pfx("2001:db8:300:2::", 64);
}

static const struct in6_addr *peer_of(const struct mh_prefix *p)
{
	static struct in6_addr h;

	h = host_in(p, 1);
	return lma_downlink_peer(L, &h);
}

/* (c) hand off P2 only to a newly attached interface A at MAG2 */
static void move_p2_to_mag2(uint64_t now)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_A, &P2);

	input(&MAG2, &m, now);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
}

Test(lma_subset, hi_2_naming_a_subset_moves_only_that_subset)
{
	mn3_on_mag1();
	move_p2_to_mag2(SEC);
	cr_assert_eq(the_pba()->group[0].n_hnp, 1, "the new interface holds P2 alone");
	cr_assert(addr_is(peer_of(&P2), &MAG2));
	cr_assert(addr_is(peer_of(&P1), &MAG1), "P1 never left interface C");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0, "P1's route untouched");
}

/* Section 2.2 item 3: a prefix the MN does not hold is refused (155) and
 * nothing held before is lost. */
Test(lma_subset, moving_a_prefix_the_mn_does_not_hold_is_155)
{
	struct mh_prefix other = pfx("2001:db8:200:1::", 64);     /* MN2's */

	mn3_on_mag1();
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_A, &other);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
	cr_assert(addr_is(peer_of(&P1), &MAG1));
	cr_assert(addr_is(peer_of(&P2), &MAG1));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

/* The race: MAG1 refreshes interface C (HI 5, both prefixes, as it knew
 * them) just after P2 moved to MAG2. The refresh keeps P1 for C and its
 * PBA names P1 alone; P2 stays at MAG2. */
Test(lma_subset, subset_handoff_racing_a_refresh_keeps_the_move)
{
	mn3_on_mag1();
	move_p2_to_mag2(SEC);
	struct mh_msg r = pbu(MN3, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_C, &P1);

	r.group[0].n_hnp = 2;
	r.group[0].hnp[1] = P2;
	input(&MAG1, &r, SEC + 1000000);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert_eq(the_pba()->group[0].n_hnp, 1, "the PBA tells MAG1 what C still holds");
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &P1.prefix));
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	cr_assert(addr_is(peer_of(&P2), &MAG2), "P2 not taken back");
	cr_assert(addr_is(peer_of(&P1), &MAG1));
}

/* The same race the other way: the refresh arrives first, then the
 * handoff; the handoff still moves P2 alone. */
Test(lma_subset, refresh_then_subset_handoff)
{
	mn3_on_mag1();
	struct mh_msg r = pbu(MN3, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_C, &P1);

	r.group[0].n_hnp = 2;
	r.group[0].hnp[1] = P2;
	input(&MAG1, &r, SEC);
	cr_assert_eq(the_pba()->status, 0);
	move_p2_to_mag2(SEC + 1000000);
	cr_assert(addr_is(peer_of(&P2), &MAG2));
	cr_assert(addr_is(peer_of(&P1), &MAG1));
}

/* HI 2 with the ALL_ZERO prefix keeps RFC 5213's meaning (5.4.1.2): every
 * prefix of the MN's one session follows the new interface. */
Test(lma_subset, hi_2_without_prefixes_moves_all_as_rfc_5213)
{
	mn3_on_mag1();
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_A, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	cr_assert(addr_is(peer_of(&P1), &MAG2));
	cr_assert(addr_is(peer_of(&P2), &MAG2));
}
