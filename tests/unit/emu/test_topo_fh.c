/*
 * test_topo_fh.c - the appendix D topology attributes: fast-handover-return
 * on the lma's <pmip> (default on), refused on other kinds, written into the
 * daemon's one-node configuration; the appendix D topologies load.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/topo.h"

static char path[64], out_path[64];

static void fh_init(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	snprintf(path, sizeof(path), "/tmp/pmipemu-topo-fh-%d.xml", (int)getpid());
	snprintf(out_path, sizeof(out_path), "/tmp/pmipemu-topo-fh-out-%d.xml", (int)getpid());
}

static void fh_fini(void)
{
	unlink(path);
	unlink(out_path);
}

TestSuite(topo_fh, .init = fh_init, .fini = fh_fini);

/* An lma and a mag; attrs go into the lma's or the mag's <pmip>. */
static struct topology *load_with(const char *lma_attrs, const char *mag_attrs,
				  struct topo_errors *errs)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fprintf(f,
		"<?xml version=\"1.0\"?>\n"
		"<topology name=\"t\" duration=\"1s\">\n"
		"  <node name=\"lma\" kind=\"lma\">\n"
		"    <interface name=\"eth1\"><address>2001:db8:1::1/64</address></interface>\n"
		"    <pmip address=\"2001:db8:1::1\" %s><mag address=\"2001:db8:1::2\"/></pmip>\n"
		"  </node>\n"
		"  <node name=\"mag\" kind=\"mag\">\n"
		"    <interface name=\"eth0\"><address>2001:db8:1::2/64</address></interface>\n"
		"    <interface name=\"eth1\"/>\n"
		"    <pmip address=\"2001:db8:1::2\" lma=\"2001:db8:1::1\" %s><access iface=\"eth1\"/></pmip>\n"
		"  </node>\n"
		"  <link name=\"t\" a=\"lma:eth1\" b=\"mag:eth0\"/>\n"
		"</topology>\n", lma_attrs, mag_attrs);
	fclose(f);
	return topo_load(path, errs);
}

Test(topo_fh, fast_handover_return_defaults_on)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load_with("fast-handover=\"on\"", "", &errs);

	cr_assert_not_null(t, "%s", errs.n ? errs.msgs[0] : "");
	cr_assert(topo_find_node(t, "lma")->pmip.fast_handover);
	cr_assert(topo_find_node(t, "lma")->pmip.fast_handover_return);
	topo_free(t);
	topo_errors_free(&errs);
}

Test(topo_fh, fast_handover_return_off_is_read_and_written)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load_with("fast-handover=\"on\" fast-handover-return=\"off\"", "",
				       &errs), *w;

	cr_assert_not_null(t, "%s", errs.n ? errs.msgs[0] : "");
	cr_assert_not(topo_find_node(t, "lma")->pmip.fast_handover_return);
	cr_assert_eq(topo_write_node(t, topo_find_node(t, "lma"), out_path), 0);
	w = topo_load(out_path, &errs);
	cr_assert_not_null(w, "the lma's own configuration loads");
	cr_assert_not(topo_find_node(w, "lma")->pmip.fast_handover_return,
		      "lmad sees the attribute");
	topo_free(w);
	topo_free(t);
	topo_errors_free(&errs);
}

Test(topo_fh, fast_handover_return_on_a_mag_is_an_error)
{
	struct topo_errors errs = { 0 };
	struct topology *t = load_with("", "fast-handover-return=\"off\"", &errs);

	cr_assert_null(t);
	cr_assert_geq(errs.n, 1);
	cr_assert(strstr(errs.msgs[0], "fast-handover-return"), "%s", errs.msgs[0]);
	topo_errors_free(&errs);
}

Test(topo_fh, appendix_d_topologies_load)
{
	static const char *const files[] = {
		"topologies/appd-fast-handover.xml", "tests/data/scenario/appd-baseline.xml",
	};
	for (size_t i = 0; i < 2; i++) {
		struct topo_errors errs = { 0 };
		struct topology *t = topo_load(files[i], &errs);

		cr_assert_not_null(t, "%s: %s", files[i], errs.n ? errs.msgs[0] : "");
		cr_assert_eq(topo_find_node(t, "lma")->pmip.fast_handover, i == 0);
		cr_assert_eq(topo_find_node(t, "mag2")->pmip.fast_handover, i == 0);
		topo_free(t);
		topo_errors_free(&errs);
	}
}

/* The MN's uplink return (mnd -r) follows the same attribute on its <pmip>. */
Test(topo_fh, fast_handover_return_on_an_mn_is_read_and_written)
{
	static const char xml[] =
		"<?xml version=\"1.0\"?>\n"
		"<topology name=\"t\" duration=\"1s\">\n"
		"  <node name=\"mn\" kind=\"mn\">\n"
		"    <interface name=\"wlan0\" mac=\"02:00:00:00:aa:01\"/>\n"
		"    <pmip fast-handover=\"on\" fast-handover-return=\"off\"/>\n"
		"  </node>\n"
		"</topology>\n";
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load_mem(xml, sizeof(xml) - 1, "mn.xml", &errs);

	cr_assert_not_null(t, "%s", errs.n ? errs.msgs[0] : "");
	struct topo_node *n = topo_find_node(t, "mn");
	cr_assert(n->pmip.fast_handover);
	cr_assert_not(n->pmip.fast_handover_return);
	cr_assert_eq(topo_write_node(t, n, out_path), 0);
	topo_free(t);
	t = topo_load(out_path, &errs);
	cr_assert_not_null(t, "%s", errs.n ? errs.msgs[0] : "");
	cr_assert_not(topo_find_node(t, "mn")->pmip.fast_handover_return);
	topo_free(t);
	topo_errors_free(&errs);
}
