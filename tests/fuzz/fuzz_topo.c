/*
 * fuzz_topo.c - libFuzzer harness for the topology loader: topo_load_mem()
 * (XML parse, XSD validation, model building, semantic checks) on any
 * bytes. It must return a model or NULL with at least one error message,
 * never crash, leak or read out of bounds (ASan). A model it accepts must
 * survive its own lookups. Needs PMIPEMU_XSD (scripts/fuzz.sh sets it).
 */
#include <stdlib.h>
#include <string.h>

#include "topo/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct topo_errors errs = { 0 };
	struct topology *t = topo_load_mem((const char *)data, size, "fuzz.xml", &errs);

	if (!t && errs.n == 0)
		abort();        /* a refusal always says why */
	for (size_t i = 0; i < errs.n; i++)
		if (!errs.msgs[i] || !strlen(errs.msgs[i]))
			abort();
	if (t) {
		for (size_t i = 0; i < t->n_nodes; i++)
			if (topo_find_node(t, t->nodes[i].name) != &t->nodes[i])
				abort();
		for (size_t i = 0; i < t->n_links; i++)
			if (!topo_find_link(t, t->links[i].name))
				abort();
	}
	topo_errors_free(&errs);
	topo_free(t);
	return 0;
}
