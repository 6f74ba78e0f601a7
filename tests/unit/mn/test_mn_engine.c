/*
 * test_mn_engine.c - the MN policy engine: source rules per interface,
 * routers from RAs, the appendix D uplink move on carrier loss and its
 * return, fast handover off (RFC 5213 baseline), three interfaces.
 */
#include "mn_testlib.h"

static void setup2(void) { tcfg_default(2, true); tm_start(); }
static void setup2_off(void) { tcfg_default(2, false); tm_start(); }
static void setup3(void) { tcfg_default(3, true); tm_start(); }

TestSuite(mn_rules, .init = setup2, .fini = tm_stop);
TestSuite(mn_move, .init = setup2, .fini = tm_stop);
TestSuite(mn_baseline, .init = setup2_off, .fini = tm_stop);
TestSuite(mn_three, .init = setup3, .fini = tm_stop);

Test(mn_rules, global_address_installs_rule_to_own_table)
{
	struct in6_addr a = a6("2001:db8:1::10");
	mn_acts_reset(ta);
	cr_assert_eq(mn_addr_add(tm, IF0, &a, 64, 0, ta), 0);
	const struct mn_act *r = find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100);
	cr_assert_not_null(r, "rule from 2001:db8:1::/64 lookup 100");
	cr_assert_eq(r->plen, 64);
	cr_assert_eq(r->prio, 1000);
	cr_assert_not_null(find_event(MN_EV_PREFIX_ADDED, 0));
}

Test(mn_rules, second_interface_uses_next_table_and_priority)
{
	struct in6_addr a = a6("2001:db8:2::10");
	mn_acts_reset(ta);
	mn_addr_add(tm, IF1, &a, 64, 0, ta);
	const struct mn_act *r = find_rule(MN_ACT_RULE_ADD, "2001:db8:2::", 101);
	cr_assert_not_null(r);
	cr_assert_eq(r->prio, 1001);
}

Test(mn_rules, link_local_address_is_ignored)
{
	struct in6_addr a = a6("fe80::1234");
	mn_acts_reset(ta);
	mn_addr_add(tm, IF0, &a, 64, 0, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
	cr_assert_eq(mn_stats(tm)->addr_ignored, 1);
}

Test(mn_rules, address_on_unmanaged_interface_is_ignored)
{
	struct in6_addr a = a6("2001:db8:9::1");
	mn_acts_reset(ta);
	mn_addr_add(tm, 99, &a, 64, 0, ta);
	cr_assert_eq(ta->n, 0);
}

Test(mn_rules, repeated_newaddr_adds_one_rule)
{
	struct in6_addr a = a6("2001:db8:1::10");
	mn_addr_add(tm, IF0, &a, 64, 0, ta);
	mn_acts_reset(ta);
	mn_addr_add(tm, IF0, &a, 64, 0, ta);      /* tentative -> valid update */
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
}

Test(mn_rules, two_addresses_of_one_prefix_share_one_rule)
{
	struct in6_addr a = a6("2001:db8:1::10"), b = a6("2001:db8:1::20");
	mn_addr_add(tm, IF0, &a, 64, 0, ta);
	mn_acts_reset(ta);
	mn_addr_add(tm, IF0, &b, 64, 0, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
	mn_addr_del(tm, IF0, &a, 64, 0, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_DEL), 0, "b still uses the prefix");
	mn_addr_del(tm, IF0, &b, 64, 0, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 100));
	cr_assert_not_null(find_event(MN_EV_PREFIX_REMOVED, 0));
}

Test(mn_rules, ra_installs_default_route_in_interface_table)
{
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	cr_assert_eq(mn_ra(tm, IF1, &r, 1800, 0, ta, &why), 0);
	const struct mn_act *a = find_act(MN_ACT_ROUTE_ADD, 0);
	cr_assert_not_null(a);
	cr_assert_eq(a->table, 101);
	cr_assert_eq(a->ifindex, IF1);
	cr_assert_str_eq(a->ifname, "g3");
	cr_assert_eq(memcmp(&a->via, &r, 16), 0);
	cr_assert(mn_iface_usable(tm, 1));
}

Test(mn_rules, ra_from_global_source_is_refused)
{
	struct in6_addr r = a6("2001:db8::1");
	const char *why = NULL;
	mn_acts_reset(ta);
	cr_assert_eq(mn_ra(tm, IF0, &r, 1800, 0, ta, &why), -1);
	cr_assert_not_null(why);
	cr_assert_eq(n_acts(MN_ACT_ROUTE_ADD), 0);
}

Test(mn_rules, repeated_ra_does_not_reinstall_route)
{
	tm_bring_up(0, 0);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 1800, S_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_ROUTE_ADD), 0);
}

Test(mn_rules, ra_lifetime_zero_removes_route)
{
	tm_bring_up(0, 0);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 0, S_NS, ta, &why);
	cr_assert_not_null(find_act(MN_ACT_ROUTE_DEL, 0));
	cr_assert_not_null(find_event(MN_EV_ROUTER_LOST, 0));
	cr_assert(!mn_iface_usable(tm, 0));
}

Test(mn_rules, router_lifetime_expiry_removes_route)
{
	tm_bring_up(0, 0);
	cr_assert_eq(mn_next_deadline(tm), 1800 * S_NS);
	mn_acts_reset(ta);
	mn_timer(tm, 1800 * S_NS - 1, ta);
	cr_assert_eq(n_acts(MN_ACT_ROUTE_DEL), 0, "not yet");
	mn_timer(tm, 1800 * S_NS, ta);
	cr_assert_not_null(find_act(MN_ACT_ROUTE_DEL, 0));
	cr_assert_eq(mn_next_deadline(tm), 0);
}

Test(mn_rules, timer_follows_router_lifetime)
{
	mn_acts_reset(ta);
	tm_bring_up(0, 5 * S_NS);
	const struct mn_act *t = find_act(MN_ACT_TIMER_SET, 0);
	cr_assert_not_null(t);
	cr_assert_eq(t->deadline_ns, 5 * S_NS + 1800 * S_NS);
}

Test(mn_rules, admin_down_forgets_route_and_ra_reinstalls_it)
{
	tm_bring_up(0, 0);
	mn_link(tm, IF0, false, false, S_NS, ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 1800, 3 * S_NS, ta, &why);
	cr_assert_not_null(find_act(MN_ACT_ROUTE_ADD, 0),
			   "the kernel flushed the route of the down device");
}

Test(mn_rules, shutdown_removes_every_rule_and_route)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_acts_reset(ta);
	mn_shutdown(tm, S_NS, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 100));
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:2::", 101));
	cr_assert_eq(n_acts(MN_ACT_ROUTE_DEL), 2);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
}

/* ---- appendix D: the disconnect trigger --------------------------------- */

Test(mn_move, carrier_loss_moves_rules_to_surviving_table)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, S_NS, ta);
	const struct mn_act *add = find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 101);
	const struct mn_act *del = find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 100);
	cr_assert_not_null(add, "wlan0's prefix now looks up g3's table");
	cr_assert_not_null(del);
	cr_assert_lt(act_pos(add), act_pos(del), "new rule before the old goes");
	cr_assert_eq(add->prio, 1000, "the rule keeps wlan0's priority");
	cr_assert_not_null(find_event(MN_EV_IFACE_DOWN, 0));
	const struct mn_act *ev = find_event(MN_EV_UPLINK_MOVED, 0);
	cr_assert_not_null(ev);
	cr_assert(strstr(ev->text, "\"from\":\"wlan0\",\"to\":\"g3\""), "%s", ev->text);
	cr_assert(strstr(ev->text, "2001:db8:1::/64"), "%s", ev->text);
	cr_assert_eq(mn_iface_at(tm, 0)->target, 1);
}

Test(mn_move, carrier_loss_leaves_survivor_rules_alone)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, S_NS, ta);
	cr_assert_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:2::", 101));
	cr_assert_eq(n_acts(MN_ACT_ROUTE_DEL), 0, "the dead route stays (linkdown)");
}

Test(mn_move, carrier_return_waits_for_ra)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_acts_reset(ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0,
		     "no return before the MAG advertises (RFC 5213 6.7)");
	cr_assert_not_null(find_event(MN_EV_IFACE_UP, 0));
	cr_assert_eq(mn_iface_at(tm, 0)->target, 1);
}

Test(mn_move, ra_after_carrier_return_puts_rules_back)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 1800, 3 * S_NS, ta, &why);
	const struct mn_act *add = find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100);
	cr_assert_not_null(add);
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 101));
	const struct mn_act *ev = find_event(MN_EV_UPLINK_RETURNED, 0);
	cr_assert_not_null(ev);
	cr_assert(strstr(ev->text, "\"from\":\"g3\",\"to\":\"wlan0\""), "%s", ev->text);
	cr_assert_eq(mn_stats(tm)->returns, 1);
}

Test(mn_move, return_off_keeps_rules_on_survivor)
{
	tm_stop();
	tcfg_default(2, true);
	tcfg.uplink_return = false;
	tm_start();
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 1800, 3 * S_NS, ta, &why);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
	cr_assert_eq(mn_iface_at(tm, 0)->target, 1);
	/* ... until the survivor fails in turn */
	mn_acts_reset(ta);
	mn_link(tm, IF1, false, true, 4 * S_NS, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100));
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:2::", 100));
}

Test(mn_move, no_survivor_no_move)
{
	tm_bring_up(0, 0);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, S_NS, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0, "g3 has no router: nowhere to go");
	cr_assert_eq(mn_iface_at(tm, 0)->target, 0);
}

Test(mn_move, survivor_appearing_later_takes_the_moved_uplink)
{
	tm_bring_up(0, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_acts_reset(ta);
	tm_bring_up(1, 2 * S_NS);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 101),
			   "wlan0 is still down when g3 becomes usable");
}

Test(mn_move, prefix_learnt_while_moved_goes_to_survivor_table)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	struct in6_addr a = a6("2001:db8:11::10");
	mn_acts_reset(ta);
	mn_addr_add(tm, IF0, &a, 64, 2 * S_NS, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:11::", 101));
	cr_assert_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:11::", 100));
}

Test(mn_move, prefix_removed_while_moved_deletes_moved_rule)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	struct in6_addr a = a6("2001:db8:1::10");
	mn_acts_reset(ta);
	mn_addr_del(tm, IF0, &a, 64, 2 * S_NS, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 101));
}

Test(mn_move, each_prefix_of_the_lost_interface_moves)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	struct in6_addr b = a6("2001:db8:11::10");
	mn_addr_add(tm, IF0, &b, 64, 0, ta);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, S_NS, ta);
	cr_assert_eq(n_events(MN_EV_UPLINK_MOVED), 2);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:11::", 101));
	cr_assert_eq(mn_stats(tm)->moves, 2);
}

Test(mn_move, link_flap_without_ra_between_moves_once)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, 3 * S_NS, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0, "already on g3");
}

/* ---- RFC 5213 baseline ---------------------------------------------------- */

Test(mn_baseline, carrier_loss_does_not_move_uplink)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_acts_reset(ta);
	mn_link(tm, IF0, false, true, S_NS, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0);
	cr_assert_eq(n_acts(MN_ACT_RULE_DEL), 0);
	cr_assert_eq(n_events(MN_EV_UPLINK_MOVED), 0);
	cr_assert_not_null(find_event(MN_EV_IFACE_DOWN, 0), "still reported");
	cr_assert_eq(mn_iface_at(tm, 0)->target, 0);
}

Test(mn_baseline, source_rules_still_installed)
{
	mn_acts_reset(ta);
	tm_bring_up(0, 0);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100));
}

/* ---- three interfaces ------------------------------------------------------ */

Test(mn_three, moves_to_first_usable_other_interface)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	tm_bring_up(2, 0);
	mn_acts_reset(ta);
	mn_link(tm, IF1, false, true, S_NS, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:2::", 100));
}

Test(mn_three, survivor_failing_moves_uplink_again)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	tm_bring_up(2, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);       /* wlan0 -> g3 */
	mn_acts_reset(ta);
	mn_link(tm, IF1, false, true, 2 * S_NS, ta);   /* g3 fails too */
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 102),
			   "wlan0's prefix follows to eth2");
	cr_assert_not_null(find_rule(MN_ACT_RULE_DEL, "2001:db8:1::", 101));
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:2::", 102));
	cr_assert_eq(mn_iface_at(tm, 0)->target, 2);
	cr_assert_eq(mn_iface_at(tm, 1)->target, 2);
}

Test(mn_three, return_of_one_does_not_disturb_others)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	tm_bring_up(2, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_link(tm, IF1, false, true, S_NS, ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	mn_acts_reset(ta);
	mn_ra(tm, IF0, &r, 1800, 3 * S_NS, ta, &why);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100));
	cr_assert_eq(mn_iface_at(tm, 1)->target, 2, "g3 stays on eth2 (still usable)");
	cr_assert_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:2::", 100));
}

Test(mn_move, ra_seen_before_carrier_report_confirms_on_carrier_up)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	struct in6_addr r = a6("fe80::1");
	const char *why;
	/* the MAG's RA arrives before linkwatch reports the carrier back */
	mn_ra(tm, IF0, &r, 1800, 2 * S_NS, ta, &why);
	cr_assert_eq(mn_iface_at(tm, 0)->target, 1, "carrier still down here");
	mn_acts_reset(ta);
	mn_link(tm, IF0, true, true, 2 * S_NS + 5000000, ta);
	cr_assert_not_null(find_rule(MN_ACT_RULE_ADD, "2001:db8:1::", 100));
}

Test(mn_move, ra_before_carrier_loss_does_not_confirm_return)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	mn_acts_reset(ta);
	mn_link(tm, IF0, true, true, 2 * S_NS, ta);
	cr_assert_eq(n_acts(MN_ACT_RULE_ADD), 0, "the last RA predates the loss");
}
