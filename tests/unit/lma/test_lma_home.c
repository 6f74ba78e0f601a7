/*
 * test_lma_home.c - the LMA as home agent too (problem statement appendix
 * C, Figure 3): home registrations (RFC 6275 9.5.1, 10.3.1-10.3.2) in the
 * binding cache of the proxy bindings, told apart by BIDs (RFC 5648), and
 * the baseline in which a PBU overwrites the client binding.
 */
#include "lma_fixture.h"

static struct in6_addr COA, HOA, OTHER;
static struct mh_prefix HNP2;

static void home_setup(bool bids)
{
	fixture_config();
	C.home_agent = true;
	C.bids = bids;
	fixture_start();
	COA = addr("2001:db8:ac::10");
	HNP2 = pfx("2001:db8:200:1::", 64);          /* MN2's static prefix */
	HOA = addr("2001:db8:200:1::100");
	OTHER = addr("2001:db8:200:1::5");           /* its WLAN address */
}

static void setup_bids(void) { home_setup(true); }
static void setup_baseline(void) { home_setup(false); }

static struct mh_msg bu(uint16_t seq, uint32_t lifetime_s, uint16_t bid)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BU);
	m.bu_flags = MH_BU_A | MH_BU_H;
	m.seq = seq;
	m.lifetime = (uint16_t)(lifetime_s / 4);
	cr_assert_eq(mh_set_mn_id(&m, MN2), 0);
	if (bid) {
		m.group[0].has_bid = true;
		m.group[0].bid = bid;
		m.group[0].bid_coa_len = 16;
		memcpy(m.group[0].bid_coa, &COA, 16);
	}
	return m;
}

static void input_bu(const struct mh_msg *m, uint64_t now_ns)
{
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_bu_home(L, &COA, &HOA, m, now_ns, &A), 0);
}

/* The one BA of the last input, checked to carry the type 2 RH. */
static const struct mh_msg *the_ba(void)
{
	const struct lma_action *x = find_act(LMA_ACT_SEND_PBA, 0);

	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1);
	cr_assert(x->pba.has_rh2);
	cr_assert(addr_is(&x->pba.home_addr, &HOA));
	cr_assert(addr_is(&x->pba.dst, &COA));
	cr_assert_eq(x->pba.msg.type, MH_TYPE_BA);
	cr_assert_eq(x->pba.msg.ba_flags & MH_BA_P, 0);
	return &x->pba.msg;
}

static void register_home(uint16_t seq, uint16_t bid)
{
	struct mh_msg m = bu(seq, 60, bid);

	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, 0, "status %u", the_ba()->status);
}

/* MN2's WLAN interface through MAG2; bid 0 = the PBU carries none. */
static const struct mh_msg *register_proxy(uint16_t seq, uint16_t bid, uint64_t now_ns)
{
	struct mh_msg m = pbu(MN2, seq, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_B, NULL);

	if (bid) {
		m.group[0].has_bid = true;
		m.group[0].bid = bid;
	}
	input(&MAG2, &m, now_ns);
	return the_pba();
}

TestSuite(lma_home, .init = setup_bids, .fini = teardown);

Test(lma_home, bu_creates_home_binding_ba_with_rh2_and_bid)
{
	register_home(1, 1);
	const struct mh_msg *ba = the_ba();

	cr_assert_eq(ba->lifetime, 15);
	cr_assert(ba->group[0].has_bid);
	cr_assert_eq(ba->group[0].bid, 1);
	cr_assert_eq(ba->group[0].bid_status, 0);
	cr_assert_eq(ba->seq, 1);
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_ADD, 0);

	cr_assert_not_null(r);
	cr_assert_eq(r->route.prefix.len, 128);
	cr_assert(addr_is(&r->route.prefix.prefix, &HOA));
	cr_assert(addr_is(&r->route.peer, &COA));
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	cr_assert_null(lma_downlink_peer(L, &OTHER));
	cr_assert_eq(lma_uplink_check(L, &COA, &HOA), 0);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
	cr_assert_not_null(strstr(event_json(LMA_EV_BCE_CREATED), "\"kind\":\"home\""));
}

Test(lma_home, not_a_home_agent_answers_131)
{
	fixture_config();
	fixture_start();
	COA = addr("2001:db8:ac::10");
	HOA = addr("2001:db8:200:1::100");
	struct mh_msg m = bu(1, 60, 1);

	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, LMA_STATUS_HOME_REG_NOT_SUPPORTED);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
}

Test(lma_home, home_address_outside_home_prefix_answers_132)
{
	struct mh_msg m = bu(1, 60, 1);

	HOA = addr("2001:db8:999::100");
	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, LMA_STATUS_NOT_HOME_SUBNET);
	cr_assert_eq(the_ba()->lifetime, 0);
	cr_assert_eq(the_ba()->group[0].bid_status, LMA_STATUS_NOT_HOME_SUBNET);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
}

Test(lma_home, unknown_mn_answers_133)
{
	struct mh_msg m = bu(1, 60, 1);

	cr_assert_eq(mh_set_mn_id(&m, "nobody@example.org"), 0);
	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, LMA_STATUS_NOT_HA_FOR_THIS_MN);
}

Test(lma_home, without_mn_id_the_home_prefix_names_the_mn)
{
	struct mh_msg m = bu(1, 60, 1);

	m.has_mn_id = false;
	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, 0);
	cr_assert_not_null(bce_find_mn(lma_bce(L), (const uint8_t *)MN2, strlen(MN2)));
}

Test(lma_home, bu_without_h_flag_refused)
{
	struct mh_msg m = bu(1, 60, 1);

	m.bu_flags = MH_BU_A;
	input_bu(&m, 0);
	cr_assert_eq(the_ba()->status, PBA_STATUS_UNSPECIFIED);
}

Test(lma_home, old_sequence_number_answers_135_with_last_accepted)
{
	register_home(10, 1);
	struct mh_msg m = bu(10, 60, 1);

	input_bu(&m, SEC);
	cr_assert_eq(the_ba()->status, LMA_STATUS_SEQ_OUT_OF_WINDOW);
	cr_assert_eq(the_ba()->seq, 10);
	m = bu(9, 60, 1);
	input_bu(&m, SEC);
	cr_assert_eq(the_ba()->status, LMA_STATUS_SEQ_OUT_OF_WINDOW);
}

Test(lma_home, refresh_extends_lifetime)
{
	register_home(1, 1);
	struct mh_msg m = bu(2, 60, 1);

	input_bu(&m, 50 * SEC);
	cr_assert_eq(the_ba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	tick(70 * SEC);                           /* the first lifetime is over */
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	tick(111 * SEC);                          /* the refreshed one too */
	cr_assert_null(lma_downlink_peer(L, &HOA));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
}

Test(lma_home, new_care_of_address_moves_the_tunnel)
{
	register_home(1, 1);
	struct mh_msg m = bu(2, 60, 1);
	struct in6_addr coa2 = addr("2001:db8:ad::20");

	memcpy(m.group[0].bid_coa, &coa2, 16);
	input_bu(&m, SEC);
	cr_assert_eq(the_ba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &coa2));
}

Test(lma_home, figure3_bids_keep_both_bindings)
{
	register_home(1, 1);
	const struct mh_msg *p = register_proxy(1, 0, SEC);

	cr_assert_eq(p->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(count_event(LMA_EV_BID_ASSIGNED), 1);
	cr_assert_not_null(strstr(event_json(LMA_EV_BID_ASSIGNED), "\"bid\":65535"));
	cr_assert_eq(count_event(LMA_EV_BCE_OVERWRITTEN), 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	cr_assert(addr_is(lma_downlink_peer(L, &OTHER), &MAG2));
	cr_assert_eq(lma_uplink_check(L, &COA, &HOA), 0);
	cr_assert_eq(lma_uplink_check(L, &MAG2, &OTHER), 0);
	cr_assert_eq(lma_uplink_check(L, &COA, &OTHER), -1);
}

Test(lma_home, generated_bid_kept_across_proxy_refreshes)
{
	register_home(1, 1);
	register_proxy(1, 0, SEC);
	register_proxy(2, 0, 2 * SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(count_event(LMA_EV_BID_ASSIGNED), 0);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
}

Test(lma_home, reverse_order_proxy_first_then_home)
{
	cr_assert_eq(register_proxy(1, 0, 0)->status, PBA_STATUS_ACCEPTED);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &MAG2));   /* the /64 */
	register_home(1, 1);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	cr_assert(addr_is(lma_downlink_peer(L, &OTHER), &MAG2));
}

Test(lma_home, mn_bid_held_by_proxy_binding_answers_166)
{
	cr_assert_eq(register_proxy(1, 1, 0)->status, PBA_STATUS_ACCEPTED);  /* MAG's BID 1 */
	struct mh_msg m = bu(1, 60, 1);

	input_bu(&m, SEC);
	cr_assert_eq(the_ba()->status, LMA_STATUS_MCOA_PROHIBITED);
	cr_assert_eq(the_ba()->group[0].bid, 1);
	cr_assert_eq(the_ba()->group[0].bid_status, LMA_STATUS_MCOA_PROHIBITED);
	cr_assert_eq(count_event(LMA_EV_BID_COLLISION), 1);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &MAG2));
	m = bu(2, 60, 2);                         /* the MN picks another BID */
	input_bu(&m, 2 * SEC);
	cr_assert_eq(the_ba()->status, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
}

Test(lma_home, mag_bid_held_by_home_binding_gets_generated_one)
{
	register_home(1, 1);
	cr_assert_eq(register_proxy(1, 1, SEC)->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(count_event(LMA_EV_BID_ASSIGNED), 1);
	cr_assert_not_null(strstr(event_json(LMA_EV_BID_ASSIGNED), "\"pbu_bid\":1"));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
}

Test(lma_home, home_deregistration_leaves_proxy_binding)
{
	register_home(1, 1);
	register_proxy(1, 0, SEC);
	struct mh_msg m = bu(2, 0, 1);

	input_bu(&m, 2 * SEC);
	cr_assert_eq(the_ba()->status, 0);
	cr_assert_eq(the_ba()->lifetime, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &MAG2));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_DEL, 0);

	cr_assert_not_null(r);
	cr_assert_eq(r->route.prefix.len, 128);
}

Test(lma_home, proxy_deregistration_leaves_home_binding)
{
	register_home(1, 1);
	register_proxy(1, 0, SEC);
	struct mh_msg m = pbu(MN2, 2, 0, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_B, &HNP2);

	input(&MAG2, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_ACCEPTED);
	tick(20 * SEC);                           /* MinDelayBeforeBCEDelete */
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	cr_assert_null(lma_downlink_peer(L, &OTHER));
}

Test(lma_home, bu_without_bid_replaces_the_other_home_bindings)
{
	register_home(1, 1);
	register_home(1, 2);                      /* RFC 5648: a second CoA */
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	register_home(3, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_DELETED), 2);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
}

Test(lma_home, baseline_pbu_overwrites_client_binding, .init = setup_baseline)
{
	register_home(1, 0);
	const struct mh_msg *p = register_proxy(1, 0, SEC);

	cr_assert_eq(p->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(count_event(LMA_EV_BCE_OVERWRITTEN), 1);
	cr_assert_eq(count_event(LMA_EV_BID_ASSIGNED), 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &MAG2));
	cr_assert_eq(lma_uplink_check(L, &COA, &HOA), -1);
}

Test(lma_home, baseline_home_after_proxy_lives_until_next_pbu, .init = setup_baseline)
{
	register_proxy(1, 0, 0);
	register_home(1, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &COA));
	register_proxy(2, 0, 2 * SEC);           /* the MAG's refresh */
	cr_assert_eq(count_event(LMA_EV_BCE_OVERWRITTEN), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &HOA), &MAG2));
}

Test(lma_home, show_bindings_has_appendix_c_columns)
{
	static char out[65536];

	register_home(1, 1);
	register_proxy(1, 0, SEC);
	cr_assert_gt(lma_show_bindings(L, 2 * SEC, out, sizeof(out)), 0);
	cr_assert_not_null(strstr(out, "\"kind\":\"home\""), "%s", out);
	cr_assert_not_null(strstr(out, "\"kind\":\"proxy\""));
	cr_assert_not_null(strstr(out, "\"hoa\":\"2001:db8:200:1::100\""));
	cr_assert_not_null(strstr(out, "\"proxy_coa\":\"2001:db8:ac::10\""));
	cr_assert_not_null(strstr(out, "\"bid\":65535"));
	cr_assert_not_null(strstr(out, "\"bid\":1,"));
}

Test(lma_home, revoke_mn_tells_only_the_mag)
{
	register_home(1, 1);
	register_proxy(1, 0, SEC);
	lma_actions_clear(&A);
	cr_assert_eq(lma_revoke_mn(L, (const uint8_t *)MN2, strlen(MN2), 2 * SEC, &A), 2);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1);           /* one BRI */
	cr_assert(addr_is(&find_act(LMA_ACT_SEND_PBA, 0)->pba.dst, &MAG2));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
}

Test(lma_home, fast_handover_never_pairs_with_a_home_binding)
{
	fixture_config();
	C.home_agent = true;
	C.bids = true;
	C.fast_handover = true;
	fixture_start();
	register_home(1, 1);
	register_proxy(1, 0, SEC);
	cr_assert_eq(count_event(LMA_EV_DORMANT_INSTALLED), 0);
	for (size_t i = 0; i < A.n; i++)
		cr_assert(A.v[i].type != LMA_ACT_SEND_PBA || !addr_is(&A.v[i].pba.dst, &COA),
			  "a message to the care-of address");
}
