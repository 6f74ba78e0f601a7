/*
 * test_lma_fh.c - appendix D fast handover at the LMA: dormant routes
 * installed when the MN's second interface registers through another MAG,
 * each MAG told by a Handover Initiate (RFC 5568 6.2.1 format, RFC 5949
 * P/F flags, peer in an Alternate Care-of Address option), HAck matching,
 * activation on deregistration, uplink through the dormant route, return.
 */
#include "lma_fixture.h"

TestSuite(lma_fh, .init = setup, .fini = teardown);

static void fh_on(void)
{
	fixture_config();
	C.fast_handover = true;
	fixture_start();
}

/* The nth message of type t sent by the last input. */
static const struct lma_action *sent(uint8_t t, size_t nth)
{
	for (size_t i = 0; i < A.n; i++)
		if (A.v[i].type == LMA_ACT_SEND_PBA && A.v[i].pba.msg.type == t &&
		    nth-- == 0)
			return &A.v[i];
	return NULL;
}

static size_t n_sent(uint8_t t)
{
	size_t n = 0;

	while (sent(t, n))
		n++;
	return n;
}

static const struct lma_action *hi_to(const struct in6_addr *mag)
{
	for (size_t i = 0; sent(MH_TYPE_HI, i); i++)
		if (addr_is(&sent(MH_TYPE_HI, i)->pba.dst, mag))
			return sent(MH_TYPE_HI, i);
	return NULL;
}

static struct mh_prefix pfx_of(void)
{
	const struct lma_action *a = sent(MH_TYPE_BA, 0);

	cr_assert_not_null(a);
	cr_assert_eq(a->pba.msg.status, 0);
	return a->pba.msg.group[0].hnp[0];
}

/* A at MAG1 (WLAN), B at MAG2 (E-UTRAN): two interfaces, two MAGs. */
static void two_mags(struct mh_prefix *pa, struct mh_prefix *pb)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);

	input(&MAG1, &m, 0);
	*pa = pfx_of();
	m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG2, &m, SEC / 10);
	*pb = pfx_of();
}

static struct mh_msg hack(uint16_t seq, uint8_t code)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HACK);
	m.seq = seq;
	m.hi_code = code;
	cr_assert_eq(mh_set_mn_id(&m, MN1), 0);
	return m;
}

Test(lma_fh, second_interface_installs_dormant_routes_both_ways, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct bce_prefix *xa = bce_find_prefix(lma_bce(L), &pa.prefix, 64);
	struct bce_prefix *xb = bce_find_prefix(lma_bce(L), &pb.prefix, 64);

	cr_assert(xa->dormant && addr_is(&xa->dormant->proxy_coa, &MAG2));
	cr_assert(xb->dormant && addr_is(&xb->dormant->proxy_coa, &MAG1));
	cr_assert(!xa->dormant_active && !xb->dormant_active, "installed, not active");
	cr_assert_eq(count_event(LMA_EV_DORMANT_INSTALLED), 2);
	struct in6_addr h = host_in(&pa, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1), "downlink unchanged");
}

Test(lma_fh, each_mag_gets_a_handover_initiate_naming_the_other, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	cr_assert_eq(n_sent(MH_TYPE_HI), 2);
	const struct mh_msg *to1 = &hi_to(&MAG1)->pba.msg, *to2 = &hi_to(&MAG2)->pba.msg;

	/* MAG1 serves A: told B's prefix and MAG2's address */
	cr_assert_eq(to1->hi_flags, MH_HINIT_P | MH_HINIT_F);
	cr_assert(to1->has_mn_id && to1->mn_id_len == strlen(MN1));
	cr_assert(!memcmp(to1->group[0].mn_ll_id, MAC_A, 6));
	cr_assert_eq(to1->group[0].n_hnp, 1);
	cr_assert(addr_is(&to1->group[0].hnp[0].prefix, &pb.prefix));
	cr_assert(to1->has_alt_coa && addr_is(&to1->alt_coa, &MAG2));
	cr_assert(!memcmp(to2->group[0].mn_ll_id, MAC_B, 6));
	cr_assert(addr_is(&to2->group[0].hnp[0].prefix, &pa.prefix));
	cr_assert(addr_is(&to2->alt_coa, &MAG1));
	cr_assert_neq(to1->seq, to2->seq);
}

/* RFC 5213 baseline: both interfaces register (two PBAs, accepted, each
 * prefix routed to its own MAG), and nothing of appendix D happens. */
Test(lma_fh, without_fast_handover_no_dormant_route_and_no_hi)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);     /* pfx_of asserts each PBA accepted */
	cr_assert_eq(n_sent(MH_TYPE_HI), 0);
	cr_assert_null(bce_find_prefix(lma_bce(L), &pa.prefix, 64)->dormant);
	cr_assert_null(bce_find_prefix(lma_bce(L), &pb.prefix, 64)->dormant);
	struct in6_addr ha = host_in(&pa, 1), hb = host_in(&pb, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &ha), &MAG1));
	cr_assert(addr_is(lma_downlink_peer(L, &hb), &MAG2));
	cr_assert_eq(count_event(LMA_EV_DORMANT_INSTALLED), 0);
}

/* Both interfaces behind MAG1: each is registered (accepted PBA, prefix
 * routed to MAG1), but there is no other MAG to hand over to, so no HI
 * and no dormant route (appendix D is between MAGs). */
Test(lma_fh, two_interfaces_behind_one_mag_get_no_hi, .init = fh_on)
{
	register_a(0);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	input(&MAG1, &m, SEC);
	struct mh_prefix pb = pfx_of();
	struct in6_addr hb = host_in(&pb, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &hb), &MAG1));
	cr_assert_eq(n_sent(MH_TYPE_HI), 0);
	cr_assert_null(bce_find_prefix(lma_bce(L), &pb.prefix, 64)->dormant);
}

Test(lma_fh, acknowledged_hi_is_not_repeated_on_refresh, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct mh_msg h1 = hack(hi_to(&MAG1)->pba.msg.seq, MH_HACK_ACCEPTED);
	struct mh_msg h2 = hack(hi_to(&MAG2)->pba.msg.seq, MH_HACK_ACCEPTED);

	input(&MAG1, &h1, SEC);
	cr_assert_eq(count_event(LMA_EV_HACK_RECEIVED), 1);
	input(&MAG2, &h2, SEC);
	cr_assert_eq(lma_stats(L)->hack_received, 2);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &pa);

	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(n_sent(MH_TYPE_BA), 1);
	cr_assert_eq(n_sent(MH_TYPE_HI), 0, "both MAGs acknowledged");
}

Test(lma_fh, unacknowledged_hi_goes_again_with_the_next_refresh, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &pa);

	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(n_sent(MH_TYPE_HI), 2, "neither MAG answered");
}

Test(lma_fh, refused_or_unmatched_hack_leaves_it_unacknowledged, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	uint16_t s1 = hi_to(&MAG1)->pba.msg.seq;
	struct mh_msg h = hack(s1, MH_HACK_NOT_ACCEPTED);

	input(&MAG1, &h, SEC);
	cr_assert_eq(lma_stats(L)->hack_refused, 1);
	h = hack(s1, MH_HACK_ACCEPTED);
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, &MAG2, &h, SEC, REALTIME, &A), -1,
		     "HAck from the wrong MAG");
	h = hack((uint16_t)(s1 + 100), MH_HACK_ACCEPTED);
	cr_assert_eq(lma_input_pbu(L, &MAG1, &h, SEC, REALTIME, &A), -1, "wrong seq");
	cr_assert_eq(lma_stats(L)->hack_unmatched, 2);
}

Test(lma_fh, deregistration_activates_the_installed_dormant_route, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);

	input(&MAG1, &m, SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_ACTIVATED), 1);
	struct in6_addr h = host_in(&pa, 1);

	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_ADD, 0);

	cr_assert(r && addr_is(&r->route.peer, &MAG2));
	cr_assert(addr_is(&r->route.prefix.prefix, &pa.prefix));
}

Test(lma_fh, uplink_through_the_dormant_route_is_accepted_before_activation,
     .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct in6_addr h = host_in(&pa, 1);

	/* the MN moved its uplink off the dead link before MAG1's
	 * deregistration arrived */
	cr_assert_eq(lma_uplink_check(L, &MAG2, &h), 0);
	cr_assert_eq(lma_uplink_check(L, &MAG3, &h), -1, "others still refused");
}

Test(lma_fh, without_fast_handover_uplink_from_other_mag_is_refused)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct in6_addr h = host_in(&pa, 1);

	cr_assert_eq(lma_uplink_check(L, &MAG2, &h), -1);
}

Test(lma_fh, reregistration_returns_traffic_and_tells_the_mag_again, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	struct mh_msg h = hack(hi_to(&MAG1)->pba.msg.seq, MH_HACK_ACCEPTED);

	input(&MAG1, &h, SEC / 2);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);

	input(&MAG1, &m, SEC);
	m = pbu(MN1, 3, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_RESTORED), 1);
	struct in6_addr ha = host_in(&pa, 1);

	cr_assert(addr_is(lma_downlink_peer(L, &ha), &MAG1));
	cr_assert_not_null(hi_to(&MAG1), "MAG1 lost its state with the binding");
	struct bce_prefix *xa = bce_find_prefix(lma_bce(L), &pa.prefix, 64);

	cr_assert(xa->dormant && !xa->dormant_active, "dormant again, not active");
}

Test(lma_fh, without_return_the_prefix_stays_on_the_backup, .init = fh_on)
{
	struct mh_prefix pa, pb;

	C.fast_handover_return = false;
	fixture_start();
	two_mags(&pa, &pb);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);

	input(&MAG1, &m, SEC);
	m = pbu(MN1, 3, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_RESTORED), 0);
	struct in6_addr ha = host_in(&pa, 1);

	cr_assert(addr_is(lma_downlink_peer(L, &ha), &MAG2));
}

/* The MAG returns its peer forwarding when the HI comes: the PBA must be
 * ahead of it, or packets the LMA already sent to that MAG find no path
 * between the two (seen as one packet lost at the return). */
Test(lma_fh, pba_goes_out_before_the_handover_initiate, .init = fh_on)
{
	struct mh_prefix pa, pb;

	two_mags(&pa, &pb);
	size_t pba_at = A.n, hi_at = A.n;
	for (size_t i = 0; i < A.n; i++) {
		if (A.v[i].type != LMA_ACT_SEND_PBA || !addr_is(&A.v[i].pba.dst, &MAG2))
			continue;
		if (A.v[i].pba.msg.type == MH_TYPE_BA && pba_at == A.n)
			pba_at = i;
		if (A.v[i].pba.msg.type == MH_TYPE_HI && hi_at == A.n)
			hi_at = i;
	}
	cr_assert_lt(pba_at, A.n, "no PBA to MAG2");
	cr_assert_lt(hi_at, A.n, "no HI to MAG2");
	cr_assert_lt(pba_at, hi_at, "the HI went out before the PBA");
}
