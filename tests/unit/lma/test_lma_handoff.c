/*
 * test_lma_handoff.c - RFC 5213 5.3.3-5.3.5 and 5.4.1: refresh versus
 * handoff, deregistration and MinDelayBeforeBCEDelete, expiry, prefix set
 * checks, MaxDelayBeforeNewBCEAssign, and the data-plane checks of 5.6.
 */
#include "lma_fixture.h"

TestSuite(lma_handoff, .init = setup, .fini = teardown);

Test(lma_handoff, refresh_from_same_mag_is_not_a_handoff)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, 30 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 0);
	cr_assert_eq(lma_next_deadline(L), 70 * SEC, "lifetime restarts at the refresh");
	cr_assert_eq(lma_stats(L)->refreshes, 1);
	cr_assert_eq(lma_stats(L)->handoffs, 0);
}

Test(lma_handoff, refresh_repeating_hi_1_is_still_a_refresh)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_handoff, handoff_to_another_mag_keeps_prefix_and_moves_downlink)
{
	struct mh_prefix p1 = register_a(0);
	/* the new MAG knows neither the prefix nor the handoff: ALL_ZERO, HI 4 */
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG2, &m, 5 * SEC);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, 0, "sequence numbers are per MAG: 1 again is fine");
	cr_assert(addr_is(&p->group[0].hnp[0].prefix, &p1.prefix), "same HNP after handoff");
	cr_assert(addr_is(&find_act(LMA_ACT_SEND_PBA, 0)->pba.dst, &MAG2));
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 1);
	cr_assert_not_null(strstr(event_json(LMA_EV_BCE_HANDOFF), "\"from\":\"2001:db8:0:1::1\""));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_ADD, 0);
	cr_assert(r && addr_is(&r->route.peer, &MAG2));
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_handoff, handoff_with_hi_3_and_prefix_from_another_mag)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 1);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
}

Test(lma_handoff, late_deregistration_from_previous_mag_changes_nothing)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG2, &m, SEC);
	m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0, "5.3.5: accepted");
	cr_assert_eq(the_pba()->lifetime, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 0);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
	cr_assert_eq(lma_stats(L)->stale_deregistrations, 1);
}

Test(lma_handoff, deregistration_keeps_entry_min_delay_before_bce_delete)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(the_pba()->lifetime, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 1);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 0, "not yet");
	struct in6_addr h = host_in(&p1, 1);
	cr_assert_null(lma_downlink_peer(L, &h), "no forwarding while deregistered");
	cr_assert_eq(lma_stats(L)->drops[LMA_DROP_DEREGISTERED], 1);
	cr_assert_eq(lma_next_deadline(L), 11 * SEC);
	tick(11 * SEC - 1);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	tick(11 * SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DELETED), 1);
	cr_assert_not_null(strstr(event_json(LMA_EV_BCE_DELETED), "\"reason\":\"deregistered\""));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_DEL, 0);
	cr_assert(r && addr_is(&r->route.prefix.prefix, &p1.prefix));
	cr_assert_eq(find_act(LMA_ACT_TIMER_SET, 0)->deadline_ns, BCE_NO_DEADLINE);
}

Test(lma_handoff, new_mag_within_min_delay_revives_the_entry)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG2, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &p1.prefix));
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
	tick(12 * SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1, "the deletion timer was cancelled");
}

Test(lma_handoff, deregistration_of_unknown_entry_is_accepted)
{
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
}

Test(lma_handoff, lifetime_expiry_deletes_entry_and_route)
{
	struct mh_prefix p1 = register_a(0);
	tick(39 * SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	tick(40 * SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
	cr_assert_not_null(strstr(event_json(LMA_EV_BCE_DELETED), "lifetime_expired"));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_DEL, 0);
	cr_assert(r && addr_is(&r->route.prefix.prefix, &p1.prefix));
}

Test(lma_handoff, prefix_set_mismatch_is_status_159)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_C, NULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2, "both static prefixes");
	struct mh_prefix one = pfx("2001:db8:300:1::", 64);
	m = pbu(MN3, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_C, &one);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH);
}

Test(lma_handoff, hi_4_without_ll_id_waits_for_deregistration_then_hands_off)
{
	/* MN2 has no MN-LL-ID anywhere: a PBU from a new MAG may be a handoff
	 * or a new interface; the LMA waits for the old MAG (5.4.1). */
	struct mh_msg m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);
	input(&MAG1, &m, 0);
	struct mh_prefix p2 = the_pba()->group[0].hnp[0];
	m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, NULL, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0, "held");
	cr_assert_eq(count_event(LMA_EV_BCE_PENDING), 1);
	cr_assert_eq(lma_next_deadline(L), SEC + LMA_MAX_DELAY_BEFORE_NEW_BCE_ASSIGN_NS);
	input(&MAG2, &m, SEC + 100);                /* retransmission: still held */
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
	m = pbu(MN2, 2, 0, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, &p2);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 2, "PBA for the deregistration and the held PBU");
	const struct lma_action *a = find_act(LMA_ACT_SEND_PBA, 1);
	cr_assert(addr_is(&a->pba.dst, &MAG2));
	cr_assert_eq(a->pba.msg.status, 0);
	cr_assert(addr_is(&a->pba.msg.group[0].hnp[0].prefix, &p2.prefix), "handoff keeps the HNP");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	struct in6_addr h = host_in(&p2, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
}

Test(lma_handoff, hi_4_wait_expiry_creates_a_new_session)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);
	input(&MAG1, &m, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);  /* other MN: no wait */
	input(&MAG1, &m, 0);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1);
	m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, NULL, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
	tick(SEC + LMA_MAX_DELAY_BEFORE_NEW_BCE_ASSIGN_NS);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, 0);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 3);
	cr_assert_not(addr_is(&p->group[0].hnp[0].prefix, &p1.prefix), "a prefix of its own");
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
}

Test(lma_handoff, static_prefix_is_never_bound_to_two_sessions_of_one_mn)
{
	/* MN2's only profile prefix is static and held by its first session:
	 * a second session cannot have it (the shared-prefix feature names it
	 * in the PBU instead), and the pool is not the profile's: 130. */
	struct mh_msg m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);
	input(&MAG1, &m, 0);
	m = pbu(MN2, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, LMA_STATUS_INSUFFICIENT_RESOURCES);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_ADD), 0);
}

Test(lma_handoff, uplink_from_the_bound_mag_passes_and_from_another_is_dropped)
{
	struct mh_prefix p1 = register_a(0);
	struct in6_addr h = host_in(&p1, 9), other = addr("2001:db8:777::1");
	cr_assert_eq(lma_uplink_check(L, &MAG1, &h), 0);
	cr_assert_eq(lma_uplink_check(L, &MAG2, &h), -1);
	cr_assert_eq(lma_stats(L)->drops[LMA_DROP_WRONG_PROXY_COA], 1);
	cr_assert_eq(lma_uplink_check(L, &MAG1, &other), -1);
	cr_assert_eq(lma_stats(L)->drops[LMA_DROP_UNKNOWN_SOURCE], 1);
}

Test(lma_handoff, downlink_without_binding_is_dropped_and_counted)
{
	struct in6_addr d = addr("2001:db8:100:5::1");
	cr_assert_null(lma_downlink_peer(L, &d));
	cr_assert_eq(lma_stats(L)->drops[LMA_DROP_NO_BINDING], 1);
	struct mh_prefix p1 = register_a(0);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1));
	cr_assert_eq(lma_stats(L)->downlink_pkts, 1);
}
