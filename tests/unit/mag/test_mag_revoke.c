/*
 * test_mag_revoke.c - Binding Revocation at the MAG (RFC 5846): a BRI from
 * the LMA withdraws the prefixes (RA lifetimes 0), removes routes and the
 * session, and is acknowledged; a BRI from elsewhere is ignored; bulk BRI
 * on shutdown.
 */
#include "mag_testlib.h"

TestSuite(mag_revoke, .init = tsetup, .fini = tteardown);

static struct mh_msg make_bri(const char *mn, const char *hnp, uint16_t flags)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BR);
	m.br_type = MH_BR_TYPE_BRI;
	m.br_trigger = MH_BR_TRIGGER_INTER_MAG_SAME_ATT;
	m.br_flags = flags;
	m.seq = 321;
	if (mn)
		mh_set_mn_id(&m, mn);
	if (hnp) {
		m.group[0].n_hnp = 1;
		m.group[0].hnp[0].len = 64;
		m.group[0].hnp[0].prefix = a6(hnp);
	}
	return m;
}

static void br_in(const struct mh_msg *m, const struct in6_addr *src, uint64_t now)
{
	mag_acts_reset(ta);
	cr_assert_eq(mag_input_br(tm, src, m, now, ta), 0);
}

Test(mag_revoke, bri_withdraws_the_prefix_removes_routes_and_session_and_is_acked)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	struct mh_msg bri = make_bri("mn-a@example.org", "2001:db8:100:1::", MH_BR_P);

	br_in(&bri, &tcfg.lmaa, S_NS);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_geq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra, "a withdrawal RA");
	cr_assert_eq(ra->valid_s, 0);
	cr_assert_eq(ra->preferred_s, 0);
	cr_assert_eq(ra->router_lifetime_s, 0, "nothing left to route for it here");
	cr_assert_eq(ra->n_hnp, 1);
	const struct mh_msg *bra = nth_pbu(0);
	cr_assert_not_null(bra);
	cr_assert_eq(bra->type, MH_TYPE_BR);
	cr_assert_eq(bra->br_type, MH_BR_TYPE_BRA);
	cr_assert_eq(bra->seq, 321);
	cr_assert_eq(bra->status, MH_BRA_STATUS_SUCCESS);
	cr_assert(bra->br_flags & MH_BR_P);
	cr_assert(!memcmp(&nth_act(MAG_ACT_SEND_PBU, 0)->peer, &tcfg.lmaa, 16));
	uint8_t buf[512];
	const char *why;
	cr_assert_gt(mh_encode(bra, NULL, NULL, buf, sizeof(buf), &why), 0);
}

Test(mag_revoke, bri_for_an_unknown_binding_is_answered_128)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	struct mh_msg bri = make_bri("mn-b@example.org", NULL, MH_BR_P);

	br_in(&bri, &tcfg.lmaa, S_NS);
	cr_assert_eq(nth_pbu(0)->status, MH_BRA_STATUS_BINDING_DOES_NOT_EXIST);
	cr_assert_not_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}

Test(mag_revoke, bri_from_another_node_than_the_lma_is_ignored)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	struct mh_msg bri = make_bri("mn-a@example.org", NULL, MH_BR_P);
	struct in6_addr other = a6("2001:db8:9::9");

	br_in(&bri, &other, S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_not_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_eq(tm->stats.bri_ignored, 1);
}

Test(mag_revoke, bri_naming_one_of_two_prefixes_keeps_the_session_with_the_other)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	struct mag_bul *b = (struct mag_bul *)mag_find_session(tm, "mn-a@example.org", LL_A1);
	b->hnp[1].len = 64;
	b->hnp[1].prefix = a6("2001:db8:100:7::");
	b->n_hnp = 2;
	struct mh_msg bri = make_bri("mn-a@example.org", "2001:db8:100:7::", MH_BR_P);

	br_in(&bri, &tcfg.lmaa, S_NS);
	b = (struct mag_bul *)mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_not_null(b);
	cr_assert_eq(b->n_hnp, 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_neq(nth_act(MAG_ACT_SEND_RA, 0)->router_lifetime_s, 0);
}

static void revocation_setup(void)
{
	tteardown();
	tcfg_default();
	tcfg.revocation = true;
	tstart();
}

Test(mag_revoke, shutdown_with_revocation_sends_one_bulk_bri, .init = revocation_setup)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:2::", S_NS);
	mag_acts_reset(ta);
	cr_assert_eq(mag_shutdown(tm, 2 * S_NS, ta), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1, "one message for both sessions");
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->type, MH_TYPE_BR);
	cr_assert_eq(p->br_type, MH_BR_TYPE_BRI);
	cr_assert_eq(p->br_flags, MH_BR_P | MH_BR_G);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A2));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 2);
}

Test(mag_revoke, shutdown_without_revocation_deregisters_each_session)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:2::", S_NS);
	mag_acts_reset(ta);
	mag_shutdown(tm, 2 * S_NS, ta);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 2);
	cr_assert_eq(nth_pbu(0)->type, MH_TYPE_BU);
}
