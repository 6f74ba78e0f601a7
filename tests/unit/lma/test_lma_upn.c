/*
 * test_lma_upn.c - section 2.2 network-initiated at the LMA (lma_upn.c):
 * the operator's request is checked against the Binding Cache, then told
 * to the interface's MAG in an RFC 7077 Update Notification (reason
 * FLOW-MOBILITY, RFC 7864) naming the set the interface is to hold; the
 * Binding Cache changes only with the MAG's PBU. Errors send nothing and
 * change nothing. MN3's interface C holds P1 and P2 at MAG1; its
 * interface A registers at MAG2 and gets a pool prefix.
 */
#include "lma_fixture.h"
#include "lma/lma_ctl.h"

static void setup_on(void)
{
	fixture_config();
	C.prefix_update = true;
	/* MN3's second interface A: a profile without static prefixes */
	strcpy(pol_buf[4].mn_id, MN3);
	pol_buf[4].has_ll_id = true;
	memcpy(pol_buf[4].ll_id, MAC_A, 6);
	pol_buf[4].att = MH_ATT_3GPP_EUTRAN;
	C.n_policies = 5;
	fixture_start();
}

TestSuite(lma_upn, .init = setup_on, .fini = teardown);

static struct mh_prefix P1, P2, PA;

static void two_interfaces(void)
{
	struct mh_msg m = pbu(MN3, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_C, NULL);

	input(&MAG1, &m, 0);
	P1 = pfx("2001:db8:300:1::", 64);
	P2 = pfx("2001:db8:300:2::", 64);
	m = pbu(MN3, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_A, NULL);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	PA = the_pba()->group[0].hnp[0];
}

static const struct in6_addr *peer_of(const struct mh_prefix *p)
{
	static struct in6_addr h;

	h = host_in(p, 1);
	return lma_downlink_peer(L, &h);
}

static bool has(const struct mh_group *g, const struct mh_prefix *p)
{
	for (unsigned i = 0; i < g->n_hnp; i++)
		if (g->hnp[i].len == p->len && !memcmp(&g->hnp[i].prefix, &p->prefix, 16))
			return true;
	return false;
}

Test(lma_upn, move_tells_the_receiving_mag_the_new_set)
{
	const char *why = NULL;

	two_interfaces();
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_A, LMA_PREFIX_MOVE, &P2, 1, SEC, &A, &why), 0, "%s",
		     why);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1, "one message");
	const struct lma_action *a = find_act(LMA_ACT_SEND_PBA, 0);
	const struct mh_msg *u = &a->pba.msg;
	cr_assert(addr_is(&a->pba.dst, &MAG2), "to the interface's MAG");
	cr_assert_eq(u->type, MH_TYPE_UPN);
	cr_assert_eq(u->upn_reason, MH_UPN_REASON_FLOW_MOBILITY);
	cr_assert(u->upn_flags & MH_UPN_A, "an acknowledgement is asked for");
	cr_assert(u->has_mn_id && u->group[0].has_mn_ll_id);
	cr_assert(!memcmp(u->group[0].mn_ll_id, MAC_A, 6));
	cr_assert_eq(u->group[0].n_hnp, 2);
	cr_assert(has(&u->group[0], &PA) && has(&u->group[0], &P2));
	cr_assert(addr_is(peer_of(&P2), &MAG1), "nothing moves before the PBU");
	cr_assert_eq(count_event(LMA_EV_UPN_SENT), 1);
	/* the MAG's UPA, then its PBU (HI 2 naming the set): P2 moves */
	struct mh_msg upa;
	mh_msg_init(&upa, MH_TYPE_UPA);
	upa.seq = u->seq;
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, &MAG2, &upa, 2 * SEC, REALTIME, &A), 0);
	cr_assert_eq(count_event(LMA_EV_UPA_RECEIVED), 1);
	struct mh_msg m = pbu(MN3, 2, 40, MH_HI_HANDOFF_BETWEEN_IFACES, MH_ATT_3GPP_EUTRAN,
			      MAC_A, &PA);
	m.group[0].n_hnp = 2;
	m.group[0].hnp[1] = P2;
	input(&MAG2, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert(addr_is(peer_of(&P2), &MAG2));
	cr_assert(addr_is(peer_of(&P1), &MAG1), "P1 stays");
}

Test(lma_upn, add_and_remove_name_the_set_to_hold)
{
	const char *why = NULL;
	struct mh_prefix p4 = pfx("2001:db8:100:44::", 64);

	two_interfaces();
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_ADD, &p4, 1, SEC, &A, &why), 0, "%s", why);
	cr_assert_eq(find_act(LMA_ACT_SEND_PBA, 0)->pba.msg.group[0].n_hnp, 3);
	cr_assert(addr_is(&find_act(LMA_ACT_SEND_PBA, 0)->pba.dst, &MAG1));
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_REMOVE, &P2, 1, SEC, &A, &why), 0, "%s",
		     why);
	const struct mh_group *g = &find_act(LMA_ACT_SEND_PBA, 0)->pba.msg.group[0];
	cr_assert_eq(g->n_hnp, 1);
	cr_assert(has(g, &P1));
}

/* Issue 11 item 3: clear refusals, nothing sent, nothing changed. */
Test(lma_upn, errors_send_nothing)
{
	const char *why = NULL;
	struct mh_prefix both[2], mn2 = pfx("2001:db8:200:1::", 64);
	static const uint8_t nobody[6] = { 2, 0, 0, 0, 9, 9 };

	two_interfaces();
	both[0] = P1, both[1] = P2;
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_A, LMA_PREFIX_MOVE, both, 2, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "that is every prefix of the other interface: some, not all");
	cr_assert_eq(lma_prefix_notify(L, MAC_A, LMA_PREFIX_MOVE, &mn2, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "the MN holds no such prefix on another interface");
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_MOVE, &P1, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "LLID holds a named prefix already");
	cr_assert_eq(lma_prefix_notify(L, nobody, LMA_PREFIX_MOVE, &P1, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "no registered session for LLID");
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_REMOVE, both, 2, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "that is every prefix of LLID: some, not all");
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_REMOVE, &PA, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "LLID does not hold a named prefix");
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_ADD, &PA, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "a named prefix is held by a session already");
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_ADD, &mn2, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "a named prefix is not authorized for the MN");
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
	cr_assert(addr_is(peer_of(&P2), &MAG1));
	cr_assert(addr_is(peer_of(&P1), &MAG1));
}

Test(lma_upn, add_with_prefix_update_off_is_refused)
{
	const char *why = NULL;
	struct mh_prefix p4 = pfx("2001:db8:100:44::", 64);

	C.prefix_update = false;
	fixture_start();
	two_interfaces();
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_C, LMA_PREFIX_ADD, &p4, 1, SEC, &A, &why), -1);
	cr_assert_str_eq(why, "prefix-update is off (RFC 5213: a session's prefix set is fixed)");
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
}

/* No UPA: the UPN goes again after 1 s, then 2 s, then is given up with
 * an event; a UPA stops it. */
Test(lma_upn, unanswered_notification_is_sent_again_then_given_up)
{
	const char *why = NULL;
	struct mh_msg upa;

	two_interfaces();
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_A, LMA_PREFIX_MOVE, &P2, 1, 2 * SEC, &A, &why), 0);
	uint16_t seq = find_act(LMA_ACT_SEND_PBA, 0)->pba.msg.seq;
	cr_assert_eq(lma_next_deadline(L), 3 * SEC);
	tick(3 * SEC - 1);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0, "not before its time");
	tick(3 * SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1, "sent again");
	cr_assert_eq(find_act(LMA_ACT_SEND_PBA, 0)->pba.msg.seq, seq, "the same UPN");
	tick(5 * SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1, "and again, 2 s later");
	tick(9 * SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
	cr_assert_eq(count_event(LMA_EV_UPN_UNANSWERED), 1, "given up");
	/* a second one, answered: no more retransmissions */
	lma_actions_clear(&A);
	cr_assert_eq(lma_prefix_notify(L, MAC_A, LMA_PREFIX_MOVE, &P2, 1, 10 * SEC, &A, &why), 0);
	mh_msg_init(&upa, MH_TYPE_UPA);
	upa.seq = find_act(LMA_ACT_SEND_PBA, 0)->pba.msg.seq;
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, &MAG2, &upa, 10 * SEC, REALTIME, &A), 0);
	tick(20 * SEC);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 0);
}

Test(lma_upn, unmatched_ack_is_counted_not_taken)
{
	struct mh_msg upa;

	two_interfaces();
	mh_msg_init(&upa, MH_TYPE_UPA);
	upa.seq = 77;
	lma_actions_clear(&A);
	cr_assert_eq(lma_input_pbu(L, &MAG2, &upa, 2 * SEC, REALTIME, &A), -1);
	cr_assert_eq(count_event(LMA_EV_UPA_RECEIVED), 0);
}

Test(lma_upn, ctl_prefix_command)
{
	char out[512];

	two_interfaces();
	lma_actions_clear(&A);
	cr_assert_eq(lma_ctl_prefix(L, "prefix move 02:00:00:00:01:0a 2001:db8:300:2::/64", 2 * SEC, &A,
				    out, sizeof(out)), 1);
	cr_assert(strstr(out, "\"ok\":true"), "%s", out);
	cr_assert_eq(count_act(LMA_ACT_SEND_PBA), 1);
	cr_assert_eq(lma_ctl_prefix(L, "prefix steal 02:00:00:00:01:0a 2001:db8:300:2::/64", 2 * SEC, &A,
				    out, sizeof(out)), 1);
	cr_assert(strstr(out, "usage: prefix"), "%s", out);
	cr_assert_eq(lma_ctl_prefix(L, "prefix move 02:00:00:00:01:0a 2001:db8:300:1::/64 "
				    "2001:db8:300:2::/64", 2 * SEC, &A, out, sizeof(out)), 1);
	cr_assert(strstr(out, "some, not all"), "%s", out);
	cr_assert_eq(lma_ctl_prefix(L, "show bindings", 2 * SEC, &A, out, sizeof(out)), 0);
}
