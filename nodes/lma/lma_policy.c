/*
 * lma_policy.c - the MN policy profiles (RFC 5213 6.2), indexed: by MN-ID,
 * and the static home network prefixes of all profiles by prefix, so that
 * every PBU costs O(1) in the number of configured MNs (a linear walk made
 * a registration cost 15-20 ms at 100k MNs, doc/bench.md).
 *
 * Must not: do I/O or read clocks. Built once in lma_new; profiles do not
 * change while the LMA runs.
 */
#include "lma_int.h"

#include <stdlib.h>
#include <string.h>

struct lma_pol_node {                   /* one per profile, by MN-ID */
	struct hash_node hn;
	const struct lma_policy *pol;
	size_t id_len;
};

struct lma_hnp_node {                   /* one per static HNP, by prefix */
	struct hash_node hn;
	struct in6_addr prefix;         /* masked */
	uint8_t len;
};

struct lma_policy_index {
	struct hash_table by_id, by_hnp;
	struct lma_pol_node *pol;
	struct lma_hnp_node *hnp;
	struct hash_key key;
};

static uint64_t hnp_hash(const struct lma_policy_index *x, const struct in6_addr *p,
			 uint8_t len)
{
	uint8_t buf[17];
	memcpy(buf, p, 16);
	buf[16] = len;
	return hash_siphash24(&x->key, buf, sizeof(buf));
}

static size_t count_hnps(const struct lma_config *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n_policies; i++)
		n += c->policies[i].n_hnp;
	return n;
}

static int index_hnps(struct lma_policy_index *x, const struct lma_config *c)
{
	size_t k = 0;
	for (size_t i = 0; i < c->n_policies; i++) {
		for (uint8_t j = 0; j < c->policies[i].n_hnp; j++) {
			struct lma_hnp_node *h = &x->hnp[k++];
			h->prefix = c->policies[i].hnp[j].prefix;
			h->len = c->policies[i].hnp[j].len;
			bce_prefix_mask(&h->prefix, h->len);
			h->hn.hash = hnp_hash(x, &h->prefix, h->len);
			if (hash_insert(&x->by_hnp, &h->hn) < 0)
				return -1;
		}
	}
	return 0;
}

struct lma_policy_index *lma_policy_index_new(const struct lma_config *c)
{
	struct lma_policy_index *x = calloc(1, sizeof(*x));
	size_t n_hnp = count_hnps(c);

	if (!x)
		return NULL;
	x->key = c->hash_seed;
	hash_init(&x->by_id, NULL);
	hash_init(&x->by_hnp, NULL);
	x->pol = calloc(c->n_policies + 1, sizeof(*x->pol));
	x->hnp = calloc(n_hnp + 1, sizeof(*x->hnp));
	if (!x->pol || !x->hnp)
		goto fail;
	for (size_t i = 0; i < c->n_policies; i++) {
		struct lma_pol_node *p = &x->pol[i];
		p->pol = &c->policies[i];
		p->id_len = strlen(p->pol->mn_id);
		p->hn.hash = hash_siphash24(&x->key, p->pol->mn_id, p->id_len);
		if (hash_insert(&x->by_id, &p->hn) < 0)
			goto fail;
	}
	if (index_hnps(x, c) < 0)
		goto fail;
	return x;
fail:
	lma_policy_index_free(x);
	return NULL;
}

void lma_policy_index_free(struct lma_policy_index *x)
{
	if (!x)
		return;
	hash_fini(&x->by_id);
	hash_fini(&x->by_hnp);
	free(x->pol);
	free(x->hnp);
	free(x);
}

/* The profiles of one MN, in configuration order is not kept by the chain:
 * callers that prefer one profile over another say how (lma_policy_find). */
const struct lma_policy *lma_policy_next(const struct lma *l, const uint8_t *mn_id,
					 size_t len, const void **cursor)
{
	const struct lma_policy_index *x = l->pidx;
	uint64_t h = hash_siphash24(&x->key, mn_id, len);
	struct hash_node *n = *cursor ? ((struct hash_node *)*cursor)->next
				      : hash_chain(&x->by_id, h);

	for (; n; n = n->next) {
		const struct lma_pol_node *p = (const struct lma_pol_node *)n;
		if (n->hash == h && p->id_len == len && !memcmp(p->pol->mn_id, mn_id, len)) {
			*cursor = n;
			return p->pol;
		}
	}
	return NULL;
}

bool lma_prefix_reserved(const struct lma *l, const struct in6_addr *p, uint8_t len)
{
	const struct lma_policy_index *x = l->pidx;
	struct in6_addr m = *p;

	bce_prefix_mask(&m, len);
	uint64_t h = hnp_hash(x, &m, len);
	for (struct hash_node *n = hash_chain(&x->by_hnp, h); n; n = n->next) {
		const struct lma_hnp_node *e = (const struct lma_hnp_node *)n;
		if (n->hash == h && e->len == len && !memcmp(&e->prefix, &m, sizeof(m)))
			return true;
	}
	return false;
}
