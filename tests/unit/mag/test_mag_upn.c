/*
 * test_mag_upn.c - section 2.2 network-initiated at the MAG (mag_upn.c):
 * an RFC 7077 Update Notification (reason FLOW-MOBILITY, RFC 7864) naming
 * the set an MN interface is to hold is acknowledged (UPA, sequence number
 * copied) and registered with one PBU (HI 2 when it brings prefixes in,
 * HI 5 when it only drops some); a UPN about an MN not here, or with
 * another reason, gets an error status and no PBU.
 */
#include <criterion/criterion.h>

#include "mag_testlib.h"

TestSuite(mag_upn, .init = tsetup, .fini = tteardown);

#define MN_A "mn-a@example.org"

static struct mh_prefix pf(const char *s)
{
	struct mh_prefix p = { .len = 64, .prefix = a6(s) };
	return p;
}

static void setup_p1_p2(void)
{
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), 0, 100, "2001:db8:100:1::");
	r.group[0].n_hnp = 2;
	r.group[0].hnp[1] = pf("2001:db8:100:2::");
	pba(&r, 1000);
}

static struct mh_msg upn(const uint8_t ll[6], const char *const *hnp, unsigned n)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_UPN);
	m.seq = 41;
	m.upn_reason = MH_UPN_REASON_FLOW_MOBILITY;
	m.upn_flags = MH_UPN_A;
	cr_assert_eq(mh_set_mn_id(&m, MN_A), 0);
	m.group[0].has_mn_ll_id = true;
	m.group[0].mn_ll_id_len = 6;
	memcpy(m.group[0].mn_ll_id, ll, 6);
	for (unsigned i = 0; i < n; i++)
		m.group[0].hnp[m.group[0].n_hnp++] = pf(hnp[i]);
	return m;
}

static void input(const struct mh_msg *m)
{
	struct in6_addr src = tcfg.lmaa;
	mag_acts_reset(ta);
	cr_assert_eq(mag_input_upn(tm, &src, m, 2 * S_NS, ta), 0);
}

/* The actions' messages: UPA first, then the PBU. */
static const struct mh_msg *msg(size_t i)
{
	return i < ta->n_pbu ? &ta->pbu[i] : NULL;
}

Test(mag_upn, upn_bringing_a_prefix_in_is_acked_then_registered_with_hi_2)
{
	static const char *const set[] = { "2001:db8:100:1::", "2001:db8:100:2::",
					   "2001:db8:100:3::" };
	setup_p1_p2();
	struct mh_msg u = upn(LL_A1, set, 3);
	input(&u);
	cr_assert_eq(ta->n_pbu, 2, "a UPA and a PBU");
	cr_assert_eq(msg(0)->type, MH_TYPE_UPA);
	cr_assert_eq(msg(0)->seq, 41, "RFC 7077: the UPN's sequence number");
	cr_assert_eq(msg(0)->status, MH_UPA_STATUS_SUCCESS);
	cr_assert_eq(msg(1)->type, MH_TYPE_BU);
	cr_assert_eq(msg(1)->group[0].hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	cr_assert_eq(msg(1)->group[0].n_hnp, 3);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1, "P3 routed with the PBU");
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0, "advertised only on the PBA");
	struct mh_msg r = make_pba(msg(1), 0, 100, NULL);
	pba(&r, 2 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_gt(count_acts(MAG_ACT_SEND_RA), 0);
}

Test(mag_upn, upn_dropping_a_prefix_is_hi_5)
{
	static const char *const set[] = { "2001:db8:100:1::" };
	setup_p1_p2();
	struct mh_msg u = upn(LL_A1, set, 1);
	input(&u);
	cr_assert_eq(ta->n_pbu, 2);
	cr_assert_eq(msg(1)->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert_eq(msg(1)->group[0].n_hnp, 1);
}

Test(mag_upn, upn_about_an_mn_not_here_is_129_and_nothing_else)
{
	static const char *const set[] = { "2001:db8:100:1::" };
	setup_p1_p2();
	struct mh_msg u = upn(LL_A2, set, 1);
	input(&u);
	cr_assert_eq(ta->n_pbu, 1);
	cr_assert_eq(msg(0)->type, MH_TYPE_UPA);
	cr_assert_eq(msg(0)->status, MH_UPA_STATUS_MN_NOT_ATTACHED);
	cr_assert_eq(mag_find_session(tm, MN_A, LL_A1)->n_hnp, 2);
}

Test(mag_upn, other_reason_is_128_and_no_pbu)
{
	static const char *const set[] = { "2001:db8:100:1::" };
	setup_p1_p2();
	struct mh_msg u = upn(LL_A1, set, 1);
	u.upn_reason = MH_UPN_REASON_FORCE_REREGISTRATION;
	input(&u);
	cr_assert_eq(ta->n_pbu, 1);
	cr_assert_eq(msg(0)->status, MH_UPA_STATUS_REASON_UNSPECIFIED);
}

Test(mag_upn, upn_from_elsewhere_is_ignored)
{
	static const char *const set[] = { "2001:db8:100:1::" };
	struct in6_addr other = a6("2001:db8:9::9");
	setup_p1_p2();
	struct mh_msg u = upn(LL_A1, set, 1);
	mag_acts_reset(ta);
	cr_assert_eq(mag_input_upn(tm, &other, &u, 2 * S_NS, ta), 0);
	cr_assert_eq(ta->n_pbu, 0);
	cr_assert_eq(mag_stats(tm)->upn_ignored, 1);
}

Test(mag_upn, upn_naming_the_held_set_is_acked_without_a_pbu)
{
	static const char *const set[] = { "2001:db8:100:1::", "2001:db8:100:2::" };
	setup_p1_p2();
	struct mh_msg u = upn(LL_A1, set, 2);
	input(&u);
	cr_assert_eq(ta->n_pbu, 1);
	cr_assert_eq(msg(0)->status, MH_UPA_STATUS_SUCCESS);
}
