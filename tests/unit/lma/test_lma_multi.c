/*
 * test_lma_multi.c - multihoming at the LMA: sessions keyed by MN-ID +
 * MN-LL-ID + ATT (problem statement section 4), inter-interface handoff on
 * one MAG, subset moves (2.2), shared prefixes (3), combined PBUs, dormant
 * routes (appendix D), and the control socket's JSON.
 */
#include "lma_fixture.h"

#include <json-c/json.h>

TestSuite(lma_multi, .init = setup, .fini = teardown);

static struct mh_prefix register_b_same_mag(uint64_t now_ns)
{
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	input(&MAG1, &m, now_ns);
	cr_assert_eq(the_pba()->status, 0);
	return the_pba()->group[0].hnp[0];
}

Test(lma_multi, second_interface_behind_same_mag_gets_its_own_session_and_prefix)
{
	struct mh_prefix pa = register_a(0);
	struct mh_prefix pb = register_b_same_mag(SEC);

	cr_assert(!addr_is(&pa.prefix, &pb.prefix));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(bce_n_mns(lma_bce(L)), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 0, "not a lifetime extension");
	struct in6_addr ha = host_in(&pa, 1), hb = host_in(&pb, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &ha), &MAG1));
	cr_assert(addr_is(lma_downlink_peer(L, &hb), &MAG1));
}

Test(lma_multi, inter_technology_handoff_on_same_mag_moves_prefixes_to_new_interface)
{
	struct mh_prefix pa = register_a(0);
	/* interface A goes away; the MAG registers B carrying A's prefix, HI 2,
	 * from the same Proxy-CoA. RFC 5213 5.3.1 alone would call this a
	 * lifetime extension of A's entry. */
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_B, &pa);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &pa.prefix));
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1, "A's entry went with its last prefix");
	struct bce_key kb = { .mn_id = (const uint8_t *)MN1, .mn_id_len = strlen(MN1),
			      .ll_id = MAC_B, .ll_id_len = 6, .att = MH_ATT_3GPP_EUTRAN };
	struct bce_session *b = bce_find_session(lma_bce(L), &kb);
	cr_assert_not_null(b, "the prefix now belongs to B's session");
	cr_assert_eq(b->n_prefix, 1);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0, "the prefix never stopped being routed");
}

Test(lma_multi, inter_interface_handoff_into_existing_session_keeps_both_prefixes)
{
	struct mh_prefix pa = register_a(0);
	struct mh_prefix pb = register_b_same_mag(SEC);
	struct mh_msg m = pbu(MN1, 3, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_B, &pb);
	m.group[0].n_hnp = 2;
	m.group[0].hnp[1] = pa;
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_multi, late_deregistration_of_the_old_interface_leaves_moved_prefixes_alone)
{
	struct mh_prefix pa = register_a(0);
	struct mh_prefix pb = register_b_same_mag(SEC);
	struct mh_msg m = pbu(MN1, 3, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_B, &pb);
	m.group[0].n_hnp = 2;
	m.group[0].hnp[1] = pa;
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	/* the same MAG deregisters interface A, naming A's old prefix */
	struct mh_msg d = pbu(MN1, 4, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);
	input(&MAG1, &d, 3 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 0);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
	struct in6_addr ha = host_in(&pa, 1), hb = host_in(&pb, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &ha), &MAG1));
	cr_assert(addr_is(lma_downlink_peer(L, &hb), &MAG1));
}

Test(lma_multi, subset_handoff_moves_only_the_named_prefix)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_C, NULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2);
	struct mh_prefix one = pfx("2001:db8:300:1::", 64);
	m = pbu(MN3, 2, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN, MAC_A, &one);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2, "the old session keeps the other prefix");
	struct in6_addr h1 = host_in(&one, 1);
	struct mh_prefix two = pfx("2001:db8:300:2::", 64);
	struct in6_addr h2 = host_in(&two, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h1), &MAG2));
	cr_assert(addr_is(lma_downlink_peer(L, &h2), &MAG1));
}

Test(lma_multi, prefix_named_over_a_new_interface_is_shared)
{
	struct mh_prefix pa = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, &pa);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	const struct bce_prefix *x = bce_find_prefix(lma_bce(L), &pa.prefix, 64);
	cr_assert_eq(x->n_route, 2, "problem statement section 3: one prefix, two interfaces");
	struct in6_addr h = host_in(&pa, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1), "first route stays primary");
	cr_assert_eq(lma_uplink_check(L, &MAG2, &h), 0, "both tunnels may carry its uplink");
}

Test(lma_multi, prefix_of_another_session_with_hi_1_and_other_prefixes_is_status_159)
{
	struct mh_prefix pa = register_a(0);
	register_b_same_mag(SEC);
	struct mh_msg m = pbu(MN1, 3, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, &pa);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
}

static struct mh_msg combined(void)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	struct mh_msg b = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	m.n_groups = 2;
	m.group[1] = b.group[0];
	m.group[0].has_bid = true;
	m.group[0].bid = 11;
	m.group[1].has_bid = true;
	m.group[1].bid = 12;
	return m;
}

Test(lma_multi, combined_pbu_gets_one_pba_with_a_group_per_session)
{
	struct mh_msg m = combined();
	input(&MAG1, &m, 0);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, 0);
	cr_assert_eq(p->n_groups, 2);
	cr_assert(p->group[0].has_bid && p->group[0].bid == 11 && p->group[0].bid_status == 0);
	cr_assert(p->group[1].has_bid && p->group[1].bid == 12 && p->group[1].bid_status == 0);
	cr_assert_eq(p->group[0].n_hnp, 1);
	cr_assert_eq(p->group[1].n_hnp, 1);
	cr_assert(!addr_is(&p->group[0].hnp[0].prefix, &p->group[1].hnp[0].prefix));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 2);
}

Test(lma_multi, combined_pbu_partial_failure_reports_first_rejected_group)
{
	struct mh_msg m = combined();
	m.group[1].has_att = false;
	input(&MAG1, &m, 0);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION);
	cr_assert_eq(p->group[0].bid_status, 0, "group 1 is in effect");
	cr_assert_eq(p->group[1].bid_status, PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert_neq(p->lifetime, 0, "the accepted group's lifetime");
}

Test(lma_multi, combined_refresh_after_handoff_finds_sessions_under_new_bids)
{
	struct mh_msg m = combined();
	input(&MAG1, &m, 0);
	struct mh_msg r = m;
	r.seq = 2;
	/* HI 3: from another Proxy-CoA, HI 5 would be a late refresh */
	r.group[0].hi = r.group[1].hi = MH_HI_HANDOFF_SAME_IFACE;
	r.group[0].bid = 3;              /* another MAG numbers its BIDs itself */
	r.group[1].bid = 4;
	r.group[0].n_hnp = r.group[1].n_hnp = 1;
	r.group[0].hnp[0] = the_pba()->group[0].hnp[0];
	r.group[1].hnp[0] = the_pba()->group[1].hnp[0];
	input(&MAG2, &r, SEC);
	cr_assert_eq(the_pba()->status, 0, "status %u %u %u", the_pba()->status,
		     the_pba()->group[0].bid_status, the_pba()->group[1].bid_status);
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 2);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(the_pba()->group[0].bid, 3);
}

static void fast_handover_on(void)
{
	fixture_config();
	C.fast_handover = true;
	fixture_start();
}

Test(lma_multi, deregistration_activates_dormant_route_to_other_interface,
     .init = fast_handover_on)
{
	struct mh_prefix pa = register_a(0);
	register_b_same_mag(0);
	/* B moves to MAG2 so the two routes are told apart */
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG2, &m, SEC);
	m = pbu(MN1, 3, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_ACTIVATED), 1);
	struct in6_addr h = host_in(&pa, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2), "A's prefix now reaches B");
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_ADD, 0);
	cr_assert(r && addr_is(&r->route.peer, &MAG2));
	/* A re-registers: traffic returns */
	m = pbu(MN1, 4, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_RESTORED), 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1));
}

Test(lma_multi, dormant_route_becomes_permanent_when_entry_is_deleted,
     .init = fast_handover_on)
{
	struct mh_prefix pa = register_a(0);
	register_b_same_mag(0);
	struct mh_msg m = pbu(MN1, 3, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);
	input(&MAG1, &m, SEC);
	tick(SEC + LMA_MIN_DELAY_BEFORE_BCE_DELETE_NS);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
	struct in6_addr h = host_in(&pa, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert_eq(bce_find_prefix(lma_bce(L), &pa.prefix, 64)->route[0]->att,
		     MH_ATT_3GPP_EUTRAN);
}

Test(lma_multi, without_fast_handover_deregistration_stops_downlink)
{
	struct mh_prefix pa = register_a(0);
	register_b_same_mag(0);
	struct mh_msg m = pbu(MN1, 3, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &pa);
	input(&MAG1, &m, SEC);
	cr_assert_eq(count_event(LMA_EV_BCE_DORMANT_ACTIVATED), 0);
	struct in6_addr h = host_in(&pa, 1);
	cr_assert_null(lma_downlink_peer(L, &h));
}

Test(lma_multi, show_bindings_lists_sessions_and_prefix_routes)
{
	struct mh_prefix pa = register_a(0);
	char buf[8192], want[64];
	cr_assert_gt(lma_show_bindings(L, 10 * SEC, buf, sizeof(buf)), 0);
	json_object *o = json_tokener_parse(buf), *s, *x, *v;
	cr_assert_not_null(o, "valid JSON: %s", buf);
	cr_assert(json_object_object_get_ex(o, "sessions", &s));
	cr_assert_eq(json_object_array_length(s), 1);
	x = json_object_array_get_idx(s, 0);
	cr_assert(json_object_object_get_ex(x, "mn_id", &v));
	cr_assert_str_eq(json_object_get_string(v), MN1);
	cr_assert(json_object_object_get_ex(x, "remaining_s", &v));
	cr_assert_eq(json_object_get_int(v), 30);
	cr_assert(json_object_object_get_ex(x, "mn_ll_id", &v));
	cr_assert_str_eq(json_object_get_string(v), "02:00:00:00:01:0a");
	cr_assert(json_object_object_get_ex(x, "hnps", &v));
	inet_ntop(AF_INET6, &pa.prefix, want, sizeof(want));
	strcat(want, "/64");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, 0)), want);
	cr_assert(json_object_object_get_ex(o, "prefixes", &v));
	cr_assert_eq(json_object_array_length(v), 1);
	json_object_put(o);
	cr_assert_gt(lma_show_stats(L, buf, sizeof(buf)), 0);
	o = json_tokener_parse(buf);
	cr_assert_not_null(o);
	cr_assert(json_object_object_get_ex(o, "pbu_received", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	json_object_put(o);
}

Test(lma_multi, hi_2_all_zero_hnp_moves_the_sole_session_to_the_new_interface)
{
	/* RFC 5213 5.4.1.2 / problem statement 2.2: a MAG that knows no prefix
	 * reports an inter-technology handoff (HI 2, ALL_ZERO) for a new
	 * MN-LL-ID and ATT; the MN's one session moves, no new prefix. */
	struct mh_prefix pa = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_B, NULL);
	input(&MAG2, &m, SEC);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, 0);
	cr_assert_eq(p->group[0].n_hnp, 1);
	cr_assert(addr_is(&p->group[0].hnp[0].prefix, &pa.prefix), "A's prefix, not a new one");
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	struct bce_key kb = { .mn_id = (const uint8_t *)MN1, .mn_id_len = strlen(MN1),
			      .ll_id = MAC_B, .ll_id_len = 6, .att = MH_ATT_3GPP_EUTRAN };
	cr_assert_not_null(bce_find_session(lma_bce(L), &kb));
	struct in6_addr h = host_in(&pa, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
}

Test(lma_multi, hi_2_all_zero_hnp_with_two_sessions_is_a_new_session)
{
	/* which of two sessions moved cannot be told: 5.4.1.2 new session */
	struct mh_prefix pa = register_a(0);
	struct mh_prefix pb = register_b_same_mag(SEC);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_ETHERNET, MAC_C, NULL);
	input(&MAG2, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
	cr_assert_not(addr_is(&the_pba()->group[0].hnp[0].prefix, &pa.prefix));
	cr_assert_not(addr_is(&the_pba()->group[0].hnp[0].prefix, &pb.prefix));
}
