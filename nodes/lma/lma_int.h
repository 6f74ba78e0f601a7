/*
 * lma_int.h - the LMA engine's insides, shared by its pure files
 * (lma_engine.c, lma_handoff.c, lma_alloc.c, lma_act.c, lma_config.c,
 * lma_dataplane.c, lma_show.c). Not for lma_io.c or other modules.
 */
#ifndef PMIPEMU_LMA_INT_H
#define PMIPEMU_LMA_INT_H

#include "lma.h"

/* PBUs held for MaxDelayBeforeNewBCEAssign (RFC 5213 5.4.1.x, HI = 4). */
#define LMA_PENDING_MAX 64

/* RFC 5846 BRIs kept for retransmission; more at once are sent once. */
#define LMA_BRI_MAX 32
#define LMA_BRI_TIMEOUT_NS 1000000000ULL   /* first retransmission, doubling */
#define LMA_BRI_RETRIES 2                  /* then the binding is left to expire */
#define LMA_UPN_MAX 8                      /* outstanding Update Notifications */

/* MN flow bindings (RFC 6089 FIDs, per MN-ID) in the flow table. */
#define LMA_MN_FID_MAX 64

struct lma_mn_fid {
	bool used;
	uint16_t fid;
	struct in6_addr via;            /* Proxy-CoA of the MAG that asked last */
	uint32_t rule_id;               /* its flow_tab rule, origin "mn" */
	uint8_t mn_id_len;
	uint8_t mn_id[MH_MN_ID_MAX];
};

struct lma_pending {
	bool used;
	struct in6_addr src;
	uint64_t deadline_ns;
	uint64_t realtime_ns;
	struct mh_msg pbu;
};

/* What heartbeats told about one authorized MAG (RFC 5847). */
struct lma_peer {
	bool heard;
	uint32_t restart_counter;
	uint64_t last_ns;               /* last request */
};

struct lma {
	struct lma_config cfg;
	struct bce_cache *bc;
	struct lma_stats st;
	struct lma_pending pend[LMA_PENDING_MAX];
	uint64_t pool_next;             /* next pool slot to try */
	uint64_t announced_ns;          /* last TIMER_SET deadline */
	uint16_t hi_seq;                /* appendix D Handover Initiate */
	uint16_t br_seq;                /* RFC 5846 BRI sequence number */
	uint16_t upn_seq;               /* RFC 7077 UPN sequence number */
	struct lma_upn {                /* UPNs awaiting their UPA (lma_upn.c) */
		bool used;
		unsigned retx;
		uint64_t deadline_ns;   /* next retransmission */
		struct in6_addr dst;
		struct mh_msg msg;
	} upn[LMA_UPN_MAX];
	uint64_t now_ns;                /* the input being processed */
	struct lma_bri {                /* BRIs waiting for their BRA */
		bool used;
		unsigned retx;
		uint64_t deadline_ns;
		struct in6_addr dst;
		struct mh_msg msg;
	} bri[LMA_BRI_MAX];
	struct lma_peer *peers;         /* one per cfg.mags entry */
	struct lma_policy_index *pidx;  /* profiles by MN-ID and static HNP */
	struct flow_tab *flows;         /* section 3 flow rules, by prefix */
	struct lma_mn_fid mn_fid[LMA_MN_FID_MAX];  /* lma_flow_mn.c */
};

/* What 5.4.1 decided for one session group. */
enum lma_plan {
	LMA_PLAN_REJECT,                /* status says why */
	LMA_PLAN_NEW,                   /* new mobility session (5.3.2) */
	LMA_PLAN_UPDATE,                /* refresh or handoff of s (5.3.3) */
	LMA_PLAN_MOVE,                  /* prefixes move to the PBU's interface */
	LMA_PLAN_DEREG,                 /* lifetime 0 for s (5.3.5) */
	LMA_PLAN_NOOP_DEREG,            /* lifetime 0, nothing (left) to remove */
	LMA_PLAN_WAIT,                  /* hold the PBU (MaxDelayBeforeNewBCEAssign) */
	LMA_PLAN_SET,                   /* s's prefix set changes (section 2.2 a/b) */
};
const char *lma_plan_name(enum lma_plan p);

struct lma_group_ctx {
	const struct mh_group *g;       /* PBU's group */
	struct bce_key key;             /* (MN-ID, MN-LL-ID, ATT, BID) */
	uint8_t n_req;                  /* non-zero HNPs requested */
	struct mh_prefix req[MH_HNP_MAX];
	enum lma_plan plan;
	uint8_t status;
	struct bce_session *s;          /* UPDATE/DEREG: the entry; MOVE: target or NULL */
	struct bce_session *ref;        /* entry whose timestamp/seq to compare */
	bool force_new;                 /* MaxDelayBeforeNewBCEAssign expired */
	struct bce_session *handoff_from; /* a pending PBU after a deregistration */
};

/* lma_handoff.c: RFC 5213 5.4.1 decision, then applying it. */
void lma_decide(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		struct lma_group_ctx *c);
/* Carry out c->plan. Sets c->s and c->status. */
void lma_apply(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
	       struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out);
void lma_apply_fh(struct lma *l, const struct lma_group_ctx *c, struct lma_actions *out);
/* UPDATE as a refresh or handoff of c->s (5.3.3). */
void lma_apply_update(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		      struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out);
/* lma_prefix_set.c: section 2.2 (a)/(b), an HI 5 PBU of s naming another
 * set: some of s's prefixes and/or new ones no session routes. */
bool lma_set_change_fits(const struct lma *l, const struct lma_group_ctx *c,
			 const struct bce_session *s);
void lma_apply_set_change(struct lma *l, const struct in6_addr *src,
			  const struct mh_msg *pbu, struct lma_group_ctx *c,
			  uint64_t now_ns, struct lma_actions *out);
/* Delete s with its routes (reason for the event). */
void lma_session_delete(struct lma *l, struct bce_session *s, const char *reason,
			struct lma_actions *out);

/* lma_fh.c: appendix D fast handover, dormant routes installed beforehand. */
/* s has just been (re-)registered: pair it with the MN's other session
 * (dormant routes both ways) and tell both MAGs (Handover Initiate). */
void lma_fh_install(struct lma *l, struct bce_session *s, struct lma_actions *out);
/* s was deregistered: its MAG forgets what it was told. */
void lma_fh_forget(struct bce_session *s);
/* The session that backs s up: its prefixes' dormant route, else the MN's
 * newest other registered session; NULL when none. */
struct bce_session *lma_fh_backup(const struct bce_session *s);

/* lma_revoke.c: Binding Revocation (RFC 5846). */
/* What a MOVE took from where, for the revocation at the previous MAG. */
struct lma_moved {
	uint8_t n;
	struct bce_session *from[MH_HNP_MAX];
	struct mh_prefix prefix[MH_HNP_MAX];
};
void lma_note_moved(struct lma_moved *mv, struct bce_session *f, const struct bce_prefix *x);
/* A BRI to each previous MAG (another Proxy-CoA than src) that still held
 * a registered binding for prefixes that moved to t. */
void lma_revoke_moved(struct lma *l, const struct in6_addr *src,
		      const struct bce_session *t, const struct lma_moved *mv,
		      struct lma_actions *out);
/* Tell s's MAG (its Proxy-CoA) that the binding of the n prefixes hnp (all
 * of s's when n is 0) is revoked, for trigger. */
void lma_revoke_send(struct lma *l, const struct bce_session *s, const struct mh_prefix *hnp,
		     uint8_t n, uint8_t trigger, struct lma_actions *out);
int lma_input_br(struct lma *l, const struct in6_addr *src, const struct mh_msg *m,
		 struct lma_actions *out);
/* Retransmit the BRIs that are due (lma_timer); the earliest deadline. */
void lma_revoke_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out);
uint64_t lma_revoke_deadline(const struct lma *l);
/* lma_upn.c: Update Notifications unanswered are sent again (the BRI's
 * timeout and retries), then given up with an event. */
uint64_t lma_upn_deadline(const struct lma *l);
void lma_upn_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out);

/* lma_home.c: appendix C, what the proxy side does about home bindings.
 * After lma_decide: with BIDs on, give the group a BID of the LMA/HA's own
 * when it has none or a home binding holds it (kept across refreshes). */
void lma_home_proxy_bid(struct lma *l, struct lma_group_ctx *c, struct lma_actions *out);
/* After lma_apply: with BIDs off, the proxy binding overwrites the home
 * bindings its prefixes cover (RFC 5213 alone, the appendix's problem). */
void lma_home_after_proxy(struct lma *l, const struct lma_group_ctx *c,
			  struct lma_actions *out);

/* lma_hb.c: Heartbeat (RFC 5847). */
int lma_input_hb(struct lma *l, const struct in6_addr *src, const struct mh_msg *m,
		 uint64_t now_ns, struct lma_actions *out);

/* lma_flow.c: section 3 flow routing over a shared prefix. */
#define BCE_ROUTE_PICK_MAX 8            /* sessions a weighted rule picks among */
/* The session a rule sends k (a downlink packet of prefix x) to; NULL = no
 * rule, or no usable target: the prefix's own downlink applies. */
const struct bce_session *lma_flow_downlink(struct lma *l, const struct bce_prefix *x,
					    const struct flow_key *k);
/* The registered route of x on the interface t was resolved to, or NULL. */
const struct bce_session *lma_flow_route(const struct bce_prefix *x,
					 const struct flow_target *t);

/* lma_flow_mn.c: a PBU's RFC 6089 Flow Identification options (the MN's
 * preferences via its MAG): applied when the PBU was accepted (own: its
 * accepted sessions), each echoed in pba with its status. */
void lma_flow_pbu(struct lma *l, const struct mh_msg *pbu, struct bce_session *const *own,
		  size_t n_own, bool accepted, struct mh_msg *pba, struct lma_actions *out);
/* s is being deleted: its MN's rules that could send to no other of its
 * sessions go with it (flow_removed). */
void lma_flow_mn_forget(struct lma *l, const struct bce_session *s, struct lma_actions *out);
#define LMA_FLOW_DONT_MIND_PRIO 1000    /* + FID-PRI: after the operator's rules */

/* lma_alloc.c: policy profiles and prefixes. */
/* lma_policy.c: the profile index. */
struct lma_policy_index;
struct lma_policy_index *lma_policy_index_new(const struct lma_config *c);
void lma_policy_index_free(struct lma_policy_index *x);
/* Next profile of this MN-ID (start with *cursor = NULL), or NULL. */
const struct lma_policy *lma_policy_next(const struct lma *l, const uint8_t *mn_id,
					 size_t len, const void **cursor);
/* A static HNP of any profile: never handed out from the pool. */
bool lma_prefix_reserved(const struct lma *l, const struct in6_addr *p, uint8_t len);

const struct lma_policy *lma_policy_find(const struct lma *l, const struct bce_key *k);
/* RFC 5149 4.2: a PBU naming a service needs a profile of the MN for it. */
bool lma_service_authorized(const struct lma *l, const struct bce_key *k);
bool lma_policy_any(const struct lma *l, const uint8_t *mn_id, size_t len);
/* Is p/len one of this MN's static HNPs? */
bool lma_prefix_authorized(const struct lma *l, const uint8_t *mn_id, size_t len,
			   const struct mh_prefix *p);
/* Bind the prefixes a new session gets: the profile's static HNPs, else one
 * from the pool. 0, or -1 with *status (130 pool exhausted, 128 other). */
int lma_alloc_prefixes(struct lma *l, struct bce_session *s, const struct lma_policy *pol,
		       uint8_t *status);
bool lma_prefix_is_zero(const struct mh_prefix *p);
/* A pool-sized prefix of the pool that no profile reserves: a MAG that
 * registers one no session holds (after an LMA restart, RFC 5847) gets it. */
bool lma_prefix_in_pool(const struct lma *l, const struct mh_prefix *p);

/* lma_handoff.c: plan a rejection of the group with status. */
void lma_reject(struct lma_group_ctx *c, uint8_t status);

/* lma_check.c: a PBU's checks (RFC 5213 5.3.1, 5.5); each returns a PBA
 * status, 0 when the PBU passes. Common: every group at once, in the
 * RFC's order (realtime_ns: the LMA's clock when the PBU arrived). Group:
 * the options a session group must carry. Order: the group's timestamp
 * or sequence number against the entry it updates (c->ref). */
uint8_t lma_check_common(struct lma *l, const struct in6_addr *src,
			 const struct mh_msg *pbu, uint64_t realtime_ns);
uint8_t lma_check_group(const struct mh_group *g);
uint8_t lma_check_order(const struct lma *l, const struct in6_addr *src,
			const struct mh_msg *pbu, const struct lma_group_ctx *c);

/* lma_act.c: building actions and events. */
void lma_act_pba(struct lma *l, struct lma_actions *a, const struct in6_addr *dst,
		 const struct mh_msg *pba);
void lma_act_send_mh(struct lma_actions *a, const struct in6_addr *dst,
		     const struct mh_msg *m);
void lma_act_route(struct lma_actions *a, enum lma_action_type t,
		   const struct bce_prefix *x, const struct in6_addr *peer);
void lma_act_routes(struct lma_actions *a, const struct bce_session *s);
void lma_act_timer(struct lma *l, struct lma_actions *a);
void lma_act_event(struct lma_actions *a, enum lma_event ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void lma_act_log(struct lma_actions *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* lma_state.c: the one transition function of an entry: state, lifetime
 * (0 when deregistered), deadline; logs old -> new (why). */
void lma_session_set_state(struct lma *l, struct bce_session *s, enum bce_state to,
			   uint64_t deadline_ns, struct lma_actions *out, const char *why);
/* "mn_id":"..","ll_id":"..",... of a session, for events. */
const char *lma_session_fields(const struct bce_session *s, char *buf, size_t len);
void lma_json_str(char *out, size_t cap, const uint8_t *s, size_t len);
void lma_fmt_ll_id(char *out, size_t cap, const uint8_t *ll, size_t len);
void lma_fmt_prefix(char *out, size_t cap, const struct in6_addr *p, uint8_t len);

#endif
