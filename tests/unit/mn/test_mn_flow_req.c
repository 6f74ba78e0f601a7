/*
 * test_mn_flow_req.c - the MN asks the network for its flow preferences
 * (section 3): "-> IFACE request [any]" selectors become flow requests
 * (RS option 253) sent on IFACE after its RA, mirrored for the LMA's
 * downlink match, again after the soft-state period and after a carrier
 * loss, never on another interface.
 */
#include "mn_testlib.h"
#include "pmip/flow_ts.h"

static struct mn_selector sel(const char *text)
{
	struct mn_selector s;
	const char *why = NULL;
	cr_assert_eq(mn_selector_parse(text, &s, &why), 0, "%s: %s", text, why);
	return s;
}

static void setup_req(void)
{
	tcfg_default(2, true);
	tcfg.n_sel = 3;
	tcfg.sel[0] = sel("udp dst 2001:db8:c::1 dport 6000 -> g3 request");
	tcfg.sel[1] = sel("udp dst 2001:db8:c::1 dport 6002-6003 -> wlan0 fallback g3 request any");
	tcfg.sel[2] = sel("tcp -> g3");
	tm_start();
}

TestSuite(mn_flow_req, .init = setup_req, .fini = tm_stop);

Test(mn_flow_req, request_keywords_parse_and_format)
{
	char buf[256];
	struct mn_selector s = sel("udp -> g3 fallback wlan0 request any");

	cr_assert_eq(s.request, MN_FLOW_REQ_ANY);
	mn_selector_format(&s, buf, sizeof(buf));
	cr_assert_str_eq(buf, "udp -> g3 fallback wlan0 request any");
	cr_assert_eq(sel("udp -> g3 request").request, MN_FLOW_REQ_IFACE);
	cr_assert_eq(sel("udp -> g3").request, MN_FLOW_REQ_NONE);
	struct mn_selector bad;
	const char *why = NULL;
	cr_assert_eq(mn_selector_parse("udp -> g3 request all", &bad, &why), -1);
	cr_assert_eq(mn_selector_parse("udp -> g3 fallback g3", &bad, &why), -1);
}

Test(mn_flow_req, requests_of_an_interface_are_mirrored_selectors)
{
	struct nd_flow_req r[ND_FLOW_REQ_MAX];
	size_t n = mn_flow_requests(tm, 1, r, ND_FLOW_REQ_MAX);     /* g3 */

	cr_assert_eq(n, 1, "sel 0 only: sel 2 asks nothing");
	cr_assert_eq(r[0].scope, ND_FLOW_SCOPE_THIS_IFACE);
	cr_assert_eq(r[0].f.fid, 1);
	cr_assert_eq(r[0].f.fid_pri, 50);
	cr_assert_eq(r[0].f.ts_format, FLOW_TS_FORMAT_IPV6);
	cr_assert(r[0].f.ts.fields & FLOW_F_SRC, "the correspondent is the source downlink");
	cr_assert(!(r[0].f.ts.fields & FLOW_F_DST));
	cr_assert_eq(r[0].f.ts.sport_lo, 6000, "its port is the source port downlink");
	n = mn_flow_requests(tm, 0, r, ND_FLOW_REQ_MAX);             /* wlan0 */
	cr_assert_eq(n, 1);
	cr_assert_eq(r[0].scope, ND_FLOW_SCOPE_ANY_IFACE);
	cr_assert_eq(r[0].f.fid, 2);
	cr_assert_eq(r[0].f.ts.sport_hi, 6003);
}

Test(mn_flow_req, sent_after_the_ra_then_only_after_the_period)
{
	tm_bring_up(1, S_NS);
	const struct mn_act *a = find_act(MN_ACT_SEND_FLOW_RS, 0);
	cr_assert_not_null(a, "the RA's MAG registered the session: ask now");
	cr_assert_eq(a->ifindex, IF1);
	cr_assert_str_eq(a->ifname, "g3");
	cr_assert_eq(n_events(MN_EV_FLOW_REQUESTED), 1);
	mn_acts_reset(ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_ra(tm, IF1, &r, 1800, 2 * S_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 0, "not again within the period");
	mn_ra(tm, IF1, &r, 1800, S_NS + MN_FLOW_RS_PERIOD_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 1, "soft state: again");
	cr_assert_eq(mn_stats(tm)->flow_rs_sent, 2);
}

Test(mn_flow_req, sent_again_after_the_carrier_came_back)
{
	tm_bring_up(1, S_NS);
	mn_link(tm, IF1, false, true, 2 * S_NS, ta);
	mn_link(tm, IF1, true, true, 3 * S_NS, ta);
	mn_acts_reset(ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_ra(tm, IF1, &r, 1800, 4 * S_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 1);
}

Test(mn_flow_req, nothing_on_an_interface_without_requests)
{
	tm_stop();
	tcfg_default(2, true);
	tcfg.n_sel = 1;
	tcfg.sel[0] = sel("tcp -> g3");
	tm_start();
	tm_bring_up(1, S_NS);
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 0);
}

static const char *ctl(const char *line)
{
	static char out[8192];

	mn_ctl_handle(tm, line, ta, 5 * S_NS, out, sizeof(out));
	return out;
}

/* `flow del 1` (the g3 request): an RS on g3 at once (its request list
 * withdraws FID 1 at the MAG), the selector neither steers nor asks any
 * more, and its number is not reused. */
Test(mn_flow_req, a_removed_selector_is_withdrawn_at_once)
{
	struct nd_flow_req r[ND_FLOW_REQ_MAX];
	struct flow_key k = { .dst = a6("2001:db8:c::1"), .proto = 17, .has_ports = true,
			      .sport = 40000, .dport = 6000 };
	int sel = -1;

	tm_bring_up(1, S_NS);
	mn_flow_classify(tm, &k, &sel);
	cr_assert_eq(sel, 0, "before: selector 1 (FID 1) steers the flow");
	mn_acts_reset(ta);
	cr_assert_str_eq(ctl("flow del 1"), "{\"removed\":1}");
	const struct mn_act *a = find_act(MN_ACT_SEND_FLOW_RS, 0);
	cr_assert_not_null(a, "the MAG learns at once");
	cr_assert_str_eq(a->ifname, "g3");
	cr_assert_eq(mn_flow_requests(tm, 1, r, ND_FLOW_REQ_MAX), 0, "g3 asks nothing now");
	mn_flow_classify(tm, &k, &sel);
	cr_assert_neq(sel, 0, "no longer steered by it");
	cr_assert(strstr(ctl("show rules"), "{\"fid\":1,\"selector\":\"udp dst 2001:db8:c::1 "
					     "dport 6000 -> g3 request\",\"removed\":true"),
		  "%s", ctl("show rules"));
	cr_assert(strstr(ctl("flow del 1"), "\"error\""), "gone already");
	cr_assert(strstr(ctl("flow del x"), "\"error\""));
	cr_assert(strstr(ctl("flow del 9"), "\"error\""));
	/* soft state: the empty list is repeated after the period */
	mn_acts_reset(ta);
	struct in6_addr rt = a6("fe80::1");
	const char *why;
	mn_ra(tm, IF1, &rt, 1800, 5 * S_NS + MN_FLOW_RS_PERIOD_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 1, "the list keeps the withdrawal");
}

/* `flow add` appends a selector (FID = its number) and asks at once. */
Test(mn_flow_req, an_added_request_is_asked_at_once)
{
	struct nd_flow_req r[ND_FLOW_REQ_MAX];

	tm_bring_up(1, S_NS);
	mn_acts_reset(ta);
	cr_assert_str_eq(ctl("flow add udp dport 7000 -> g3 request"), "{\"added\":4}");
	cr_assert_not_null(find_act(MN_ACT_SEND_FLOW_RS, 0));
	cr_assert_eq(mn_flow_requests(tm, 1, r, ND_FLOW_REQ_MAX), 2);
	cr_assert_eq(r[1].f.fid, 4);
	mn_acts_reset(ta);
	cr_assert(strstr(ctl("flow add udp -> eth9 request"), "\"error\""), "no such interface");
	cr_assert(strstr(ctl("flow add udp dport -> g3"), "\"error\""), "grammar");
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 0, "a refused add changes nothing");
	cr_assert(strstr(ctl("show rules"), "\"fid\":4"));
}

/* An interface whose router has not answered yet asks at its next RA. */
Test(mn_flow_req, a_change_before_the_ra_waits_for_it)
{
	cr_assert_str_eq(ctl("flow del 1"), "{\"removed\":1}");
	cr_assert_eq(n_acts(MN_ACT_SEND_FLOW_RS), 0);
}

Test(mn_flow_req, an_mn_started_without_selectors_cannot_add)
{
	tm_stop();
	tcfg_default(2, true);
	tm_start();
	cr_assert(strstr(ctl("flow add udp -> g3 request"), "mnd started without flow selectors"),
		  "%s", ctl("flow add udp -> g3 request"));
}
