/*
 * test_lma_hb.c - Heartbeat at the LMA (RFC 5847): requests answered with
 * our Restart Counter, only from authorized MAGs; a MAG's new Restart
 * Counter marks its bindings deregistered, and its re-registration within
 * MinDelayBeforeBCEDelete keeps the prefix.
 */
#include "lma_fixture.h"

static void hb_on(void)
{
	fixture_config();
	C.restart_counter = 77;
	fixture_start();
}

TestSuite(lma_hb, .init = hb_on, .fini = teardown);

static struct mh_msg hb_req(uint32_t seq, uint32_t rc)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = seq;
	m.has_restart_counter = true;
	m.restart_counter = rc;
	return m;
}

Test(lma_hb, request_is_answered_with_our_restart_counter)
{
	struct mh_msg m = hb_req(5, 1);

	input(&MAG1, &m, SEC);
	const struct lma_action *a = find_act(LMA_ACT_SEND_PBA, 0);
	cr_assert_not_null(a);
	cr_assert(addr_is(&a->pba.dst, &MAG1));
	cr_assert_eq(a->pba.msg.type, MH_TYPE_HEARTBEAT);
	cr_assert_not(a->pba.msg.hb_request);
	cr_assert_eq(a->pba.msg.hb_seq, 5);
	cr_assert_eq(a->pba.msg.restart_counter, 77);
}

Test(lma_hb, request_from_an_unauthorized_node_is_not_answered)
{
	struct mh_msg m = hb_req(5, 1);

	input(&MAG3, &m, SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
	cr_assert_eq(lma_stats(L)->hb_unknown_peer, 1);
}

Test(lma_hb, restarted_mag_bindings_are_deregistered_and_come_back_with_their_prefix)
{
	struct mh_msg h = hb_req(1, 1000);

	input(&MAG1, &h, 0);
	struct mh_prefix p1 = register_a(SEC);
	h = hb_req(2, 1000);            /* the next heartbeat, same MAG */
	input(&MAG1, &h, SEC + SEC / 2);
	h = hb_req(1, 2000);            /* MAG1 restarted: a new counter */
	input(&MAG1, &h, 2 * SEC);
	cr_assert_eq(count_event(LMA_EV_MAG_RESTARTED), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 1);
	cr_assert_eq(lma_next_deadline(L), 2 * SEC + LMA_MIN_DELAY_BEFORE_BCE_DELETE_NS);
	/* the restarted MAG starts its sequence numbers again: 135 tells it
	 * where the LMA is (RFC 6275 9.5.1), and it goes on from there */
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, LMA_STATUS_SEQ_OUT_OF_WINDOW);
	m.seq = (uint16_t)(the_pba()->seq + 1);
	input(&MAG1, &m, 3 * SEC + 1000);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &p1.prefix), "same prefix");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1);
}

Test(lma_hb, the_same_counter_changes_nothing)
{
	struct mh_msg h = hb_req(1, 1000);

	input(&MAG1, &h, 0);
	register_a(SEC);
	h = hb_req(2, 1000);
	input(&MAG1, &h, 2 * SEC);
	cr_assert_eq(count_event(LMA_EV_MAG_RESTARTED), 0);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 0);
}

Test(lma_hb, a_restarted_lma_grants_a_free_pool_prefix_a_mag_registers_again)
{
	/* the LMA restarted (a new engine); MAG1 registers MN1's pool prefix
	 * again: it is the pool's and no one holds it, so MN1 keeps it */
	struct mh_prefix p1 = register_a(0);

	fixture_start();
	struct mh_msg m = pbu(MN1, 9, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, SEC);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert(addr_is(&the_pba()->group[0].hnp[0].prefix, &p1.prefix));
	/* a prefix outside the pool still is not */
	struct mh_prefix out = pfx("2001:db8:999:1::", 64);
	m = pbu(MN1, 1, 40, MH_HI_NOT_CHANGED, MH_ATT_3GPP_EUTRAN, MAC_B, &out);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX);
}

Test(lma_hb, a_session_the_restarted_mag_registered_before_its_heartbeat_stays)
{
	struct mh_msg h = hb_req(1, 1000);

	input(&MAG1, &h, 0);
	register_a(SEC);                /* the old MAG1 */
	h = hb_req(2, 1000);
	input(&MAG1, &h, 2 * SEC);
	/* MAG1 restarts; its first PBU comes before its first heartbeat */
	struct mh_msg m = pbu(MN1, 100, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	input(&MAG1, &m, 5 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	h = hb_req(1, 3000);
	input(&MAG1, &h, 5 * SEC + 1000);
	cr_assert_eq(count_event(LMA_EV_MAG_RESTARTED), 1);
	cr_assert_eq(count_event(LMA_EV_BCE_DEREGISTERED), 0, "registered by the new MAG");
}
