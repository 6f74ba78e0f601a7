/*
 * test_lma_pbu.c - RFC 5213 5.3.1 validation and status codes, 5.5 message
 * ordering, 5.3.2 initial registration and the PBA's contents.
 */
#include "lma_fixture.h"

TestSuite(lma_pbu, .init = setup, .fini = teardown);

static void expect_status(const struct in6_addr *src, const struct mh_msg *m, unsigned st)
{
	input(src, m, 0);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, st, "status %u (%s), wanted %u", p->status,
		     lma_status_name(p->status), st);
	cr_assert(p->ba_flags & MH_BA_P, "a PBA has the P flag (RFC 5213 8.2)");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0, "a rejected PBU creates nothing");
}

Test(lma_pbu, missing_mn_identifier_option_is_status_160)
{
	struct mh_msg m = pbu(NULL, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	expect_status(&MAG1, &m, PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION);
}

Test(lma_pbu, mn_identifier_checked_before_mag_authorization)
{
	struct mh_msg m = pbu(NULL, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	expect_status(&MAG3, &m, PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION);
}

Test(lma_pbu, unauthorized_mag_is_status_154)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	expect_status(&MAG3, &m, PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG);
}

Test(lma_pbu, bu_without_proxy_flag_is_status_152)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.bu_flags &= (uint16_t)~MH_BU_P;
	expect_status(&MAG1, &m, PBA_STATUS_PROXY_REG_NOT_ENABLED);
	cr_assert_eq(lma_stats(L)->pbu_not_proxy, 1);
}

Test(lma_pbu, mn_without_policy_profile_is_status_152)
{
	struct mh_msg m = pbu("stranger@example.org", 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN,
			      MAC_A, NULL);
	expect_status(&MAG1, &m, PBA_STATUS_PROXY_REG_NOT_ENABLED);
}

Test(lma_pbu, mn_anchored_at_another_lma_is_status_153, .init = NULL)
{
	fixture_config();
	pol_buf[0].has_lma_addr = true;
	pol_buf[0].lma_addr = addr("2001:db8::99");
	fixture_start();
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	expect_status(&MAG1, &m, PBA_STATUS_NOT_LMA_FOR_THIS_MOBILE_NODE);
}

Test(lma_pbu, missing_home_network_prefix_option_is_status_158)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.group[0].n_hnp = 0;
	expect_status(&MAG1, &m, PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION);
}

Test(lma_pbu, missing_handoff_indicator_option_is_status_161)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.group[0].has_hi = false;
	expect_status(&MAG1, &m, PBA_STATUS_MISSING_HANDOFF_INDICATOR_OPTION);
}

Test(lma_pbu, missing_access_tech_type_option_is_status_162)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.group[0].has_att = false;
	expect_status(&MAG1, &m, PBA_STATUS_MISSING_ACCESS_TECH_TYPE_OPTION);
}

Test(lma_pbu, hnp_option_checked_before_handoff_indicator)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.group[0].n_hnp = 0;
	m.group[0].has_hi = false;
	m.group[0].has_att = false;
	expect_status(&MAG1, &m, PBA_STATUS_MISSING_HOME_NETWORK_PREFIX_OPTION);
}

Test(lma_pbu, prefix_not_in_profile_is_status_155)
{
	struct mh_prefix p = pfx("2001:db8:999:1::", 64);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &p);
	expect_status(&MAG1, &m, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
}

Test(lma_pbu, prefix_of_another_mn_is_status_155)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, &p1);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_pbu, initial_registration_assigns_a_pool_prefix_and_routes_it)
{
	struct mh_msg m = pbu(MN1, 7, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 0);
	const struct mh_msg *p = the_pba();

	cr_assert_eq(p->status, PBA_STATUS_ACCEPTED);
	cr_assert_eq(p->seq, 7);
	cr_assert_eq(p->lifetime, 10, "granted lifetime in 4 s units");
	cr_assert_eq(p->group[0].n_hnp, 1);
	struct mh_prefix want = pfx("2001:db8:100::", 64);
	cr_assert_eq(p->group[0].hnp[0].len, 64);
	cr_assert(addr_is(&p->group[0].hnp[0].prefix, &want.prefix));
	/* 5.3.6: the PBA mirrors the PBU's options */
	cr_assert(p->has_mn_id && p->mn_id_len == strlen(MN1) &&
		  !memcmp(p->mn_id, MN1, p->mn_id_len));
	cr_assert(p->group[0].has_hi && p->group[0].hi == MH_HI_UNKNOWN);
	cr_assert(p->group[0].has_att && p->group[0].att == MH_ATT_WLAN);
	cr_assert(p->group[0].has_mn_ll_id && !memcmp(p->group[0].mn_ll_id, MAC_A, 6));
	const struct lma_action *r = find_act(LMA_ACT_ROUTE_ADD, 0);
	cr_assert_not_null(r);
	cr_assert(addr_is(&r->route.prefix.prefix, &want.prefix));
	cr_assert(addr_is(&r->route.peer, &MAG1));
	cr_assert(addr_is(&find_act(LMA_ACT_SEND_PBA, 0)->pba.dst, &MAG1));
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
	cr_assert_eq(count_event(LMA_EV_PBU_RECEIVED), 1);
	cr_assert_eq(count_event(LMA_EV_PBA_SENT), 1);
	const struct lma_action *t = find_act(LMA_ACT_TIMER_SET, 0);
	cr_assert_not_null(t);
	cr_assert_eq(t->deadline_ns, 40 * SEC);
}

Test(lma_pbu, static_profile_prefix_is_assigned)
{
	struct mh_msg m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);
	input(&MAG1, &m, 0);
	const struct mh_msg *p = the_pba();
	struct mh_prefix want = pfx("2001:db8:200:1::", 64);

	cr_assert_eq(p->status, 0);
	cr_assert(addr_is(&p->group[0].hnp[0].prefix, &want.prefix));
}

Test(lma_pbu, pool_never_hands_out_a_static_prefix, .init = NULL)
{
	fixture_config();
	C.pool = pfx("2001:db8:200::", 63);      /* slots ...:200:0::/64 and :200:1::/64 */
	fixture_start();
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 0);
	struct mh_prefix first = pfx("2001:db8:200::", 64);
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &first.prefix));
	m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, LMA_STATUS_INSUFFICIENT_RESOURCES,
		     "the other slot is MN2's static prefix");
}

Test(lma_pbu, exhausted_pool_is_status_130_insufficient_resources, .init = NULL)
{
	fixture_config();
	C.pool = pfx("2001:db8:100::", 64);      /* one slot */
	fixture_start();
	register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, LMA_STATUS_INSUFFICIENT_RESOURCES);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_pbu, retransmitted_initial_pbu_gets_the_same_prefix)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, SEC / 2);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, 0);
	cr_assert(addr_is(&p->group[0].hnp[0].prefix, &p1.prefix));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_HANDOFF), 0);
}

Test(lma_pbu, sequence_number_not_newer_is_status_135_with_last_accepted)
{
	struct mh_prefix p1 = register_a(0);          /* seq 1 */
	struct mh_msg m = pbu(MN1, 9, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	m.seq = 8;
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, LMA_STATUS_SEQ_OUT_OF_WINDOW);
	cr_assert_eq(the_pba()->seq, 9, "RFC 6275 9.5.1: the last accepted sequence number");
	m.seq = 9;
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, LMA_STATUS_SEQ_OUT_OF_WINDOW, "equal is not newer");
}

Test(lma_pbu, sequence_numbers_compare_modulo_2_16)
{
	struct mh_msg m = pbu(MN1, 65534, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	m = pbu(MN1, 3, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0, "3 follows 65534 after wrapping");
}

static void timestamps_on(void)
{
	fixture_config();
	C.use_timestamps = true;
	fixture_start();
}

Test(lma_pbu, timestamp_outside_validity_window_is_status_156_with_lma_time,
     .init = timestamps_on)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.has_timestamp = true;
	m.timestamp = mh_timestamp_from_ns(REALTIME - 400000000ULL);  /* 400 ms old */
	expect_status(&MAG1, &m, PBA_STATUS_TIMESTAMP_MISMATCH);
	const struct mh_msg *p = the_pba();
	cr_assert(p->has_timestamp);
	cr_assert_eq(p->timestamp, mh_timestamp_from_ns(REALTIME), "5.5: our current time");
}

Test(lma_pbu, timestamp_within_validity_window_is_accepted, .init = timestamps_on)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.has_timestamp = true;
	m.timestamp = mh_timestamp_from_ns(REALTIME - 250000000ULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(the_pba()->has_timestamp, "the PBA mirrors the Timestamp option");
	cr_assert_eq(the_pba()->timestamp, m.timestamp);
}

Test(lma_pbu, missing_timestamp_when_timestamps_in_use_is_status_156,
     .init = timestamps_on)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	expect_status(&MAG1, &m, PBA_STATUS_TIMESTAMP_MISMATCH);
}

Test(lma_pbu, timestamp_lower_than_accepted_is_status_157, .init = timestamps_on)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	m.has_timestamp = true;
	m.timestamp = mh_timestamp_from_ns(REALTIME);
	input(&MAG1, &m, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	/* a PBU from MAG2 stamped before the accepted one (reordered) */
	m = pbu(MN1, 5, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, &p1);
	m.has_timestamp = true;
	m.timestamp = mh_timestamp_from_ns(REALTIME - 100000000ULL);
	input(&MAG2, &m, 0);
	cr_assert_eq(the_pba()->status, PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1), "binding unchanged");
}

Test(lma_pbu, lifetime_is_capped_by_configuration, .init = NULL)
{
	fixture_config();
	C.max_lifetime_s = 20;
	fixture_start();
	struct mh_msg m = pbu(MN1, 1, 400, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->lifetime, 5);
	cr_assert_eq(find_act(LMA_ACT_TIMER_SET, 0)->deadline_ns, 20 * SEC);
}

Test(lma_pbu, non_bu_message_is_ignored)
{
	struct mh_msg m;
	mh_msg_init(&m, MH_TYPE_BA);
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, &MAG1, &m, 0, REALTIME, &A), -1);
	cr_assert_eq(A.n, 0);
}

/* ---- RFC 5213 5.5 ordering details ----------------------------------------- */

static struct mh_msg stamped(const char *mn, uint16_t seq, uint8_t hi, const uint8_t *ll,
			     uint8_t att, const struct mh_prefix *hnp, uint64_t ts_ns)
{
	struct mh_msg m = pbu(mn, seq, 40, hi, att, ll, hnp);

	m.has_timestamp = true;
	m.timestamp = mh_timestamp_from_ns(REALTIME + ts_ns);
	return m;
}

Test(lma_pbu, timestamp_equal_to_the_last_accepted_is_not_newer, .init = timestamps_on)
{
	struct mh_msg m = stamped(MN1, 1, MH_HI_UNKNOWN, MAC_A, MH_ATT_WLAN, NULL, 0);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	m = stamped(MN1, 2, MH_HI_NOT_CHANGED, MAC_A, MH_ATT_WLAN, &p1, 0);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
}

Test(lma_pbu, pba_157_carries_the_lma_current_time, .init = timestamps_on)
{
	struct mh_msg m = stamped(MN1, 1, MH_HI_UNKNOWN, MAC_A, MH_ATT_WLAN, NULL, 100000);
	input(&MAG1, &m, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	m = stamped(MN1, 2, MH_HI_NOT_CHANGED, MAC_A, MH_ATT_WLAN, &p1, 50000);
	input(&MAG1, &m, 200000);
	const struct mh_msg *p = the_pba();
	cr_assert_eq(p->status, PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
	cr_assert(p->has_timestamp);
	cr_assert_eq(p->timestamp, mh_timestamp_from_ns(REALTIME + 200000),
		     "5.5: our time, not the PBU's");
}

Test(lma_pbu, timestamps_are_ordered_per_mobile_node, .init = timestamps_on)
{
	/* interface A registered with time t+100 us; a PBU for interface B
	 * stamped t+50 us is older than what the MN already sent (5.5) */
	struct mh_msg m = stamped(MN1, 1, MH_HI_UNKNOWN, MAC_A, MH_ATT_WLAN, NULL, 100000);
	input(&MAG1, &m, 0);
	m = stamped(MN1, 2, MH_HI_ATTACH_NEW_IFACE, MAC_B, MH_ATT_3GPP_EUTRAN, NULL, 50000);
	input(&MAG1, &m, 150000);
	cr_assert_eq(the_pba()->status, PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_pbu, late_refresh_from_previous_proxy_coa_does_not_repoint_the_binding)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	/* MAG1's refresh, sent before the MN left it, arrives late */
	m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_neq(the_pba()->status, 0);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2), "the binding stays at MAG2");
	cr_assert_eq(count_act(LMA_ACT_ROUTE_ADD), 0);
}

Test(lma_pbu, late_deregistration_from_a_previous_mag_is_ignored_whatever_its_timestamp,
     .init = timestamps_on)
{
	/* 5.3.5: MAG1's deregistration, stamped before MAG2's registration,
	 * arrives after it: accepted (lifetime 0), nothing changes, no 157 */
	struct mh_msg m = stamped(MN1, 1, MH_HI_UNKNOWN, MAC_A, MH_ATT_WLAN, NULL, 0);
	input(&MAG1, &m, 0);
	struct mh_prefix p1 = the_pba()->group[0].hnp[0];
	m = stamped(MN1, 1, MH_HI_HANDOFF_SAME_IFACE, MAC_A, MH_ATT_WLAN, &p1, 200000);
	input(&MAG2, &m, 200000);
	cr_assert_eq(the_pba()->status, 0);
	m = stamped(MN1, 2, MH_HI_NOT_CHANGED, MAC_A, MH_ATT_WLAN, &p1, 100000);
	m.lifetime = 0;
	input(&MAG1, &m, 250000);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert_eq(the_pba()->lifetime, 0);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG2));
	cr_assert_eq(lma_stats(L)->stale_deregistrations, 1);
}
