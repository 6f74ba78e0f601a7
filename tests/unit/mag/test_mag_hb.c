/*
 * test_mag_hb.c - Heartbeat at the MAG (RFC 5847): requests every
 * interval with the Restart Counter, path down after the allowed misses,
 * up with the next response, and a restarted LMA answered by registering
 * every session again.
 */
#include "mag_testlib.h"

static void hb_setup(void)
{
	tcfg_default();
	tcfg.heartbeat_ns = S_NS;
	tcfg.heartbeat_missed = 3;
	tcfg.restart_counter = 4711;
	tstart();
}

TestSuite(mag_hb, .init = hb_setup, .fini = tteardown);

static const struct mh_msg *nth_hb(size_t nth)
{
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == MAG_ACT_SEND_PBU &&
		    ta->pbu[ta->a[i].pbu_idx].type == MH_TYPE_HEARTBEAT && nth-- == 0)
			return &ta->pbu[ta->a[i].pbu_idx];
	return NULL;
}

static void hb_response(uint32_t seq, uint32_t rc, uint64_t now)
{
	struct mh_msg r;

	mh_msg_init(&r, MH_TYPE_HEARTBEAT);
	r.hb_request = false;
	r.hb_seq = seq;
	r.has_restart_counter = true;
	r.restart_counter = rc;
	mag_acts_reset(ta);
	cr_assert_eq(mag_input_hb(tm, &tcfg.lmaa, &r, now, ta), 0);
}

Test(mag_hb, requests_go_every_interval_with_the_restart_counter)
{
	timer(S_NS / 2);
	const struct mh_msg *h = nth_hb(0);
	cr_assert_not_null(h, "the first at once");
	cr_assert(h->hb_request);
	cr_assert(h->has_restart_counter);
	cr_assert_eq(h->restart_counter, 4711);
	cr_assert(!memcmp(&nth_act(MAG_ACT_SEND_PBU, 0)->peer, &tcfg.lmaa, 16));
	uint32_t s1 = h->hb_seq;
	cr_assert_eq(mag_next_deadline(tm), S_NS / 2 + S_NS);
	timer(S_NS / 2 + S_NS);
	cr_assert_eq(nth_hb(0)->hb_seq, s1 + 1);
}

Test(mag_hb, path_goes_down_after_the_allowed_misses_and_up_with_a_response)
{
	for (int i = 0; i < 3; i++) {
		timer((uint64_t)i * S_NS + 1);
		cr_assert_null(find_event(MAG_EV_PATH_DOWN));
	}
	timer(3 * S_NS + 1);
	cr_assert_not_null(find_event(MAG_EV_PATH_DOWN), "3 unanswered: down");
	cr_assert_not(mag_path_up(tm));
	uint32_t seq = nth_hb(0)->hb_seq;
	hb_response(seq, 1, 3 * S_NS + 2);
	cr_assert_not_null(find_event(MAG_EV_PATH_UP));
	cr_assert(mag_path_up(tm));
}

Test(mag_hb, a_response_to_an_older_request_does_not_count)
{
	timer(1);
	uint32_t old = nth_hb(0)->hb_seq;
	timer(S_NS + 1);
	hb_response(old, 1, S_NS + 2);
	cr_assert_eq(tm->stats.hb_received, 0);
}

Test(mag_hb, a_new_lma_restart_counter_registers_every_session_again)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	timer(S_NS);
	hb_response(nth_hb(0)->hb_seq, 100, S_NS + 1);
	cr_assert_null(find_event(MAG_EV_LMA_RESTARTED), "the first counter is learnt");
	timer(2 * S_NS);
	hb_response(nth_hb(0)->hb_seq, 100, 2 * S_NS + 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	timer(3 * S_NS);
	hb_response(nth_hb(0)->hb_seq, 101, 3 * S_NS + 1);
	cr_assert_not_null(find_event(MAG_EV_LMA_RESTARTED));
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "a PBU at once");
	cr_assert_eq(p->type, MH_TYPE_BU);
	cr_assert_eq(p->group[0].n_hnp, 1);
	cr_assert(!memcmp(&p->group[0].hnp[0].prefix, &(struct in6_addr){ { {
		0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 1 } } }, 16), "its prefix, again");
	cr_assert_eq(tm->stats.lma_restarts, 1);
}

Test(mag_hb, a_request_from_the_lma_is_answered)
{
	struct mh_msg r;

	mh_msg_init(&r, MH_TYPE_HEARTBEAT);
	r.hb_seq = 99;
	mag_acts_reset(ta);
	mag_input_hb(tm, &tcfg.lmaa, &r, 1, ta);
	const struct mh_msg *h = nth_hb(0);
	cr_assert_not_null(h);
	cr_assert_not(h->hb_request);
	cr_assert_eq(h->hb_seq, 99);
}

/* Runs after the suite's init: release what it made first. */
static void off_setup(void)
{
	tteardown();
	tsetup();
}

Test(mag_hb, no_heartbeat_when_off, .init = off_setup)
{
	timer(10 * S_NS);
	cr_assert_null(nth_hb(0));
	cr_assert(mag_path_up(tm));
}

Test(mag_hb, an_mn_whose_binding_expired_while_the_path_was_down_registers_again)
{
	tteardown();
	hb_setup();
	tcfg.lifetime_s = 8;
	tteardown();
	tstart();
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	/* no response ever: the path goes down; the refresh goes unanswered */
	for (uint64_t t = S_NS; t <= 9 * S_NS; t += S_NS / 2)
		timer(t);
	cr_assert_not(mag_path_up(tm));
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1), "expired");
	/* the path comes back: MN A1 is registered again without an RS */
	timer(10 * S_NS);
	uint32_t seq = 0;
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == MAG_ACT_SEND_PBU &&
		    ta->pbu[ta->a[i].pbu_idx].type == MH_TYPE_HEARTBEAT)
			seq = ta->pbu[ta->a[i].pbu_idx].hb_seq;
	hb_response(seq, 1, 10 * S_NS + 1);
	cr_assert_not_null(find_event(MAG_EV_PATH_UP));
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_not_null(b, "attached again");
	cr_assert_eq(b->state, MAG_BUL_WAIT_PBA);
	cr_assert_not_null(nth_pbu(0));
}
