/*
 * test_topo_session.c - problem statement 2.1 in the topology: <mn
 * service=...> profiles (several per MN interface) and the timeline's
 * <session> element (emu/topo/topo_parse_session.c), read from the shipped
 * topologies/s21-dynamic-session.xml and written back for the daemons.
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
	snprintf(out_path, sizeof(out_path), "/tmp/pmipemu-topo-session-%d.xml", (int)getpid());
	T = topo_load("topologies/s21-dynamic-session.xml", &errs);
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

TestSuite(topo_session, .init = s_init, .fini = s_fini);

static const struct topo_event *nth_session(size_t nth)
{
	for (size_t i = 0; i < T->n_events; i++)
		if (T->events[i].kind == TOPO_EV_SESSION && nth-- == 0)
			return &T->events[i];
	return NULL;
}

Test(topo_session, session_element_names_the_mag_the_mn_mac_and_the_service)
{
	const struct topo_event *add = nth_session(0), *del = nth_session(1);
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0xaa, 1 };

	cr_assert_not_null(add);
	cr_assert_not_null(del);
	cr_assert_null(nth_session(2));
	cr_assert_eq(add->at_ns, 3000000000ULL);
	cr_assert_str_eq(add->node, "mag1");
	cr_assert_str_eq(add->service, "pdn3");
	cr_assert_arr_eq(add->ll_id, mac, 6, "the MN interface's MAC, resolved");
	cr_assert(!add->session_delete);
	cr_assert(del->session_delete);
	cr_assert_eq(del->at_ns, 7000000000ULL);
	cr_assert_str_eq(topo_event_kind_name(add->kind), "session");
}

Test(topo_session, several_profiles_per_interface_told_apart_by_service)
{
	const struct topo_node *lma = topo_find_node(T, "lma");

	cr_assert_eq(lma->pmip.n_mns, 3);
	cr_assert_str_eq(lma->pmip.mns[0].service, "");
	cr_assert_str_eq(lma->pmip.mns[1].service, "pdn2");
	cr_assert_str_eq(lma->pmip.mns[2].service, "pdn3");
}

/* The daemon's own configuration keeps the service of each profile. */
Test(topo_session, service_survives_the_daemon_configuration)
{
	struct topo_errors errs = { 0 };

	cr_assert_eq(topo_write_node(T, topo_find_node(T, "mag1"), out_path), 0);
	struct topology *w = topo_load(out_path, &errs);
	topo_errors_free(&errs);
	cr_assert_not_null(w);
	const struct topo_node *m = topo_find_node(w, "mag1");
	cr_assert_eq(m->pmip.n_mns, 2);
	cr_assert_str_eq(m->pmip.mns[1].service, "pdn2");
	topo_free(w);
}
