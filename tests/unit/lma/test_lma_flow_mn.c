/*
 * test_lma_flow_mn.c - the MN's flow preferences at the LMA (section 3,
 * appendix B), carried by its MAGs in RFC 6089 Flow Identification
 * options: Add installs a rule of origin "mn" on the shared prefix for the
 * referenced session, Delete removes it, bad options get their status in
 * the PBA's echo and change nothing, a rejected PBU changes nothing.
 */
#include "lma_fixture.h"
#include "lma/lma_ctl.h"

#include <stdio.h>

#include "pmip/flow_ts.h"

TestSuite(lma_flow_mn, .init = setup, .fini = teardown);

static void with_bid(struct mh_msg *m, uint16_t bid)
{
	m->group[0].has_bid = true;
	m->group[0].bid = bid;
}

static void add_flow(struct mh_msg *m, uint16_t fid, const char *ts, int bid)
{
	struct mh_flow *f = &m->flow[m->n_flow++];
	const char *why = NULL;

	memset(f, 0, sizeof(*f));
	f->fid = fid;
	f->fid_pri = 10;
	if (bid > 0) {
		f->n_bref = 1;
		f->bref[0] = (uint16_t)bid;
	}
	if (ts) {
		f->ts_format = FLOW_TS_FORMAT_IPV6;
		cr_assert_eq(flow_sel_parse(ts, &f->ts, &why), 0, "%s", why);
	}
}

/* P1 on A (MAG1, BID 1), shared by B (MAG2, BID 2). */
static struct mh_prefix share(void)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);

	with_bid(&m, 1);
	input(&MAG1, &m, 0);
	cr_assert_eq(the_pba()->status, 0);
	struct mh_prefix p = the_pba()->group[0].hnp[0];
	m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, &p);
	with_bid(&m, 2);
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(bce_find_prefix(lma_bce(L), &p.prefix, 64)->n_route, 2);
	return p;
}

/* A refresh of B from MAG2 carrying the flow options of m2 (filled by the
 * caller): returns the PBA. */
static struct mh_msg refresh_b(const struct mh_prefix *p, uint16_t seq,
			       void (*fill)(struct mh_msg *))
{
	struct mh_msg m = pbu(MN1, seq, 40, MH_HI_NOT_CHANGED, MH_ATT_3GPP_EUTRAN, MAC_B, p);

	with_bid(&m, 2);
	fill(&m);
	input(&MAG2, &m, seq * SEC);
	return *the_pba();
}

/* The same from MAG1 for A. */
static struct mh_msg refresh_a(const struct mh_prefix *p, uint16_t seq,
			       void (*fill)(struct mh_msg *))
{
	struct mh_msg m = pbu(MN1, seq, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, p);

	with_bid(&m, 1);
	fill(&m);
	input(&MAG1, &m, seq * SEC);
	return *the_pba();
}

static const struct in6_addr *peer(const struct mh_prefix *p, uint16_t sport)
{
	struct flow_key k = { .src = addr("2001:db8:c::1"), .dst = host_in(p, 9),
			      .proto = 17, .has_ports = true, .sport = sport, .dport = 6000 };

	return lma_downlink_peer_flow(L, &k);
}

static void video_to_b(struct mh_msg *m)
{
	add_flow(m, 7, "udp src 2001:db8:c::1 sport 6002-6003", 2);
}

Test(lma_flow_mn, add_binds_the_flow_to_the_referenced_session)
{
	struct mh_prefix p = share();

	cr_assert(addr_is(peer(&p, 6002), &MAG1), "before: the prefix's route[0]");
	struct mh_msg pba = refresh_b(&p, 2, video_to_b);
	cr_assert_eq(pba.status, 0);
	cr_assert_eq(pba.n_flow, 1, "the PBA echoes the option");
	cr_assert_eq(pba.flow[0].fid, 7);
	cr_assert_eq(pba.flow[0].status, MH_FLOW_STATUS_SUCCESS);
	cr_assert_eq(pba.flow[0].ts_format, 0, "echo without selector");
	cr_assert(addr_is(peer(&p, 6002), &MAG2), "video over B");
	cr_assert(addr_is(peer(&p, 6000), &MAG1), "audio stays");
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	cr_assert_eq(count_event(LMA_EV_FLOW_ADDED), 1);
	cr_assert(strstr(event_json(LMA_EV_FLOW_ADDED), "\"origin\":\"mn\""));
	cr_assert(strstr(event_json(LMA_EV_FLOW_ADDED), "-> 02:00:00:00:01:0b"),
		  "%s", event_json(LMA_EV_FLOW_ADDED));
}

Test(lma_flow_mn, show_flows_names_the_mn_as_origin)
{
	struct mh_prefix p = share();

	char out[8192];

	refresh_b(&p, 2, video_to_b);
	cr_assert_gt(lma_flow_ctl(L, "show flows", out, sizeof(out), &A), 0);
	cr_assert(strstr(out, "\"origin\":\"mn\""), "%s", out);
}

/* The MAG describes the flow whole in every refresh: nothing changes, no
 * event. */
Test(lma_flow_mn, a_repeated_add_changes_nothing)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	uint32_t id = 0;
	flow_tab_prefix_rules(lma_flows(L), &p.prefix, 64, &id, 1);
	struct mh_msg pba = refresh_b(&p, 3, video_to_b);
	cr_assert_eq(pba.flow[0].status, 0);
	cr_assert_eq(count_event(LMA_EV_FLOW_ADDED), 0);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	cr_assert_not_null(flow_tab_find(lma_flows(L), id), "same rule");
}

static void modify_to_a(struct mh_msg *m)
{
	add_flow(m, 7, "udp src 2001:db8:c::1 sport 6002-6003", 1);
}

Test(lma_flow_mn, modify_moves_the_flow_to_another_session)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	struct mh_msg pba = refresh_b(&p, 3, modify_to_a);
	cr_assert_eq(pba.flow[0].status, MH_FLOW_STATUS_BID_NOT_FOUND,
		     "MAG2 cannot name MAG1's session");
	cr_assert(addr_is(peer(&p, 6002), &MAG2));
	pba = refresh_a(&p, 3, modify_to_a);
	cr_assert_eq(pba.flow[0].status, 0);
	cr_assert(addr_is(peer(&p, 6002), &MAG1));
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
}

static void nothing(struct mh_msg *m)
{
	(void)m;
}

static void summary_7(struct mh_msg *m)
{
	m->has_flow_summary = true;
	m->n_flow_summary = 1;
	m->flow_summary[0] = 7;
}

/* RFC 6089 5: a refresh that names FID 7 in no option withdraws it. */
Test(lma_flow_mn, a_refresh_that_no_longer_names_a_flow_withdraws_it)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	struct mh_msg pba = refresh_b(&p, 3, nothing);
	cr_assert_eq(pba.status, 0);
	cr_assert_eq(pba.n_flow, 0);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 0);
	cr_assert_eq(count_event(LMA_EV_FLOW_REMOVED), 1);
	cr_assert_eq(lma_stats(L)->flow_withdrawn, 1);
	cr_assert(addr_is(peer(&p, 6002), &MAG1), "back on the prefix's first route");
}

/* A Flow Summary keeps FID 7 as it is, without describing it again. */
Test(lma_flow_mn, a_flow_summary_keeps_the_flow)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	struct mh_msg pba = refresh_b(&p, 3, summary_7);
	cr_assert_eq(pba.n_flow, 0, "nothing to answer");
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	cr_assert_eq(count_event(LMA_EV_FLOW_REMOVED), 0);
	cr_assert(addr_is(peer(&p, 6002), &MAG2));
}

/* A Flow Summary naming a FID the LMA does not hold is answered 132 in a
 * Flow Identification option (the MAG's cue to describe it again). */
Test(lma_flow_mn, a_flow_summary_of_an_unknown_fid_is_answered_132)
{
	struct mh_prefix p = share();

	struct mh_msg pba = refresh_b(&p, 2, summary_7);
	cr_assert_eq(pba.status, 0);
	cr_assert_eq(pba.n_flow, 1);
	cr_assert_eq(pba.flow[0].fid, 7);
	cr_assert_eq(pba.flow[0].status, MH_FLOW_STATUS_FID_NOT_FOUND);
	cr_assert_eq(count_event(LMA_EV_FLOW_REFUSED), 1);
}

/* Withdrawal is per MAG: MAG1's refresh says nothing of what the MN asked
 * through MAG2. */
Test(lma_flow_mn, another_mags_refresh_does_not_withdraw)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	refresh_a(&p, 3, nothing);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	cr_assert(addr_is(peer(&p, 6002), &MAG2));
}

/* A known FID with a Binding Reference and no Traffic Selector changes the
 * targets and keeps the selector: "don't mind" becomes "over B". */
static void dont_mind(struct mh_msg *m);
static void pin_5_to_b(struct mh_msg *m)
{
	add_flow(m, 5, NULL, 2);
}

Test(lma_flow_mn, a_binding_reference_alone_changes_the_targets)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, dont_mind);
	struct mh_msg pba = refresh_b(&p, 3, pin_5_to_b);
	cr_assert_eq(pba.flow[0].status, 0);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	for (uint16_t f = 1; f <= 50; f++)
		cr_assert(addr_is(peer(&p, f), &MAG2), "flow %u over B", f);
	cr_assert(addr_is(peer(&p, 6002), &MAG2));
}

static void bad_bid(struct mh_msg *m)
{
	add_flow(m, 8, "udp sport 1", 9);
}
static void ipv4_ts(struct mh_msg *m)
{
	add_flow(m, 8, "udp sport 1", 2);
	m->flow[m->n_flow - 1].ts_format = FLOW_TS_FORMAT_IPV4;
}
static void no_ts(struct mh_msg *m)
{
	add_flow(m, 8, NULL, 2);
}
static void refresh_unknown(struct mh_msg *m)
{
	add_flow(m, 8, NULL, -1);
}
static void overlapping(struct mh_msg *m)
{
	add_flow(m, 9, "udp sport 6003", 2);   /* prio 10 too */
}
static void not_the_mn_prefix(struct mh_msg *m)
{
	add_flow(m, 8, "udp dst 2001:db8:ffff::1", 2);
}

/* The refresh names FID 7 again (else it would withdraw it) and adds the
 * refused option. */
static void (*extra)(struct mh_msg *);
static void video_and_extra(struct mh_msg *m)
{
	video_to_b(m);
	extra(m);
}

static void refused(void (*fill)(struct mh_msg *), uint8_t status)
{
	struct mh_prefix p = share();

	refresh_b(&p, 2, video_to_b);
	uint64_t before = lma_stats(L)->flow_refused;
	extra = fill;
	struct mh_msg pba = refresh_b(&p, 3, video_and_extra);
	cr_assert_eq(pba.status, 0, "the binding itself is accepted");
	cr_assert_eq(pba.flow[0].status, 0, "FID 7 kept");
	cr_assert_eq(pba.flow[1].status, status, "status %u", pba.flow[1].status);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1, "nothing changed");
	cr_assert(addr_is(peer(&p, 6002), &MAG2), "the MN's rule stays");
	cr_assert_eq(count_event(LMA_EV_FLOW_REFUSED), 1);
	cr_assert_eq(lma_stats(L)->flow_refused, before + 1);
}

Test(lma_flow_mn, unknown_bid_is_131) { refused(bad_bid, MH_FLOW_STATUS_BID_NOT_FOUND); }
Test(lma_flow_mn, ipv4_selector_is_133)
{
	refused(ipv4_ts, MH_FLOW_STATUS_TS_FORMAT_NOT_SUPPORTED);
}
Test(lma_flow_mn, new_fid_without_selector_is_132) { refused(no_ts, MH_FLOW_STATUS_FID_NOT_FOUND); }
Test(lma_flow_mn, unknown_fid_without_sub_options_is_132)
{
	refused(refresh_unknown, MH_FLOW_STATUS_FID_NOT_FOUND);
}
Test(lma_flow_mn, overlap_with_a_rule_of_the_same_priority_is_129)
{
	refused(overlapping, MH_FLOW_STATUS_REJECTED_UNSPECIFIED);
}
Test(lma_flow_mn, destination_outside_the_mn_prefixes_is_129)
{
	refused(not_the_mn_prefix, MH_FLOW_STATUS_REJECTED_UNSPECIFIED);
}

/* A PBU the LMA rejects (here: an unauthorized MAG) changes no flow:
 * every option is echoed with 129. */
Test(lma_flow_mn, a_rejected_pbu_installs_nothing)
{
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_WLAN, MAC_A, NULL);
	struct in6_addr stranger = addr("2001:db8:99::9");

	with_bid(&m, 1);
	add_flow(&m, 7, "udp sport 1", 1);
	input(&stranger, &m, 0);
	cr_assert_neq(the_pba()->status, 0);
	cr_assert_eq(the_pba()->n_flow, 1);
	cr_assert_eq(the_pba()->flow[0].status, MH_FLOW_STATUS_REJECTED_UNSPECIFIED);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 0);
}

/* Each MAG numbers its sessions: MAG2 uses BID 1 too. The Binding
 * Reference names the PBU's own session, not MAG1's. */
static void video_to_bid1(struct mh_msg *m)
{
	m->group[0].bid = 1;
	add_flow(m, 7, "udp src 2001:db8:c::1 sport 6002-6003", 1);
}

Test(lma_flow_mn, a_bid_names_the_session_of_the_pbu_that_carries_it)
{
	struct mh_prefix p = share();

	struct mh_msg pba = refresh_b(&p, 2, video_to_bid1);
	cr_assert_eq(pba.status, 0);
	cr_assert_eq(pba.flow[0].status, 0);
	cr_assert(addr_is(peer(&p, 6002), &MAG2), "B, the session of MAG2's PBU");
}

/* No Binding Reference: "don't mind", any session of the prefix, per flow. */
static void dont_mind(struct mh_msg *m)
{
	add_flow(m, 5, "udp src 2001:db8:c::1", -1);
}

Test(lma_flow_mn, without_binding_reference_any_session_may_carry_the_flow)
{
	struct mh_prefix p = share();
	unsigned on1 = 0;

	struct mh_msg pba = refresh_b(&p, 2, dont_mind);
	cr_assert_eq(pba.flow[0].status, 0);
	for (uint16_t f = 1; f <= 200; f++) {
		const struct in6_addr *a = peer(&p, f);

		on1 += addr_is(a, &MAG1);
		cr_assert(addr_is(peer(&p, f), a), "a flow keeps its path");
	}
	cr_assert(on1 > 60 && on1 < 140, "MAG1 got %u of 200 flows", on1);
}

/* "Don't mind" leaves the choice to the network: its rule comes after
 * every operator rule (prio 1000 + FID-PRI), so an operator's move of
 * some of those flows (ctl, timeline) wins. */
Test(lma_flow_mn, dont_mind_rules_come_after_the_operators)
{
	struct mh_prefix p = share();
	char text[FLOW_RULE_TEXT_MAX], ps[INET6_ADDRSTRLEN];
	struct flow_rule r;
	const char *why = NULL;

	refresh_b(&p, 2, dont_mind);
	uint32_t id = 0;
	cr_assert_eq(flow_tab_prefix_rules(lma_flows(L), &p.prefix, 64, &id, 1), 1);
	cr_assert_eq(flow_tab_find(lma_flows(L), id)->prio, 1010);
	inet_ntop(AF_INET6, &p.prefix, ps, sizeof(ps));
	snprintf(text, sizeof(text), "prefix %s/64 prio 200 udp sport 7 -> 02:00:00:00:01:0b", ps);
	cr_assert_eq(flow_rule_parse(text, &r, &why), 0, "%s", why);
	cr_assert_eq(lma_flow_add(L, &r, FLOW_ORIGIN_CTL, &why, &A), 0, "%s", why);
	for (int i = 0; i < 5; i++)
		cr_assert(addr_is(peer(&p, 7), &MAG2), "the operator's move takes the flow");
}

/* RFC 6089: flow bindings go with their binding. B deregisters: once its
 * entry is deleted (MinDelayBeforeBCEDelete), the MN's rule that could
 * send only to B is removed; a "don't mind" rule stays while A holds P. */
static void both_kinds(struct mh_msg *m)
{
	video_to_b(m);
	dont_mind(m);
}

Test(lma_flow_mn, rules_go_with_the_last_session_they_can_use)
{
	struct mh_prefix p = share();

	struct mh_msg pba = refresh_b(&p, 2, both_kinds);
	cr_assert_eq(pba.flow[0].status, 0);
	cr_assert_eq(pba.flow[1].status, 0);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 2);
	struct mh_msg m = pbu(MN1, 3, 0, MH_HI_NOT_CHANGED, MH_ATT_3GPP_EUTRAN, MAC_B, &p);
	with_bid(&m, 2);
	input(&MAG2, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, 0);
	tick(3 * SEC + 11 * SEC);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 1, "B deleted");
	cr_assert_eq(count_event(LMA_EV_FLOW_REMOVED), 1);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1, "the don't-mind rule stays");
	cr_assert(strstr(event_json(LMA_EV_FLOW_REMOVED), "02:00:00:00:01:0b"));
}
