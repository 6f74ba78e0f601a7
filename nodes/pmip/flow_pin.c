/*
 * flow_pin.c - flows pinned to a target of an "any" rule (flow_tab.h
 * flow_tab_pick): weighted least-loaded choice for a new flow, the same
 * target for its later packets.
 *
 * Must not: match selectors (flow_tab.c), read clocks.
 */
#include "flow_tab_int.h"

#include <stddef.h>
#include <stdlib.h>

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

void flow_pin_free(struct flow_tab *t)
{
	for (size_t b = 0; b < t->pins.n_bucket; b++)
		for (struct hash_node *n = t->pins.bucket[b], *next; n; n = next) {
			next = n->next;
			free(n);
		}
	hash_fini(&t->pins);
}
