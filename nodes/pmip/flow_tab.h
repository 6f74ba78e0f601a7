/*
 * flow_tab.h - the LMA's flow table (problem statement section 3 and
 * appendix B; RFC 6089 flow bindings): per home network prefix, an ordered
 * list of filters, each mapping the flows its selector matches to one
 * target (a preferred one with an optional fallback) or to "any" of a
 * weighted set (load sharing per flow).
 *
 * Owns: rules, their text grammar after the selector, the checks that keep
 * a prefix's rules unambiguous, classification of a packet's flow key, and
 * the per-flow choice among weighted targets. Must not: know sessions or
 * interfaces (a target is a name the owner resolves: lmad uses the MN's
 * interface names and MN-LL-IDs), touch clocks, sockets or randomness.
 *
 * Cost per packet: a flow cache (direct-mapped, keyed hash of the flow key,
 * invalidated by a generation number on every change) answers a flow seen
 * before in O(1); a flow's first packet finds its prefix by hash, then the
 * prefix's index (flow_index.c: rules by exact port or address, O(1) per
 * bucket) gives the first match in match order; only rules naming no exact
 * port or address are walked. An "any" rule pins each flow to one target
 * (flow_tab_pick), so every packet of a flow takes the same target (no
 * reordering inside a flow).
 *
 * Rule grammar (flow_rule_parse):
 *   prefix P/len [id N] [prio N] SELECTOR -> NAME [fallback NAME]
 *   prefix P/len [id N] [prio N] SELECTOR -> any [NAME[=WEIGHT] ...]
 * SELECTOR is flow_sel.h's grammar. "any" without names shares over every
 * session of the prefix with weight 1. Lower prio is matched first
 * (RFC 6089 4.2 FID-PRI); equal prio keeps the order of addition.
 */
#ifndef PMIPEMU_FLOW_TAB_H
#define PMIPEMU_FLOW_TAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow_sel.h"

#define FLOW_TARGET_MAX 4
#define FLOW_NAME_MAX 32                /* an interface name or an MN-LL-ID */
#define FLOW_RULE_TEXT_MAX 400
#define FLOW_PRIO_DEFAULT 100
#define FLOW_CACHE_SLOTS 4096           /* power of two */

enum flow_mode {
	FLOW_MODE_ONE,                  /* target[0], else fallback target[1] */
	FLOW_MODE_ANY,                  /* one of target[] by weight, per flow */
};
const char *flow_mode_name(enum flow_mode m);

enum flow_origin {
	FLOW_ORIGIN_POLICY,             /* the operator's topology */
	FLOW_ORIGIN_MN,                 /* the MN's request (RFC 6089 options) */
	FLOW_ORIGIN_CTL,                /* the control socket / timeline */
};
const char *flow_origin_name(enum flow_origin o);

struct flow_target {
	char name[FLOW_NAME_MAX];
	uint16_t weight;                /* FLOW_MODE_ANY; >= 1 */
	uint8_t ref_len;                /* the owner's resolution of the name */
	uint8_t ref[8];                 /* (lmad: the MN-LL-ID) */
};

struct flow_rule {
	uint32_t id;                    /* unique in the table (RFC 6089 FID) */
	uint16_t prio;                  /* lower first (RFC 6089 FID-PRI) */
	struct in6_addr prefix;         /* the home network prefix it applies to */
	uint8_t plen;
	uint8_t mode;                   /* enum flow_mode */
	uint8_t origin;                 /* enum flow_origin */
	uint8_t n_target;               /* ANY: 0 = every session, weight 1 */
	struct flow_target target[FLOW_TARGET_MAX];
	struct flow_sel sel;
	uint64_t seq;                   /* order of addition */
	uint64_t hits;                  /* packets classified by it */
};

/* Parse the rule grammar above. id 0 = not given (the table assigns one).
 * 0, or -1 with *why naming the field. */
int flow_rule_parse(const char *text, struct flow_rule *r, const char **why);
/* The rule in the same grammar (with its id and prio). */
int flow_rule_format(const struct flow_rule *r, char *buf, size_t cap);

struct flow_tab;
struct flow_tab *flow_tab_new(const struct hash_key *key);
void flow_tab_free(struct flow_tab *t);

/* Add a copy of r (r->id 0: the next free id, written back). Refused, with
 * *why, and the table unchanged: an id in use; a rule of the same prefix
 * with the same prio whose selector overlaps (ambiguous order); a target
 * named twice; too many rules. 0 or -1. */
int flow_tab_add(struct flow_tab *t, struct flow_rule *r, const char **why);
/* Remove rule id. 0, or -1 if none. */
int flow_tab_del(struct flow_tab *t, uint32_t id);
const struct flow_rule *flow_tab_find(const struct flow_tab *t, uint32_t id);
size_t flow_tab_n_rules(const struct flow_tab *t);
/* The ids of prefix p/plen's rules in match order, at most max into ids;
 * returns how many it has. */
size_t flow_tab_prefix_rules(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen,
			     uint32_t *ids, size_t max);
/* Has prefix/plen any rule? (O(1)) */
bool flow_tab_has_prefix(const struct flow_tab *t, const struct in6_addr *p, uint8_t plen);

/* The first rule of prefix p/plen matching k, or NULL; *flow_hash gets the
 * flow's hash for flow_rule_pick. Counts a hit on the rule. */
const struct flow_rule *flow_tab_classify(struct flow_tab *t, const struct in6_addr *p,
					  uint8_t plen, const struct flow_key *k,
					  uint64_t *flow_hash);

/* FLOW_MODE_ANY: the index of the target this flow takes among those with
 * usable[i] (n = the number of candidates: n_target, or the caller's
 * session count when n_target is 0), by weight; -1 if none is usable.
 * The same flow_hash and usable set always give the same answer. */
int flow_rule_pick(const struct flow_rule *r, size_t n, const bool *usable,
		   uint64_t flow_hash);

/* FLOW_MODE_ANY with flow pinning: a flow's first packet takes the usable
 * candidate with the fewest flows per unit of weight (weighted round robin
 * over new flows, so a few big flows split as the weights say, which a
 * hash cannot promise), and the flow is pinned to it: later packets take
 * the same target while it is usable (no reordering inside a flow), else
 * it is pinned again. Pins are O(1) hash lookups; past FLOW_PINS_MAX flows
 * new ones fall back to flow_rule_pick (hash). -1 if none is usable. */
#define FLOW_PINS_MAX 65536
int flow_tab_pick(struct flow_tab *t, const struct flow_rule *r, const struct flow_key *k,
		  uint64_t flow_hash, size_t n, const bool *usable);
size_t flow_tab_n_pins(const struct flow_tab *t);

/* Every rule, by prefix (hash order) then match order. */
typedef void (*flow_rule_cb)(void *arg, const struct flow_rule *r);
void flow_tab_foreach(const struct flow_tab *t, flow_rule_cb cb, void *arg);

/* Counters for show and the bench. */
struct flow_tab_stats {
	uint64_t lookups, cache_hits, rule_walk_steps;
};
const struct flow_tab_stats *flow_tab_stats(const struct flow_tab *t);

#endif
