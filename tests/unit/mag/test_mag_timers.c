/*
 * MAG timers: retransmission back-off (RFC 5213 6.9.4 / RFC 6275 11.8),
 * refresh (6.9.1.3), expiry, periodic RAs, detach and deregistration
 * (6.9.1.4), shutdown.
 */
#include "mag_testlib.h"

TestSuite(mag_timers, .init = tsetup, .fini = tteardown);

Test(mag_timers, first_registration_backs_off_from_1500ms_doubling)
{
	attach(IF_ETH, LL_A1, 0);
	uint64_t t = 0, expect[] = { 1500, 3000, 6000, 12000, 24000 };
	uint16_t prev = nth_pbu(0)->seq;
	for (size_t i = 0; i < 5; i++) {
		uint64_t due = t + expect[i] * 1000000ull;
		cr_assert_eq(mag_next_deadline(tm), due, "retx %zu", i);
		timer(due - 1);
		cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0, "early retx %zu", i);
		timer(due);
		cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1, "retx %zu", i);
		cr_assert_gt((uint16_t)(nth_pbu(0)->seq - prev), 0);
		prev = nth_pbu(0)->seq;
		t = due;
	}
	cr_assert_eq(mag_stats(tm)->pbu_retx, 5);
}

Test(mag_timers, registration_gives_up_after_the_retransmission_limit)
{
	attach(IF_ETH, LL_A1, 0);
	uint64_t t = 0;
	for (int i = 0; i < 5; i++) {
		t = mag_next_deadline(tm);
		timer(t);
	}
	t = mag_next_deadline(tm);
	timer(t);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_not_null(find_event(MAG_EV_PBU_GIVE_UP));
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_eq(mag_stats(tm)->give_up, 1);
	cr_assert_eq(mag_next_deadline(tm), 0);
}

Test(mag_timers, back_off_is_capped_at_max_bindack_timeout)
{
	tteardown();
	tcfg_default();
	tcfg.max_retx = 10;
	tstart();
	attach(IF_ETH, LL_A1, 0);
	uint64_t t = 0, prev = 0;
	for (int i = 0; i < 10; i++) {
		prev = t;
		t = mag_next_deadline(tm);
		timer(t);
	}
	cr_assert_eq(mag_next_deadline(tm) - t, MAG_MAX_BINDACK_TIMEOUT_NS);
	cr_assert_eq(t - prev, MAG_MAX_BINDACK_TIMEOUT_NS);
}

Test(mag_timers, refresh_at_80_percent_with_hi_not_changed)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	timer(80 * S_NS - 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	timer(80 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert_eq(p->lifetime, 25);
	cr_assert_eq(p->group[0].n_hnp, 1);
	struct in6_addr want = a6("2001:db8:100:1::");
	cr_assert(!memcmp(&p->group[0].hnp[0].prefix, &want, 16));
	/* still forwarding while the refresh is outstanding */
	struct in6_addr x = a6("2001:db8:100:1::1");
	cr_assert_not_null(mag_find_by_addr(tm, &x));
}

Test(mag_timers, refresh_pct_is_configurable)
{
	tteardown();
	tcfg_default();
	tcfg.refresh_pct = 50;
	tstart();
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	timer(50 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
}

Test(mag_timers, accepted_refresh_extends_the_binding)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	timer(80 * S_NS);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 100, NULL);
	pba(&r, 80 * S_NS + 1000);
	cr_assert_not_null(find_event(MAG_EV_BUL_REFRESHED));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);  /* same prefixes */
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_eq(b->expiry_ns, 180 * S_NS);
	cr_assert_eq(b->state, MAG_BUL_ACTIVE);
}

Test(mag_timers, re_registration_retransmits_from_one_second)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	timer(S_NS);                    /* the two quick initial RAs */
	timer(2 * S_NS);
	timer(80 * S_NS);
	cr_assert_eq(mag_next_deadline(tm), 80 * S_NS + MAG_INITIAL_BINDACK_TIMEOUT_NS);
}

Test(mag_timers, unanswered_refresh_expires_the_binding_and_removes_routes)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	uint64_t t, t_exp = 0;
	size_t dels = 0;
	bool expired = false;
	while (!expired && (t = mag_next_deadline(tm)) && t <= 200 * S_NS) {
		timer(t);
		dels += count_acts(MAG_ACT_ROUTE_DEL);
		const struct mag_act *e = find_event(MAG_EV_BUL_DELETED);
		expired = e && strstr(e->text, "expired");
		t_exp = t;
	}
	cr_assert(expired);
	cr_assert_eq(t_exp, 100 * S_NS);
	cr_assert_eq(dels, 1);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}

/* RFC 4861 6.2.4: the RA of the registration and two more 500 ms apart,
 * then one every interval. */
Test(mag_timers, initial_ras_come_quickly_then_every_interval)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	uint64_t reg = 10000000;        /* when register_mn's PBA came */
	timer(reg + MAG_INITIAL_RA_INTERVAL_NS - 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0);
	timer(reg + MAG_INITIAL_RA_INTERVAL_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 1, "the second initial RA");
	timer(reg + 2 * MAG_INITIAL_RA_INTERVAL_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 1, "the third");
	uint64_t first = reg + 2 * MAG_INITIAL_RA_INTERVAL_NS + tcfg.ra_interval_ns;
	timer(first - 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0, "then the periodic interval");
	timer(first);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 1);
	timer(first + tcfg.ra_interval_ns);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 1);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	/* the advertised lifetime shrinks with the binding */
	cr_assert_leq(ra->valid_s, 100 - 20);
}

Test(mag_timers, detach_sends_lifetime_zero_pbu_and_removes_routes_at_once)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 1);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	cr_assert_eq(p->lifetime, 0);
	cr_assert_eq(p->bu_flags, MH_BU_A | MH_BU_P);
	struct in6_addr want = a6("2001:db8:100:1::");
	cr_assert(!memcmp(&p->group[0].hnp[0].prefix, &want, 16));
	cr_assert(!memcmp(p->group[0].mn_ll_id, LL_A1, 6));
	cr_assert_not_null(find_event(MAG_EV_MN_DETACHED));
	struct in6_addr x = a6("2001:db8:100:1::1");
	cr_assert_null(mag_find_by_addr(tm, &x));
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->state,
		     MAG_BUL_DEREGISTERING);
}

Test(mag_timers, deregistration_pba_deletes_the_entry)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	struct mh_msg p = *nth_pbu(0);
	struct mh_msg r = make_pba(&p, 0, 0, NULL);
	pba(&r, 5 * S_NS + 1000);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);   /* already gone */
	cr_assert_eq(mag_next_deadline(tm), 0);
}

Test(mag_timers, unanswered_deregistration_is_dropped_after_retries)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	uint64_t t;
	int n = 0;
	while ((t = mag_next_deadline(tm)) && n++ < 20)
		timer(t);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	cr_assert_lt(n, 20);
}

Test(mag_timers, reattach_after_detach_registers_again)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_ETH, 5 * S_NS, ta);
	attach(IF_ETH, LL_A1, 6 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert_neq(nth_pbu(0)->lifetime, 0);
}

Test(mag_timers, detach_of_other_interface_leaves_sessions_alone)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	mag_acts_reset(ta);
	mag_mn_detach(tm, IF_WLAN, 5 * S_NS, ta);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 0);
}

Test(mag_timers, shutdown_deregisters_every_session)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	register_mn(IF_WLAN, LL_B, NULL, 0);
	mag_acts_reset(ta);
	cr_assert_eq(mag_shutdown(tm, S_NS, ta), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 2);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_DEL), 2);
	cr_assert_eq(nth_pbu(0)->lifetime, 0);
	cr_assert_eq(nth_pbu(1)->lifetime, 0);
}
