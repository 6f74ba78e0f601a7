/*
 * test_lma_config.c - the LMA configuration from a topology's <pmip>
 * element (tests/data/topo/good/full.xml), and the RFC 5213 defaults.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "lma/lma.h"
#include "topo/topo.h"

Test(lma_config, defaults_are_rfc_5213_constants)
{
	struct lma_config c;

	lma_config_init(&c);
	cr_assert_eq(c.min_delay_before_bce_delete_ns, 10000000000ULL);
	cr_assert_eq(c.max_delay_before_new_bce_assign_ns, 1500000000ULL);
	cr_assert_eq(c.timestamp_validity_window_ns, 300000000ULL);
	cr_assert_eq(c.pool_plen, 64);
}

Test(lma_config, lma_node_of_topology_gives_mags_pool_and_profiles)
{
	struct topo_errors errs = { 0 };
	struct lma_config c;
	const char *why = NULL;

	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);   /* tests run from the top */
	struct topology *t = topo_load("tests/data/topo/good/full.xml", &errs);
	cr_assert_not_null(t, "%s", errs.n ? errs.msgs[0] : "?");
	struct topo_node *n = topo_find_node(t, "lma1");
	cr_assert_eq(lma_config_from_topo(&c, n, &why), 0, "%s", why);
	cr_assert_eq(c.n_mags, 2);
	cr_assert_eq(c.n_policies, 2);
	cr_assert_eq(c.pool.len, 48);
	cr_assert_eq(c.pool_plen, 64);
	cr_assert(c.fast_handover);
	cr_assert(!c.use_timestamps);
	cr_assert_str_eq(c.policies[0].mn_id, "mn1@example.org");
	cr_assert_eq(c.policies[0].n_hnp, 2);
	cr_assert(c.policies[0].has_ll_id);
	cr_assert_eq(c.policies[0].att, MH_ATT_WLAN);
	cr_assert_eq(c.policies[1].n_hnp, 0, "mn2 takes its prefix from the pool");
	struct in6_addr want;
	inet_pton(AF_INET6, "2001:db8:f::1", &want);
	cr_assert_eq(memcmp(&c.lmaa, &want, sizeof(want)), 0);
	lma_config_fini(&c);
	struct topo_node *mag = topo_find_node(t, "mag1");
	cr_assert_eq(lma_config_from_topo(&c, mag, &why), -1, "a mag is not an lma");
	topo_free(t);
	topo_errors_free(&errs);
}
