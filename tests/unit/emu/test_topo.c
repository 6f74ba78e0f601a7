/*
 * test_topo.c - tests/data/topo/good/full.xml (every element of the schema)
 * lands in the right struct fields; defaults; the static timeline (sorting,
 * impairment patches, moves, duration); lookups and names.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static struct topology *T;

static void full_init(void)
{
	struct topo_errors errs = { 0 };

	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	T = topo_load("tests/data/topo/good/full.xml", &errs);
	for (size_t i = 0; i < errs.n; i++)
		cr_log_error("%s", errs.msgs[i]);
	topo_errors_free(&errs);
	cr_assert_not_null(T);
}

static void full_fini(void)
{
	topo_free(T);
}

TestSuite(topo, .init = full_init, .fini = full_fini);

static void assert_addr(const struct in6_addr *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, a, buf, sizeof(buf));
	cr_assert_str_eq(buf, want);
}

static void assert_prefix(const struct topo_prefix *p, const char *addr, unsigned len)
{
	assert_addr(&p->addr, addr);
	cr_assert_eq(p->len, len);
}

#define MS(x) ((uint64_t)(x) * 1000000ULL)

Test(topo, root_attributes_and_default_duration)
{
	cr_assert_str_eq(T->name, "full");
	cr_assert_eq(T->seed, 1234);
	/* latest instant: process sink stop at 5s; plus 1s */
	cr_assert_eq(T->duration_ns, MS(6000));
	cr_assert_eq(T->n_nodes, 5);
	cr_assert_eq(T->loc.line, 3);
}

Test(topo, node_interfaces_routes_sysctls)
{
	const struct topo_node *n = topo_find_node(T, "lma1");
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };

	cr_assert_not_null(n);
	cr_assert_eq(n->kind, TOPO_NODE_LMA);
	cr_assert(n->forwarding, "lma forwards by default");
	cr_assert_eq(n->loc.line, 4);
	cr_assert_eq(n->n_ifaces, 1);
	cr_assert_str_eq(n->ifaces[0].name, "eth0");
	cr_assert(n->ifaces[0].has_mac);
	cr_assert_arr_eq(n->ifaces[0].mac, mac, 6);
	cr_assert_eq(n->ifaces[0].mtu, 1500);
	cr_assert_eq(n->ifaces[0].n_addrs, 1);
	assert_prefix(&n->ifaces[0].addrs[0], "2001:db8:f::1", 64);
	cr_assert_eq(n->n_routes, 1);
	assert_prefix(&n->routes[0].dst, "2001:db8:100::", 48);
	cr_assert(n->routes[0].has_via);
	assert_addr(&n->routes[0].via, "2001:db8:f::2");
	cr_assert_str_eq(n->routes[0].dev, "eth0");
	cr_assert_eq(n->routes[0].metric, 10);
	cr_assert_eq(n->routes[0].table, 100);
	cr_assert_eq(n->routes[0].loc.line, 8);
	cr_assert_eq(n->n_sysctls, 1);
	cr_assert_str_eq(n->sysctls[0].key, "net.ipv6.conf.all.forwarding");
	cr_assert_str_eq(n->sysctls[0].value, "1");
}

Test(topo, route_without_dev_and_forwarding_switch)
{
	const struct topo_node *cn = topo_find_node(T, "cn");
	const struct topo_node *mn = topo_find_node(T, "mn1");

	cr_assert_str_eq(cn->routes[0].dev, "");
	assert_prefix(&cn->routes[0].dst, "::", 0);
	cr_assert_eq(cn->routes[0].metric, 0);
	cr_assert_not(cn->forwarding, "cn does not forward by default");
	cr_assert_not(mn->forwarding, "forwarding=\"off\"");
	cr_assert(topo_find_node(T, "mag1")->forwarding);
	cr_assert(topo_find_node(T, "r")->forwarding, "routers forward");
}

Test(topo, process_fields)
{
	const struct topo_node *n = topo_find_node(T, "mn1");

	cr_assert_eq(n->n_procs, 1);
	cr_assert_str_eq(n->procs[0].name, "sink");
	cr_assert_str_eq(n->procs[0].cmd, "trafgen --sink \"port 5001\"");
	cr_assert_eq(n->procs[0].at_ns, MS(100));
	cr_assert(n->procs[0].has_stop);
	cr_assert_eq(n->procs[0].stop_ns, MS(5000));
}

Test(topo, lma_pmip_fields)
{
	const struct topo_pmip *p = &topo_find_node(T, "lma1")->pmip;
	static const uint8_t ll[6] = { 2, 0, 0, 0, 0xaa, 1 };

	cr_assert(p->present);
	assert_addr(&p->lma_addr, "2001:db8:f::1");
	cr_assert_not(p->use_timestamps);
	cr_assert(p->fast_handover);
	cr_assert(p->multi_session_pbu);
	assert_prefix(&p->pool, "2001:db8:100::", 48);
	cr_assert_eq(p->pool_plen, 64);
	cr_assert_eq(p->n_mags, 2);
	assert_addr(&p->mags[1], "2001:db8:f::3");
	cr_assert_eq(p->n_mns, 2);
	cr_assert_str_eq(p->mns[0].mn_id, "mn1@example.org");
	cr_assert(p->mns[0].has_ll_id);
	cr_assert_arr_eq(p->mns[0].ll_id, ll, 6);
	cr_assert_eq(p->mns[0].att, 4, "wlan is ATT 4 (RFC 5213 8.5)");
	cr_assert_str_eq(p->mns[0].iface, "wlan0");
	cr_assert_eq(p->mns[0].n_hnps, 2);
	assert_prefix(&p->mns[0].hnps[1], "2001:db8:100:2::", 64);
	cr_assert_eq(p->mns[1].att, 8, "3gpp-eutran is ATT 8");
	cr_assert_not(p->mns[1].has_ll_id);
	cr_assert_eq(p->mns[1].n_hnps, 0);
}

Test(topo, mag_pmip_fields_and_defaults)
{
	const struct topo_pmip *p = &topo_find_node(T, "mag1")->pmip;

	assert_addr(&p->mag_addr, "2001:db8:f::2");
	assert_addr(&p->lma_addr, "2001:db8:f::1");
	cr_assert_eq(p->lifetime_s, 120);
	cr_assert_eq(p->n_access, 1);
	cr_assert_str_eq(p->access_iface[0], "eth1");
	cr_assert(p->use_timestamps, "RFC 5213 9.3: timestamps by default");
	cr_assert_not(p->fast_handover);
	cr_assert_not(p->multi_session_pbu);
	cr_assert_eq(p->mns[0].att, 4, "a number is taken as is");
}

Test(topo, mn_pmip_fields)
{
	const struct topo_pmip *p = &topo_find_node(T, "mn1")->pmip;

	cr_assert(p->present);
	cr_assert(p->fast_handover);
	cr_assert_eq(p->mns[0].att, 3, "ethernet is ATT 3");
	cr_assert_eq(p->lifetime_s, 3600, "documented default");
}

Test(topo, link_impairments_both_then_direction)
{
	const struct topo_link *l = topo_find_link(T, "core");
	const struct link_params *ab = &l->dir[LINK_DIR_AB], *ba = &l->dir[LINK_DIR_BA];

	cr_assert_str_eq(l->end[0].node, "lma1");
	cr_assert_str_eq(l->end[1].iface, "eth0");
	cr_assert(l->end[1].attached);
	cr_assert_not(l->initially_down);
	/* a->b: the both-directions element, then Gilbert-Elliott on top */
	cr_assert_eq(ab->delay_ns, MS(5));
	cr_assert_eq(ab->jitter_ns, MS(1));
	cr_assert_eq(ab->jitter_dist, LINK_JITTER_NORMAL);
	cr_assert_eq(ab->rate_bps, 100000000ULL);
	cr_assert_eq(ab->limit_bytes, 64000);
	cr_assert_eq(ab->limit_pkts, 0);
	cr_assert_eq(ab->loss_model, LINK_LOSS_GE);
	cr_assert_float_eq(ab->ge_p, 0.01, 1e-12);
	cr_assert_float_eq(ab->ge_r, 0.30, 1e-12);
	cr_assert_float_eq(ab->ge_loss_good, 0.005, 1e-12);
	cr_assert_float_eq(ab->ge_loss_bad, 0.90, 1e-12);
	cr_assert_float_eq(ab->duplicate, 0.001, 1e-12);
	cr_assert_float_eq(ab->reorder, 0.02, 1e-12);
	/* b->a: delay and limit replaced, the rest from both directions */
	cr_assert_eq(ba->delay_ns, MS(7));
	cr_assert_eq(ba->jitter_ns, MS(1));
	cr_assert_eq(ba->limit_pkts, 50);
	cr_assert_eq(ba->limit_bytes, 0, "a packet limit replaces a byte limit");
	cr_assert_eq(ba->loss_model, LINK_LOSS_BERNOULLI);
	cr_assert_float_eq(ba->loss, 0.01, 1e-12);
}

Test(topo, link_state_and_free_end)
{
	cr_assert(topo_find_link(T, "acc")->initially_down);
	cr_assert_not(topo_find_link(T, "spare")->end[1].attached);
	cr_assert_eq(topo_find_link(T, "spare")->dir[0].loss_model, LINK_LOSS_NONE);
	cr_assert_null(topo_find_link(T, "nope"));
}

Test(topo, flow_fields)
{
	const struct topo_flow *f = topo_find_flow(T, "f1");

	cr_assert_str_eq(f->from, "cn");
	cr_assert_str_eq(f->to, "mn1");
	cr_assert(f->has_dst);
	assert_addr(&f->dst, "2001:db8:100:1::1");
	cr_assert(f->has_src);
	assert_addr(&f->src, "2001:db8:c::9");
	cr_assert_eq(f->sport, 4000);
	cr_assert_eq(f->dport, 4001);
	cr_assert_float_eq(f->rate_pps, 1000.0, 1e-9);
	cr_assert_eq(f->size, 1000);
	cr_assert_eq(f->start_ns, MS(1000));
	cr_assert_eq(f->stop_ns, MS(4000));
	cr_assert_eq(f->pattern, TOPO_FLOW_ONOFF);
	cr_assert_eq(f->on_ns, MS(200));
	cr_assert_eq(f->off_ns, MS(300));
}

Test(topo, flow_defaults_and_destination_from_receiver)
{
	const struct topo_flow *f = topo_find_flow(T, "f2");

	cr_assert(f->has_dst, "filled from the receiver");
	assert_addr(&f->dst, "2001:db8:c::9");     /* not the link-local fe80::9 */
	cr_assert_not(f->has_src);
	cr_assert_eq(f->sport, 5000);
	cr_assert_eq(f->dport, 5001);
	cr_assert_eq(f->size, 100);
	cr_assert_eq(f->start_ns, 0);
	cr_assert_eq(f->pattern, TOPO_FLOW_BURST);
	cr_assert_eq(f->burst, 10);
}

Test(topo, events_sorted_by_time_stably)
{
	static const enum topo_event_kind want[] = {
		TOPO_EV_LINK_UP, TOPO_EV_LINK_DOWN, TOPO_EV_START, TOPO_EV_IMPAIR,
		TOPO_EV_EXEC, TOPO_EV_IMPAIR, TOPO_EV_MOVE, TOPO_EV_IMPAIR, TOPO_EV_STOP,
	};

	cr_assert_eq(T->n_events, 9);
	for (size_t i = 0; i < T->n_events; i++)
		cr_assert_eq(T->events[i].kind, want[i], "event %zu is %s", i,
			     topo_event_kind_name(T->events[i].kind));
	for (size_t i = 1; i < T->n_events; i++)
		cr_assert_leq(T->events[i - 1].at_ns, T->events[i].at_ns);
	/* same time 2s: the impair (line 57) stays before the exec (line 62) */
	cr_assert_lt(T->events[3].loc.line, T->events[4].loc.line);
}

Test(topo, event_fields)
{
	const struct topo_event *exec = &T->events[4], *move = &T->events[6];

	cr_assert_str_eq(exec->node, "lma1");
	cr_assert_str_eq(exec->id, "q1");
	cr_assert_str_eq(exec->cmd, "pmipemu ctl lma1 show bindings");
	cr_assert_str_eq(move->node, "mn1");
	cr_assert_str_eq(move->iface, "wlan0");
	cr_assert_str_eq(move->link, "spare");
	cr_assert_eq(move->gap_ns, MS(50));
	cr_assert_str_eq(T->events[2].proc, "sink");
	cr_assert_str_eq(T->events[0].link, "acc");
}

Test(topo, timeline_impair_changes_only_what_it_names)
{
	const struct topo_event *e2 = &T->events[3], *e25 = &T->events[5], *e3 = &T->events[7];

	/* 2s, dir ab: delay 50ms; Gilbert-Elliott and the rest kept */
	cr_assert(e2->dir_set[LINK_DIR_AB]);
	cr_assert_not(e2->dir_set[LINK_DIR_BA]);
	cr_assert_eq(e2->impair[LINK_DIR_AB].delay_ns, MS(50));
	cr_assert_eq(e2->impair[LINK_DIR_AB].loss_model, LINK_LOSS_GE);
	cr_assert_eq(e2->impair[LINK_DIR_AB].rate_bps, 100000000ULL);
	/* 2.5s, both: loss 0 switches loss off, the 50ms delay stays */
	cr_assert(e25->dir_set[LINK_DIR_AB] && e25->dir_set[LINK_DIR_BA]);
	cr_assert_eq(e25->impair[LINK_DIR_AB].loss_model, LINK_LOSS_NONE);
	cr_assert_eq(e25->impair[LINK_DIR_AB].delay_ns, MS(50));
	cr_assert_eq(e25->impair[LINK_DIR_BA].loss_model, LINK_LOSS_NONE);
	cr_assert_eq(e25->impair[LINK_DIR_BA].delay_ns, MS(7));
	/* 3s, ba: Gilbert-Elliott with the classic defaults */
	cr_assert_eq(e3->impair[LINK_DIR_BA].loss_model, LINK_LOSS_GE);
	cr_assert_float_eq(e3->impair[LINK_DIR_BA].ge_p, 0.02, 1e-12);
	cr_assert_float_eq(e3->impair[LINK_DIR_BA].ge_loss_good, 0.0, 1e-12);
	cr_assert_float_eq(e3->impair[LINK_DIR_BA].ge_loss_bad, 1.0, 1e-12);
	cr_assert_eq(e3->impair[LINK_DIR_BA].delay_ns, MS(7));
}

Test(topo, expectations)
{
	const struct topo_expect *e = T->expects;

	cr_assert_eq(T->n_expects, 7);
	cr_assert_eq(e[0].kind, TOPO_EXP_DELIVERY);
	cr_assert_eq(e[0].cmp, TOPO_CMP_GE);
	cr_assert_float_eq(e[0].value, 0.85, 1e-12);
	cr_assert_eq(e[1].kind, TOPO_EXP_LOSS);
	cr_assert_eq(e[1].cmp, TOPO_CMP_LE);
	cr_assert_float_eq(e[1].value, 60, 1e-12);
	cr_assert_eq(e[2].kind, TOPO_EXP_LATENCY_P99);
	cr_assert_eq(e[2].value_ns, MS(15));
	cr_assert_eq(e[3].kind, TOPO_EXP_GAP);
	cr_assert(e[3].has_window);
	cr_assert_eq(e[3].from_ns, MS(1000));
	cr_assert_eq(e[3].to_ns, MS(4000));
	cr_assert_eq(e[4].kind, TOPO_EXP_VIA);
	cr_assert_str_eq(e[4].iface, "wlan0");
	cr_assert_float_eq(e[4].min_share, 0.99, 1e-12);
	cr_assert_eq(e[4].to_ns, T->duration_ns, "open window ends with the run");
	cr_assert_eq(e[5].kind, TOPO_EXP_LINK_COUNTER);
	cr_assert_eq(e[5].dir, LINK_DIR_BA);
	cr_assert_str_eq(e[5].counter, "drop_loss");
	cr_assert_eq(e[5].cmp, TOPO_CMP_EQ);
	cr_assert_eq(e[6].kind, TOPO_EXP_EXEC);
	cr_assert_str_eq(e[6].exec_id, "q1");
	cr_assert_str_eq(e[6].match, "mn1@example\\.org");
	cr_assert_eq(e[6].cmp, TOPO_CMP_EQ);
	cr_assert_float_eq(e[6].value, 0, 1e-12);
}

Test(topo, enum_names)
{
	cr_assert_str_eq(topo_node_kind_name(TOPO_NODE_MAG), "mag");
	cr_assert_str_eq(link_jitter_dist_name(LINK_JITTER_PARETO), "pareto");
	cr_assert_str_eq(link_loss_model_name(LINK_LOSS_GE), "gilbert-elliott");
	cr_assert_str_eq(topo_event_kind_name(TOPO_EV_MOVE), "move");
	cr_assert_str_eq(topo_flow_pattern_name(TOPO_FLOW_ONOFF), "onoff");
	cr_assert_str_eq(topo_expect_kind_name(TOPO_EXP_LATENCY_P99), "latency-p99");
	cr_assert_str_eq(topo_node_kind_name((enum topo_node_kind)42), "?");
}

Test(topo, appendix_c_home_agent_and_mip6_client)
{
	const struct topo_node *l = topo_find_node(T, "lma1"), *m = topo_find_node(T, "mn1");

	cr_assert(l->pmip.home_agent);
	cr_assert_not(l->pmip.bids);
	cr_assert(m->pmip.mip6.present);
	cr_assert_str_eq(m->pmip.mip6.iface, "wlan0");
	assert_addr(&m->pmip.mip6.ha, "2001:db8:f::1");
	assert_addr(&m->pmip.mip6.hoa, "2001:db8:100:1::100");
	cr_assert_str_eq(m->pmip.mip6.mn_id, "mn1@example.org");
	cr_assert_eq(m->pmip.mip6.bid, 1);
	cr_assert_eq(m->pmip.mip6.lifetime_s, 40);
	cr_assert(topo_find_node(T, "mag1")->pmip.bids, "bids defaults on");
}
