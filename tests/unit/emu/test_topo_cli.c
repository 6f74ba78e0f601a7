/*
 * test_topo_cli.c - `pmipemu validate`: exit codes and output; every example
 * in topologies/ validates; where the XSD is looked up; truncated input
 * never crashes the loader.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

static void cli_init(void)
{
	setenv("PMIPEMU_XSD", "doc/topology.xsd", 1);
	cr_redirect_stdout();
	cr_redirect_stderr();
}

TestSuite(topo_cli, .init = cli_init);

Test(topo_cli, valid_file_prints_summary_and_exits_0)
{
	char *argv[] = { "validate", "topologies/two-hosts-lossy.xml", NULL };

	cr_assert_eq(topo_cli_validate(2, argv), 0);
	fflush(stdout);
	cr_assert_stdout_eq_str("topologies/two-hosts-lossy.xml: valid (2 nodes, 1 links, "
				"1 processes, 0 events, 1 flows, 6 expectations)\n");
}

Test(topo_cli, errors_go_to_stderr_and_exit_2)
{
	char *argv[] = { "validate", "tests/data/topo/bad/dup_node.xml", NULL };

	cr_assert_eq(topo_cli_validate(2, argv), 2);
	fflush(stderr);
	cr_assert_stderr_eq_str("tests/data/topo/bad/dup_node.xml:4: duplicate node \"h1\" "
				"(first at line 3)\n");
}

/* A usage error is bad input: exit 2, as for run and test (pmipemu(1)). */
Test(topo_cli, no_file_is_usage_error)
{
	char *argv[] = { "validate", NULL };

	cr_assert_eq(topo_cli_validate(1, argv), 2);
}

/* issue 14: "validate --help" read "--help: No such file". */
Test(topo_cli, help_is_help_not_a_file)
{
	char *argv[] = { "validate", "--help", NULL };

	cr_assert_eq(topo_cli_validate(2, argv), 0);
}

Test(topo_cli, one_bad_file_among_good_ones_exits_2)
{
	char *argv[] = { "validate", "topologies/two-hosts-lossy.xml",
			 "tests/data/topo/bad/dup_node.xml", "topologies/line-handoff.xml", NULL };

	cr_assert_eq(topo_cli_validate(4, argv), 2);
}

Test(topo_cli, every_example_topology_validates)
{
	DIR *d = opendir("topologies");
	struct dirent *e;
	size_t n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d))) {
		char path[512];
		struct topo_errors errs = { 0 };
		struct topology *t;

		if (!strstr(e->d_name, ".xml"))
			continue;
		snprintf(path, sizeof(path), "topologies/%s", e->d_name);
		t = topo_load(path, &errs);
		for (size_t i = 0; i < errs.n; i++)
			cr_log_error("%s", errs.msgs[i]);
		cr_expect_not_null(t, "%s does not validate", path);
		topo_errors_free(&errs);
		topo_free(t);
		n++;
	}
	closedir(d);
	cr_assert_geq(n, 3);
}

Test(topo_cli, xsd_path_from_environment_first)
{
	setenv("PMIPEMU_XSD", "/some/where.xsd", 1);
	cr_assert_str_eq(topo_xsd_path(), "/some/where.xsd");
	unsetenv("PMIPEMU_XSD");
	/* build/tests/emu/../../doc has no topology.xsd: the installed path */
	cr_assert_str_eq(topo_xsd_path(), "/usr/share/pmipemu/topology.xsd");
}

Test(topo_cli, truncated_input_never_crashes)
{
	FILE *f = fopen("tests/data/topo/good/full.xml", "rb");
	char buf[8192];
	size_t len;

	cr_assert_not_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	for (size_t cut = 0; cut < len; cut += 13) {
		struct topo_errors errs = { 0 };
		struct topology *t = topo_load_mem(buf, cut, "cut.xml", &errs);
		cr_assert_null(t, "a document cut at %zu bytes was accepted", cut);
		cr_assert_gt(errs.n, 0, "cut at %zu: refused without a reason", cut);
		topo_errors_free(&errs);
	}
}
