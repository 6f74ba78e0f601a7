/*
 * bce_prefix.c - home network prefixes in the binding cache: the prefix
 * table, route sets (prefix <-> sessions), dormant routes (RFC 5213 does
 * one route per prefix; the multihoming extension shares a prefix between
 * sessions and keeps a backup for appendix D fast handover).
 *
 * Must not: decide which session should route a prefix (the engine does),
 * touch clocks or I/O.
 */
#include "bce_int.h"

#include <errno.h>
#include <string.h>

void bce_prefix_mask(struct in6_addr *a, uint8_t len)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = len > 8 * i ? len - 8 * i : 0;

		if (bits < 8)
			a->s6_addr[i] &= (uint8_t)(0xff00 >> bits);
	}
}

bool bce_prefix_covers(const struct in6_addr *p, uint8_t len, const struct in6_addr *a)
{
	struct in6_addr m = *a;

	if (len > 128)
		return false;
	bce_prefix_mask(&m, len);
	return memcmp(&m, p, sizeof(m)) == 0;
}

static uint64_t prefix_hash(const struct bce_cache *bc, const struct in6_addr *p, uint8_t len)
{
	uint8_t buf[17];

	memcpy(buf, p, 16);
	buf[16] = len;
	return hash_siphash24(&bc->key, buf, sizeof(buf));
}

struct bce_prefix *bce_find_prefix(const struct bce_cache *bc,
				   const struct in6_addr *p, uint8_t len)
{
	struct in6_addr m = *p;

	if (len > 128)
		return NULL;
	bce_prefix_mask(&m, len);
	uint64_t h = prefix_hash(bc, &m, len);

	for (struct hash_node *n = hash_chain(&bc->prefixes, h); n; n = n->next) {
		struct bce_prefix *x = (struct bce_prefix *)n;

		if (n->hash == h && x->len == len && memcmp(&x->prefix, &m, sizeof(m)) == 0)
			return x;
	}
	return NULL;
}

struct bce_prefix *bce_lookup_addr(const struct bce_cache *bc, const struct in6_addr *addr)
{
	for (int len = 128; len >= 0; len--) {
		if (bc->len_count[len] == 0)
			continue;
		struct bce_prefix *x = bce_find_prefix(bc, addr, (uint8_t)len);

		if (x)
			return x;
	}
	return NULL;
}

static struct bce_prefix *prefix_get(struct bce_cache *bc, const struct in6_addr *p, uint8_t len)
{
	struct bce_prefix *x = bce_find_prefix(bc, p, len);

	if (x)
		return x;
	x = bce_alloc(bc, sizeof(*x));
	if (!x)
		return NULL;
	x->prefix = *p;
	bce_prefix_mask(&x->prefix, len);
	x->len = len;
	x->route = x->route_inline;
	x->cap_route = 2;
	x->hn.hash = prefix_hash(bc, &x->prefix, len);
	if (hash_insert(&bc->prefixes, &x->hn) < 0) {
		bce_release(bc, x, sizeof(*x));
		return NULL;
	}
	bc->len_count[len]++;
	return x;
}

static void prefix_put(struct bce_cache *bc, struct bce_prefix *x)
{
	if (x->n_route > 0)
		return;
	hash_remove(&bc->prefixes, &x->hn);
	bc->len_count[x->len]--;
	bce_ptrs_fini(bc, (void **)x->route, x->cap_route, (void **)x->route_inline);
	bce_release(bc, x, sizeof(*x));
}

bool bce_session_has_prefix(const struct bce_session *s, const struct bce_prefix *pfx)
{
	for (uint8_t i = 0; i < s->n_prefix; i++)
		if (s->prefix[i] == pfx)
			return true;
	return false;
}

/* Remove x from a pointer array, keeping the order of the rest. */
static bool ptrs_remove(void **v, uint8_t *n, const void *x)
{
	for (uint8_t i = 0; i < *n; i++) {
		if (v[i] == x) {
			memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(*v));
			(*n)--;
			return true;
		}
	}
	return false;
}

int bce_prefix_bind(struct bce_cache *bc, struct bce_session *s,
		    const struct in6_addr *p, uint8_t len)
{
	if (len > 128) {
		errno = EINVAL;
		return -1;
	}
	struct bce_prefix *x = prefix_get(bc, p, len);

	if (!x) {
		errno = ENOMEM;
		return -1;
	}
	if (bce_session_has_prefix(s, x))
		return 0;
	if (bce_ptrs_push(bc, (void ***)&s->prefix, &s->n_prefix, &s->cap_prefix,
			  (void **)s->prefix_inline, MH_HNP_MAX, x) < 0)
		goto fail;
	if (bce_ptrs_push(bc, (void ***)&x->route, &x->n_route, &x->cap_route,
			  (void **)x->route_inline, UINT8_MAX, s) < 0) {
		s->n_prefix--;
		goto fail;
	}
	return 0;
fail:
	prefix_put(bc, x);
	return -1;
}

void bce_prefix_unbind(struct bce_cache *bc, struct bce_session *s, struct bce_prefix *pfx)
{
	if (!ptrs_remove((void **)s->prefix, &s->n_prefix, pfx))
		return;
	ptrs_remove((void **)pfx->route, &pfx->n_route, s);
	prefix_put(bc, pfx);
}

int bce_prefix_move(struct bce_cache *bc, struct bce_prefix *pfx,
		    struct bce_session *from, struct bce_session *to)
{
	if (!bce_session_has_prefix(from, pfx)) {
		errno = ENOENT;
		return -1;
	}
	if (from == to)
		return 0;
	if (bce_session_has_prefix(to, pfx)) {
		bce_prefix_unbind(bc, from, pfx);
		return 0;
	}
	if (bce_ptrs_push(bc, (void ***)&to->prefix, &to->n_prefix, &to->cap_prefix,
			  (void **)to->prefix_inline, MH_HNP_MAX, pfx) < 0)
		return -1;
	ptrs_remove((void **)from->prefix, &from->n_prefix, pfx);
	for (uint8_t i = 0; i < pfx->n_route; i++)
		if (pfx->route[i] == from)
			pfx->route[i] = to;
	if (pfx->dormant == to) {
		pfx->dormant = NULL;
		pfx->dormant_active = false;
	}
	return 0;
}

struct bce_session *bce_prefix_downlink(const struct bce_prefix *pfx)
{
	if (pfx->dormant_active && pfx->dormant &&
	    pfx->dormant->state == BCE_STATE_REGISTERED)
		return pfx->dormant;
	for (uint8_t i = 0; i < pfx->n_route; i++)
		if (pfx->route[i]->state == BCE_STATE_REGISTERED)
			return pfx->route[i];
	return NULL;
}

void bce_prefix_set_dormant(struct bce_prefix *pfx, struct bce_session *s)
{
	pfx->dormant = s;
	if (!s)
		pfx->dormant_active = false;
}

int bce_prefix_activate_dormant(struct bce_prefix *pfx)
{
	if (!pfx->dormant) {
		errno = ENOENT;
		return -1;
	}
	pfx->dormant_active = true;
	return 0;
}

void bce_prefix_restore(struct bce_prefix *pfx)
{
	pfx->dormant_active = false;
}
