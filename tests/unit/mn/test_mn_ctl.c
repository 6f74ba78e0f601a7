/*
 * test_mn_ctl.c - mnd's control commands: show ifaces, show rules, show
 * stats, help, errors; JSON parsed back with json-c.
 */
#include <json-c/json.h>

#include "mn_testlib.h"

static void setup(void) { tcfg_default(2, true); tm_start(); }
TestSuite(mn_ctl, .init = setup, .fini = tm_stop);

static json_object *ask(const char *line)
{
	static char out[65536];
	mn_ctl_handle(tm, line, ta, 10 * S_NS, out, sizeof(out));
	json_object *o = json_tokener_parse(out);
	cr_assert_not_null(o, "not JSON: %s", out);
	return o;
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;
	cr_assert(json_object_object_get_ex(o, k, &v), "no %s in %s", k,
		  json_object_to_json_string(o));
	return v;
}

Test(mn_ctl, show_ifaces_reports_router_prefix_and_uplink)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	json_object *o = ask("show ifaces");
	json_object *ifs = get(o, "ifaces");
	cr_assert_eq(json_object_array_length(ifs), 2);
	json_object *w = json_object_array_get_idx(ifs, 0);
	cr_assert_str_eq(json_object_get_string(get(w, "name")), "wlan0");
	cr_assert(!json_object_get_boolean(get(w, "carrier")));
	cr_assert_str_eq(json_object_get_string(get(w, "router")), "fe80::1");
	cr_assert_str_eq(json_object_get_string(get(w, "uplink")), "g3");
	cr_assert_eq(json_object_get_int(get(w, "table")), 100);
	json_object *p = get(w, "prefixes");
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(p, 0)),
			 "2001:db8:1::/64");
	cr_assert_eq(json_object_get_int(get(w, "router_remaining_s")), 1790);
	json_object_put(o);
}

Test(mn_ctl, show_rules_lists_installed_rules_and_routes)
{
	tm_bring_up(0, 0);
	json_object *o = ask("show rules");
	json_object *rules = get(o, "rules"), *routes = get(o, "routes");
	cr_assert_eq(json_object_array_length(rules), 1);
	json_object *r = json_object_array_get_idx(rules, 0);
	cr_assert_str_eq(json_object_get_string(get(r, "from")), "2001:db8:1::/64");
	cr_assert_eq(json_object_get_int(get(r, "table")), 100);
	cr_assert_eq(json_object_get_int(get(r, "prio")), 1000);
	cr_assert_eq(json_object_array_length(routes), 1);
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(routes, 0),
						    "dev")), "wlan0");
	json_object_put(o);
}

Test(mn_ctl, show_stats_counts_moves)
{
	tm_bring_up(0, 0);
	tm_bring_up(1, 0);
	mn_link(tm, IF0, false, true, S_NS, ta);
	json_object *o = ask("  show   stats ");
	cr_assert_eq(json_object_get_int(get(o, "moves")), 1);
	cr_assert_eq(json_object_get_int(get(o, "carrier_down")), 1);
	json_object_put(o);
}

Test(mn_ctl, help_lists_commands)
{
	json_object *o = ask("help");
	cr_assert_eq(json_object_array_length(get(o, "commands")), 7);
	json_object_put(o);
}

Test(mn_ctl, unknown_command_is_an_error)
{
	json_object *o = ask("show bul");
	get(o, "error");
	json_object_put(o);
	o = ask("show ifaces extra");
	get(o, "error");
	json_object_put(o);
}

Test(mn_ctl, small_buffer_gets_short_error)
{
	char out[8];
	mn_ctl_handle(tm, "help", ta, 0, out, sizeof(out));
	cr_assert_lt(strlen(out), sizeof(out));
}
