/*
 * flow_index.c - the per-prefix index of the flow table (flow_tab.h): a
 * flow's first packet finds its rule without walking every rule of the
 * prefix.
 *
 * A rule that names a destination port, source port, source address or
 * destination address exactly (a range of one) goes to the bucket of
 * (prefix, field, value), for the least crowded such field when it names
 * several; any other rule to the prefix's w list. Each list keeps match order (prio, then addition). A packet
 * looks at most four buckets up by hash (its own dport, sport, src, dst)
 * and the w list, takes the first match of each list and, of those, the
 * rule first in match order: the same answer as a walk of all the rules,
 * at the cost of the lists it touches. Rules that name no exact value stay
 * a walk (the w list). Must not: change rules (flow_tab.c does).
 */
#include "flow_tab_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The value of field kind that rule r names exactly, into val; false when
 * it names a range or nothing. */
static bool rule_value(const struct flow_rule *r, enum flow_ix_kind kind, uint8_t *val)
{
	const struct flow_sel *s = &r->sel;

	memset(val, 0, 16);
	switch (kind) {
	case FLOW_IX_DPORT:
		val[0] = (uint8_t)(s->dport_lo >> 8);
		val[1] = (uint8_t)s->dport_lo;
		return (s->fields & FLOW_F_DPORT) && s->dport_lo == s->dport_hi;
	case FLOW_IX_SPORT:
		val[0] = (uint8_t)(s->sport_lo >> 8);
		val[1] = (uint8_t)s->sport_lo;
		return (s->fields & FLOW_F_SPORT) && s->sport_lo == s->sport_hi;
	case FLOW_IX_SRC:
		memcpy(val, &s->src_lo, 16);
		return (s->fields & FLOW_F_SRC) && !memcmp(&s->src_lo, &s->src_hi, 16);
	case FLOW_IX_DST:
		memcpy(val, &s->dst_lo, 16);
		return (s->fields & FLOW_F_DST) && !memcmp(&s->dst_lo, &s->dst_hi, 16);
	case FLOW_IX_NONE:
		break;
	}
	return false;
}

static struct flow_bucket *find_bucket(const struct flow_tab *t, const struct flow_pfx *x,
				       enum flow_ix_kind kind, const uint8_t *val);

static uint64_t bucket_hash(const struct flow_tab *t, const struct flow_pfx *x,
			    enum flow_ix_kind kind, const uint8_t *val)
{
	uint8_t b[sizeof(uintptr_t) + 17];
	uintptr_t px = (uintptr_t)x;

	memcpy(b, &px, sizeof(px));
	b[sizeof(px)] = (uint8_t)kind;
	memcpy(b + sizeof(px) + 1, val, 16);
	return hash_siphash24(&t->key, b, sizeof(b));
}

static struct flow_bucket *find_bucket(const struct flow_tab *t, const struct flow_pfx *x,
				       enum flow_ix_kind kind, const uint8_t *val)
{
	uint64_t h = bucket_hash(t, x, kind, val);

	for (struct hash_node *n = hash_chain(&t->buckets, h); n; n = n->next) {
		struct flow_bucket *b = (struct flow_bucket *)n;

		if (n->hash == h && b->pfx == x && b->kind == kind && !memcmp(b->val, val, 16))
			return b;
	}
	return NULL;
}

static struct flow_bucket *bucket_get(struct flow_tab *t, struct flow_pfx *x,
				      enum flow_ix_kind kind, const uint8_t *val)
{
	struct flow_bucket *b = find_bucket(t, x, kind, val);

	if (b)
		return b;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->pfx = x;
	b->kind = (uint8_t)kind;
	memcpy(b->val, val, 16);
	b->hn.hash = bucket_hash(t, x, kind, val);
	if (hash_insert(&t->buckets, &b->hn) < 0) {
		free(b);
		return NULL;
	}
	b->next_k = x->bk[kind];
	if (b->next_k)
		b->next_k->prev_k = b;
	x->bk[kind] = b;
	return b;
}

static void bucket_drop(struct flow_tab *t, struct flow_bucket *b)
{
	if (b->prev_k)
		b->prev_k->next_k = b->next_k;
	else
		b->pfx->bk[b->kind] = b->next_k;
	if (b->next_k)
		b->next_k->prev_k = b->prev_k;
	hash_remove(&t->buckets, &b->hn);
	free(b->v);
	free(b);
}

/* Of the fields the rule names exactly, the one whose bucket is the least
 * crowded now: rules that share a port but not an address spread by
 * address, and the other way round. */
static enum flow_ix_kind rule_key(const struct flow_tab *t, const struct flow_pfx *x,
				  const struct flow_rule *r, uint8_t *val)
{
	enum flow_ix_kind best = FLOW_IX_NONE;
	size_t best_n = SIZE_MAX;
	uint8_t v[16];

	for (int k = FLOW_IX_DPORT; k <= FLOW_IX_DST; k++) {
		const struct flow_bucket *b;
		size_t n;

		if (!rule_value(r, (enum flow_ix_kind)k, v))
			continue;
		b = find_bucket(t, x, (enum flow_ix_kind)k, v);
		n = b ? b->n : 0;
		if (n < best_n) {
			best = (enum flow_ix_kind)k;
			best_n = n;
			memcpy(val, v, 16);
		}
	}
	return best;
}

int flow_ix_add(struct flow_tab *t, struct flow_pfx *x, struct flow_ent *e)
{
	uint8_t val[16];
	enum flow_ix_kind kind = rule_key(t, x, &e->r, val);
	struct flow_bucket *b;

	if (kind == FLOW_IX_NONE) {
		e->bucket = NULL;
		return flow_vec_insert(&x->w, &x->nw, &x->capw, e);
	}
	b = bucket_get(t, x, kind, val);
	if (!b || flow_vec_insert(&b->v, &b->n, &b->cap, e) < 0) {
		if (b && b->n == 0)
			bucket_drop(t, b);
		return -1;
	}
	e->bucket = b;
	return 0;
}

void flow_ix_del(struct flow_tab *t, struct flow_pfx *x, struct flow_ent *e)
{
	struct flow_bucket *b = e->bucket;

	if (!b) {
		flow_vec_remove(x->w, &x->nw, e);
		return;
	}
	flow_vec_remove(b->v, &b->n, e);
	if (b->n == 0)
		bucket_drop(t, b);
	e->bucket = NULL;
}

static bool before(const struct flow_ent *a, const struct flow_ent *b)
{
	return a->r.prio < b->r.prio || (a->r.prio == b->r.prio && a->r.seq < b->r.seq);
}

/* The first match in v, unless best (so far) comes first anyway. */
static void first_match(struct flow_tab *t, struct flow_ent *const *v, size_t n,
			const struct flow_key *k, struct flow_ent **best)
{
	for (size_t i = 0; i < n; i++) {
		if (*best && !before(v[i], *best))
			return;
		t->st.rule_walk_steps++;
		if (flow_sel_match(&v[i]->r.sel, k)) {
			*best = v[i];
			return;
		}
	}
}

static void look_bucket(struct flow_tab *t, const struct flow_pfx *x, enum flow_ix_kind kind,
			const uint8_t *val, const struct flow_key *k, struct flow_ent **best)
{
	const struct flow_bucket *b;

	if (!t->buckets.n_item || !(b = find_bucket(t, x, kind, val)))
		return;
	first_match(t, b->v, b->n, k, best);
}

struct flow_ent *flow_ix_lookup(struct flow_tab *t, const struct flow_pfx *x,
				const struct flow_key *k)
{
	struct flow_ent *best = NULL;
	uint8_t val[16] = { 0 };

	if (k->has_ports) {
		val[0] = (uint8_t)(k->dport >> 8);
		val[1] = (uint8_t)k->dport;
		look_bucket(t, x, FLOW_IX_DPORT, val, k, &best);
		val[0] = (uint8_t)(k->sport >> 8);
		val[1] = (uint8_t)k->sport;
		look_bucket(t, x, FLOW_IX_SPORT, val, k, &best);
	}
	look_bucket(t, x, FLOW_IX_SRC, k->src.s6_addr, k, &best);
	look_bucket(t, x, FLOW_IX_DST, k->dst.s6_addr, k, &best);
	first_match(t, x->w, x->nw, k, &best);
	return best;
}

static const struct flow_rule *vec_overlap(struct flow_ent *const *v, size_t n,
					   const struct flow_rule *r)
{
	for (size_t i = 0; i < n; i++) {
		const struct flow_rule *o = &v[i]->r;

		if (o->prio == r->prio && flow_sel_overlap(&o->sel, &r->sel))
			return o;
	}
	return NULL;
}

/*
 * A rule in the bucket (kind, v) names that field exactly as v; when r
 * names it exactly as another value the two cannot overlap, so of each
 * field r names exactly only r's own bucket is looked at. The fields r
 * leaves open (or gives as a range) take all their buckets, and the w list
 * is always walked. N rules that each name an address of their own are
 * checked in O(1) each, not O(N) (issue 12).
 */
const struct flow_rule *flow_ix_overlap(const struct flow_tab *t, const struct flow_pfx *x,
					const struct flow_rule *r)
{
	const struct flow_rule *o;
	uint8_t val[16];

	if (!x)
		return NULL;
	if ((o = vec_overlap(x->w, x->nw, r)))
		return o;
	for (int k = FLOW_IX_DPORT; k <= FLOW_IX_DST; k++) {
		if (rule_value(r, (enum flow_ix_kind)k, val)) {
			const struct flow_bucket *b = find_bucket(t, x, (enum flow_ix_kind)k, val);
			if (b && (o = vec_overlap(b->v, b->n, r)))
				return o;
			continue;
		}
		for (const struct flow_bucket *b = x->bk[k]; b; b = b->next_k)
			if ((o = vec_overlap(b->v, b->n, r)))
				return o;
	}
	return NULL;
}

void flow_ix_free(struct flow_tab *t)
{
	for (size_t i = 0; i < t->buckets.n_bucket; i++)
		for (struct hash_node *n = t->buckets.bucket[i], *next; n; n = next) {
			struct flow_bucket *b = (struct flow_bucket *)n;

			next = n->next;
			free(b->v);
			free(b);
		}
	hash_fini(&t->buckets);
}
