/*
 * test_topo_bad.c - every file in tests/data/topo/bad/ is refused with
 * exactly the errors its first lines announce ("<!-- E LINE: message -->"),
 * as FILE:LINE: message, all of them, in file order.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topo/topo.h"

#define BAD_DIR "tests/data/topo/bad/"

/* One test per file, named after the behaviour the file breaks. */
#define BAD_FILES(X) \
	X(address_without_length) \
	X(att_unknown) \
	X(mip6_bad) \
	X(bad_ipv6_via) \
	X(bad_mac) \
	X(dup_exec_id) \
	X(dup_flow) \
	X(dup_iface) \
	X(dup_link) \
	X(dup_mn_id) \
	X(dup_mn_id_ll_id) \
	X(dup_mn_id_service) \
	X(dup_node) \
	X(dup_process) \
	X(event_after_duration) \
	X(event_unknown_link) \
	X(event_unknown_node) \
	X(event_unknown_process) \
	X(expect_unknown_exec) \
	X(expect_unknown_flow) \
	X(expect_unknown_link) \
	X(expect_window_reversed) \
	X(expect_without_bound) \
	X(flow_no_address) \
	X(flow_policy_bad_rule) \
	X(flow_policy_mn_iface) \
	X(congestion) \
	X(flow_rule_event) \
	X(flow_rate_bare) \
	X(flow_stop_before_start) \
	X(flow_unknown_node) \
	X(ge_and_bernoulli_loss) \
	X(iface_name_too_long) \
	X(iface_on_two_links) \
	X(impair_loss_above_100) \
	X(impair_rate_in_bytes) \
	X(lifetime_not_4s_units) \
	X(link_both_ends_same) \
	X(link_endpoint_syntax) \
	X(link_unknown_iface) \
	X(link_unknown_node) \
	X(lma_without_pmip) \
	X(mag_access_unknown_iface) \
	X(mag_without_lma) \
	X(many_errors) \
	X(move_no_free_end) \
	X(move_onto_end_taken_earlier) \
	X(move_unknown_iface) \
	X(mtu_below_ipv6_minimum) \
	X(multicast_mac) \
	X(pmip_attr_wrong_kind) \
	X(pmip_on_host) \
	X(prefix_event) \
	X(process_stop_before_start) \
	X(route_dst_host_bits) \
	X(route_unknown_dev) \
	X(session_bad_targets) \
	X(sysctl_path_escape) \
	X(too_many_hnps) \
	X(units_bare_time) \
	X(units_negative_time) \
	X(xml_malformed) \
	X(xsd_bad_node_kind) \
	X(xsd_link_without_a) \
	X(xsd_unknown_element) \
	X(wiring) \
	/* end */

static void bad_init(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
}

TestSuite(topo_bad, .init = bad_init);

/* Expected messages: the "<!-- E N: msg -->" lines at the top of the file. */
static size_t bad_expected(const char *path, char ***out)
{
	FILE *f = fopen(path, "r");
	char line[1024], **v = NULL;
	size_t n = 0;

	cr_assert_not_null(f, "cannot open %s", path);
	while (fgets(line, sizeof(line), f) && strncmp(line, "<!-- E ", 7) == 0) {
		char *end = strstr(line, " -->");
		cr_assert_not_null(end, "%s: malformed expectation line", path);
		*end = '\0';
		v = realloc(v, (n + 1) * sizeof(*v));
		cr_assert(asprintf(&v[n++], "%s:%s", path, line + 7) > 0);
	}
	fclose(f);
	*out = v;
	return n;
}

static void bad_check(const char *name)
{
	char path[256], **want;
	struct topo_errors errs = { 0 };
	struct topology *t;
	size_t n;

	snprintf(path, sizeof(path), BAD_DIR "%s.xml", name);
	n = bad_expected(path, &want);
	cr_assert_gt(n, 0, "%s announces no error", path);
	t = topo_load(path, &errs);
	cr_expect_null(t, "%s was accepted", path);
	for (size_t i = 0; i < errs.n || i < n; i++) {
		const char *got = i < errs.n ? errs.msgs[i] : "(none)";
		const char *exp = i < n ? want[i] : "(none)";
		cr_expect_str_eq(got, exp, "error %zu:\n got: %s\nwant: %s", i, got, exp);
	}
	for (size_t i = 0; i < n; i++)
		free(want[i]);
	free(want);
	topo_errors_free(&errs);
	topo_free(t);
}

#define BAD_TEST(name) Test(topo_bad, name) { bad_check(#name); }
BAD_FILES(BAD_TEST)

#define BAD_NAME(name) #name ".xml",
static const char *const bad_names[] = { BAD_FILES(BAD_NAME) };

Test(topo_bad, every_bad_file_has_its_test)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *e;
	size_t files = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		bool known = false;
		if (!strstr(e->d_name, ".xml"))
			continue;
		files++;
		for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++)
			known |= strcmp(bad_names[i], e->d_name) == 0;
		cr_expect(known, "%s has no test", e->d_name);
	}
	closedir(d);
	cr_expect_geq(files, 25);
}

Test(topo_bad, missing_file_is_reported_not_fatal)
{
	struct topo_errors errs = { 0 };

	cr_assert_null(topo_load(BAD_DIR "no-such-file.xml", &errs));
	cr_assert_eq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[0], BAD_DIR "no-such-file.xml: No such file or directory");
	topo_errors_free(&errs);
}

Test(topo_bad, missing_schema_is_reported)
{
	struct topo_errors errs = { 0 };

	setenv("PMIPEMU_XSD", "/nonexistent/topology.xsd", 1);
	cr_assert_null(topo_load("topologies/two-hosts-lossy.xml", &errs));
	cr_assert_geq(errs.n, 1);
	cr_assert_str_eq(errs.msgs[errs.n - 1], "topologies/two-hosts-lossy.xml: cannot load "
			 "the schema /nonexistent/topology.xsd (set PMIPEMU_XSD)");
	topo_errors_free(&errs);
}

/* Input is capped (issue 10): a file past TOPO_FILE_MAX is refused, naming
 * the file, before libxml2 sees it; it is not even read whole. */
Test(topo_bad, file_larger_than_the_cap_is_refused)
{
	char path[64];
	struct topo_errors e = { 0 };
	snprintf(path, sizeof(path), "/tmp/topo-huge-%d.xml", getpid());
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("<?xml version=\"1.0\"?><topology name=\"x\">", f);
	fclose(f);
	cr_assert_eq(truncate(path, (off_t)TOPO_FILE_MAX + 4096), 0);   /* sparse */
	struct topology *t = topo_load(path, &e);
	unlink(path);
	cr_assert_null(t);
	cr_assert_geq(e.n, 1);
	cr_assert(strstr(e.msgs[0], "file too large"), "%s", e.msgs[0]);
	cr_assert(strstr(e.msgs[0], path), "%s", e.msgs[0]);
	topo_errors_free(&e);
}

/* Element counts are capped (issue 10, doc/topology.md "Limits"): one node
 * past TOPO_MAX_NODES is refused at its own line, once, however many
 * follow; the file stays far below the size cap. */
Test(topo_bad, nodes_past_the_cap_are_refused_once_at_the_first)
{
	char path[64];
	struct topo_errors e = { 0 };
	snprintf(path, sizeof(path), "/tmp/topo-many-%d.xml", getpid());
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("<?xml version=\"1.0\"?>\n<topology name=\"x\">\n", f);
	for (int i = 0; i < TOPO_MAX_NODES + 3; i++)
		fprintf(f, "<node name=\"h%d\" kind=\"host\"/>\n", i);
	fputs("</topology>\n", f);
	fclose(f);
	struct topology *t = topo_load(path, &e);
	unlink(path);
	cr_assert_null(t);
	cr_assert_eq(e.n, 1, "one error, not one per node: %zu", e.n);
	char want[160];
	snprintf(want, sizeof(want), "%s:%d: too many <node> elements: more than %d "
		 "(doc/topology.md, Limits)", path, TOPO_MAX_NODES + 3, TOPO_MAX_NODES);
	cr_assert_str_eq(e.msgs[0], want);
	topo_errors_free(&e);
}
