/*
 * flow_tab.c - the flow table (flow_tab.h): rules by id and by prefix, the
 * checks on adding, classification with a flow cache.
 *
 * Must not: parse text (flow_rule.c, flow_sel.c), resolve target names,
 * read clocks.
 */
#include "flow_tab.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define FLOW_RULES_MAX 1000000

#define FLOW_PICK_MAX 8                 /* candidates of an "any" rule counted */

struct flow_ent {
	struct hash_node hn;            /* by id */
	struct flow_rule r;
	struct flow_pfx *pfx;
	uint64_t pinned[FLOW_PICK_MAX]; /* flows pinned to each candidate */
};

/* A flow pinned to a candidate of an "any" rule. */
struct flow_pin {
	struct hash_node hn;            /* by flow hash */
	struct flow_key key;
	uint64_t rule_seq;              /* the rule's seq: stale if it went */
	uint8_t target;
};

/* A prefix's rules in match order. */
struct flow_pfx {
	struct hash_node hn;            /* by (prefix, plen) */
	struct in6_addr p;
	uint8_t plen;
	size_t n, cap;
	struct flow_ent **v;
};

struct flow_cache_slot {
	uint64_t gen;                   /* 0 = empty */
	uint64_t hash;
	struct flow_key key;
	struct in6_addr p;
	uint8_t plen;
	struct flow_ent *e;             /* NULL: no rule matched */
};

struct flow_tab {
	struct hash_key key;
	struct hash_table by_id, by_pfx, pins;
	size_t n_rule;
	uint32_t next_id;
	uint64_t seq, gen;
	struct flow_tab_stats st;
	struct flow_cache_slot cache[FLOW_CACHE_SLOTS];
};

struct flow_tab *flow_tab_new(const struct hash_key *key)
{
	struct flow_tab *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->key = *key;
	hash_init(&t->by_id, NULL);
	hash_init(&t->by_pfx, NULL);
	hash_init(&t->pins, NULL);
	t->next_id = 1;
	t->gen = 1;
	return t;
}

static uint64_t id_hash(const struct flow_tab *t, uint32_t id)
{
	return hash_siphash24(&t->key, &id, sizeof(id));
}

static uint64_t pfx_hash(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen)
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
			free(x);
		}
	for (size_t b = 0; b < t->pins.n_bucket; b++)
		for (struct hash_node *n = t->pins.bucket[b], *next; n; n = next) {
			next = n->next;
			free(n);
		}
	hash_fini(&t->by_id);
	hash_fini(&t->by_pfx);
	hash_fini(&t->pins);
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
	const struct flow_pfx *x = find_pfx(t, p, plen, pfx_hash(t, p, plen));

	for (size_t i = 0; x && i < x->n && i < max; i++)
		ids[i] = x->v[i]->r.id;
	return x ? x->n : 0;
}

bool flow_tab_has_prefix(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen)
{
	return find_pfx(t, p, plen, pfx_hash(t, p, plen)) != NULL;
}

/* Refusals that need the prefix's other rules. */
static const char *check_against(const struct flow_pfx *x, const struct flow_rule *r)
{
	for (size_t i = 0; x && i < x->n; i++) {
		const struct flow_rule *o = &x->v[i]->r;

		if (o->prio == r->prio && flow_sel_overlap(&o->sel, &r->sel))
			return "overlaps a rule of this prefix with the same prio";
	}
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

/* Keep v ordered by (prio, seq). */
static int pfx_insert(struct flow_pfx *x, struct flow_ent *e)
{
	size_t at = x->n;

	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4;
		struct flow_ent **v = realloc(x->v, cap * sizeof(*v));

		if (!v)
			return -1;
		x->v = v;
		x->cap = cap;
	}
	while (at > 0 && x->v[at - 1]->r.prio > e->r.prio)
		at--;
	memmove(x->v + at + 1, x->v + at, (x->n - at) * sizeof(*x->v));
	x->v[at] = e;
	x->n++;
	return 0;
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
		free(x);
	}
}

int flow_tab_add(struct flow_tab *t, struct flow_rule *r, const char **why)
{
	uint64_t h = pfx_hash(t, &r->prefix, r->plen);
	struct flow_pfx *x = NULL;
	struct flow_ent *e;

	if ((*why = check_rule(t, r)) ||
	    (*why = check_against(find_pfx(t, &r->prefix, r->plen, h), r)))
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
	if (!x || pfx_insert(x, e) < 0) {
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
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i] == e) {
			memmove(x->v + i, x->v + i + 1, (x->n - i - 1) * sizeof(*x->v));
			x->n--;
			break;
		}
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
	struct flow_pfx *x = find_pfx(t, p, plen, pfx_hash(t, p, plen));

	for (size_t i = 0; x && i < x->n; i++) {
		t->st.rule_walk_steps++;
		if (flow_sel_match(&x->v[i]->r.sel, k))
			return x->v[i];
	}
	return NULL;
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

static struct flow_pin *find_pin(const struct flow_tab *t, const struct flow_key *k, uint64_t h)
{
	for (struct hash_node *n = hash_chain(&t->pins, h); n; n = n->next)
		if (n->hash == h && flow_key_equal(&((struct flow_pin *)n)->key, k))
			return (struct flow_pin *)n;
	return NULL;
}

/* The usable candidate with the fewest pinned flows per unit of weight
 * (a / wa < b / wb, compared as a * wb < b * wa). */
static int least_loaded(const struct flow_ent *e, size_t n, const bool *usable)
{
	int best = -1;

	for (size_t i = 0; i < n && i < FLOW_PICK_MAX; i++) {
		uint64_t w = e->r.n_target ? e->r.target[i].weight : 1, bw;

		if (!usable[i])
			continue;
		bw = best < 0 ? 1 : e->r.n_target ? e->r.target[best].weight : 1;
		if (best < 0 || e->pinned[i] * bw < e->pinned[best] * w)
			best = (int)i;
	}
	return best;
}

int flow_tab_pick(struct flow_tab *t, const struct flow_rule *r, const struct flow_key *k,
		  uint64_t flow_hash, size_t n, const bool *usable)
{
	struct flow_ent *e = (struct flow_ent *)((char *)r - offsetof(struct flow_ent, r));
	struct flow_key kk = *k;
	struct flow_pin *p;
	int i;

	kk.tc = 0;                      /* DSCP may be re-marked inside a flow */
	p = find_pin(t, &kk, flow_hash);

	if (p && p->rule_seq == r->seq && p->target < n && usable[p->target])
		return p->target;
	if (!p && t->pins.n_item >= FLOW_PINS_MAX)
		return flow_rule_pick(r, n, usable, flow_hash);
	i = least_loaded(e, n, usable);
	if (i < 0)
		return -1;
	if (!p && (p = calloc(1, sizeof(*p)))) {
		p->key = kk;
		p->hn.hash = flow_hash;
		if (hash_insert(&t->pins, &p->hn) < 0) {
			free(p);
			return i;
		}
	}
	if (p) {
		p->rule_seq = r->seq;
		p->target = (uint8_t)i;
		e->pinned[i]++;
	}
	return i;
}

size_t flow_tab_n_pins(const struct flow_tab *t)
{
	return t->pins.n_item;
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
