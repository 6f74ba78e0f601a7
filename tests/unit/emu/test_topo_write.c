/*
 * test_topo_write.c - topo_write_node(): a daemon's one-node configuration
 * is a valid topology of the same schema holding that node, its interfaces
 * and its <pmip>, and nothing else.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/topo.h"

static struct topology *T;
static char out_path[64];

static void w_init(void)
{
	struct topo_errors errs = { 0 };

	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	snprintf(out_path, sizeof(out_path), "/tmp/pmipemu-topo-write-%d.xml", (int)getpid());
	T = topo_load("tests/data/topo/good/full.xml", &errs);
	topo_errors_free(&errs);
	cr_assert_not_null(T);
}

static void w_fini(void)
{
	unlink(out_path);
	topo_free(T);
}

TestSuite(topo_write, .init = w_init, .fini = w_fini);

static void assert_same_prefix(const struct topo_prefix *a, const struct topo_prefix *b)
{
	cr_assert_arr_eq(&a->addr, &b->addr, sizeof(a->addr));
	cr_assert_eq(a->len, b->len);
}

static struct topology *write_and_reload(const char *node)
{
	struct topo_errors errs = { 0 };
	struct topology *t;

	cr_assert_eq(topo_write_node(T, topo_find_node(T, node), out_path), 0);
	t = topo_load(out_path, &errs);
	for (size_t i = 0; i < errs.n; i++)
		cr_log_error("%s", errs.msgs[i]);
	topo_errors_free(&errs);
	cr_assert_not_null(t, "the written file does not load");
	return t;
}

Test(topo_write, lma_node_round_trips)
{
	struct topology *w = write_and_reload("lma1");
	const struct topo_node *a = topo_find_node(T, "lma1"), *b;

	cr_assert_eq(w->n_nodes, 1);
	cr_assert_eq(w->n_links + w->n_flows + w->n_events + w->n_expects, 0);
	cr_assert_str_eq(w->name, "full");
	cr_assert_eq(w->seed, 1234);
	b = &w->nodes[0];
	cr_assert_str_eq(b->name, "lma1");
	cr_assert_eq(b->kind, TOPO_NODE_LMA);
	cr_assert_eq(b->n_ifaces, 1);
	cr_assert_arr_eq(b->ifaces[0].mac, a->ifaces[0].mac, 6);
	cr_assert_eq(b->ifaces[0].mtu, 1500);
	assert_same_prefix(&b->ifaces[0].addrs[0], &a->ifaces[0].addrs[0]);
	cr_assert_eq(b->n_routes + b->n_sysctls + b->n_procs, 0, "not the daemon's business");
	cr_assert_arr_eq(&b->pmip.lma_addr, &a->pmip.lma_addr, 16);
	assert_same_prefix(&b->pmip.pool, &a->pmip.pool);
	cr_assert_eq(b->pmip.pool_plen, 64);
	cr_assert_eq(b->pmip.n_mags, 2);
	cr_assert_eq(b->pmip.use_timestamps, a->pmip.use_timestamps);
	cr_assert_eq(b->pmip.fast_handover, a->pmip.fast_handover);
	cr_assert_eq(b->pmip.multi_session_pbu, a->pmip.multi_session_pbu);
	cr_assert_eq(b->pmip.n_mns, 2);
	cr_assert_str_eq(b->pmip.mns[0].mn_id, "mn1@example.org");
	cr_assert_arr_eq(b->pmip.mns[0].ll_id, a->pmip.mns[0].ll_id, 6);
	cr_assert_eq(b->pmip.mns[0].att, 4);
	cr_assert_str_eq(b->pmip.mns[0].iface, "wlan0");
	cr_assert_eq(b->pmip.mns[0].n_hnps, 2);
	assert_same_prefix(&b->pmip.mns[0].hnps[1], &a->pmip.mns[0].hnps[1]);
	cr_assert_eq(b->pmip.mns[1].att, 8);
	topo_free(w);
}

Test(topo_write, mag_node_round_trips)
{
	struct topology *w = write_and_reload("mag1");
	const struct topo_node *b = &w->nodes[0];

	cr_assert_eq(b->kind, TOPO_NODE_MAG);
	cr_assert(b->forwarding);
	cr_assert_eq(b->n_ifaces, 2);
	cr_assert_eq(b->pmip.lifetime_s, 120);
	cr_assert_eq(b->pmip.n_access, 1);
	cr_assert_str_eq(b->pmip.access_iface[0], "eth1");
	cr_assert_arr_eq(&b->pmip.mag_addr, &topo_find_node(T, "mag1")->pmip.mag_addr, 16);
	cr_assert_arr_eq(&b->pmip.lma_addr, &topo_find_node(T, "mag1")->pmip.lma_addr, 16);
	topo_free(w);
}

Test(topo_write, mn_node_keeps_forwarding_off)
{
	struct topology *w = write_and_reload("mn1");

	cr_assert_eq(w->nodes[0].kind, TOPO_NODE_MN);
	cr_assert_not(w->nodes[0].forwarding);
	cr_assert(w->nodes[0].pmip.fast_handover);
	topo_free(w);
}

Test(topo_write, unwritable_path_fails)
{
	cr_assert_eq(topo_write_node(T, &T->nodes[0], "/nonexistent-dir/x.xml"), -1);
}

Test(topo_write, flow_policy_round_trips_for_lma_and_mn)
{
	struct topo_errors errs = { 0 };

	/* the operator's rules (lma) and the MN's, with "request" (mn) */
	const char *files[] = { "topologies/appb-load-balance.xml",
				"topologies/appb-split-media.xml" };
	const char *nodes[] = { "lma", "mn" };
	for (size_t k = 0; k < 2; k++) {
		topo_free(T);
		T = topo_load(files[k], &errs);
		topo_errors_free(&errs);
		cr_assert_not_null(T);
		struct topology *w = write_and_reload(nodes[k]);
		const struct topo_node *a = topo_find_node(T, nodes[k]), *b = topo_find_node(w, nodes[k]);

		cr_assert_eq(a->pmip.n_flows, 2);
		cr_assert_eq(b->pmip.n_flows, a->pmip.n_flows);
		for (size_t i = 0; i < a->pmip.n_flows; i++)
			cr_assert_str_eq(b->pmip.flows[i].text, a->pmip.flows[i].text);
		topo_free(w);
	}
}
