/*
 * test_topo_daemon.c - how a daemon picks its node from its configuration:
 * by name and kind, or the only node of its kind; every refusal says why.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static struct topology *t;

static void load_handoff(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	t = topo_load_print("topologies/pmip-handoff.xml", stderr);
	cr_assert_not_null(t);
}

static void unload(void)
{
	topo_free(t);
}

TestSuite(topo_daemon, .init = load_handoff, .fini = unload);

Test(topo_daemon, the_only_node_of_a_kind_needs_no_name)
{
	char why[128] = "";
	const struct topo_node *n = topo_pick_node(t, NULL, TOPO_NODE_LMA, why, sizeof(why));
	cr_assert_not_null(n, "%s", why);
	cr_assert_str_eq(n->name, "lma");
}

Test(topo_daemon, several_nodes_of_a_kind_need_a_name)
{
	char why[128] = "";
	cr_assert_null(topo_pick_node(t, NULL, TOPO_NODE_MAG, why, sizeof(why)));
	cr_assert(strstr(why, "several mag nodes"), "%s", why);
	const struct topo_node *n = topo_pick_node(t, "mag2", TOPO_NODE_MAG, why, sizeof(why));
	cr_assert_not_null(n);
	cr_assert_str_eq(n->name, "mag2");
}

Test(topo_daemon, a_name_of_another_kind_is_refused)
{
	char why[128] = "";
	cr_assert_null(topo_pick_node(t, "mag1", TOPO_NODE_LMA, why, sizeof(why)));
	cr_assert(strstr(why, "no lma node named mag1"), "%s", why);
}

Test(topo_daemon, a_file_without_the_kind_is_refused)
{
	char why[128] = "";
	struct topology *two = topo_load_print("topologies/two-hosts-lossy.xml", stderr);
	cr_assert_not_null(two);
	cr_assert_null(topo_pick_node(two, NULL, TOPO_NODE_MN, why, sizeof(why)));
	cr_assert(strstr(why, "no mn node"), "%s", why);
	topo_free(two);
}
