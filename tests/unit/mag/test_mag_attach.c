/*
 * MAG attach: what the first PBU says (RFC 5213 6.9.1.1, 8.1-8.8).
 */
#include "mag_testlib.h"

TestSuite(mag_attach, .init = tsetup, .fini = tteardown);

Test(mag_attach, pbu_goes_to_lmaa_with_a_and_p_flags_only)
{
	attach(IF_ETH, LL_A1, 5 * S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	const struct mag_act *a = nth_act(MAG_ACT_SEND_PBU, 0);
	cr_assert(!memcmp(&a->peer, &tcfg.lmaa, 16));
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_eq(p->type, MH_TYPE_BU);
	cr_assert_eq(p->bu_flags, MH_BU_A | MH_BU_P);
	cr_assert_eq(p->payload_proto, 59);
}

Test(mag_attach, pbu_lifetime_in_4s_units_rounded_up)
{
	tteardown();
	tcfg_default();
	tcfg.lifetime_s = 30;
	tstart();
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert_eq(nth_pbu(0)->lifetime, 8);   /* 30 s -> 8 x 4 s */
}

Test(mag_attach, pbu_carries_mn_id_nai_from_profile)
{
	attach(IF_ETH, LL_A1, S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert(p->has_mn_id);
	cr_assert_eq(p->mn_id_subtype, MH_MN_ID_NAI);
	cr_assert_eq(p->mn_id_len, strlen("mn-a@example.org"));
	cr_assert(!memcmp(p->mn_id, "mn-a@example.org", p->mn_id_len));
}

Test(mag_attach, pbu_requests_prefix_with_all_zero_hnp_without_static_prefix)
{
	attach(IF_ETH, LL_A1, S_NS);
	const struct mh_group *g = &nth_pbu(0)->group[0];
	cr_assert_eq(g->n_hnp, 1);
	cr_assert_eq(g->hnp[0].len, 0);
	cr_assert(IN6_IS_ADDR_UNSPECIFIED(&g->hnp[0].prefix));
}

Test(mag_attach, pbu_carries_static_hnps_of_profile)
{
	attach(IF_ETH, LL_B, S_NS);
	const struct mh_group *g = &nth_pbu(0)->group[0];
	cr_assert_eq(g->n_hnp, 1);
	cr_assert_eq(g->hnp[0].len, 64);
	struct in6_addr want = a6("2001:db8:200::");
	cr_assert(!memcmp(&g->hnp[0].prefix, &want, 16));
}

Test(mag_attach, pbu_carries_mn_ll_id_of_the_attaching_interface)
{
	attach(IF_WLAN, LL_A2, S_NS);
	const struct mh_group *g = &nth_pbu(0)->group[0];
	cr_assert(g->has_mn_ll_id);
	cr_assert_eq(g->mn_ll_id_len, 6);
	cr_assert(!memcmp(g->mn_ll_id, LL_A2, 6));
}

Test(mag_attach, att_from_profile_when_set)
{
	attach(IF_WLAN, LL_A2, S_NS);
	cr_assert(nth_pbu(0)->group[0].has_att);
	cr_assert_eq(nth_pbu(0)->group[0].att, MH_ATT_WLAN);
}

Test(mag_attach, att_from_access_interface_when_profile_has_none)
{
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert_eq(nth_pbu(0)->group[0].att, MH_ATT_ETHERNET);
}

Test(mag_attach, access_interface_att_zero_is_refused)
{
	tteardown();
	tcfg_default();
	tcfg.access[1].att = 0;
	const char *why = NULL;
	cr_assert_null(mag_new(&tcfg, &why));
	cr_assert_not_null(why);
	tcfg.access[1].att = MH_ATT_WLAN;
	tstart();   /* the same configuration with an ATT is accepted */
}

Test(mag_attach, first_attach_of_an_mn_says_handoff_state_unknown)
{
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert(nth_pbu(0)->group[0].has_hi);
	cr_assert_eq(nth_pbu(0)->group[0].hi, MH_HI_UNKNOWN);
}

Test(mag_attach, configured_default_hi_is_used_for_a_first_attach)
{
	tteardown();
	tcfg_default();
	tcfg.default_hi = MH_HI_HANDOFF_SAME_IFACE;
	tstart();
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert_eq(nth_pbu(0)->group[0].hi, MH_HI_HANDOFF_SAME_IFACE);
}

Test(mag_attach, second_interface_of_attached_mn_says_new_interface)
{
	attach(IF_ETH, LL_A1, S_NS);
	attach(IF_WLAN, LL_A2, 2 * S_NS);
	cr_assert_eq(nth_pbu(0)->group[0].hi, MH_HI_ATTACH_NEW_IFACE);
}

Test(mag_attach, sequence_numbers_without_timestamps_increase)
{
	attach(IF_ETH, LL_A1, S_NS);
	uint16_t s1 = nth_pbu(0)->seq;
	cr_assert_not(nth_pbu(0)->has_timestamp);
	attach(IF_WLAN, LL_B, S_NS);
	cr_assert_eq(nth_pbu(0)->seq, (uint16_t)(s1 + 1));
}

Test(mag_attach, timestamp_option_from_realtime_when_configured)
{
	tteardown();
	tcfg_default();
	tcfg.use_timestamps = true;
	tstart();
	int64_t off = 1700000000ll * 1000000000ll;
	mag_set_realtime_offset(tm, off);
	attach(IF_ETH, LL_A1, 3 * S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert(p->has_timestamp);
	uint64_t want = mh_timestamp_from_ns(3 * S_NS + (uint64_t)off);
	cr_assert_eq(p->timestamp, want);
	cr_assert_eq(p->timestamp >> 16, 1700000003ull);
}

Test(mag_attach, unknown_mn_gets_no_pbu)
{
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_mn_attach(tm, IF_ETH, LL_X, S_NS, ta, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	cr_assert_not_null(find_event(MAG_EV_MN_UNKNOWN));
	cr_assert_eq(mag_stats(tm)->attach_unknown, 1);
}

Test(mag_attach, attach_on_non_access_interface_is_refused)
{
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_mn_attach(tm, 99, LL_A1, S_NS, ta, &why), -1);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
}

/* The first attach sends the PBU; the repeat finds that PBU still pending
 * and sends nothing more, and the PBA to the first one is still accepted. */
Test(mag_attach, repeated_attach_sends_no_second_pbu)
{
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	struct mh_msg first = *nth_pbu(0);
	attach(IF_ETH, LL_A1, S_NS + 100);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	struct mh_msg r = make_pba(&first, PBA_STATUS_ACCEPTED, 100, "2001:db8:100:1::");
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1, "the pending PBU's answer matched");
}

/* RFC 5213 6.9.1.2: the routes and the RA wait for the accepted PBA; they
 * come with it, not with the attach. */
Test(mag_attach, no_route_and_no_ra_before_the_pba)
{
	attach(IF_ETH, LL_A1, S_NS);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 0);
	cr_assert_eq(count_acts(MAG_ACT_SEND_RA), 0);
	struct mh_msg r = make_pba(nth_pbu(0), PBA_STATUS_ACCEPTED, 100, "2001:db8:100:1::");
	pba(&r, S_NS + 1000);
	cr_assert_eq(count_acts(MAG_ACT_ROUTE_ADD), 1);
	cr_assert_geq(count_acts(MAG_ACT_SEND_RA), 1);
}

Test(mag_attach, attach_events_are_valid_json_with_names)
{
	attach(IF_ETH, LL_A1, S_NS);
	size_t n = 0;
	for (size_t i = 0; i < ta->n; i++) {
		if (ta->a[i].type != MAG_ACT_EVENT)
			continue;
		char doc[600];
		snprintf(doc, sizeof(doc), "{\"ev\":\"%s\",%s}",
			 mag_event_name(ta->a[i].ev), ta->a[i].text);
		json_object *o = json_tokener_parse(doc);
		cr_assert_not_null(o, "not JSON: %s", doc);
		json_object_put(o);
		n++;
	}
	cr_assert_geq(n, 2);   /* mn_attached, pbu_sent */
	const struct mag_act *e = find_event(MAG_EV_PBU_SENT);
	cr_assert_not_null(e);
	cr_assert_not_null(strstr(e->text, "\"mn_id\":\"mn-a@example.org\""));
	cr_assert_not_null(strstr(e->text, "\"hi\":4"));
}

Test(mag_attach, timer_set_announces_the_retransmission_deadline)
{
	attach(IF_ETH, LL_A1, S_NS);
	const struct mag_act *t = nth_act(MAG_ACT_TIMER_SET, 0);
	cr_assert_not_null(t);
	cr_assert_eq(t->deadline_ns, S_NS + MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS);
	cr_assert_eq(mag_next_deadline(tm), t->deadline_ns);
}

Test(mag_attach, mn_id_with_quote_is_escaped_in_events)
{
	tteardown();
	tcfg_default();
	strcpy(tcfg.profile[0].mn_id, "a\"b\\c");
	tstart();
	attach(IF_ETH, LL_A1, S_NS);
	const struct mag_act *e = find_event(MAG_EV_PBU_SENT);
	char doc[600];
	snprintf(doc, sizeof(doc), "{%s}", e->text);
	json_object *o = json_tokener_parse(doc);
	cr_assert_not_null(o, "not JSON: %s", doc);
	json_object *v;
	cr_assert(json_object_object_get_ex(o, "mn_id", &v));
	cr_assert_str_eq(json_object_get_string(v), "a\"b\\c");
	json_object_put(o);
}

/* RFC 5213 5.5: the LMA accepts only a timestamp newer than the last one it
 * accepted for the MN; two PBUs built in the same instant (two interfaces
 * attaching, two sessions deregistering) must not carry the same value. */
Test(mag_attach, timestamps_strictly_increase_within_one_instant)
{
	tteardown();
	tcfg_default();
	tcfg.use_timestamps = true;
	tstart();
	mag_set_realtime_offset(tm, 1700000000ll * 1000000000ll);
	attach(IF_ETH, LL_A1, 3 * S_NS);
	uint64_t t1 = nth_pbu(0)->timestamp;
	attach(IF_WLAN, LL_A2, 3 * S_NS);
	uint64_t t2 = nth_pbu(0)->timestamp;
	cr_assert_gt(t2, t1);
	cr_assert_eq(t2 - t1, 1);
}
