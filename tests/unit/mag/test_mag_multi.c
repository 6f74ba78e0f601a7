/*
 * Several interfaces of one MN on one MAG (problem statement section 4):
 * separate sessions, inter-interface handoff (HI = 2, RFC 5213 8.4), and
 * the combined PBU of refreshes (one BID group per session, RFC 5648).
 */
#include "mag_testlib.h"

TestSuite(mag_multi, .init = tsetup, .fini = tteardown);

/* Runs after the suite's init: release what it made first. */
static void combined_setup(void)
{
	tteardown();
	tcfg_default();
	tcfg.multi_session_pbu = true;
	tstart();
}

static void register_both(void)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:2::", S_NS);
}

Test(mag_multi, two_interfaces_of_one_mn_hold_two_sessions)
{
	register_both();
	const struct mag_bul *b1 = mag_find_session(tm, "mn-a@example.org", LL_A1);
	const struct mag_bul *b2 = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_not_null(b1);
	cr_assert_not_null(b2);
	cr_assert_neq(b1, b2);
	cr_assert_neq(b1->id, b2->id);
	cr_assert_eq(b1->ifindex, IF_ETH);
	cr_assert_eq(b2->ifindex, IF_WLAN);
	cr_assert_eq(b2->att, MH_ATT_WLAN);
	cr_assert_eq(b1->state, MAG_BUL_ACTIVE);
	cr_assert_eq(b2->state, MAG_BUL_ACTIVE);
}

/* Is prefix s among g's HNPs? */
static bool group_has(const struct mh_group *g, const char *s)
{
	struct in6_addr want = a6(s);
	for (unsigned i = 0; i < g->n_hnp; i++)
		if (g->hnp[i].len == 64 && !memcmp(&g->hnp[i].prefix, &want, 16))
			return true;
	return false;
}

static size_t sessions_of(const char *mn_id)
{
	size_t n = 0;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = mag_bul_at(tm, i);
		n += b && !strcmp(b->prof->mn_id, mn_id);
	}
	return n;
}

static void move_on_detach_setup(void)
{
	tteardown();
	tcfg_default();
	tcfg.move_on_detach = true;
	tstart();
}

Test(mag_multi, handoff_command_sends_hi_2_for_the_new_interface_with_all_its_prefixes)
{
	register_both();
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, 5 * S_NS, ta, &why),
		     0, "%s", why);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	const struct mh_group *g = &p->group[0];
	cr_assert_eq(g->hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	cr_assert(!memcmp(g->mn_ll_id, LL_A2, 6));
	cr_assert_eq(g->att, MH_ATT_WLAN);
	/* the PBU names the target session's whole set: its own prefix and
	 * the moved one (the LMA refuses, 159, a HI 2 set missing one) */
	cr_assert_eq(g->n_hnp, 2);
	cr_assert(group_has(g, "2001:db8:100:2::"));
	cr_assert(group_has(g, "2001:db8:100:1::"));
	cr_assert_neq(p->lifetime, 0);
	/* make before break: nothing moves before the PBA */
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
}

Test(mag_multi, accepted_handoff_moves_routes_to_the_new_interface)
{
	register_both();
	const char *why = NULL;
	mag_acts_reset(ta);
	mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, 5 * S_NS, ta, &why);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	pba(&r, 5 * S_NS + 1000);
	const struct mag_act *del = nth_act(MAG_ACT_ROUTE_DEL, 0);
	const struct mag_act *add = nth_act(MAG_ACT_ROUTE_ADD, 0);
	cr_assert_not_null(del);
	cr_assert_not_null(add);
	cr_assert_eq(del->ifindex, IF_ETH);
	cr_assert_eq(add->ifindex, IF_WLAN);
	cr_assert(!memcmp(&del->prefix, &add->prefix, sizeof(add->prefix)));
	cr_assert_lt(del - ta->a, add - ta->a, "old route removed first");
	/* the new interface's own prefix keeps its route untouched */
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	struct in6_addr x = a6("2001:db8:100:1::7");
	const struct mag_bul *b = mag_find_by_addr(tm, &x);
	cr_assert_not_null(b);
	cr_assert_eq(b->ifindex, IF_WLAN);
	/* the RA on the new interface lists both prefixes */
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra);
	cr_assert_eq(ra->ifindex, IF_WLAN);
	cr_assert_eq(ra->n_hnp, 2);
}

Test(mag_multi, rejected_handoff_keeps_the_old_session)
{
	register_both();
	const char *why = NULL;
	mag_acts_reset(ta);
	mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, 5 * S_NS, ta, &why);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX, 0, NULL);
	pba(&r, 5 * S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_not_null(b);
	cr_assert_eq(b->state, MAG_BUL_ACTIVE);
}

Test(mag_multi, handoff_to_an_interface_not_attached_is_refused)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, S_NS, ta, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
}

Test(mag_multi, detach_moves_sessions_to_the_other_interface_when_configured,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert_eq(p->group[0].hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	cr_assert_neq(p->lifetime, 0);
	cr_assert(!memcmp(p->group[0].mn_ll_id, LL_A2, 6));
	cr_assert(group_has(&p->group[0], "2001:db8:100:1::"));
	cr_assert(group_has(&p->group[0], "2001:db8:100:2::"));
	/* the dead interface's route goes at once */
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	cr_assert_eq(nth_act(MAG_ACT_ROUTE_DEL, 0)->ifindex, IF_ETH);
}

Test(mag_multi, accepted_move_leaves_one_session_holding_both_prefixes,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	pba(&r, 5 * S_NS + 1000);
	cr_assert_eq(sessions_of("mn-a@example.org"), 1);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_not_null(b);
	cr_assert_eq(b->state, MAG_BUL_ACTIVE);
	cr_assert_eq(b->n_hnp, 2);
	struct in6_addr x = a6("2001:db8:100:1::7");
	cr_assert_eq(mag_find_by_addr(tm, &x), b);
	/* the moved prefix's route, towards the g3 interface's MN (its MAC) */
	const struct mag_act *add = nth_act(MAG_ACT_ROUTE_ADD, 0);
	cr_assert_not_null(add);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	cr_assert_eq(add->ifindex, IF_WLAN);
	cr_assert(!memcmp(add->ll_id, LL_A2, 6));
	cr_assert_not_null(find_event(MAG_EV_BUL_HANDOFF));
}

Test(mag_multi, a_second_report_of_the_same_loss_sends_nothing,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS + 1000, ta);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
}

Test(mag_multi, refresh_after_a_handoff_names_both_prefixes_with_hi_5,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	pba(&r, 5 * S_NS + 1000);
	timer(85 * S_NS);                /* 80 % of 100 s after 5 s */
	const struct mh_msg *q = nth_pbu(0);
	cr_assert_not_null(q);
	cr_assert_eq(q->n_groups, 1);
	cr_assert_eq(q->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert_eq(q->group[0].n_hnp, 2);
	cr_assert(group_has(&q->group[0], "2001:db8:100:1::"));
	cr_assert(group_has(&q->group[0], "2001:db8:100:2::"));
}

Test(mag_multi, refused_move_keeps_own_prefixes_and_deregisters_the_dead_interface,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, PBA_STATUS_BCE_PBU_PREFIX_SET_DO_NOT_MATCH, 0, NULL);
	pba(&r, 5 * S_NS + 1000);
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_not_null(b);
	cr_assert_eq(b->state, MAG_BUL_ACTIVE);
	cr_assert_eq(b->n_hnp, 1);
	struct in6_addr own = a6("2001:db8:100:2::");
	cr_assert(!memcmp(&b->hnp[0].prefix, &own, 16));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0, "its own route stays");
	/* the LMA still binds the WLAN prefix: deregister that session */
	const struct mh_msg *d = nth_pbu(0);
	cr_assert_not_null(d);
	cr_assert_eq(d->lifetime, 0);
	cr_assert(!memcmp(d->group[0].mn_ll_id, LL_A1, 6));
}

Test(mag_multi, unanswered_move_gives_up_and_deregisters_the_dead_interface,
     .init = move_on_detach_setup)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	bool dereg = false;
	for (uint64_t t = 6 * S_NS; t < 80 * S_NS && !dereg; t += S_NS) {
		timer(t);
		for (size_t i = 0; i < count_acts(MAG_ACT_SEND_PBU); i++)
			dereg |= nth_pbu(i)->lifetime == 0 &&
				 !memcmp(nth_pbu(i)->group[0].mn_ll_id, LL_A1, 6);
	}
	cr_assert(dereg, "no deregistration after the give-up");
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_not_null(b);
	cr_assert_eq(b->n_hnp, 1);
	cr_assert(mag_bul_registered(b));
}

Test(mag_multi, handoff_pbu_carries_the_target_sessions_bid, .init = combined_setup)
{
	register_both();
	const struct mag_bul *to = mag_find_session(tm, "mn-a@example.org", LL_A2);
	unsigned bid = to->id;
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, 5 * S_NS, ta, &why),
		     0, "%s", why);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->n_groups, 1);
	cr_assert(p->group[0].has_bid);
	cr_assert_eq(p->group[0].bid, bid);
	cr_assert_eq(sessions_of("mn-a@example.org"), 2, "no third entry");
}

Test(mag_multi, handoff_to_a_session_still_waiting_for_its_pba_is_refused)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	attach(IF_WLAN, LL_A2, S_NS);    /* PBU out, no PBA yet */
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_handoff(tm, "mn-a@example.org", LL_A1, LL_A2, 2 * S_NS, ta, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
}

Test(mag_multi, detach_deregisters_when_moving_is_not_configured)
{
	register_both();
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	cr_assert_eq(nth_pbu(0)->lifetime, 0);
	cr_assert(!memcmp(nth_pbu(0)->group[0].mn_ll_id, LL_A1, 6));
}

Test(mag_multi, separate_pbus_carry_no_bid_without_multi_session)
{
	register_both();
	timer(80 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);   /* only the first is due */
	cr_assert_not(nth_pbu(0)->group[0].has_bid);
	timer(81 * S_NS);   /* second session due; first one retransmits */
	size_t n_a2 = 0;
	for (size_t i = 0; i < count_acts(MAG_ACT_SEND_PBU); i++) {
		cr_assert_eq(nth_pbu(i)->n_groups, 1);
		n_a2 += !memcmp(nth_pbu(i)->group[0].mn_ll_id, LL_A2, 6);
	}
	cr_assert_eq(n_a2, 1);
}

Test(mag_multi, combined_refresh_carries_one_bid_group_per_session, .init = combined_setup)
{
	register_both();
	timer(80 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->n_groups, 2);
	const struct mag_bul *b1 = mag_find_session(tm, "mn-a@example.org", LL_A1);
	const struct mag_bul *b2 = mag_find_session(tm, "mn-a@example.org", LL_A2);
	for (int i = 0; i < 2; i++) {
		const struct mh_group *g = &p->group[i];
		cr_assert(g->has_bid);
		cr_assert_eq(g->hi, MH_HI_NOT_CHANGED);
		const struct mag_bul *b = g->bid == b1->id ? b1 : b2;
		cr_assert_eq(g->bid, b->id);
		cr_assert(!memcmp(g->mn_ll_id, b->ll_id, 6));
		cr_assert(!memcmp(&g->hnp[0], &b->hnp[0], sizeof(g->hnp[0])));
	}
	cr_assert_eq(b1->state, MAG_BUL_REFRESHING);
	cr_assert_eq(b2->state, MAG_BUL_REFRESHING);
	cr_assert(p->has_mn_id);
}

Test(mag_multi, combined_pba_groups_are_matched_back_by_bid, .init = combined_setup)
{
	register_both();
	timer(80 * S_NS);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	/* groups in the other order, second one rejected */
	struct mh_group g0 = r.group[0];
	r.group[0] = r.group[1];
	r.group[1] = g0;
	r.group[1].bid_status = PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX;
	unsigned rejected_bid = g0.bid;
	pba(&r, 80 * S_NS + 1000);
	const struct mag_bul *b1 = mag_find_session(tm, "mn-a@example.org", LL_A1);
	const struct mag_bul *b2 = mag_find_session(tm, "mn-a@example.org", LL_A2);
	const struct mag_bul *kept = b1 ? b1 : b2;
	cr_assert((b1 == NULL) != (b2 == NULL), "exactly one session rejected");
	cr_assert_neq(kept->id, rejected_bid);
	cr_assert_eq(kept->state, MAG_BUL_ACTIVE);
	cr_assert_eq(kept->expiry_ns, 180 * S_NS);
}

Test(mag_multi, accepted_refresh_readvertises_the_prefixes_with_renewed_lifetimes,
     .init = combined_setup)
{
	register_both();
	timer(80 * S_NS);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	pba(&r, 80 * S_NS + 1000);
	/* one RA per refreshed interface, lifetime = the new binding's */
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, i);
		cr_assert_geq(ra->valid_s, 99);
		cr_assert_leq(ra->valid_s, 100);
	}
}

Test(mag_multi, combined_refresh_sends_fewer_messages_and_bytes_per_session)
{
	/* same scenario with and without combining: count what refreshes cost */
	uint64_t msgs[2], bytes[2], sessions[2];
	for (int mode = 0; mode < 2; mode++) {
		tteardown();
		tcfg_default();
		tcfg.multi_session_pbu = mode == 1;
		tstart();
		register_both();
		for (uint64_t t = 2 * S_NS; t <= 200 * S_NS; t += S_NS / 2) {
			timer(t);
			for (size_t i = 0; i < count_acts(MAG_ACT_SEND_PBU); i++) {
				struct mh_msg p = *nth_pbu(i);
				struct mh_msg r = make_pba(&p, 0, 100, NULL);
				struct mag_acts *keep = ta;
				ta = calloc(1, sizeof(*ta));
				pba(&r, t + 1000);
				free(ta);
				ta = keep;
			}
		}
		const struct mag_stats *s = mag_stats(tm);
		msgs[mode] = s->refresh_msgs;
		bytes[mode] = s->refresh_bytes;
		sessions[mode] = s->refresh_sessions;
	}
	cr_assert_gt(sessions[0], 0);
	cr_assert_gt(bytes[0], 0, "mh_encode counted no bytes");
	/* per session refreshed: one message each vs one for two */
	double per0 = (double)msgs[0] / (double)sessions[0];
	double per1 = (double)msgs[1] / (double)sessions[1];
	cr_assert_float_eq(per0, 1.0, 1e-9);
	cr_assert_float_eq(per1, 0.5, 1e-9);
	double b0 = (double)bytes[0] / (double)sessions[0];
	double b1 = (double)bytes[1] / (double)sessions[1];
	cr_assert_lt(b1, b0, "combined %.1f B/session, separate %.1f", b1, b0);
}

Test(mag_multi, combined_pba_rejecting_one_group_keeps_the_accepted_ones,
     .init = combined_setup)
{
	/* RFC 5648 6.2 as lmad answers: Status = the first rejected group's,
	 * the accepted group's BID status 0. Each group follows its own. */
	register_both();
	timer(80 * S_NS);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX,
				   100, NULL);
	r.group[0].bid_status = 0;
	r.group[1].bid_status = PBA_STATUS_NOT_AUTHORIZED_FOR_HOME_NETWORK_PREFIX;
	unsigned kept_bid = r.group[0].bid, gone_bid = r.group[1].bid;
	pba(&r, 80 * S_NS + 1000);
	const struct mag_bul *b1 = mag_find_session(tm, "mn-a@example.org", LL_A1);
	const struct mag_bul *b2 = mag_find_session(tm, "mn-a@example.org", LL_A2);
	const struct mag_bul *kept = b1 && b1->id == kept_bid ? b1 : b2;
	cr_assert_not_null(kept, "the accepted group's session survives");
	cr_assert_eq(kept->id, kept_bid);
	cr_assert_eq(kept->state, MAG_BUL_ACTIVE);
	cr_assert_eq(kept->expiry_ns, 180 * S_NS);
	cr_assert((b1 && b1->id == gone_bid) + (b2 && b2->id == gone_bid) == 0,
		  "the rejected group's session is gone");
}

Test(mag_multi, combined_pba_rejected_whole_without_bid_status_deletes_all,
     .init = combined_setup)
{
	register_both();
	timer(80 * S_NS);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG, 0, NULL);
	pba(&r, 80 * S_NS + 1000);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A2));
}
