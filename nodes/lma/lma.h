/*
 * lma.h - the Local Mobility Anchor engine (RFC 5213 section 5) and its
 * data-plane lookups.
 *
 * Owns: PBU validation and status codes (5.3.1, 5.5), Binding Cache entry
 * lookup and the Handoff Indicator rules (5.4.1), registration, refresh,
 * handoff and deregistration (5.3.2-5.3.5), prefix allocation, combined PBUs
 * (several session groups, see nodes/pmip/mh.h), dormant routes (appendix D
 * fast handover), timers, statistics. Must not: do I/O, read clocks, log:
 * every input comes with now_ns and every effect leaves as an action that
 * lma_io.c carries out.
 */
#ifndef PMIPEMU_LMA_H
#define PMIPEMU_LMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pmip/bce.h"
#include "pmip/flow_tab.h"
#include "pmip/mh.h"
#include "pmip/mh_auth.h"

struct topo_node;

/* RFC 6275 6.1.8 status codes the LMA also needs (the codec's enum lists
 * the PMIPv6 ones). */
#define LMA_STATUS_INSUFFICIENT_RESOURCES 130
#define LMA_STATUS_SEQ_OUT_OF_WINDOW      135
/* RFC 6275 6.1.8 for home registrations (appendix C, lma_home.c). */
#define LMA_STATUS_HOME_REG_NOT_SUPPORTED 131
#define LMA_STATUS_NOT_HOME_SUBNET        132
#define LMA_STATUS_NOT_HA_FOR_THIS_MN     133
/* RFC 5648 (section 9, IANA; from memory, see doc/protocol.md): a BID the
 * home agent will not bind (here: held by the MN's proxy binding). */
#define LMA_STATUS_MCOA_PROHIBITED        166
/* Name of any status the LMA sends: pba_status_name() plus the above. */
const char *lma_status_name(unsigned status);

/* RFC 5213 9.1 / 9.3 defaults. */
#define LMA_MIN_DELAY_BEFORE_BCE_DELETE_NS   10000000000ULL  /* 10 s */
#define LMA_MAX_DELAY_BEFORE_NEW_BCE_ASSIGN_NS 1500000000ULL /* 1.5 s */
#define LMA_TIMESTAMP_VALIDITY_WINDOW_NS       300000000ULL  /* 300 ms */
#define LMA_MAX_LIFETIME_S                     65535u * 4u   /* RFC 6275 6.1.7 */

#define LMA_SERVICE_MAX 64              /* octets of a profile's service name */

/* An MN policy profile as the LMA sees it (RFC 5213 section 6.2). Profiles
 * are per interface: several may share an MN-ID, one per MN-LL-ID. */
struct lma_policy {
	char mn_id[128];
	bool has_ll_id;
	uint8_t ll_id[6];
	uint8_t att;                    /* 0 = any */
	char iface[32];                 /* the MN's interface name (flow targets) */
	/* RFC 5149 Service Selection: this profile serves PBUs naming this
	 * service (section 2.1); len 0 = PBUs without the option. */
	uint8_t service_len;
	char service[LMA_SERVICE_MAX];
	uint8_t n_hnp;                  /* static HNPs; none = from the pool */
	struct mh_prefix hnp[MH_HNP_MAX];
	/* The MN is anchored at another LMA: PBUs for it are answered with
	 * NOT_LMA_FOR_THIS_MOBILE_NODE (153). The topology cannot say this
	 * yet; the engine and its tests can. */
	bool has_lma_addr;
	struct in6_addr lma_addr;
};

struct lma_config {
	struct in6_addr lmaa;           /* our address (LMAA) */
	struct in6_addr *mags;          /* authorized Proxy-CoAs (5.3.1) */
	struct mh_auth_key *mag_keys;   /* their RFC 4285 keys (n_mags), or NULL */
	size_t n_mags;
	struct mh_prefix pool;          /* prefix pool, e.g. 2001:db8:100::/48 */
	uint8_t pool_plen;              /* allocated length, e.g. 64 */
	struct lma_policy *policies;
	size_t n_policies;
	bool use_timestamps;            /* 5.5: timestamps, else sequence numbers */
	bool fast_handover;             /* appendix D dormant route activation */
	bool fast_handover_return;      /* traffic returns when the first
					 * interface re-registers */
	bool revocation;                /* RFC 5846: BRI to the previous MAG */
	/* Appendix C: also a home agent (RFC 6275 home registrations), and
	 * whether proxy and client bindings are told apart by BIDs (RFC 5648)
	 * or a PBU overwrites the client binding as RFC 5213 alone would. */
	bool home_agent;
	bool bids;
	bool prefix_update;             /* section 2.2 (a)/(b): an HI 5 PBU may
					   change its session's prefix set
					   (lma_prefix_set.c); off = RFC 5213's 159 */
	uint64_t heartbeat_ns;          /* RFC 5847: the MAGs' interval (show) */
	unsigned heartbeat_missed;      /* MissingHeartbeatsAllowed (show) */
	uint32_t restart_counter;       /* ours, RFC 5847 6.1: new every start */
	uint64_t min_delay_before_bce_delete_ns;
	uint64_t max_delay_before_new_bce_assign_ns;
	uint64_t timestamp_validity_window_ns;
	uint32_t max_lifetime_s;        /* granted lifetime cap */
	struct hash_key hash_seed;      /* binding cache hashing key */
	struct flow_rule *flows;        /* operator flow policy (section 3) */
	size_t n_flows;
};

/* Defaults (RFC 5213 constants, sequence-number mode, no MAGs, no pool). */
void lma_config_init(struct lma_config *c);
/* From the <pmip> element of an lma node. Allocates mags/policies (free
 * with lma_config_fini). 0, or -1 with *why. */
int lma_config_from_topo(struct lma_config *c, const struct topo_node *n,
			 const char **why);
void lma_config_fini(struct lma_config *c);

/* ---- actions ------------------------------------------------------------ */
enum lma_action_type {
	LMA_ACT_SEND_PBA,       /* mh_encode(pba.msg) and send to pba.dst; also
				 * the appendix D Handover Initiate (type 14) */
	LMA_ACT_ROUTE_ADD,      /* prefix is routed to the tunnel (peer: Proxy-CoA) */
	LMA_ACT_ROUTE_DEL,      /* prefix no longer routed */
	LMA_ACT_TIMER_SET,      /* next deadline (BCE_NO_DEADLINE = none) */
	LMA_ACT_EVENT,          /* event.json: one JSON object */
	LMA_ACT_LOG,            /* event.json: a line for the debug log (lmad -d) */
};
const char *lma_action_type_name(enum lma_action_type t);

enum lma_event {
	LMA_EV_PBU_RECEIVED,
	LMA_EV_PBA_SENT,
	LMA_EV_BCE_CREATED,
	LMA_EV_BCE_REFRESHED,
	LMA_EV_BCE_HANDOFF,
	LMA_EV_BCE_DEREGISTERED,
	LMA_EV_BCE_DELETED,
	LMA_EV_BCE_PENDING,             /* waiting MaxDelayBeforeNewBCEAssign */
	LMA_EV_BCE_DORMANT_ACTIVATED,
	LMA_EV_BCE_DORMANT_RESTORED,
	LMA_EV_DORMANT_INSTALLED,       /* appendix D: backup set, HI sent */
	LMA_EV_HACK_RECEIVED,           /* a MAG acknowledged (or refused) an HI */
	LMA_EV_BRI_SENT,                /* RFC 5846: a binding revoked at a MAG */
	LMA_EV_BRA_RECEIVED,            /* the MAG's acknowledgement */
	LMA_EV_BRI_RECEIVED,            /* a MAG revoked bindings (bulk: G flag) */
	LMA_EV_MAG_RESTARTED,           /* RFC 5847: a MAG's new Restart Counter */
	LMA_EV_BRI_UNANSWERED,          /* RFC 5846: no BRA after the retries */
	LMA_EV_FLOW_ADDED,              /* a flow rule entered the flow table */
	LMA_EV_FLOW_REMOVED,
	LMA_EV_FLOW_REFUSED,            /* an MN's Flow Identification option refused */
	LMA_EV_BU_RECEIVED,             /* appendix C: a home registration */
	LMA_EV_BA_SENT,
	LMA_EV_BCE_OVERWRITTEN,         /* a PBU without BID replaced a home binding */
	LMA_EV_BID_COLLISION,           /* an MN's BID is held by a proxy binding */
	LMA_EV_BID_ASSIGNED,            /* the LMA/HA generated a proxy binding's BID */
	LMA_EV_UPN_SENT,                /* section 2.2: RFC 7077 to a MAG */
	LMA_EV_UPA_RECEIVED,            /* its acknowledgement */
	LMA_EV_UPN_UNANSWERED,          /* no UPA after the retries */
};
const char *lma_event_name(enum lma_event e);   /* "pbu_received", ... */

#define LMA_EVENT_JSON_MAX 1024

struct lma_action {
	enum lma_action_type type;
	union {
		struct {
			struct in6_addr dst;
			struct mh_msg msg;
			/* a BA to a mobile node: type 2 Routing Header with
			 * its home address (RFC 6275 6.4, 9.5.4) */
			bool has_rh2;
			struct in6_addr home_addr;
		} pba;
		struct {
			struct mh_prefix prefix;
			struct in6_addr peer;
		} route;
		uint64_t deadline_ns;
		struct {
			enum lma_event ev;
			char json[LMA_EVENT_JSON_MAX];
		} event;
	};
};

struct lma_actions {
	struct lma_action *v;
	size_t n, cap;
	bool overflow;                  /* an action was lost (out of memory) */
};
void lma_actions_init(struct lma_actions *a);
void lma_actions_clear(struct lma_actions *a);  /* n = 0, keep the memory */
void lma_actions_fini(struct lma_actions *a);

/* ---- statistics ------------------------------------------------------------ */
enum lma_drop {
	LMA_DROP_NO_BINDING,            /* downlink: no prefix for the destination */
	LMA_DROP_DEREGISTERED,          /* downlink: no registered route */
	LMA_DROP_WRONG_PROXY_COA,       /* uplink: outer src is not the MN's MAG (5.6.2) */
	LMA_DROP_UNKNOWN_SOURCE,        /* uplink: inner src has no binding */
	LMA_DROP_MAX
};
const char *lma_drop_name(enum lma_drop d);

struct lma_stats {
	uint64_t pbu_received;
	uint64_t pbu_not_proxy;         /* BU without the P flag */
	uint64_t pba_sent;
	uint64_t pba_status[256];
	uint64_t groups_accepted, groups_rejected;
	uint64_t sessions_created, sessions_deleted, handoffs, refreshes;
	uint64_t set_changes;            /* section 2.2 (a)/(b), lma_prefix_set.c */
	uint64_t deregistrations, stale_deregistrations, pending_waits;
	uint64_t dormant_activations;
	uint64_t hi_sent, hack_received, hack_refused, hack_unmatched;
	uint64_t bri_sent, bra_received, bri_received, revoked;   /* RFC 5846 */
	uint64_t bri_retx, bri_unanswered;
	uint64_t upn_sent, upa_received, upa_unmatched;  /* RFC 7077 (lma_upn.c) */
	uint64_t upn_retx, upn_unanswered;
	uint64_t hb_received, hb_answered, hb_unknown_peer, mag_restarts; /* RFC 5847 */
	uint64_t drops[LMA_DROP_MAX];
	uint64_t downlink_pkts, uplink_pkts;
	uint64_t flow_routed;           /* downlink packets a flow rule steered */
	uint64_t flow_fallback;         /* ... to its fallback target */
	uint64_t flow_unrouted;         /* a rule matched, no target usable: default route */
	uint64_t bu_home_received, ba_home_sent;        /* appendix C */
	uint64_t home_created, home_refreshed, home_deregistered, home_rejected;
	uint64_t home_overwritten, bid_collisions, bids_assigned;
	uint64_t flow_refused;          /* MN Flow Identification options answered != 0 */
	uint64_t flow_withdrawn;        /* MN flow bindings a PBU no longer named */
};

/* ---- the engine ------------------------------------------------------------- */
struct lma;

/* RFC 5846: revoke every binding of the MN (Administrative Reason): a BRI
 * to each session's MAG, the session deleted with its routes. Returns the
 * number of sessions revoked. */
int lma_revoke_mn(struct lma *l, const uint8_t *mn_id, size_t len, uint64_t now_ns,
		  struct lma_actions *out);

/* Section 2.2, network-initiated (lma_upn.c): the MN interface ll_id (its
 * registered session without a service) is to get (ADD) new prefixes,
 * lose (REMOVE) some, not all, of its own, or take over (MOVE) prefixes
 * the MN holds on another interface. Checked here, then told to the
 * interface's MAG with an RFC 7077 Update Notification (reason
 * FLOW-MOBILITY, RFC 7864) naming the set it is to hold; the MAG's PBU
 * does the change. -1 with *why, nothing sent. */
enum lma_prefix_op { LMA_PREFIX_ADD, LMA_PREFIX_REMOVE, LMA_PREFIX_MOVE };
int lma_prefix_notify(struct lma *l, const uint8_t ll_id[6], enum lma_prefix_op op,
		      const struct mh_prefix *p, unsigned n, uint64_t now_ns,
		      struct lma_actions *out, const char **why);
/* A MAG's Update Notification Acknowledgement. 0, -1 when unmatched. */
int lma_input_upa(struct lma *l, const struct in6_addr *src, const struct mh_msg *upa,
		  struct lma_actions *out);

/* Copies the configuration. NULL with *why. */
struct lma *lma_new(const struct lma_config *c, const char **why);
void lma_free(struct lma *l);

/* A Mobility Header message received from src (the Proxy-CoA, i.e. the
 * PBU's source address). realtime_ns is the wall clock, for RFC 5213 5.5
 * timestamps. A Handover Acknowledge (appendix D) goes to lma_input_hack.
 * Returns 0, or -1 if the message is neither a BU nor a HAck (ignored). */
/* Appendix C: a Binding Update of the MN itself (no P flag) from src (its
 * care-of address) carrying the Home Address option hoa (RFC 6275 9.5.1,
 * 10.3.1; RFC 5648 BIDs). Answered with a BA carrying a type 2 RH. 0, or
 * -1 if bu is not a BU. */
int lma_input_bu_home(struct lma *l, const struct in6_addr *src, const struct in6_addr *hoa,
		      const struct mh_msg *bu, uint64_t now_ns, struct lma_actions *out);

/* A PBU from src. realtime_ns: the LMA's clock (CLOCK_REALTIME) when the
 * PBU arrived, against which RFC 5213 5.5 checks its timestamp. */
int lma_input_pbu(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		  uint64_t now_ns, uint64_t realtime_ns, struct lma_actions *out);
/* Appendix D: a MAG's Handover Acknowledge of our Handover Initiate
 * (doc/protocol.md "Appendix D"). 0, or -1 when it matches no HI sent. */
int lma_input_hack(struct lma *l, const struct in6_addr *src, const struct mh_msg *hack,
		   struct lma_actions *out);

/* Run every deadline <= now_ns (BCE expiry, MinDelayBeforeBCEDelete,
 * MaxDelayBeforeNewBCEAssign). */
void lma_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out);
/* The earliest deadline, or BCE_NO_DEADLINE. */
uint64_t lma_next_deadline(const struct lma *l);

/* ---- data plane (RFC 5213 5.6) ------------------------------------------------ */
/* Downlink: the Proxy-CoA to tunnel a packet for dst to, or NULL (dropped
 * and counted). O(1): the dst's registered prefix is found by hash. */
const struct in6_addr *lma_downlink_peer(struct lma *l, const struct in6_addr *dst);
/* The same for a packet's flow key: the flow table (section 3, appendix B)
 * may send a flow of a shared prefix to another of its sessions. */
const struct in6_addr *lma_downlink_peer_flow(struct lma *l, const struct flow_key *k);

/* ---- flow table (problem statement section 3, appendix B) ------------------- */
/* Add rule r (flow_tab.h) from origin. Refused with *why and nothing
 * changed: a prefix no MN holds (static HNP or binding), a target that is
 * not one of that MN's interfaces (profile iface name or MN-LL-ID), and the
 * table's own refusals (overlap, id in use). r->id gets the id. 0 or -1. */
int lma_flow_add(struct lma *l, struct flow_rule *r, enum flow_origin origin,
		 const char **why, struct lma_actions *out);
/* Remove rule id. 0, or -1 if none. */
int lma_flow_del(struct lma *l, uint32_t id, struct lma_actions *out);
const struct flow_tab *lma_flows(const struct lma *l);
/* A flow_added event for every rule in the table (the operator's policy,
 * loaded by lma_new before there was anyone to tell): lmad calls it once
 * its event socket is open, so every rule is in events.jsonl. */
void lma_flow_announce(const struct lma *l, struct lma_actions *out);
/* "show flows": every rule with its hits and the sessions its targets
 * resolve to now. Length written, or -1 if it does not fit. */
int lma_show_flows(const struct lma *l, char *out, size_t cap);
/* Uplink: 0 if the outer source is a Proxy-CoA bound to the inner source's
 * prefix (5.6.2), else -1 (dropped and counted). */
int lma_uplink_check(struct lma *l, const struct in6_addr *outer_src,
		     const struct in6_addr *inner_src);

/* ---- inspection ------------------------------------------------------------- */
const struct lma_stats *lma_stats(const struct lma *l);
struct bce_cache *lma_bce(const struct lma *l);
/* Control socket answers (JSON text, NUL-terminated, truncated to cap):
 * "show bindings" and "show stats". Return the length written, or -1. */
int lma_show_bindings(const struct lma *l, uint64_t now_ns, char *out, size_t cap);
/* "show bindings from N": a page from the N-th session; the answer's "next"
 * names the following page's N, null on the last. */
#define LMA_SHOW_PAGE_MAX 128
int lma_show_bindings_from(const struct lma *l, uint64_t now_ns, size_t from,
			   char *out, size_t cap);
int lma_show_stats(const struct lma *l, char *out, size_t cap);
/* RFC 5847: one JSON object per authorized MAG (comma-separated, no
 * brackets): heard, path_up, silent_ms, restart_counter. Returns length. */
uint32_t lma_config_restart_counter(const struct lma *l);
size_t lma_hb_peers_json(const struct lma *l, uint64_t now_ns, char *out, size_t cap);

/* ---- RFC 4285 authentication of the MAGs' signalling (lma_auth.c) ---- */

/* The key of the MAG at mag, NULL when it has none (not authenticated). */
const struct mh_auth_key *lma_auth_key(const struct lma_config *c,
				       const struct in6_addr *mag);
/* A message from src as received (Header Len octets): MH_AUTH_OK when src
 * has no key, else mh_auth_verify's verdict. */
enum mh_auth_verdict lma_auth_check(const struct lma_config *c, const struct in6_addr *src,
				    const uint8_t *mh, size_t len);
/* Sign an encoded message for dst when dst has a key: the new length, len
 * when it has none, -1 with *why. */
int lma_auth_sign(const struct lma_config *c, const struct in6_addr *dst,
		  uint8_t *buf, size_t len, size_t cap, const char **why);

#endif
