/*
 * bce.h - the binding model: mobility sessions and the prefixes they route
 * (RFC 5213 section 5.1 Binding Cache, extended for multihoming).
 *
 * Owns: the Binding Cache entries (one per mobility session), the mobile
 * nodes that hold them, the per-prefix route sets and dormant (backup)
 * routes, the deadline heap, and every lookup the LMA needs in O(1):
 *   - by MN-ID                                  (bce_find_mn)
 *   - by session key (MN-ID, MN-LL-ID, ATT, service, BID) (bce_find_session)
 *     The service is the RFC 5149 Service Selection identifier (none: the
 *     session of RFC 5213); several services make several sessions on one
 *     interface (problem statement section 2.1).
 *     The hash covers (MN-ID, MN-LL-ID, ATT, service) only: BIDs are chosen per
 *     MAG (RFC 5648 leaves the numbering to the sender), so after a handoff
 *     the same session comes back with another BID; any_bid finds it, and
 *     s->bid may be rewritten in place.
 *   - by prefix, exact match at its length      (bce_find_prefix)
 *   - by destination address (data plane)       (bce_lookup_addr)
 * Must not: decide protocol outcomes (that is the LMA engine's job), read
 * clocks, draw random numbers, do I/O.
 *
 * Model (doc/design.md "The binding model"):
 *   mobile node (MN-ID) 1--n session (interface key: MN-LL-ID, ATT, BID)
 *   session n--m prefix: a session holds a set of HNPs; a prefix is routed
 *   by an ordered set of sessions (route[0] is the downlink unless a dormant
 *   route is active), so one prefix may be shared by sessions of several
 *   interfaces (problem statement section 3), and several sessions may sit
 *   on one interface (different BIDs, section 2.1). Prefixes move between
 *   sessions, all of them (RFC 5213 handoff) or a subset (section 2.2).
 *   A session is never keyed by its Proxy-CoA: several interfaces of one MN
 *   may sit behind one MAG (section 4).
 *
 * Prefix lookup assumption: HNPs are looked up by exact match at the length
 * they were registered with. The data plane asks for an address; we try
 * each prefix length that is in use (a counter per length, normally only 64)
 * from the longest down, so the cost is O(number of distinct lengths).
 */
#ifndef PMIPEMU_BCE_H
#define PMIPEMU_BCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "hash.h"
#include "mh.h"

#define BCE_BID_NONE 0              /* RFC 5648 6.1: BID 0 is reserved */
#define BCE_NO_DEADLINE UINT64_MAX

/* Which protocol made a binding (problem statement appendix C): a proxy
 * binding (RFC 5213 PBU from a MAG) or the MN's own home registration (RFC
 * 6275 BU with the Home Address option; its one "prefix" is the home
 * address as a /128, its proxy_coa the care-of address). */
enum bce_kind {
	BCE_KIND_PROXY,
	BCE_KIND_HOME,
};
const char *bce_kind_name(enum bce_kind k);

enum bce_state {
	BCE_STATE_REGISTERED,       /* lifetime running, routes active */
	BCE_STATE_DEREGISTERED,     /* lifetime 0 accepted, kept for
				     * MinDelayBeforeBCEDelete (RFC 5213 5.3.5) */
};
const char *bce_state_name(enum bce_state s);

/* A lookup key: pointers into the caller's buffers. */
struct bce_key {
	const uint8_t *mn_id;
	uint8_t mn_id_len;
	const uint8_t *ll_id;       /* MN-LL-ID; len 0 = none (RFC 5213 5.4.1.3) */
	uint8_t ll_id_len;
	uint8_t att;                /* enum mh_att */
	const uint8_t *service;     /* RFC 5149 identifier; len 0 = none */
	uint8_t service_len;
	uint16_t bid;               /* BCE_BID_NONE when the PBU has no BID */
	bool any_bid;               /* lookups: match whatever BID the session has */
};

struct bce_session;

/* A home network prefix and the sessions that route it. */
struct bce_prefix {
	struct hash_node hn;
	struct in6_addr prefix;     /* host bits zero */
	uint8_t len;
	uint8_t n_route, cap_route;
	struct bce_session **route; /* ordered; route[0] is the primary */
	struct bce_session *route_inline[2];  /* route points here until full */
	struct bce_session *dormant;/* appendix D backup, may be NULL */
	bool dormant_active;        /* downlink switched to the dormant route */
};

struct bce_mn {
	struct hash_node hn;
	struct bce_session *sessions;   /* linked by mn_next, newest first */
	uint32_t n_session;
	uint8_t id_len;
	uint8_t id[];               /* MN-ID (NAI), not NUL-terminated */
};

struct bce_session {
	struct hash_node hn;        /* keyed by (MN-ID, MN-LL-ID, ATT, BID) */
	struct bce_session *mn_next;
	struct bce_mn *mn;
	uint64_t id;                /* session number, for humans and events */
	uint8_t ll_id_len;
	uint8_t ll_id[MH_LL_ID_MAX];
	uint8_t att;
	uint8_t service_len;        /* RFC 5149 Service Selection; 0 = none */
	uint8_t *service;           /* allocated only when present */
	uint8_t state;              /* enum bce_state */
	bool fresh;                 /* created, not registered yet (lma_state.c) */
	uint8_t kind;               /* enum bce_kind */
	uint16_t bid;
	uint16_t seq;               /* last accepted sequence number */
	bool has_timestamp;
	bool has_ll_addr;
	uint64_t timestamp;         /* last accepted RFC 5213 8.8 timestamp */
	struct in6_addr proxy_coa;  /* the MAG's address, tunnel peer */
	struct in6_addr ll_addr;    /* MAG link-local address (RFC 5213 6.8) */
	uint32_t lifetime_s;        /* granted */
	uint64_t registered_ns;     /* last accepted registration */
	uint64_t deadline_ns;       /* expiry or deletion; BCE_NO_DEADLINE */
	size_t heap_idx;
	uint8_t n_prefix, cap_prefix;   /* at most MH_HNP_MAX */
	struct bce_prefix **prefix;
	struct bce_prefix *prefix_inline[2];
	/* Appendix D: what this session's MAG was told by Handover Initiate
	 * (the LMA engine's, lma_fh.c): the backup session and its MAG. */
	uint64_t fh_backup_id;      /* 0 = nothing told */
	struct in6_addr fh_backup_coa;
	uint16_t fh_hi_seq;         /* the HI it answers with a HAck */
	bool fh_acked;
};

struct bce_cache;

/* hash_seed: the key for SipHash (drawn once by the daemon). */
struct bce_cache *bce_new(const struct hash_key *hash_seed);
void bce_free(struct bce_cache *bc);

struct bce_mn *bce_find_mn(const struct bce_cache *bc, const uint8_t *id, size_t len);
struct bce_session *bce_find_session(const struct bce_cache *bc, const struct bce_key *k);
/* Create a session (and its MN if new). NULL if it exists (errno EEXIST),
 * on a bad key (EINVAL) or out of memory (ENOMEM). */
struct bce_session *bce_session_add(struct bce_cache *bc, const struct bce_key *k);
/* Unbind every prefix, forget it as a dormant route, leave the deadline
 * heap, free; the MN goes with its last session. Prefixes left without
 * routes are freed. */
void bce_session_del(struct bce_cache *bc, struct bce_session *s);

/* ---- prefixes ------------------------------------------------------------ */
struct bce_prefix *bce_find_prefix(const struct bce_cache *bc,
				   const struct in6_addr *p, uint8_t len);
/* The registered prefix that covers addr (data plane), or NULL. */
struct bce_prefix *bce_lookup_addr(const struct bce_cache *bc, const struct in6_addr *addr);
/* Add s as a route of prefix p/len (created if new), at the end of the
 * route set. 0, or -1 with errno (ENOSPC: session already holds
 * MH_HNP_MAX prefixes; EINVAL: bad length; ENOMEM). Binding twice is a no-op. */
int bce_prefix_bind(struct bce_cache *bc, struct bce_session *s,
		    const struct in6_addr *p, uint8_t len);
/* Remove s from the route set of pfx; pfx is freed when no route is left
 * (a dormant route backs a routed prefix, it does not keep one alive). */
void bce_prefix_unbind(struct bce_cache *bc, struct bce_session *s, struct bce_prefix *pfx);
/* Move pfx from session from to session to, keeping its place in the route
 * order (a handoff of that prefix). 0, or -1 (ENOENT: from does not route
 * it; ENOSPC: to is full). If to already routes it, from is just removed. */
int bce_prefix_move(struct bce_cache *bc, struct bce_prefix *pfx,
		    struct bce_session *from, struct bce_session *to);
bool bce_session_has_prefix(const struct bce_session *s, const struct bce_prefix *pfx);
/* Is s the session of this service (RFC 5149 identifier; len 0 = none)? */
bool bce_session_service_is(const struct bce_session *s, const uint8_t *svc, size_t len);

/* The session that gets downlink packets for pfx: the dormant route when
 * activated, else the first REGISTERED route; NULL = drop. */
struct bce_session *bce_prefix_downlink(const struct bce_prefix *pfx);
/* Appendix D fast handover: a backup route per prefix. */
void bce_prefix_set_dormant(struct bce_prefix *pfx, struct bce_session *s);
int bce_prefix_activate_dormant(struct bce_prefix *pfx);   /* -1: none set */
void bce_prefix_restore(struct bce_prefix *pfx);           /* back to route[0] */

/* ---- deadlines: a binary min-heap, O(log n) ------------------------------- */
void bce_set_deadline(struct bce_cache *bc, struct bce_session *s, uint64_t deadline_ns);
/* Earliest deadline, or BCE_NO_DEADLINE. */
uint64_t bce_next_deadline(const struct bce_cache *bc);
/* A session whose deadline is <= now_ns, or NULL. */
struct bce_session *bce_expired(const struct bce_cache *bc, uint64_t now_ns);

/* ---- walking and size ------------------------------------------------------ */
typedef void (*bce_session_cb)(void *arg, const struct bce_session *s);
void bce_foreach_session(const struct bce_cache *bc, bce_session_cb cb, void *arg);
/* A page of that walk: whole hash buckets from `bucket` on, until at least
 * max sessions were passed to cb (or the end). Returns the bucket the next
 * page starts at, bce_session_buckets() when there is none: a cursor that
 * costs O(page), not a walk from the start. A session added or removed
 * between pages, or a growth of the table, may make it missed or seen
 * twice; a listing that must be exact takes one page. */
size_t bce_foreach_session_from(const struct bce_cache *bc, size_t bucket, size_t max,
				bce_session_cb cb, void *arg);
size_t bce_session_buckets(const struct bce_cache *bc);
size_t bce_n_sessions(const struct bce_cache *bc);
size_t bce_n_mns(const struct bce_cache *bc);
size_t bce_n_prefixes(const struct bce_cache *bc);
/* Bytes allocated by the cache (structs, arrays, bucket arrays; not the
 * allocator's own overhead). The bench divides it by bce_n_sessions(). */
size_t bce_mem_bytes(const struct bce_cache *bc);

/* Prefix helpers (pure). */
void bce_prefix_mask(struct in6_addr *a, uint8_t len);
bool bce_prefix_covers(const struct in6_addr *p, uint8_t len, const struct in6_addr *a);

#endif
