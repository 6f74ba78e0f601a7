/*
 * test_lma_flow.c - flow routing at the LMA (problem statement section 3,
 * appendix B): rules on a prefix shared by two sessions of one MN send
 * flows to one session, a fallback, or any by weight; bad rules are
 * refused and change nothing; the control commands and events.
 */
#include "lma_fixture.h"
#include "lma/lma_ctl.h"

#include <json-c/json.h>
#include <stdio.h>

TestSuite(lma_flow, .init = setup, .fini = teardown);

/* P1 registered on A at MAG1, then shared by B at MAG2 (HI 1 naming it). */
static struct mh_prefix share_a_with_b(void)
{
	struct mh_prefix pa = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, &pa);

	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	return pa;
}

/* The rule "prefix P/64 rest" for the prefix p. */
static uint32_t add_rule(const char *rest, const struct mh_prefix *p)
{
	char text[FLOW_RULE_TEXT_MAX], ps[INET6_ADDRSTRLEN];
	struct flow_rule r;
	const char *why = NULL;

	inet_ntop(AF_INET6, &p->prefix, ps, sizeof(ps));
	snprintf(text, sizeof(text), "prefix %s/64 %s", ps, rest);
	cr_assert_eq(flow_rule_parse(text, &r, &why), 0, "%s: %s", text, why);
	lma_actions_clear(&A);
	cr_assert_eq(lma_flow_add(L, &r, FLOW_ORIGIN_CTL, &why, &A), 0, "%s: %s", text, why);
	return r.id;
}

static const char *refuse(const char *text)
{
	struct flow_rule r;
	const char *why = NULL;
	size_t n = flow_tab_n_rules(lma_flows(L));

	cr_assert_eq(flow_rule_parse(text, &r, &why), 0, "%s: %s", text, why);
	cr_assert_eq(lma_flow_add(L, &r, FLOW_ORIGIN_CTL, &why, &A), -1, "accepted %s", text);
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), n, "nothing changed");
	return why;
}

static const struct in6_addr *peer_of(const struct mh_prefix *p, uint16_t sport, uint16_t dport)
{
	struct flow_key k = { .src = addr("2001:db8:c::1"), .dst = host_in(p, 9),
			      .proto = 17, .has_ports = true, .sport = sport, .dport = dport };

	return lma_downlink_peer_flow(L, &k);
}

Test(lma_flow, a_flow_of_a_shared_prefix_goes_to_the_session_its_rule_names)
{
	struct mh_prefix p = share_a_with_b();

	cr_assert(addr_is(peer_of(&p, 4000, 5004), &MAG1), "no rule: route[0]");
	add_rule("udp dport 5004 -> 02:00:00:00:01:0b", &p);
	cr_assert_eq(count_event(LMA_EV_FLOW_ADDED), 1);
	cr_assert(addr_is(peer_of(&p, 4000, 5004), &MAG2), "audio over B");
	cr_assert(addr_is(peer_of(&p, 4000, 5006), &MAG1), "other flows stay");
	cr_assert_eq(lma_stats(L)->flow_routed, 1);
}

Test(lma_flow, fallback_when_the_preferred_session_is_gone)
{
	struct mh_prefix p = share_a_with_b();

	add_rule("udp -> 02:00:00:00:01:0b fallback 02:00:00:00:01:0a", &p);
	cr_assert(addr_is(peer_of(&p, 1, 2), &MAG2));
	/* B deregisters: 5.3.5, its route is no longer usable */
	struct mh_msg m = pbu(MN1, 2, 0, MH_HI_ATTACH_NEW_IFACE, MH_ATT_3GPP_EUTRAN, MAC_B, &p);
	input(&MAG2, &m, 2 * SEC);
	cr_assert(addr_is(peer_of(&p, 1, 2), &MAG1), "fallback A");
	cr_assert_eq(lma_stats(L)->flow_fallback, 1);
}

Test(lma_flow, rule_on_an_unshared_prefix_uses_the_prefix_route)
{
	struct mh_prefix p = register_a(0);

	add_rule("udp -> 02:00:00:00:01:0b", &p);
	cr_assert(addr_is(peer_of(&p, 1, 2), &MAG1), "B does not route it: not sent anywhere else");
}

Test(lma_flow, any_shares_flows_by_weight_and_keeps_each_flow_on_one_path)
{
	struct mh_prefix p = share_a_with_b();
	unsigned on1 = 0;

	add_rule("udp -> any 02:00:00:00:01:0a=1 02:00:00:00:01:0b=1", &p);
	for (uint16_t f = 1; f <= 2000; f++) {
		const struct in6_addr *a = peer_of(&p, f, 9);

		cr_assert(addr_is(a, &MAG1) || addr_is(a, &MAG2));
		on1 += addr_is(a, &MAG1);
		cr_assert(addr_is(peer_of(&p, f, 9), a), "same flow, same path");
	}
	cr_assert(on1 > 850 && on1 < 1150, "MAG1 got %u of 2000 flows", on1);
}

Test(lma_flow, bad_rules_are_refused_with_a_reason)
{
	struct mh_prefix p = share_a_with_b();
	char t[FLOW_RULE_TEXT_MAX], ps[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p.prefix, ps, sizeof(ps));
	cr_assert(strstr(refuse("prefix 2001:db8:999::/64 udp -> 02:00:00:00:01:0a"), "no MN holds"));
	snprintf(t, sizeof(t), "prefix %s/64 udp -> 02:00:00:00:01:0c", ps);
	cr_assert(strstr(refuse(t), "not an interface"), "MAC_C is MN3's");
	snprintf(t, sizeof(t), "prefix %s/64 udp -> wlan9", ps);
	cr_assert(strstr(refuse(t), "not an interface"));
	add_rule("udp dport 5000-5010 -> 02:00:00:00:01:0a", &p);
	snprintf(t, sizeof(t), "prefix %s/64 udp dport 5005 -> 02:00:00:00:01:0b", ps);
	cr_assert(strstr(refuse(t), "overlaps"));
}

Test(lma_flow, profile_iface_names_and_static_prefixes)
{
	fixture_config();
	snprintf(pol_buf[3].iface, sizeof(pol_buf[3].iface), "wlan0");
	fixture_start();
	struct mh_prefix p3 = pfx("2001:db8:300:1::", 64);

	/* held by a profile before any binding: the operator's policy */
	add_rule("tcp -> wlan0", &p3);
	cr_assert_str_eq(flow_tab_find(lma_flows(L), 1)->target[0].name, "wlan0");
	cr_assert_eq(flow_tab_find(lma_flows(L), 1)->target[0].ref[5], 0xc);
}

Test(lma_flow, policy_flows_from_the_config_are_checked_at_start)
{
	const char *why = NULL;
	struct flow_rule r[1];

	fixture_config();
	cr_assert_eq(flow_rule_parse("prefix 2001:db8:300:1::/64 udp -> 02:00:00:00:01:0c",
				     &r[0], &why), 0);
	C.flows = r;
	C.n_flows = 1;
	fixture_start();
	cr_assert_eq(flow_tab_n_rules(lma_flows(L)), 1);
	lma_free(L);
	cr_assert_eq(flow_rule_parse("prefix 2001:db8:300:1::/64 udp -> 02:00:00:00:01:0a",
				     &r[0], &why), 0);
	L = lma_new(&C, &why);
	cr_assert_null(L, "MAC_A is not MN3's interface");
	cr_assert(strstr(why, "not an interface"));
	C.flows = NULL;
	C.n_flows = 0;
}

Test(lma_flow, ctl_add_list_del)
{
	struct mh_prefix p = share_a_with_b();
	char line[FLOW_RULE_TEXT_MAX], ps[INET6_ADDRSTRLEN], out[8192];

	inet_ntop(AF_INET6, &p.prefix, ps, sizeof(ps));
	snprintf(line, sizeof(line), "flow add prefix %s/64 id 9 udp dport 5004 -> "
		 "02:00:00:00:01:0b", ps);
	lma_actions_clear(&A);
	cr_assert(lma_flow_ctl(L, line, out, sizeof(out), &A) > 0);
	cr_assert_str_eq(out, "{\"added\":9}");
	cr_assert_eq(count_event(LMA_EV_FLOW_ADDED), 1);
	cr_assert(strstr(event_json(LMA_EV_FLOW_ADDED), "\"origin\":\"ctl\""));
	peer_of(&p, 1, 5004);
	cr_assert(lma_flow_ctl(L, "show flows", out, sizeof(out), &A) > 0);
	json_object *o = json_tokener_parse(out), *flows, *f, *v;
	cr_assert_not_null(o, "%s", out);
	cr_assert(json_object_object_get_ex(o, "flows", &flows));
	f = json_object_array_get_idx(flows, 0);
	cr_assert(json_object_object_get_ex(f, "hits", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	cr_assert(json_object_object_get_ex(f, "shared_by", &v));
	cr_assert_eq(json_object_get_int(v), 2);
	json_object_put(o);
	cr_assert(lma_flow_ctl(L, "flow del 9", out, sizeof(out), &A) > 0);
	cr_assert_str_eq(out, "{\"removed\":9}");
	cr_assert(lma_flow_ctl(L, "flow del 9", out, sizeof(out), &A) > 0);
	cr_assert(strstr(out, "no flow rule"));
	cr_assert(lma_flow_ctl(L, "flow add prefix 2001:db8:999::/64 -> x", out, sizeof(out), &A) > 0);
	cr_assert(strstr(out, "\"error\""));
	cr_assert_eq(lma_flow_ctl(L, "show bindings", out, sizeof(out), &A), 0, "not ours");
}

/* Operator policy: P1 in the profiles of both interfaces, P2 only in B's. */
static void share_by_policy(void)
{
	fixture_config();
	pol_buf[0].n_hnp = 1;
	pol_buf[0].hnp[0] = pfx("2001:db8:100:1::", 64);
	pol_buf[1].n_hnp = 2;
	pol_buf[1].hnp[0] = pfx("2001:db8:100:1::", 64);
	pol_buf[1].hnp[1] = pfx("2001:db8:100:2::", 64);
	fixture_start();
}

Test(lma_flow, prefix_in_two_profiles_of_the_mn_is_shared_by_the_second_session)
{
	share_by_policy();
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	cr_assert(addr_is(&p1.prefix, &(struct in6_addr){ .s6_addr = { 0x20, 1, 0xd, 0xb8, 1, 0, 0, 1 } }));
	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0, "status %u", the_pba()->status);
	cr_assert_eq(the_pba()->group[0].n_hnp, 2, "B gets P1 (shared) and P2");
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2, "a new session, not a handoff");
	const struct bce_prefix *x = bce_find_prefix(lma_bce(L), &p1.prefix, 64);
	cr_assert_eq(x->n_route, 2);
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1), "A keeps the downlink");
	cr_assert_eq(lma_uplink_check(L, &MAG2, &h), 0, "uplink from P1 over B accepted");
}

Test(lma_flow, prefix_of_one_profile_is_not_shared)
{
	share_by_policy();
	pol_buf[1].hnp[0] = pfx("2001:db8:100:3::", 64);
	fixture_start();
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	input(&MAG2, &m, SEC);
	cr_assert_eq(the_pba()->status, 0);
	cr_assert_eq(bce_find_prefix(lma_bce(L), &p1.prefix, 64)->n_route, 1);
}

Test(lma_flow, refreshes_of_both_sessions_keep_the_prefix_shared)
{
	share_by_policy();
	struct mh_prefix p1 = register_a(0);
	struct mh_msg m = pbu(MN1, 1, 40, MH_HI_UNKNOWN, MH_ATT_3GPP_EUTRAN, MAC_B, NULL);

	input(&MAG2, &m, SEC);
	struct mh_group g = the_pba()->group[0];
	m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_3GPP_EUTRAN, MAC_B, &g.hnp[0]);
	m.group[0].n_hnp = 2;
	m.group[0].hnp[1] = g.hnp[1];
	input(&MAG2, &m, 2 * SEC);
	cr_assert_eq(the_pba()->status, 0, "B refresh: status %u", the_pba()->status);
	m = pbu(MN1, 2, 40, MH_HI_NOT_CHANGED, MH_ATT_WLAN, MAC_A, &p1);
	input(&MAG1, &m, 3 * SEC);
	cr_assert_eq(the_pba()->status, 0, "A refresh: status %u", the_pba()->status);
	cr_assert_eq(bce_n_sessions(lma_bce(L)), 2);
	cr_assert_eq(bce_find_prefix(lma_bce(L), &p1.prefix, 64)->n_route, 2, "still shared");
	struct in6_addr h = host_in(&p1, 1);
	cr_assert(addr_is(lma_downlink_peer(L, &h), &MAG1));
}

Test(lma_flow, show_bindings_marks_shared_prefixes_and_their_rules)
{
	struct mh_prefix p = share_a_with_b();
	char out[16384];

	add_rule("id 5 udp dport 5004 -> 02:00:00:00:01:0b", &p);
	cr_assert(lma_show_bindings(L, 2 * SEC, out, sizeof(out)) > 0);
	cr_assert(strstr(out, "\"shared\":true,\"flow_rules\":[5]"), "%s", out);
}

Test(lma_flow, policy_rules_are_announced_as_events)
{
	struct flow_rule r[2];
	const char *why = NULL;

	fixture_config();
	cr_assert_eq(flow_rule_parse("prefix 2001:db8:300:1::/64 udp -> 02:00:00:00:01:0c",
				     &r[0], &why), 0);
	cr_assert_eq(flow_rule_parse("prefix 2001:db8:300:2::/64 tcp -> 02:00:00:00:01:0c",
				     &r[1], &why), 0);
	C.flows = r;
	C.n_flows = 2;
	fixture_start();
	C.flows = NULL;
	C.n_flows = 0;
	lma_actions_clear(&A);
	lma_flow_announce(L, &A);
	cr_assert_eq(count_event(LMA_EV_FLOW_ADDED), 2);
	cr_assert(strstr(event_json(LMA_EV_FLOW_ADDED), "\"origin\":\"policy\""));
}
