/*
 * test_graph.c - `pmipemu graph`'s DOT text (graph.c): every node with its
 * kind, every link between its two nodes with its name, end interfaces and
 * impairments, one label per direction when they differ.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "topo/topo.h"

static char *dot_of(const char *file, const char *set)
{
	struct topo_errors e = { 0 };
	const char *sets[] = { set };
	struct topology *t = topo_load_set(file, sets, set ? 1 : 0, &e);
	char *buf = NULL;
	size_t len = 0;

	cr_assert_not_null(t, "%s", e.n ? e.msgs[0] : "");
	FILE *f = open_memstream(&buf, &len);
	cr_assert_not_null(f);
	graph_write_dot(t, f);
	fclose(f);
	topo_free(t);
	return buf;
}

static void graph_init(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
}

TestSuite(graph, .init = graph_init);

Test(graph, nodes_and_a_link_with_its_impairments)
{
	char *d = dot_of("topologies/two-hosts-lossy.xml", NULL);

	cr_assert(!strncmp(d, "graph \"two-hosts-lossy\" {", 25), "%s", d);
	cr_assert(strstr(d, "\"h1\" [shape=box, label=\"h1\\nhost\"]"), "%s", d);
	cr_assert(strstr(d, "\"h1\" -- \"h2\" [label=\"l1\\n10ms loss 10%\", "
			 "taillabel=\"eth0\", headlabel=\"eth0\"]"), "%s", d);
	cr_assert_eq(d[strlen(d) - 2], '}');
	free(d);
}

/* Directions that differ get a line each; an override shows. */
Test(graph, directions_apart_and_overrides)
{
	char *d = dot_of("topologies/two-hosts-lossy.xml", "link/impair/@loss=0");

	cr_assert(strstr(d, "label=\"l1\\n10ms\""), "%s", d);
	free(d);
	d = dot_of("tests/data/scenario/impossible.xml", NULL);
	cr_assert(strstr(d, "label=\"ab\\na>b 1ms loss 10%\\nb>a 1ms\""), "%s", d);
	free(d);
}

Test(graph, pmip_kinds_have_their_shapes)
{
	char *d = dot_of("topologies/appd-fast-handover.xml", NULL);

	cr_assert(strstr(d, "\"lma\" [shape=doubleoctagon"), "%s", d);
	cr_assert(strstr(d, "\"mag1\" [shape=octagon"), "%s", d);
	cr_assert(strstr(d, "\"mn\" [shape=ellipse"), "%s", d);
	cr_assert(strstr(d, "\"mag1\" -- \"mag2\" [label=\"mm\\n2ms\""), "%s", d);
	free(d);
}
