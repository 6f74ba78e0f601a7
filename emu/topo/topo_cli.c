/*
 * topo_cli.c - `pmipemu validate FILE...`: load each topology, print every
 * error as FILE:LINE: message, or a one-line summary for a good file.
 *
 * An entry point for a program's main (it prints); the model code it calls
 * does not. Exit codes: 0 all valid (or --help), 2 some file has errors or usage.
 */
#include <stdio.h>
#include <string.h>

#include "topo.h"

static size_t topo_cli_count_procs(const struct topology *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_nodes; i++)
		n += t->nodes[i].n_procs;
	return n;
}

static int topo_cli_one(const char *path, const char *const *sets, size_t n_sets)
{
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load_set(path, sets, n_sets, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	topo_errors_free(&errs);
	if (!t)
		return 2;
	char warn[16][160];
	size_t nw = topo_auth_warnings(t, warn, 16);

	for (size_t i = 0; i < nw && i < 16; i++)
		fprintf(stderr, "%s\n", warn[i]);
	if (nw > 16)
		fprintf(stderr, "%s: warning: %zu more mags are not authenticated\n", path,
			nw - 16);
	printf("%s: valid (%zu nodes, %zu links, %zu processes, %zu events, "
	       "%zu flows, %zu expectations)\n", path, t->n_nodes, t->n_links,
	       topo_cli_count_procs(t), t->n_events, t->n_flows, t->n_expects);
	topo_free(t);
	return 0;
}

int topo_cli_validate(int argc, char **argv)
{
	int rc = 0;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: pmipemu validate [--set PATH/@ATTR=VALUE]... FILE...\n"
		       "Checks each topology against doc/topology.xsd and the rules of\n"
		       "doc/topology.md; prints FILE:LINE: message per problem.\n"
		       "--set overrides an attribute first, as run and test do (pmipemu(1)).\n"
		       "Exit status 0 all valid, 2 otherwise.\n");
		return 0;
	}
	const char *sets[32];
	size_t n_sets = 0;
	int i = 1;

	for (; i + 1 < argc && !strcmp(argv[i], "--set") && n_sets < 32; i += 2)
		sets[n_sets++] = argv[i + 1];
	if (i >= argc || argv[i][0] == '-') {
		fprintf(stderr, "usage: pmipemu validate [--set PATH/@ATTR=VALUE]... FILE...\n");
		return 2;
	}
	for (; i < argc; i++)
		if (topo_cli_one(argv[i], sets, n_sets) != 0)
			rc = 2;
	return rc;
}
