/*
 * topo_daemon.c - what every node daemon (lmad, magd, mnd) does with its
 * configuration file: load it reporting every error, and pick its node.
 * Library code: it writes the errors to the stream it is given, never exits.
 */
#include "topo.h"

#include <stdio.h>
#include <string.h>

struct topology *topo_load_print(const char *path, FILE *err)
{
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load(path, &errs);

	for (size_t i = 0; i < errs.n; i++)
		fprintf(err, "%s\n", errs.msgs[i]);
	topo_errors_free(&errs);
	return t;
}

const struct topo_node *topo_pick_node(const struct topology *t, const char *name,
				       enum topo_node_kind kind, char *why, size_t len)
{
	const char *k = topo_node_kind_name(kind);
	const struct topo_node *found = NULL;

	if (name) {
		found = topo_find_node(t, name);
		if (found && found->kind == kind)
			return found;
		snprintf(why, len, "%s: no %s node named %s", t->file, k, name);
		return NULL;
	}
	for (size_t i = 0; i < t->n_nodes; i++) {
		if (t->nodes[i].kind != kind)
			continue;
		if (found) {
			snprintf(why, len, "%s: several %s nodes, choose one with -N", t->file, k);
			return NULL;
		}
		found = &t->nodes[i];
	}
	if (!found)
		snprintf(why, len, "%s: no %s node", t->file, k);
	return found;
}
