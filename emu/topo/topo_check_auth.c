/*
 * topo_check_auth.c - RFC 4285 keys across nodes (doc/security.md): an
 * lma's <mag auth-spi auth-key> and that MAG's own <pmip auth-spi
 * auth-key> must be the same, or every message between them would be
 * dropped; and the warnings `pmipemu validate` prints for MAGs whose
 * signalling is not authenticated (the topology still works).
 *
 * Owns: matching an lma's <mag> entries to mag nodes by address. Must
 * not: print (topo_cli.c prints the warnings it returns).
 */
#include <stdio.h>
#include <string.h>

#include "topo_int.h"

static bool auth_same(const struct topo_auth *a, const struct topo_auth *b)
{
	return a->present == b->present &&
	       (!a->present || (a->spi == b->spi && a->len == b->len &&
				!memcmp(a->key, b->key, a->len)));
}

static const struct topo_node *mag_at(const struct topology *t, const struct in6_addr *a)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].kind == TOPO_NODE_MAG && t->nodes[i].pmip.present &&
		    !memcmp(&t->nodes[i].pmip.mag_addr, a, sizeof(*a)))
			return &t->nodes[i];
	return NULL;
}

void topo_check_auth(struct topo_pctx *c)
{
	const struct topology *t = c->t;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *l = &t->nodes[i];

		if (l->kind != TOPO_NODE_LMA || !l->pmip.present)
			continue;
		for (size_t j = 0; j < l->pmip.n_mags && j < l->pmip.n_mag_auths; j++) {
			const struct topo_node *m = mag_at(t, &l->pmip.mags[j]);

			if (m && !auth_same(&l->pmip.mag_auths[j], &m->pmip.auth))
				topo_errors_add(c->errs, &l->pmip.loc, "lma \"%s\": the <mag> "
						"entry of mag \"%s\" and that mag's <pmip> differ "
						"in auth-spi/auth-key (RFC 4285: every message "
						"between them would be dropped)", l->name, m->name);
		}
	}
}

size_t topo_auth_warnings(const struct topology *t, char out[][160], size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *m = &t->nodes[i];

		if (m->kind != TOPO_NODE_MAG || !m->pmip.present || m->pmip.auth.present)
			continue;
		if (n < max)
			snprintf(out[n], 160, "%s:%d: warning: mag \"%s\": signalling with its "
				 "LMA is not authenticated (no auth-spi/auth-key; RFC 4285, "
				 "doc/security.md)", m->pmip.loc.file ? m->pmip.loc.file : "?",
				 m->pmip.loc.line, m->name);
		n++;
	}
	return n;
}
