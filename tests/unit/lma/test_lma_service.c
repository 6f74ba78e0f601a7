/*
 * test_lma_service.c - several mobility sessions on one MN interface at the
 * LMA (problem statement section 2.1), told apart by the Service Selection
 * option (RFC 5149): each its own Binding Cache entry, prefixes, lifetime;
 * a PBU without the option is RFC 5213's session, as before.
 */
#include "lma_fixture.h"

static void service_setup(void)
{
	fixture_config();
	/* MN1's interface A also holds service pdn2 (static prefix) and
	 * pdn3 (from the pool) */
	strcpy(pol_buf[4].mn_id, MN1);
	pol_buf[4].has_ll_id = true;
	memcpy(pol_buf[4].ll_id, MAC_A, 6);
	pol_buf[4].service_len = 4;
	memcpy(pol_buf[4].service, "pdn2", 4);
	pol_buf[4].n_hnp = 1;
	pol_buf[4].hnp[0] = pfx("2001:db8:102::", 64);
	pol_buf[5] = pol_buf[4];
	memcpy(pol_buf[5].service, "pdn3", 4);
	pol_buf[5].n_hnp = 0;
	C.n_policies = 6;
	fixture_start();
}

TestSuite(lma_service, .init = service_setup, .fini = teardown);

static struct mh_msg svc_pbu(const char *svc, uint16_t seq, uint32_t lifetime_s, uint8_t hi,
			     const struct mh_prefix *hnp)
{
	struct mh_msg m = pbu(MN1, seq, lifetime_s, hi, MH_ATT_WLAN, MAC_A, hnp);

	m.group[0].service_len = (uint8_t)strlen(svc);
	memcpy(m.group[0].service, svc, strlen(svc));
	return m;
}

static struct bce_session *session_of(const char *svc)
{
	struct bce_key k = { .mn_id = (const uint8_t *)MN1, .mn_id_len = strlen(MN1),
			     .ll_id = MAC_A, .ll_id_len = 6, .att = MH_ATT_WLAN,
			     .service = (const uint8_t *)svc, .service_len = (uint8_t)strlen(svc),
			     .any_bid = true };

	return bce_find_session(lma_bce(L), &k);
}

static struct mh_prefix add_pdn2(uint64_t now_ns)
{
	struct mh_msg m = svc_pbu("pdn2", 2, 40, MH_HI_ATTACH_NEW_IFACE, NULL);

	input(&MAG1, &m, now_ns);
	cr_assert_eq(the_pba()->status, PBA_STATUS_ACCEPTED, "status %u", the_pba()->status);
	return the_pba()->group[0].hnp[0];
}

Test(lma_service, service_on_a_live_interface_is_a_new_session_with_its_own_prefix)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_prefix p2 = add_pdn2(SEC);

	struct mh_prefix want = pfx("2001:db8:102::", 64);

	cr_assert(addr_is(&p2.prefix, &want.prefix), "the pdn2 profile's HNP");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(count_event(LMA_EV_BCE_CREATED), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED) + count_event(LMA_EV_BCE_HANDOFF), 0);
	cr_assert_not_null(strstr(event_json(LMA_EV_BCE_CREATED), "\"service\":\"pdn2\""));
	struct in6_addr h1 = host_in(&p1, 1), h2 = host_in(&p2, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h1), &MAG1), "P1 untouched");
	cr_assert(addr_is(lma_downlink_peer(L, &h2), &MAG1));
	cr_assert_not_null(session_of("pdn2"));
	cr_assert_not_null(session_of(""));
}

/* RFC 5213 5.3.6: the PBA mirrors the session's options, the service too,
 * so the MAG can match it to the right session of the interface. */
Test(lma_service, pba_carries_the_service_back)
{
	register_a(0);
	add_pdn2(SEC);
	cr_assert_eq(the_pba()->group[0].service_len, 4);
	cr_assert_eq(memcmp(the_pba()->group[0].service, "pdn2", 4), 0);
}

Test(lma_service, pool_prefix_for_a_service_without_static_hnp)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = svc_pbu("pdn3", 3, 40, MH_HI_ATTACH_NEW_IFACE, NULL);

	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	struct mh_prefix p3 = the_pba()->group[0].hnp[0];
	cr_assert_eq(p3.len, 64);
	cr_assert(!addr_is(&p3.prefix, &p1.prefix));
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
}

/* RFC 5149 4.2: a service the MN is not provisioned for. */
Test(lma_service, unknown_service_is_refused_with_151_and_nothing_changes)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = svc_pbu("nope", 2, 40, MH_HI_ATTACH_NEW_IFACE, NULL);

	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_SERVICE_AUTHORIZATION_FAILED);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
	struct in6_addr h1 = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h1), &MAG1));
}

Test(lma_service, refresh_of_the_default_session_leaves_the_service_session_alone)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_prefix p2 = add_pdn2(SEC);
	struct mh_msg m = pbu(MN1, 3, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_REFRESHED), 1);
	cr_assert_eq(the_pba()->group[0].n_hnp, 1, "only P1 in the default session");
	cr_assert_eq(session_of("pdn2")->n_prefix, 1);
	cr_assert(addr_is(&session_of("pdn2")->prefix[0]->prefix, &p2.prefix));
}

Test(lma_service, deleting_a_service_session_keeps_the_others)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_prefix p2 = add_pdn2(SEC);
	struct mh_msg m = svc_pbu("pdn2", 4, 0, MH_HI_UNKNOWN, &p2);

	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 1);
	cr_assert_eq(session_of("pdn2")->state, BCE_STATE_DEREGISTERED);
	cr_assert_eq(session_of("")->state, BCE_STATE_REGISTERED);
	struct in6_addr h1 = host_in(&p1, 1), h2 = host_in(&p2, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h1), &MAG1));
	cr_assert_null(lma_downlink_peer(L, &h2), "P2 no longer routed");
}

/* A PBU of one service cannot take a prefix of another service's session,
 * whatever its Handoff Indicator: sessions of services are apart. */
Test(lma_service, prefix_of_another_service_is_status_155)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = svc_pbu("pdn2", 2, 40, MH_HI_HANDOFF_BETWEEN_IFACES, &p1);

	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
	cr_assert_eq(session_of("")->n_prefix, 1);
}

Test(lma_service, each_session_has_its_own_lifetime)
{
	register_a(0);                                  /* 40 s */
	struct mh_msg m = svc_pbu("pdn2", 2, 8, MH_HI_ATTACH_NEW_IFACE, NULL);

	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	tick(10 * SEC);
	struct bce_session *s2 = session_of("pdn2");
	cr_assert(!s2 || s2->state != BCE_STATE_REGISTERED, "pdn2 expired at 9 s");
	cr_assert_eq(session_of("")->state, BCE_STATE_REGISTERED);
	cr_assert_eq(session_of("")->lifetime_s, 40);
}

/* A handoff of the interface's default session to another MAG (HI 2, no
 * service) moves only that session's prefixes. */
Test(lma_service, handoff_without_service_moves_only_the_default_session)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_prefix p2 = add_pdn2(SEC);
	struct mh_msg m = pbu(MN1, 9, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG2, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	struct in6_addr h1 = host_in(&p1, 1), h2 = host_in(&p2, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h1), &MAG2));
	cr_assert(addr_is(lma_downlink_peer(L, &h2), &MAG1), "pdn2 stays until its own PBU");
}

/* RFC 5213 5.5 with timestamps: the order is kept per MN and service; the
 * PBUs of two sessions leaving the MAG at the same instant (attach) are
 * both accepted, a repeat within one service is still refused (157). */
Test(lma_service, timestamps_are_ordered_per_service)
{
	C.use_timestamps = true;
	fixture_start();
	struct mh_msg a = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	struct mh_msg b = svc_pbu("pdn2", 2, 40, MH_HI_UNKNOWN, NULL);

	a.has_timestamp = b.has_timestamp = true;
	a.timestamp = b.timestamp = mh_timestamp_from_ns(REALTIME);
	input(&MAG1, &a, 0);
	cr_assert_eq(the_pba()->status, 0);
	input(&MAG1, &b, 0);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	b.seq = 3;
	input(&MAG1, &b, 0);
	cr_assert_eq(the_pba()->status, PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED);
}
