/*
 * flow_tab.c - the flow table (flow_tab.h): rules by id and by prefix, the
 * checks on adding, classification with a flow cache.
 *
 * Must not: parse text (flow_rule.c, flow_sel.c), resolve target names,
 * read clocks.
 */
#include "flow_tab_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct flow_tab *flow_tab_new(const struct hash_key *key)
{
	struct flow_tab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->key = *key;
	hash_init(&t->by_id, NULL);
	hash_init(&t->by_pfx, NULL);
	hash_init(&t->pins, NULL);
	hash_init(&t->buckets, NULL);
	t->next_id = 1;
	t->gen = 1;
	return t;
}

static uint64_t id_hash(const struct flow_tab *t, uint32_t id)
{
	return hash_siphash24(&t->key, &id, sizeof(id));
}

uint64_t flow_pfx_hash(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen)
{
	uint8_t b[17];

	memcpy(b, p, 16);
	b[16] = plen;
	return hash_siphash24(&t->key, b, sizeof(b));
}

static struct flow_ent *find_id(const struct flow_tab *t, uint32_t id)
{
	uint64_t h = id_hash(t, id);

	for (struct hash_node *n = hash_chain(&t->by_id, h); n; n = n->next)
		if (n->hash == h && ((struct flow_ent *)n)->r.id == id)
			return (struct flow_ent *)n;
	return NULL;
}

static struct flow_pfx *find_pfx(const struct flow_tab *t, const struct in6_addr *p,
				 uint8_t plen, uint64_t h)
{
	for (struct hash_node *n = hash_chain(&t->by_pfx, h); n; n = n->next) {
		struct flow_pfx *x = (struct flow_pfx *)n;

		if (n->hash == h && x->plen == plen && !memcmp(&x->p, p, 16))
			return x;
	}
	return NULL;
}

void flow_tab_free(struct flow_tab *t)
{
	if (!t)
		return;
	for (size_t b = 0; b < t->by_pfx.n_bucket; b++)
		for (struct hash_node *n = t->by_pfx.bucket[b], *next; n; n = next) {
			struct flow_pfx *x = (struct flow_pfx *)n;

			next = n->next;
			for (size_t i = 0; i < x->n; i++)
				free(x->v[i]);
			free(x->v);
			free(x->w);
			free(x);
		}
	flow_pin_free(t);
	flow_ix_free(t);
	hash_fini(&t->by_id);
	hash_fini(&t->by_pfx);
	free(t);
}

const struct flow_rule *flow_tab_find(const struct flow_tab *t, uint32_t id)
{
	const struct flow_ent *e = find_id(t, id);

	return e ? &e->r : NULL;
}

size_t flow_tab_n_rules(const struct flow_tab *t)
{
	return t->n_rule;
}

size_t flow_tab_prefix_rules(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen,
			     uint32_t *ids, size_t max)
{
	const struct flow_pfx *x = find_pfx(t, p, plen, flow_pfx_hash(t, p, plen));

	for (size_t i = 0; x && i < x->n && i < max; i++)
		ids[i] = x->v[i]->r.id;
	return x ? x->n : 0;
}

bool flow_tab_has_prefix(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen)
{
	return find_pfx(t, p, plen, flow_pfx_hash(t, p, plen)) != NULL;
}

/* Refusals that need the prefix's other rules: the index finds the rules
 * that can overlap r (flow_index.c) without walking them all. */
static const char *check_against(const struct flow_tab *t, const struct flow_pfx *x,
				 const struct flow_rule *r)
{
	if (flow_ix_overlap(t, x, r))
		return "overlaps a rule of this prefix with the same prio";
	return NULL;
}

static const char *check_rule(const struct flow_tab *t, const struct flow_rule *r)
{
	if (r->plen > 128 || r->n_target > FLOW_TARGET_MAX ||
	    (r->mode == FLOW_MODE_ONE && r->n_target == 0) || r->mode > FLOW_MODE_ANY)
		return "malformed rule";
	for (uint8_t i = 0; i < r->n_target; i++) {
		if (r->target[i].weight == 0)
			return "a target's weight is 0";
		for (uint8_t j = 0; j < i; j++)
			if (!strcmp(r->target[i].name, r->target[j].name))
				return "a target is named twice";
	}
	if (r->id && find_id(t, r->id))
		return "a rule with this id exists";
	if (t->n_rule >= FLOW_RULES_MAX)
		return "too many rules";
	return NULL;
}

static struct flow_pfx *pfx_get(struct flow_tab *t, const struct flow_rule *r, uint64_t h)
{
	struct flow_pfx *x = find_pfx(t, &r->prefix, r->plen, h);

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	x->p = r->prefix;
	x->plen = r->plen;
	x->hn.hash = h;
	if (hash_insert(&t->by_pfx, &x->hn) < 0) {
		free(x);
		return NULL;
	}
	return x;
}

/* Keep v ordered by (prio, seq): seq grows, so equal prio goes last. */
int flow_vec_insert(struct flow_ent ***vp, size_t *n, size_t *cap, struct flow_ent *e)
{
	size_t at = *n;

	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 4;
		struct flow_ent **v = realloc(*vp, c * sizeof(*v));

		if (!v)
			return -1;
		*vp = v;
		*cap = c;
	}
	while (at > 0 && (*vp)[at - 1]->r.prio > e->r.prio)
		at--;
	memmove(*vp + at + 1, *vp + at, (*n - at) * sizeof(**vp));
	(*vp)[at] = e;
	(*n)++;
	return 0;
}

void flow_vec_remove(struct flow_ent **v, size_t *n, const struct flow_ent *e)
{
	for (size_t i = 0; i < *n; i++)
		if (v[i] == e) {
			memmove(v + i, v + i + 1, (*n - i - 1) * sizeof(*v));
			(*n)--;
			return;
		}
}

static uint32_t free_id(struct flow_tab *t)
{
	while (find_id(t, t->next_id) || t->next_id == 0)
		t->next_id++;
	return t->next_id++;
}

static void pfx_drop_if_empty(struct flow_tab *t, struct flow_pfx *x)
{
	if (x && x->n == 0) {
		hash_remove(&t->by_pfx, &x->hn);
		free(x->v);
		free(x->w);
		free(x);
	}
}

int flow_tab_add(struct flow_tab *t, struct flow_rule *r, const char **why)
{
	uint64_t h = flow_pfx_hash(t, &r->prefix, r->plen);
	struct flow_pfx *x = NULL;
	struct flow_ent *e;

	if ((*why = check_rule(t, r)) ||
	    (*why = check_against(t, find_pfx(t, &r->prefix, r->plen, h), r)))
		return -1;
	e = calloc(1, sizeof(*e));
	if (!e)
		goto oom;
	e->r = *r;
	e->r.id = r->id ? r->id : free_id(t);
	e->r.seq = t->seq++;
	e->r.hits = 0;
	e->hn.hash = id_hash(t, e->r.id);
	if (hash_insert(&t->by_id, &e->hn) < 0)
		goto oom;
	x = pfx_get(t, r, h);
	if (!x || flow_vec_insert(&x->v, &x->n, &x->cap, e) < 0) {
		hash_remove(&t->by_id, &e->hn);
		pfx_drop_if_empty(t, x);
		goto oom;
	}
	if (flow_ix_add(t, x, e) < 0) {
		flow_vec_remove(x->v, &x->n, e);
		hash_remove(&t->by_id, &e->hn);
		pfx_drop_if_empty(t, x);
		goto oom;
	}
	e->pfx = x;
	r->id = e->r.id;
	t->n_rule++;
	t->gen++;
	return 0;
oom:
	free(e);
	*why = "out of memory";
	return -1;
}

int flow_tab_del(struct flow_tab *t, uint32_t id)
{
	struct flow_ent *e = find_id(t, id);
	struct flow_pfx *x;

	if (!e)
		return -1;
	x = e->pfx;
	flow_ix_del(t, x, e);
	flow_vec_remove(x->v, &x->n, e);
	hash_remove(&t->by_id, &e->hn);
	free(e);
	pfx_drop_if_empty(t, x);
	t->n_rule--;
	t->gen++;               /* every cached answer may name the freed rule */
	return 0;
}

static struct flow_ent *walk(struct flow_tab *t, const struct in6_addr *p, uint8_t plen,
			     const struct flow_key *k)
{
	struct flow_pfx *x = find_pfx(t, p, plen, flow_pfx_hash(t, p, plen));

	return x ? flow_ix_lookup(t, x, k) : NULL;
}

const struct flow_rule *flow_tab_classify(struct flow_tab *t, const struct in6_addr *p,
					  uint8_t plen, const struct flow_key *k,
					  uint64_t *flow_hash)
{
	uint64_t h = flow_key_hash(&t->key, k);
	struct flow_cache_slot *c = &t->cache[h & (FLOW_CACHE_SLOTS - 1)];

	t->st.lookups++;
	*flow_hash = h;
	if (c->gen == t->gen && c->hash == h && c->plen == plen && !memcmp(&c->p, p, 16) &&
	    flow_key_equal(&c->key, k)) {
		t->st.cache_hits++;
	} else {
		c->gen = t->gen;
		c->hash = h;
		c->key = *k;
		c->p = *p;
		c->plen = plen;
		c->e = walk(t, p, plen, k);
	}
	if (!c->e)
		return NULL;
	c->e->r.hits++;
	return &c->e->r;
}

void flow_tab_foreach(const struct flow_tab *t, flow_rule_cb cb, void *arg)
{
	for (size_t b = 0; b < t->by_pfx.n_bucket; b++)
		for (struct hash_node *n = t->by_pfx.bucket[b]; n; n = n->next) {
			const struct flow_pfx *x = (const struct flow_pfx *)n;

			for (size_t i = 0; i < x->n; i++)
				cb(arg, &x->v[i]->r);
		}
}

const struct flow_tab_stats *flow_tab_stats(const struct flow_tab *t)
{
	return &t->st;
}
