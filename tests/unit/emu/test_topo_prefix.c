/*
 * test_topo_prefix.c - problem statement 2.2 in the topology: the
 * timeline's <prefix> element (emu/topo/topo_parse_prefix_event.c) read from the
 * shipped topologies/s22-partial-transfer.xml, and the LMA's
 * prefix-update attribute carried into the daemon's configuration.
 * (tests/data/topo/bad/prefix_event.xml holds its errors.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/topo.h"

static struct topology *T;
static char out_path[64];

static void s_init(void)
{
	struct topo_errors errs = { 0 };

	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	snprintf(out_path, sizeof(out_path), "/tmp/pmipemu-topo-prefix-%d.xml", (int)getpid());
	T = topo_load("topologies/s22-partial-transfer.xml", &errs);
	for (size_t i = 0; i < errs.n; i++)
		cr_log_error("%s", errs.msgs[i]);
	topo_errors_free(&errs);
	cr_assert_not_null(T);
}

static void s_fini(void)
{
	unlink(out_path);
	topo_free(T);
}

TestSuite(topo_prefix, .init = s_init, .fini = s_fini);

static const struct topo_event *nth_prefix(size_t nth)
{
	for (size_t i = 0; i < T->n_events; i++)
		if (T->events[i].kind == TOPO_EV_PREFIX && nth-- == 0)
			return &T->events[i];
	return NULL;
}

Test(topo_prefix, prefix_elements_name_node_op_mac_and_prefixes)
{
	static const uint8_t wlan[6] = { 2, 0, 0, 0, 0xaa, 2 }, g3[6] = { 2, 0, 0, 0, 0xaa, 1 };
	const struct topo_event *take = nth_prefix(0), *move = nth_prefix(1);

	cr_assert_not_null(take);
	cr_assert_not_null(nth_prefix(3));
	cr_assert_null(nth_prefix(4));
	cr_assert_eq(take->at_ns, 3200000000ULL);
	cr_assert_str_eq(take->node, "mag2");
	cr_assert_str_eq(take->op, "take");
	cr_assert_str_eq(take->cmd, "2001:db8:100:2::/64");
	cr_assert_arr_eq(take->ll_id, wlan, 6, "the MN interface's MAC, resolved");
	cr_assert_str_eq(move->node, "lma");
	cr_assert_str_eq(move->op, "move");
	cr_assert_arr_eq(move->ll_id, g3, 6);
	cr_assert_str_eq(topo_event_kind_name(take->kind), "prefix");
}

/* The LMA's prefix-update="on" reaches lmad's own configuration file. */
Test(topo_prefix, prefix_update_survives_the_daemon_configuration)
{
	struct topo_errors errs = { 0 };

	cr_assert(topo_find_node(T, "lma")->pmip.prefix_update);
	cr_assert(!topo_find_node(T, "mag1")->pmip.prefix_update);
	cr_assert_eq(topo_write_node(T, topo_find_node(T, "lma"), out_path), 0);
	struct topology *w = topo_load(out_path, &errs);
	topo_errors_free(&errs);
	cr_assert_not_null(w);
	cr_assert(topo_find_node(w, "lma")->pmip.prefix_update);
	topo_free(w);
}
