/*
 * test_lma_revoke.c - Binding Revocation at the LMA (RFC 5846): a BRI to
 * the previous MAG on a handoff, `revoke` of an MN, a MAG's bulk BRI.
 */
#include "lma_fixture.h"
#include "lma/lma_ctl.h"

static void revocation_on(void)
{
	fixture_config();
	C.revocation = true;
	fixture_start();
}

TestSuite(lma_revoke, .init = revocation_on, .fini = teardown);

/* The nth message of type 16 in the last actions. */
static const struct lma_action *nth_br(size_t nth)
{
	for (size_t i = 0; i < A.n; i++)
		if (A.v[i].type == LMA_ACT_SEND_PBA && A.v[i].pba.msg.type == MH_TYPE_BR &&
		    nth-- == 0)
			return &A.v[i];
	return NULL;
}

Test(lma_revoke, handoff_to_another_mag_revokes_the_binding_at_the_previous_one)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG2, &m, SEC);
	const struct lma_action *b = nth_br(0);
	cr_assert_not_null(b, "a BRI");
	cr_assert(addr_is(&b->pba.dst, &MAG1), "to the previous MAG");
	cr_assert_eq(b->pba.msg.br_type, MH_BR_TYPE_BRI);
	cr_assert_eq(b->pba.msg.br_trigger, MH_BR_TRIGGER_INTER_MAG_SAME_ATT);
	cr_assert(b->pba.msg.br_flags & MH_BR_P);
	cr_assert_not(b->pba.msg.br_flags & MH_BR_G);
	cr_assert_eq(b->pba.msg.mn_id_len, strlen(MN1));
	cr_assert_eq(b->pba.msg.group[0].n_hnp, 1);
	cr_assert(addr_is(&b->pba.msg.group[0].hnp[0].prefix, &p1.prefix));
	cr_assert_eq(count_event(LMA_EV_BRI_SENT), 1);
	cr_assert_null(nth_br(1));
}

Test(lma_revoke, inter_technology_handoff_revokes_with_trigger_different_att)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_B, NULL);

	input(&MAG2, &m, SEC);
	const struct lma_action *b = nth_br(0);
	cr_assert_not_null(b);
	cr_assert(addr_is(&b->pba.dst, &MAG1));
	cr_assert_eq(b->pba.msg.br_trigger, MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT);
	cr_assert(addr_is(&b->pba.msg.group[0].hnp[0].prefix, &p1.prefix));
}

Test(lma_revoke, refresh_and_handoff_on_the_same_mag_revoke_nothing)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG1, &m, SEC);
	cr_assert_null(nth_br(0));
	m = pbu(MN1, 3, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN, MAC_B, &p1);
	input(&MAG1, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_null(nth_br(0), "the same MAG moved it itself");
}

Test(lma_revoke, handoff_after_deregistration_revokes_nothing)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG1, &m, SEC);
	m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG2, &m, 2 * SEC);
	cr_assert_null(nth_br(0), "MAG1 deregistered it already");
}

Test(lma_revoke, without_revocation_a_handoff_sends_no_bri, .init = setup)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG2, &m, SEC);
	cr_assert_null(nth_br(0));
}

Test(lma_revoke, revoke_mn_sends_bri_and_deletes_the_binding_and_route)
{
	struct mh_prefix p1 = register_a(0);

	lma_actions_clear(&A);
	cr_assert_eq(lma_revoke_mn(L, (const uint8_t *)MN1, strlen(MN1), 0, &A), 1);
	const struct lma_action *b = nth_br(0);
	cr_assert_not_null(b);
	cr_assert(addr_is(&b->pba.dst, &MAG1));
	cr_assert_eq(b->pba.msg.br_trigger, MH_BR_TRIGGER_ADMINISTRATIVE_REASON);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
	cr_assert_eq(count_act(LMA_ACT_ROUTE_DEL), 1);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert_null(lma_downlink_peer(L, &h));
	lma_actions_clear(&A);
	cr_assert_eq(lma_revoke_mn(L, (const uint8_t *)MN1, strlen(MN1), 0, &A), 0);
}

Test(lma_revoke, bulk_bri_from_a_mag_deletes_its_bindings_and_is_acknowledged)
{
	register_a(0);
	struct mh_msg m = pbu(MN2, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, NULL, NULL);
	input(&MAG2, &m, 0);
	struct mh_msg bri;

	mh_msg_init(&bri, MH_TYPE_BR);
	bri.br_type = MH_BR_TYPE_BRI;
	bri.br_flags = MH_BR_P | MH_BR_G;
	bri.br_trigger = MH_BR_TRIGGER_ADMINISTRATIVE_REASON;
	bri.seq = 77;
	bri.n_groups = 0;
	input(&MAG1, &bri, SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1, "MAG2's binding stays");
	const struct lma_action *b = nth_br(0);
	cr_assert_not_null(b);
	cr_assert(addr_is(&b->pba.dst, &MAG1));
	cr_assert_eq(b->pba.msg.br_type, MH_BR_TYPE_BRA);
	cr_assert_eq(b->pba.msg.seq, 77);
	cr_assert_eq(b->pba.msg.status, MH_BRA_STATUS_SUCCESS);
	cr_assert(b->pba.msg.br_flags & MH_BR_G);
	cr_assert_eq(lma_stats(L)->revoked, 1);
}

Test(lma_revoke, bra_from_the_mag_is_counted)
{
	register_a(0);
	struct mh_msg bra;

	mh_msg_init(&bra, MH_TYPE_BR);
	bra.br_type = MH_BR_TYPE_BRA;
	bra.seq = 1;
	input(&MAG1, &bra, SEC);
	cr_assert_eq(lma_stats(L)->bra_received, 1);
	cr_assert_eq(count_event(LMA_EV_BRA_RECEIVED), 1);
}

Test(lma_revoke, revoke_command_revokes_the_mns_bindings)
{
	char out[1024];
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);

	input(&MAG1, &m, 0);
	lma_actions_clear(&A);
	cr_assert_eq(lma_ctl_revoke(L, "revoke " MN1, 0, &A, out, sizeof(out)), 1);
	cr_assert_not_null(strstr(out, "\"revoked\":1"), "%s", out);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 0);
	cr_assert_eq(count_event(LMA_EV_BRI_SENT), 1);
	cr_assert_eq(lma_ctl_revoke(L, "revoke", 0, &A, out, sizeof(out)), 1);
	cr_assert_not_null(strstr(out, "error"), "%s", out);
	cr_assert_eq(lma_ctl_revoke(L, "show stats", 0, &A, out, sizeof(out)), 0);
	cr_assert_eq(lma_ctl_revoke(L, "revoker x", 0, &A, out, sizeof(out)), 0);
}

Test(lma_revoke, bri_is_sent_again_until_its_bra_then_given_up)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);

	input(&MAG2, &m, SEC);
	uint16_t seq = nth_br(0)->pba.msg.seq;
	cr_assert_leq(lma_next_deadline(L), 2 * SEC, "the retransmission is due");
	tick(2 * SEC);
	cr_assert_not_null(nth_br(0), "sent again after 1 s");
	cr_assert_eq(nth_br(0)->pba.msg.seq, seq, "the same BRI");
	tick(4 * SEC);
	cr_assert_not_null(nth_br(0), "and after 2 s more");
	tick(8 * SEC);
	cr_assert_null(nth_br(0), "given up after 2 retries");
	cr_assert_eq(count_event(LMA_EV_BRI_UNANSWERED), 1);
	cr_assert_eq(lma_stats(L)->bri_retx, 2);
}

Test(lma_revoke, bra_stops_the_retransmissions)
{
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_HANDOFF_SAME_IFACE, MH_ATT_WLAN, MAC_A, &p1);
	struct mh_msg bra;

	input(&MAG2, &m, SEC);
	mh_msg_init(&bra, MH_TYPE_BR);
	bra.br_type = MH_BR_TYPE_BRA;
	bra.seq = nth_br(0)->pba.msg.seq;
	input(&MAG1, &bra, SEC + 1000);
	tick(3 * SEC);
	cr_assert_null(nth_br(0));
	cr_assert_eq(lma_stats(L)->bri_retx, 0);
}
