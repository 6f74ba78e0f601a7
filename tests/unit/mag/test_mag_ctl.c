/*
 * magd control commands (show bul, show stats, handoff, help) and the
 * configuration taken from a topology mag node.
 */
#include "mag_testlib.h"
#include "mag/mag_ctl.h"
#include "topo/topo.h"

TestSuite(mag_ctl, .init = tsetup, .fini = tteardown);

static char out[65536];

static json_object *ask(const char *line, uint64_t now)
{
	mag_acts_reset(ta);
	mag_ctl_handle(tm, line, now, ta, out, sizeof(out));
	json_object *o = json_tokener_parse(out);
	cr_assert_not_null(o, "not JSON: %s", out);
	return o;
}

static const char *get_str(json_object *o, const char *k)
{
	json_object *v;
	cr_assert(json_object_object_get_ex(o, k, &v), "no %s in %s", k, out);
	return json_object_get_string(v);
}

Test(mag_ctl, show_bul_lists_every_session_with_its_state)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	attach(IF_WLAN, LL_B, S_NS);
	json_object *o = ask("show bul", 2 * S_NS);
	json_object *arr;
	cr_assert(json_object_object_get_ex(o, "bul", &arr));
	cr_assert_eq(json_object_array_length(arr), 2);
	int active = 0, waiting = 0;
	for (size_t i = 0; i < 2; i++) {
		json_object *e = json_object_array_get_idx(arr, i);
		const char *st = get_str(e, "state");
		if (!strcmp(st, "ACTIVE")) {
			active++;
			cr_assert_str_eq(get_str(e, "mn_id"), "mn-a@example.org");
			cr_assert_str_eq(get_str(e, "mn_ll_id"), "02:00:00:00:01:01");
			cr_assert_str_eq(get_str(e, "iface"), "eth1");
			json_object *h = NULL, *rem = NULL;
			json_object_object_get_ex(e, "hnps", &h);
			cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(h, 0)),
					 "2001:db8:100:1::/64");
			json_object_object_get_ex(e, "remaining_s", &rem);
			cr_assert_eq(json_object_get_int(rem), 98);
		} else if (!strcmp(st, "WAIT_PBA")) {
			waiting++;
		}
	}
	cr_assert_eq(active, 1);
	cr_assert_eq(waiting, 1);
	json_object_put(o);
}

Test(mag_ctl, show_stats_counts_messages_and_status)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	json_object *o = ask("show stats", S_NS);
	json_object *sent, *v, *st;
	cr_assert(json_object_object_get_ex(o, "sent", &sent));
	cr_assert(json_object_object_get_ex(sent, "pbu_sent", &v));
	cr_assert_eq(json_object_get_int(v), 1);
	cr_assert(json_object_object_get_ex(o, "pba_by_status", &st));
	char key[80];
	snprintf(key, sizeof(key), "0 %s", pba_status_name(0));
	cr_assert(json_object_object_get_ex(st, key, &v), "%s", out);
	cr_assert_eq(json_object_get_int(v), 1);
	cr_assert_eq(json_object_object_length(st), 1);
	json_object_put(o);
}

Test(mag_ctl, handoff_command_starts_an_inter_interface_handoff)
{
	register_mn(IF_ETH, LL_A1, "2001:db8:100:1::", 0);
	register_mn(IF_WLAN, LL_A2, "2001:db8:100:2::", 0);
	json_object *o = ask("handoff mn-a@example.org 02:00:00:00:01:01 02:00:00:00:01:02",
			     S_NS);
	json_object *v;
	cr_assert(json_object_object_get_ex(o, "ok", &v), "%s", out);
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 1);
	cr_assert_eq(nth_pbu(0)->group[0].hi, MH_HI_HANDOFF_BETWEEN_IFACES);
	json_object_put(o);
}

Test(mag_ctl, handoff_with_bad_mac_is_an_error)
{
	json_object *o = ask("handoff mn-a@example.org 02:00 02:00:00:00:01:02", S_NS);
	cr_assert_not_null(strstr(get_str(o, "error"), "MAC"));
	cr_assert_eq(count_acts(MAG_ACT_SEND_PBU), 0);
	json_object_put(o);
}

Test(mag_ctl, unknown_command_is_an_error)
{
	json_object *o = ask("frobnicate", S_NS);
	get_str(o, "error");
	json_object_put(o);
}

Test(mag_ctl, help_lists_the_commands)
{
	json_object *o = ask("help", S_NS);
	json_object *a;
	cr_assert(json_object_object_get_ex(o, "commands", &a));
	cr_assert_eq(json_object_array_length(a), 6);
	json_object_put(o);
}

Test(mag_ctl, config_from_topology_mag_node)
{
	struct topo_mn_policy mn = { .mn_id = "mn1@example.org", .has_ll_id = true,
				     .ll_id = { 2, 0, 0, 0, 0xaa, 1 }, .att = 4 };
	struct topo_iface ifs[2] = { { .name = "eth0" }, { .name = "eth1", .mtu = 1400 } };
	struct topo_node n = { .name = "mag1", .kind = TOPO_NODE_MAG, .ifaces = ifs,
			       .n_ifaces = 2 };
	n.pmip.present = true;
	n.pmip.lma_addr = a6("2001:db8:f::1");
	n.pmip.mag_addr = a6("2001:db8:f::2");
	strcpy(n.pmip.access_iface[0], "eth1");
	n.pmip.n_access = 1;
	n.pmip.mns = &mn;
	n.pmip.n_mns = 1;
	n.pmip.lifetime_s = 120;
	n.pmip.multi_session_pbu = true;
	struct mag_cfg c;
	const char *why = NULL;
	cr_assert_eq(mag_cfg_from_topo(&c, &n, &why), 0, "%s", why);
	cr_assert_eq(c.lifetime_s, 120);
	cr_assert(c.multi_session_pbu);
	cr_assert_eq(c.n_access, 1);
	cr_assert_str_eq(c.access[0].name, "eth1");
	cr_assert_eq(c.access[0].att, MH_ATT_ETHERNET);
	cr_assert_eq(c.link_mtu, 1400);
	cr_assert_eq(c.n_profile, 1);
	cr_assert_eq(c.profile[0].att, 4);
	cr_assert_str_eq(c.profile[0].mn_id, "mn1@example.org");
	mn.has_ll_id = false;
	cr_assert_eq(mag_cfg_from_topo(&c, &n, &why), -1);
}
