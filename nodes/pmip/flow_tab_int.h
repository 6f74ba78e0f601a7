/*
 * flow_tab_int.h - the flow table's insides, shared by flow_tab.c (rules,
 * classification, cache), flow_index.c (per-prefix index) and flow_pin.c
 * (flows pinned to "any" targets). Not for other modules.
 */
#ifndef PMIPEMU_FLOW_TAB_INT_H
#define PMIPEMU_FLOW_TAB_INT_H

#include "flow_tab.h"

#define FLOW_RULES_MAX 1000000

#define FLOW_PICK_MAX 8                 /* candidates of an "any" rule counted */

struct flow_ent {
	struct hash_node hn;            /* by id */
	struct flow_rule r;
	struct flow_pfx *pfx;
	struct flow_bucket *bucket;     /* NULL: in pfx->w */
	uint64_t pinned[FLOW_PICK_MAX]; /* flows pinned to each candidate */
};

/* A flow pinned to a candidate of an "any" rule. */
struct flow_pin {
	struct hash_node hn;            /* by flow hash */
	struct flow_key key;
	uint64_t rule_seq;              /* the rule's seq: stale if it went */
	uint8_t target;
};

/* A prefix's rules in match order (v), and those the index cannot
 * place (w, same order; flow_index.c). */
struct flow_pfx {
	struct hash_node hn;            /* by (prefix, plen) */
	struct in6_addr p;
	uint8_t plen;
	size_t n, cap;
	struct flow_ent **v;
	size_t nw, capw;
	struct flow_ent **w;
	struct flow_bucket *bk[5];      /* the prefix's buckets, by enum flow_ix_kind */
};

/* Rules of one prefix with one exact field value, in match order. */
enum flow_ix_kind {
	FLOW_IX_NONE,                   /* in the prefix's w list */
	FLOW_IX_DPORT,
	FLOW_IX_SPORT,
	FLOW_IX_SRC,
	FLOW_IX_DST,
};

struct flow_bucket {
	struct hash_node hn;            /* by (prefix, kind, value) */
	struct flow_pfx *pfx;
	struct flow_bucket *next_k, *prev_k;   /* the prefix's buckets of this kind */
	uint8_t kind;                   /* enum flow_ix_kind */
	uint8_t val[16];
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
	struct hash_table by_id, by_pfx, pins, buckets;
	size_t n_rule;
	uint32_t next_id;
	uint64_t seq, gen;
	struct flow_tab_stats st;
	struct flow_cache_slot cache[FLOW_CACHE_SLOTS];
};

uint64_t flow_pfx_hash(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen);
/* Ordered (prio, seq) vectors of rules. 0 or -1 (out of memory). */
int flow_vec_insert(struct flow_ent ***v, size_t *n, size_t *cap, struct flow_ent *e);
void flow_vec_remove(struct flow_ent **v, size_t *n, const struct flow_ent *e);

/* flow_index.c: where a rule goes (a bucket by one exact field, or the
 * prefix's w list), and the first match of a packet among a prefix's
 * rules without walking them all. */
int flow_ix_add(struct flow_tab *t, struct flow_pfx *x, struct flow_ent *e);
void flow_ix_del(struct flow_tab *t, struct flow_pfx *x, struct flow_ent *e);
struct flow_ent *flow_ix_lookup(struct flow_tab *t, const struct flow_pfx *x,
				const struct flow_key *k);
void flow_ix_free(struct flow_tab *t);
/* A rule of x with r's prio whose selector overlaps r's, found among the
 * rules that can overlap it, or NULL. */
const struct flow_rule *flow_ix_overlap(const struct flow_tab *t, const struct flow_pfx *x,
					const struct flow_rule *r);

/* flow_pin.c */
void flow_pin_free(struct flow_tab *t);

#endif
