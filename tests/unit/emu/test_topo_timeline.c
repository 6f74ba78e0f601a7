/*
 * test_topo_timeline.c - the timeline played statically: moves free the
 * link end they leave, duration defaults and limits, events at the very
 * end; topologies given in memory (topo_load_mem).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static void tl_init(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
}

TestSuite(timeline, .init = tl_init);

#define HOSTS \
	"<node name='h1' kind='host'><interface name='eth0'><address>2001:db8::1/64</address></interface></node>\n" \
	"<node name='h2' kind='host'><interface name='eth0'/></node>\n" \
	"<node name='h3' kind='host'><interface name='eth0'/></node>\n"

static struct topology *load(const char *xml, struct topo_errors *errs)
{
	return topo_load_mem(xml, strlen(xml), "mem.xml", errs);
}

static void assert_no_errors(struct topology *t, struct topo_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		cr_log_error("%s", errs->msgs[i]);
	cr_assert_not_null(t);
	cr_assert_eq(errs->n, 0);
}

Test(timeline, move_frees_the_end_it_leaves)
{
	struct topo_errors errs = { 0 };
	/* h2 leaves l1 at 1s; h3 takes the freed end at 2s; h2 comes back to
	 * l2's free end. */
	struct topology *t = load("<topology name='m'>\n" HOSTS
		"<link name='l1' a='h1:eth0' b='h2:eth0'/>\n"
		"<link name='l2' a='h3:eth0'/>\n"
		"<link name='l3' a='h1:eth0x'/>\n"
		"</topology>", &errs);

	/* l3 names a missing interface: the only error */
	cr_assert_null(t);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[0], "mem.xml:7: link \"l3\" a=\"h1:eth0x\": node \"h1\" has no interface \"eth0x\"");
	topo_errors_free(&errs);

	t = load("<topology name='m'>\n" HOSTS
		"<link name='l1' a='h1:eth0' b='h2:eth0'/>\n"
		"<link name='l2' a='h3:eth0'/>\n"
		"<timeline>\n"
		"<move at='1s' node='h2' iface='eth0' to='l2' gap='10ms'/>\n"
		"<move at='2s' node='h3' iface='eth0' to='l1'/>\n"
		"</timeline></topology>", &errs);
	cr_assert_not_null(t, "h2 took l2's free end and h3 the one h2 left");
	assert_no_errors(t, &errs);
	topo_free(t);
}

Test(timeline, move_onto_the_link_already_on_is_refused)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='m'>\n" HOSTS
		"<link name='l1' a='h1:eth0'/>\n"
		"<timeline><move at='1s' node='h1' iface='eth0' to='l1'/></timeline>\n"
		"</topology>", &errs);

	cr_assert_null(t);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[0], "mem.xml:6: move: h1:eth0 is already on link \"l1\"");
	topo_errors_free(&errs);
}

Test(timeline, unplugged_interface_can_be_moved_in)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='m'>\n" HOSTS
		"<link name='l1' a='h1:eth0'/>\n"
		"<timeline><move at='1s' node='h2' iface='eth0' to='l1'/></timeline>\n"
		"</topology>", &errs);

	assert_no_errors(t, &errs);
	topo_free(t);
}

Test(timeline, explicit_duration_is_kept_and_end_instant_allowed)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='m' duration='3s'>\n" HOSTS
		"<link name='l1' a='h1:eth0' b='h2:eth0'/>\n"
		"<timeline><link-down at='3s' link='l1'/></timeline>\n"
		"</topology>", &errs);

	assert_no_errors(t, &errs);
	cr_assert_eq(t->duration_ns, 3000000000ULL);
	topo_free(t);
}

Test(timeline, default_duration_counts_move_gap_and_flow_stop)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='m'>\n" HOSTS
		"<link name='l1' a='h1:eth0' b='h2:eth0'/>\n"
		"<link name='l2' a='h3:eth0'/>\n"
		"<flow id='f' from='h2' to='h1' rate='10pps' stop='2s'/>\n"
		"<timeline><move at='2500ms' node='h2' iface='eth0' to='l2' gap='250ms'/></timeline>\n"
		"</topology>", &errs);

	assert_no_errors(t, &errs);
	cr_assert_eq(t->duration_ns, 3750000000ULL, "2.5s + 250ms gap + 1s");
	topo_free(t);
}

Test(timeline, empty_topology_runs_one_second)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='e'/>", &errs);

	assert_no_errors(t, &errs);
	cr_assert_eq(t->duration_ns, 1000000000ULL);
	cr_assert_eq(t->seed, 1, "documented default seed");
	topo_free(t);
}

Test(timeline, impair_event_on_unknown_link_does_not_crash)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='m'>\n" HOSTS
		"<timeline><impair at='1s' link='zz' delay='1ms'/></timeline>\n"
		"</topology>", &errs);

	cr_assert_null(t);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[0], "mem.xml:5: impair: unknown link \"zz\"");
	topo_errors_free(&errs);
}

#define LMA_NODE \
	"<node name='lma' kind='lma'><interface name='eth0'><address>2001:db8:1::1/64</address></interface>" \
	"<pmip address='2001:db8:1::1'/></node>\n"

Test(timeline, daemon_stop_and_start_name_the_node_and_signal)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='d'>\n" HOSTS LMA_NODE
		"<timeline>\n"
		"<daemon-stop at='1s' node='lma'/>\n"
		"<daemon-start at='2s' node='lma'/>\n"
		"<daemon-stop at='3s' node='lma' signal='term'/>\n"
		"</timeline></topology>", &errs);

	assert_no_errors(t, &errs);
	cr_assert_eq(t->n_events, 3);
	cr_assert_eq(t->events[0].kind, TOPO_EV_DAEMON_STOP);
	cr_assert_eq(t->events[0].signal, 9, "kill by default: a crash");
	cr_assert_eq(t->events[1].kind, TOPO_EV_DAEMON_START);
	cr_assert_str_eq(t->events[1].node, "lma");
	cr_assert_eq(t->events[2].signal, 15);
	cr_assert_eq(t->duration_ns, 4000000000ull, "the last event + 1 s");
	topo_free(t);
}

Test(timeline, daemon_stop_of_a_node_without_daemon_is_an_error)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load("<topology name='d'>\n" HOSTS
		"<timeline>\n"
		"<daemon-stop at='1s' node='h1'/>\n"
		"</timeline></topology>", &errs);

	cr_assert_null(t);
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[0], "mem.xml:6: daemon-stop: node \"h1\" runs no daemon "
			 "(an lma, mag or mn node with <pmip>)");
	topo_errors_free(&errs);
}
