/*
 * MAG PBA processing (RFC 5213 6.9.1.2): acceptance, rejection, status
 * retries, matching, data-plane lookup.
 */
#include "mag_testlib.h"

TestSuite(mag_pba, .init = tsetup, .fini = tteardown);

static struct mh_msg first_pbu;

static void attach_keep(int ifindex, const uint8_t ll[6], uint64_t t)
{
	attach(ifindex, ll, t);
	first_pbu = *nth_pbu(0);
}

Test(mag_pba, accepted_pba_installs_uplink_and_downlink_for_assigned_prefix)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	const struct mag_act *a = nth_act(MAG_ACT_ROUTE_ADD, 0);
	struct in6_addr want = a6("2001:db8:100:1::");
	cr_assert(!memcmp(&a->prefix.prefix, &want, 16));
	cr_assert_eq(a->prefix.len, 64);
	cr_assert_eq(a->ifindex, IF_ETH);
	cr_assert_str_eq(a->ifname, "eth1");
	cr_assert(!memcmp(&a->peer, &tcfg.lmaa, 16));
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_eq(b->state, MAG_BUL_ACTIVE);
	cr_assert_not_null(find_event(MAG_EV_BUL_CREATED));
}

Test(mag_pba, accepted_pba_sends_unicast_ra_with_hnp_and_tunnel_mtu)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	pba(&r, S_NS + 1000);
	const struct mag_act *ra = nth_act(MAG_ACT_SEND_RA, 0);
	cr_assert_not_null(ra);
	cr_assert(!memcmp(ra->ll_id, LL_A1, 6));
	cr_assert_eq(ra->ifindex, IF_ETH);
	cr_assert_eq(ra->n_hnp, 1);
	cr_assert_eq(ra->hnp[0].len, 64);
	cr_assert_eq(ra->mtu, 1500 - 40);
	/* prefix lifetimes do not outlive the binding */
	cr_assert_leq(ra->valid_s, 100);
	cr_assert_geq(ra->valid_s, 99);
	cr_assert_eq(ra->preferred_s, ra->valid_s);
}

Test(mag_pba, granted_lifetime_comes_from_the_pba)
{
	attach_keep(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(&first_pbu, 0, 40, "2001:db8:100:1::");
	pba(&r, 1000);
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A1);
	cr_assert_eq(b->lifetime_s, 40);
	/* lifetime counted from when the PBU left (t = 0); refresh at 80 % */
	cr_assert_eq(b->expiry_ns, 40 * S_NS);
	cr_assert_eq(b->refresh_ns, 32 * S_NS);
}

Test(mag_pba, pba_with_other_sequence_number_is_ignored)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	r.seq = (uint16_t)(first_pbu.seq + 7);
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_eq(mag_stats(tm)->pba_ignored, 1);
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->state,
		     MAG_BUL_WAIT_PBA);
}

Test(mag_pba, pba_from_another_address_than_the_lma_is_ignored)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	struct in6_addr other = a6("2001:db8::66");
	mag_acts_reset(ta);
	mag_input_pba(tm, &other, &r, S_NS + 1000, ta);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_eq(mag_stats(tm)->pba_ignored, 1);
}

Test(mag_pba, ba_without_p_flag_is_ignored)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	r.ba_flags = 0;
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
}

Test(mag_pba, pba_for_another_mn_id_is_ignored)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	memcpy(r.mn_id, "mn-z", 4);
	r.mn_id_len = 4;
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
}

Test(mag_pba, pba_answering_an_earlier_retransmission_is_accepted)
{
	attach_keep(IF_ETH, LL_A1, 0);
	timer(MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS);   /* retransmission */
	cr_assert_neq(nth_pbu(0)->seq, first_pbu.seq);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, "2001:db8:100:1::");
	pba(&r, 2 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
}

Test(mag_pba, rejection_deletes_the_entry_without_routes_or_ra)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, PBA_STATUS_MAG_NOT_AUTHORIZED_FOR_PROXY_REG,
				   0, NULL);
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
	const struct mag_act *e = find_event(MAG_EV_PBA_RECEIVED);
	cr_assert_not_null(strstr(e->text, "\"status\":154"));
	cr_assert_not_null(strstr(e->text, pba_status_name(154)));
	cr_assert_eq(mag_stats(tm)->pba_status[154], 1);
	cr_assert_eq(mag_next_deadline(tm), 0);
}

Test(mag_pba, accepted_pba_without_prefix_for_a_request_is_treated_as_failure)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, 0, 100, NULL);   /* echoes ::/0 */
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}

Test(mag_pba, timestamp_mismatch_resends_with_fresh_timestamp_and_seq)
{
	tteardown();
	tcfg_default();
	tcfg.use_timestamps = true;
	tstart();
	mag_set_realtime_offset(tm, 1000 * (int64_t)S_NS);
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, PBA_STATUS_TIMESTAMP_MISMATCH, 0, NULL);
	pba(&r, 2 * S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "no PBU resent");
	cr_assert_gt(p->timestamp, first_pbu.timestamp);
	cr_assert_neq(p->seq, first_pbu.seq);
	cr_assert_not_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}

Test(mag_pba, timestamp_lower_than_accepted_is_retried_a_bounded_number_of_times)
{
	tteardown();
	tcfg_default();
	tcfg.use_timestamps = true;
	tcfg.max_status_retries = 2;
	tstart();
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg last = first_pbu;
	for (int i = 0; i < 2; i++) {
		struct mh_msg r = make_pba(&last, 157, 0, NULL);
		pba(&r, (uint64_t)(2 + i) * S_NS);
		cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1, "retry %d", i);
		last = *nth_pbu(0);
	}
	struct mh_msg r = make_pba(&last, 157, 0, NULL);
	pba(&r, 5 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}

Test(mag_pba, sequence_out_of_window_continues_after_the_lma_number)
{
	attach_keep(IF_ETH, LL_A1, S_NS);
	struct mh_msg r = make_pba(&first_pbu, MAG_PBA_STATUS_SEQ_OUT_OF_WINDOW, 0, NULL);
	r.seq = 5000;   /* the last number the LMA accepted (RFC 6275 6.1.8) */
	pba(&r, 2 * S_NS);
	cr_assert_eq(nth_pbu(0)->seq, 5001);
}

Test(mag_pba, data_plane_lookup_finds_the_session_by_address_in_its_prefix)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", S_NS);
	register_mn(IF_ETH, LL_B, NULL, S_NS);
	struct in6_addr x = a6("2001:db8:100:1::abcd");
	const struct mag_bul *b = mag_find_by_addr(tm, &x);
	cr_assert_not_null(b);
	cr_assert(!memcmp(b->ll_id, LL_A1, 6));
	struct in6_addr y = a6("2001:db8:200::5");
	cr_assert(!memcmp(mag_find_by_addr(tm, &y)->ll_id, LL_B, 6));
	struct in6_addr z = a6("2001:db8:100:2::1");
	cr_assert_null(mag_find_by_addr(tm, &z));
}

Test(mag_pba, lookup_fails_while_registration_is_pending)
{
	attach_keep(IF_ETH, LL_B, S_NS);
	struct in6_addr y = a6("2001:db8:200::5");
	cr_assert_null(mag_find_by_addr(tm, &y));
}

Test(mag_pba, rs_after_registration_is_answered_with_an_ra)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", S_NS);
	const char *why;
	mag_acts_reset(ta);
	cr_assert_eq(mag_mn_rs(tm, IF_ETH, LL_A1, 2 * S_NS, ta, &why), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
}

Test(mag_pba, rs_from_new_mn_starts_registration)
{
	const char *why;
	mag_acts_reset(ta);
	cr_assert_eq(mag_mn_rs(tm, IF_ETH, LL_A1, S_NS, ta, &why), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0);
}

Test(mag_pba, pba_is_matched_to_the_transaction_that_sent_its_sequence_number)
{
	/* two registrations of one MN interleave on the per-MAG counter: A1
	 * sends s, A2 s+1, A1's retransmission s+2. The PBA for s+1 (A2's
	 * MN-LL-ID) is A2's, not A1's whose seqs span s..s+2. */
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg p1 = *nth_pbu(0);
	attach(IF_WLAN, LL_A2, S_NS / 2);
	struct mh_msg p2 = *nth_pbu(0);
	cr_assert_eq((uint16_t)(p2.seq - p1.seq), 1);
	timer(MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS);
	cr_assert_eq((uint16_t)(nth_pbu(0)->seq - p1.seq), 2, "A1 retransmitted");
	struct mh_msg r = make_pba(&p2, PBA_STATUS_ACCEPTED, 100, "2001:db8:100:2::");
	pba(&r, S_NS + S_NS / 2 + 1000);
	const struct mag_bul *b1 = mag_find_session(tm, "mn-a@example.org", LL_A1);
	const struct mag_bul *b2 = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_eq(b2->state, MAG_BUL_ACTIVE, "A2 registered");
	cr_assert_eq(b1->state, MAG_BUL_WAIT_PBA, "A1 still waits for its own PBA");
}

Test(mag_pba, pba_with_another_interfaces_mn_ll_id_is_ignored)
{
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_ACCEPTED, 100, "2001:db8:100:1::");
	memcpy(r.group[0].mn_ll_id, LL_A2, 6);
	pba(&r, 1000);
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A1)->state, MAG_BUL_WAIT_PBA);
	cr_assert_eq(tm->stats.pba_ignored, 1);
}

Test(mag_pba, pba_160_with_an_empty_mn_id_is_matched_and_rejects)
{
	attach(IF_ETH, LL_A1, 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION, 0, NULL);
	r.mn_id_len = 0;
	pba(&r, 1000);
	cr_assert_eq(tm->stats.pba_ignored, 0);
	cr_assert_null(mag_find_session(tm, "mn-a@example.org", LL_A1));
}
