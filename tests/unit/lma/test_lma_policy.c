/*
 * test_lma_policy.c - the policy profile index (lma_policy.c): with many
 * configured MNs every PBU finds its own profile (static HNP, MN-LL-ID), the
 * pool never hands out another MN's static HNP, and an unknown MN-ID is
 * still refused (152).
 */
#include <stdio.h>
#include <stdlib.h>

#include "lma_fixture.h"

TestSuite(lma_policy, .init = setup, .fini = teardown);

#define MANY 20000

static struct lma_policy *many;

/* MANY profiles "mnI@example.org": even I with static HNP 2001:db8:5:I::/64,
 * odd I from the pool; then the fixture's profiles. */
static void many_start(void)
{
	many = calloc(MANY + 8, sizeof(*many));
	cr_assert_not_null(many);
	for (int i = 0; i < MANY; i++) {
		snprintf(many[i].mn_id, sizeof(many[i].mn_id), "mn%d@example.org", i);
		if (i % 2 == 0) {
			char p[64];
			snprintf(p, sizeof(p), "2001:db8:5:%x::", i);
			many[i].n_hnp = 1;
			many[i].hnp[0] = pfx(p, 64);
		}
	}
	memcpy(&many[MANY], C.policies, C.n_policies * sizeof(*many));
	C.policies = many;
	C.n_policies = MANY + 4;
	/* The pool overlaps the static HNPs: 2001:db8:5::/48. */
	C.pool = pfx("2001:db8:5::", 48);
	fixture_start();
}

Test(lma_policy, every_mn_among_many_gets_its_own_profile)
{
	many_start();
	for (int i = 0; i < MANY; i += 997) {
		char id[64];
		snprintf(id, sizeof(id), "mn%d@example.org", i);
		struct mh_msg m = pbu(id, 1, 3600, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_A, NULL);
		input(&MAG1, &m, SEC);
		const struct mh_msg *pba = the_pba();
		cr_assert_eq(pba->status, PBA_STATUS_ACCEPTED, "%s: status %u", id, pba->status);
		cr_assert_eq(pba->group[0].n_hnp, 1);
		struct in6_addr got = pba->group[0].hnp[0].prefix;
		if (i % 2 == 0) {
			cr_assert(addr_is(&got, &many[i].hnp[0].prefix), "%s: not its static HNP", id);
		} else {
			/* from the pool, but never a prefix reserved for another MN */
			for (int k = 0; k < MANY; k += 2)
				cr_assert_not(addr_is(&got, &many[k].hnp[0].prefix),
					      "%s got mn%d's static HNP", id, k);
		}
	}
	free(many);
}

Test(lma_policy, unknown_mn_among_many_is_refused)
{
	many_start();
	struct mh_msg m = pbu("mn-nobody@example.org", 1, 3600, MH_HI_ATTACH_NEW_IFACE,
			      MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_PROXY_REG_NOT_ENABLED);
	free(many);
}

Test(lma_policy, interface_profile_chosen_by_mn_ll_id)
{
	/* MN1 has two profiles (MAC_A WLAN, MAC_B E-UTRAN): each interface
	 * registers under its own, whatever the index's chain order. */
	struct mh_msg a = pbu(MN1, 1, 3600, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &a, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_ACCEPTED);
	struct mh_msg b = pbu(MN1, 2, 3600, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG1, &b, 2 * SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
}
