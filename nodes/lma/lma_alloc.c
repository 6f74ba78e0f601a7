/*
 * lma_alloc.c - MN policy profiles (RFC 5213 6.2) and home network prefix
 * assignment (5.3.2: static from the profile, else from the pool).
 *
 * Must not: do I/O or read clocks. The pool is walked with a cursor and
 * used prefixes are found in the binding cache's prefix table (O(1) each),
 * so allocation is O(1) amortized while the pool is sparse.
 */
#include "lma_int.h"

#include <string.h>

static bool service_is(const struct lma_policy *p, const struct bce_key *k)
{
	/* memcmp with a NULL pointer is undefined even for 0 bytes */
	return p->service_len == k->service_len &&
	       (k->service_len == 0 || memcmp(p->service, k->service, k->service_len) == 0);
}

/* The profile of this MN's interface and service (RFC 5149; none = the
 * profiles without one): the one with this MN-LL-ID, else one without an
 * MN-LL-ID, else any of the MN's for that service (the MN-ID alone
 * authorizes). Among equals, the first configured wins. */
const struct lma_policy *lma_policy_find(const struct lma *l, const struct bce_key *k)
{
	const struct lma_policy *p, *any = NULL, *no_ll = NULL;
	const void *cur = NULL;
	const uint8_t *ll_id = k->ll_id;
	size_t ll_len = k->ll_id_len;

	while ((p = lma_policy_next(l, k->mn_id, k->mn_id_len, &cur))) {
		if (!service_is(p, k))
			continue;
		if (p->has_ll_id && ll_len == 6 && memcmp(p->ll_id, ll_id, 6) == 0)
			return p;
		if (!p->has_ll_id && (!no_ll || p < no_ll))
			no_ll = p;
		if (!any || p < any)
			any = p;
	}
	return no_ll ? no_ll : any;
}

bool lma_service_authorized(const struct lma *l, const struct bce_key *k)
{
	return k->service_len == 0 || lma_policy_find(l, k) != NULL;
}

bool lma_policy_any(const struct lma *l, const uint8_t *mn_id, size_t len)
{
	const void *cur = NULL;
	return lma_policy_next(l, mn_id, len, &cur) != NULL;
}

bool lma_prefix_is_zero(const struct mh_prefix *p)
{
	return IN6_IS_ADDR_UNSPECIFIED(&p->prefix);
}

static bool same_prefix(const struct mh_prefix *a, const struct in6_addr *p, uint8_t len)
{
	struct in6_addr m = a->prefix;

	bce_prefix_mask(&m, a->len);
	return a->len == len && memcmp(&m, p, sizeof(m)) == 0;
}

bool lma_prefix_authorized(const struct lma *l, const uint8_t *mn_id, size_t len,
			   const struct mh_prefix *p)
{
	struct in6_addr m = p->prefix;
	const struct lma_policy *pol;
	const void *cur = NULL;

	bce_prefix_mask(&m, p->len);
	while ((pol = lma_policy_next(l, mn_id, len, &cur))) {
		for (uint8_t j = 0; j < pol->n_hnp; j++)
			if (same_prefix(&pol->hnp[j], &m, p->len))
				return true;
	}
	return false;
}

bool lma_prefix_in_pool(const struct lma *l, const struct mh_prefix *p)
{
	struct in6_addr a = p->prefix, pool = l->cfg.pool.prefix;

	if (l->cfg.pool_plen == 0 || p->len != l->cfg.pool_plen ||
	    l->cfg.pool.len > l->cfg.pool_plen)
		return false;
	bce_prefix_mask(&a, l->cfg.pool.len);
	bce_prefix_mask(&pool, l->cfg.pool.len);
	return !memcmp(&a, &pool, sizeof(a)) &&
	       !lma_prefix_reserved(l, &p->prefix, p->len);
}

/* Slot i of the pool: the pool prefix with i in bits [pool.len, pool_plen). */
static struct in6_addr pool_slot(const struct lma *l, uint64_t i)
{
	struct in6_addr a = l->cfg.pool.prefix;

	bce_prefix_mask(&a, l->cfg.pool.len);
	for (int bit = l->cfg.pool_plen - 1; bit >= l->cfg.pool.len && i; bit--, i >>= 1)
		if (i & 1)
			a.s6_addr[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	return a;
}

static uint64_t pool_size(const struct lma *l)
{
	unsigned bits = l->cfg.pool_plen - l->cfg.pool.len;

	if (l->cfg.pool_plen == 0 || l->cfg.pool_plen < l->cfg.pool.len)
		return 0;
	return bits >= 63 ? UINT64_MAX : (uint64_t)1 << bits;
}

static int alloc_from_pool(struct lma *l, struct bce_session *s, uint8_t *status)
{
	uint64_t n = pool_size(l);

	for (uint64_t tries = 0; tries < n; tries++) {
		uint64_t i = l->pool_next++ % n;
		struct in6_addr a = pool_slot(l, i);

		if (bce_find_prefix(l->bc, &a, l->cfg.pool_plen) ||
		    lma_prefix_reserved(l, &a, l->cfg.pool_plen))
			continue;
		if (bce_prefix_bind(l->bc, s, &a, l->cfg.pool_plen) < 0) {
			*status = PBA_STATUS_UNSPECIFIED;
			return -1;
		}
		return 0;
	}
	/* RFC 5213 5.3.2: no prefix to give, status 130 Insufficient resources. */
	*status = LMA_STATUS_INSUFFICIENT_RESOURCES;
	return -1;
}

/* Does another profile of pol's MN (another interface) list hnp too? */
static bool policy_shares(const struct lma *l, const struct lma_policy *pol,
			  const struct mh_prefix *hnp)
{
	const void *cur = NULL;
	const struct lma_policy *o;

	while ((o = lma_policy_next(l, (const uint8_t *)pol->mn_id, strlen(pol->mn_id), &cur))) {
		if (o == pol || (o->has_ll_id && pol->has_ll_id &&
				 !memcmp(o->ll_id, pol->ll_id, sizeof(o->ll_id))))
			continue;
		for (uint8_t i = 0; i < o->n_hnp; i++)
			if (o->hnp[i].len == hnp->len &&
			    !memcmp(&o->hnp[i].prefix, &hnp->prefix, sizeof(hnp->prefix)))
				return true;
	}
	return false;
}

int lma_alloc_prefixes(struct lma *l, struct bce_session *s, const struct lma_policy *pol,
		       uint8_t *status)
{
	if (!pol || pol->n_hnp == 0)
		return alloc_from_pool(l, s, status);
	for (uint8_t i = 0; i < pol->n_hnp; i++) {
		const struct bce_prefix *x =
			bce_find_prefix(l->bc, &pol->hnp[i].prefix, pol->hnp[i].len);

		/* A static HNP held by another MN is a configuration error. */
		if (x && x->n_route && x->route[0]->mn != s->mn) {
			*status = PBA_STATUS_UNSPECIFIED;
			return -1;
		}
		/* Held by another session of this MN: a mobility session owns
		 * its prefixes (RFC 5213 5.2, 5.3.2), unless the operator's
		 * policy shares it (problem statement section 3): the profiles
		 * of two interfaces of the MN both list it. The new session
		 * then routes it too (route[0] keeps the downlink). Else no
		 * prefix is left to give: 130 as for an exhausted pool. */
		if (x && x->n_route && !policy_shares(l, pol, &pol->hnp[i])) {
			*status = LMA_STATUS_INSUFFICIENT_RESOURCES;
			return -1;
		}
		if (bce_prefix_bind(l->bc, s, &pol->hnp[i].prefix, pol->hnp[i].len) < 0) {
			*status = PBA_STATUS_UNSPECIFIED;
			return -1;
		}
	}
	return 0;
}
