/*
 * test_mag_flow.c - the MAG relays the MN's flow requests (RS option 253,
 * section 3 / appendix B) to the LMA: a request on a registered session
 * starts a refresh PBU with a BID option and a Flow Identification option
 * (Binding Reference = the session's BID; none for "don't mind"), every
 * later PBU of the session describes it again, the PBUs of the MN's other
 * sessions here name it in a Flow Summary (RFC 6089 4.3), a request the
 * RS's request list omits is withdrawn (no longer named), the PBA's
 * statuses are reported; an MN without a session here is refused.
 */
#include "mag_testlib.h"
#include "pmip/flow_ts.h"
#include "mag/mag_ctl.h"

TestSuite(mag_flow, .init = tsetup, .fini = tteardown);

static struct nd_flow_req req(uint16_t fid, uint8_t scope, const char *ts)
{
	struct nd_flow_req r;
	const char *why = NULL;

	memset(&r, 0, sizeof(r));
	r.scope = scope;
	r.f.fid = fid;
	r.f.fid_pri = 10;
	if (ts) {
		r.f.ts_format = FLOW_TS_FORMAT_IPV6;
		cr_assert_eq(flow_sel_parse(ts, &r.f.ts, &why), 0, "%s", why);
	}
	return r;
}

static struct nd_rs rs_of(const struct nd_flow_req *r, size_t n)
{
	struct nd_rs rs;

	memset(&rs, 0, sizeof(rs));
	rs.n_flow = (uint8_t)n;
	for (size_t i = 0; i < n; i++)
		rs.flow[i] = r[i];
	return rs;
}

static int send_flows(const struct nd_flow_req *r, size_t n, uint64_t now)
{
	const char *why = NULL;
	struct nd_rs rs = rs_of(r, n);

	mag_acts_reset(ta);
	return mag_mn_flows(tm, IF_WLAN, LL_A2, &rs, now, ta, &why);
}

/* An RS whose request list keeps only fids[0..n). */
static int send_list(const uint16_t *fids, uint8_t n, uint64_t now)
{
	const char *why = NULL;
	struct nd_rs rs = rs_of(NULL, 0);

	rs.has_flow_list = true;
	rs.n_flow_list = n;
	for (uint8_t i = 0; i < n; i++)
		rs.flow_list[i] = fids[i];
	mag_acts_reset(ta);
	return mag_mn_flows(tm, IF_WLAN, LL_A2, &rs, now, ta, &why);
}

Test(mag_flow, a_request_starts_a_refresh_carrying_the_flow_and_the_bid)
{
	struct nd_flow_req r = req(1, ND_FLOW_SCOPE_THIS_IFACE,
				   "udp src 2001:db8:c::1 sport 6002");

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	const struct mag_bul *b = mag_find_session(tm, "mn-a@example.org", LL_A2);
	cr_assert_eq(send_flows(&r, 1, 2 * S_NS), 0);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "a refresh PBU at once");
	cr_assert_eq(p->group[0].hi, MH_HI_NOT_CHANGED);
	cr_assert(p->group[0].has_bid, "RFC 6089: a BID option for the flow to name");
	cr_assert_eq(p->group[0].bid, b->id);
	cr_assert_eq(p->n_flow, 1);
	cr_assert_eq(p->flow[0].fid, 1);
	cr_assert_eq(p->flow[0].n_bref, 1);
	cr_assert_eq(p->flow[0].bref[0], b->id);
	cr_assert_eq(p->flow[0].ts.sport_lo, 6002);
	/* the PBA's echo: status reported */
	struct mh_msg a = make_pba(p, 0, tcfg.lifetime_s, NULL);
	a.n_flow = 1;
	a.flow[0] = p->flow[0];
	a.flow[0].status = MH_FLOW_STATUS_BID_NOT_FOUND;
	pba(&a, 2 * S_NS + 1000);
	const struct mag_act *ev = find_event(MAG_EV_FLOW_ANSWERED);
	cr_assert_not_null(ev);
	cr_assert(strstr(ev->text, "\"status\":131"), "%s", ev->text);
	cr_assert_eq(mag_stats(tm)->flow_refused, 1);
}

Test(mag_flow, every_later_pbu_carries_it_again_and_a_repeat_sends_nothing)
{
	struct nd_flow_req r = req(1, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 1");

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(&r, 1, 2 * S_NS);
	struct mh_msg a = make_pba(nth_pbu(0), 0, tcfg.lifetime_s, NULL);
	pba(&a, 2 * S_NS + 1000);
	cr_assert_eq(send_flows(&r, 1, 3 * S_NS), 0);
	cr_assert_null(nth_pbu(0), "the same request again: no PBU");
	/* the periodic refresh, refresh_pct of the lifetime after the PBU */
	timer(2 * S_NS + (uint64_t)tcfg.lifetime_s * S_NS / 100 * tcfg.refresh_pct + 1);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	cr_assert_eq(p->n_flow, 1, "the refresh carries the flow");
	cr_assert(p->group[0].has_bid);
	cr_assert(!p->has_flow_summary, "described whole, not summarised");
}

/* A refusal stands: the refreshes after it do not ask again, nor does the
 * same request repeated; a changed request is asked (issue 12). */
Test(mag_flow, a_refused_request_is_not_sent_again_until_it_changes)
{
	struct nd_flow_req r = req(1, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 1");
	struct nd_flow_req r2 = req(1, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 2");

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(&r, 1, 2 * S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p);
	struct mh_msg a = make_pba(p, 0, tcfg.lifetime_s, NULL);
	a.n_flow = 1;
	a.flow[0] = p->flow[0];
	a.flow[0].status = MH_FLOW_STATUS_OPTION_MALFORMED;
	pba(&a, 2 * S_NS + 1000);
	cr_assert_eq(send_flows(&r, 1, 3 * S_NS), 0);
	cr_assert_null(nth_pbu(0), "the refused request repeated: no PBU");
	timer(2 * S_NS + (uint64_t)tcfg.lifetime_s * S_NS / 100 * tcfg.refresh_pct + 1);
	p = nth_pbu(0);
	cr_assert_not_null(p, "the periodic refresh");
	cr_assert_eq(p->n_flow, 0, "the refresh does not ask again");
	cr_assert(!p->has_flow_summary, "nor names it in a Flow Summary");
	a = make_pba(p, 0, tcfg.lifetime_s, NULL);
	uint64_t t = 2 * S_NS + (uint64_t)tcfg.lifetime_s * S_NS / 100 * tcfg.refresh_pct + 1000;
	pba(&a, t);
	cr_assert_eq(send_flows(&r2, 1, t + 1000), 0);
	p = nth_pbu(0);
	cr_assert_not_null(p, "a changed request starts a refresh");
	cr_assert_eq(p->n_flow, 1);
	cr_assert_eq(p->flow[0].ts.sport_lo, 2);
}

Test(mag_flow, dont_mind_has_no_binding_reference)
{
	struct nd_flow_req r = req(4, ND_FLOW_SCOPE_ANY_IFACE, "tcp");

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(&r, 1, 2 * S_NS);
	cr_assert_eq(nth_pbu(0)->flow[0].n_bref, 0);
}

/* The RS's request list omits FID 1: withdrawn, the next PBU names it in
 * no option (the LMA removes it, RFC 6089 5); FID 2, listed, stays. */
Test(mag_flow, a_request_the_list_omits_is_withdrawn)
{
	struct nd_flow_req r[2] = {
		req(1, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 1"),
		req(2, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 2"),
	};
	const uint16_t keep[1] = { 2 };

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(r, 2, 2 * S_NS);
	struct mh_msg a = make_pba(nth_pbu(0), 0, tcfg.lifetime_s, NULL);
	pba(&a, 2 * S_NS + 1000);
	cr_assert_eq(send_list(keep, 1, 3 * S_NS), 0);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "a withdrawal starts a refresh");
	cr_assert_eq(p->n_flow, 1);
	cr_assert_eq(p->flow[0].fid, 2);
	cr_assert(!p->has_flow_summary);
	cr_assert_not_null(find_event(MAG_EV_FLOW_WITHDRAWN));
	cr_assert_eq(mag_stats(tm)->flow_withdrawn, 1);
	cr_assert_eq(mag_find_session(tm, "mn-a@example.org", LL_A2)->n_flow, 1);
	a = make_pba(p, 0, tcfg.lifetime_s, NULL);
	pba(&a, 3 * S_NS + 1000);
	cr_assert_eq(send_list(keep, 1, 4 * S_NS), 0);
	cr_assert_null(nth_pbu(0), "the same list again: nothing to tell");
	cr_assert_eq(send_list(NULL, 0, 5 * S_NS), 0);
	p = nth_pbu(0);
	cr_assert_not_null(p);
	cr_assert_eq(p->n_flow, 0, "an empty list withdraws all");
}

/* RFC 6089 4.3: a PBU of another session of the MN on this MAG does not
 * describe the flows of A2's session; it names them in a Flow Summary so
 * that the LMA keeps them. */
Test(mag_flow, another_sessions_pbu_names_the_flows_in_a_flow_summary)
{
	struct nd_flow_req r = req(1, ND_FLOW_SCOPE_THIS_IFACE, "udp sport 1");

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(&r, 1, 2 * S_NS);
	struct mh_msg a = make_pba(nth_pbu(0), 0, tcfg.lifetime_s, NULL);
	pba(&a, 2 * S_NS + 1000);
	mag_acts_reset(ta);
	attach(IF_ETH, LL_A1, 3 * S_NS);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "A1's registration");
	cr_assert_eq(p->n_groups, 1, "A1 alone");
	cr_assert_eq(p->n_flow, 0);
	cr_assert(p->has_flow_summary);
	cr_assert_eq(p->n_flow_summary, 1);
	cr_assert_eq(p->flow_summary[0], 1);
}

Test(mag_flow, requests_from_an_mn_without_a_session_are_refused)
{
	struct nd_flow_req r = req(1, 0, "udp");

	cr_assert_eq(send_flows(&r, 1, S_NS), -1);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	const char *why = NULL;
	mag_acts_reset(ta);
	struct nd_rs rs = rs_of(&r, 1);
	cr_assert_eq(mag_mn_flows(tm, IF_ETH, LL_A2, &rs, 2 * S_NS, ta, &why), -1,
		     "another interface");
	cr_assert_str_eq(why, "flow request from an MN without a session here");
}

/* A request while the registration's PBU is outstanding rides in its
 * retransmission, and no second PBU is started. */
Test(mag_flow, a_request_during_registration_rides_in_the_retransmission)
{
	struct nd_flow_req r = req(1, 0, "udp");

	attach(IF_WLAN, LL_A2, S_NS);
	cr_assert_eq(send_flows(&r, 1, S_NS + 1), 0);
	cr_assert_null(nth_pbu(0), "no second PBU");
	timer(3 * S_NS);                              /* InitialBindackTimeout */
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "retransmission");
	cr_assert_eq(p->n_flow, 1);
}

/* show bul lists a session's flow requests with the LMA's answer. */
Test(mag_flow, show_bul_lists_the_flows)
{
	struct nd_flow_req r = req(1, ND_FLOW_SCOPE_ANY_IFACE, "udp sport 9");
	char out[8192];

	register_mn(IF_WLAN, LL_A2, "2001:db8:100:1::", S_NS);
	send_flows(&r, 1, 2 * S_NS);
	mag_acts_reset(ta);
	mag_ctl_handle(tm, "show bul", 3 * S_NS, ta, out, sizeof(out));
	cr_assert(strstr(out, "\"flows\":[{\"fid\":1,\"fid_pri\":10,"
			  "\"any\":true,\"selector\":\"udp sport 9\",\"status\":0}]"), "%s", out);
	mag_ctl_handle(tm, "show stats", 3 * S_NS, ta, out, sizeof(out));
	cr_assert(strstr(out, "\"flows\":{\"flow_requests\":1,\"flow_refused\":0,\"flow_withdrawn\":0}"), "%s", out);
}
