/*
 * mag_int.h - what the MAG engine's files share and nobody else sees: the
 * engine struct, outstanding PBU transactions, internal helpers.
 *
 * Owns: nothing executable. Must not: be included outside nodes/mag/ (and
 * the MAG's unit tests, which may look inside).
 */
#ifndef PMIPEMU_MAG_INT_H
#define PMIPEMU_MAG_INT_H

#include "mag.h"

enum mag_txn_kind {
	MAG_TXN_REG,                     /* initial registration or handoff */
	MAG_TXN_REREG,                   /* lifetime extension (6.9.1.3) */
	MAG_TXN_DEREG,                   /* lifetime 0 (6.9.1.4 / 6.9.1.2) */
	MAG_TXN_HANDOFF,                 /* HI 2 into a registered session of
					    another interface (section 4) */
};
const char *mag_txn_kind_name(enum mag_txn_kind k);

/* One PBU and its retransmissions; several sessions when combined. */
/* Sequence numbers remembered per transaction: more than max_retx + the
 * status resends ever use with the RFC 6275 12 back-off. */
#define MAG_TXN_SEQ_MAX 16

struct mag_txn {
	bool used;
	enum mag_txn_kind kind;
	uint16_t seq[MAG_TXN_SEQ_MAX];   /* the seqs this PBU went out with, */
	unsigned n_seq;                  /* newest last (older ones forgotten) */
	struct in6_addr lmaa;
	unsigned n_bul;
	unsigned bul[MH_GROUP_MAX];      /* slot indexes */
	uint64_t timeout_ns;             /* current back-off */
	uint64_t deadline_ns;            /* next retransmission */
	unsigned retx;
	uint64_t timestamp;              /* last sent, RFC 5213 8.8 */
	uint64_t sent_ns;                /* last (re)transmission */
	unsigned status_retries;         /* resends after 135/156/157 */
};

/* Prefix hash for the data plane: key = (masked prefix, plen). */
#define MAG_PHASH_SIZE 256               /* > 2 x MAG_BUL_MAX x MH_HNP_MAX/... */

struct mag_phash_slot {
	bool used;
	uint8_t plen;
	struct in6_addr prefix;
	unsigned bul;
};

struct mag {
	struct mag_cfg cfg;
	struct mag_stats stats;
	int64_t realtime_offset_ns;
	uint64_t last_timestamp;         /* last RFC 5213 8.8 stamp sent: never repeated */
	uint16_t next_seq;
	unsigned next_id;
	uint64_t announced_deadline_ns;
	bool shutting_down;
	struct {                         /* RFC 5847 (mag_hb.c) */
		uint64_t next_ns;        /* next request */
		uint32_t seq;
		unsigned outstanding;    /* requests unanswered in a row */
		bool down;
		bool lma_rc_known;
		uint32_t lma_rc;
		/* MNs whose binding expired while the path was down, still
		 * attached: registered again when it comes back up */
		struct { bool used; int ifindex; uint8_t ll_id[6]; } orphan[MAG_BUL_MAX];
	} hb;
	struct mag_bul bul[MAG_BUL_MAX];
	struct mag_txn txn[MAG_TXN_MAX];
	struct mag_phash_slot phash[MAG_PHASH_SIZE];
	bool plen_used[129];
};

/* mag_act.c */
struct mag_act *mag_act_push(struct mag_acts *acts, enum mag_act_type t);
struct mh_msg *mag_act_push_pbu(struct mag_acts *acts, const struct in6_addr *dst);
void mag_act_event(struct mag_acts *acts, enum mag_event ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mag_act_log(struct mag_acts *acts, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON text helpers into a bounded buffer. */
void mag_json_str(char *buf, size_t cap, const char *s);
void mag_fmt_prefixes(char *buf, size_t cap, const struct mh_prefix *p, unsigned n);
void mag_fmt_mac(char *buf, size_t cap, const uint8_t mac[6]);

/* mag_bul.c */
struct mag_bul *mag_bul_new(struct mag *m, const struct mag_profile *p,
			    int ifindex, const uint8_t ll_id[6]);
void mag_bul_set_state(struct mag *m, struct mag_bul *b, enum mag_bul_state s,
		       uint64_t now_ns, struct mag_acts *acts, const char *why);
struct mag_bul *mag_bul_find(struct mag *m, const char *mn_id, const uint8_t ll_id[6]);
/* mag_txn.c: t's retransmission or give-up, when its timer is due. */
void mag_txn_timer(struct mag *m, struct mag_txn *t, uint64_t now_ns, struct mag_acts *acts);
/* A refresh PBU for b now (RFC 5213 6.9.1.3, HI 5). */
void mag_bul_refresh(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		     struct mag_acts *acts);
/* mag_flow.c: the MN's flows in a PBU of t; the statuses of a PBA. */
void mag_flow_pbu(const struct mag *m, const struct mag_txn *t, struct mh_msg *p);
void mag_flow_pba(struct mag *m, const unsigned *slots, unsigned n,
		  const struct mh_msg *pba, struct mag_acts *acts);
struct mag_bul *mag_bul_by_id(struct mag *m, unsigned id);
struct mag_bul *mag_bul_find_service(struct mag *m, const uint8_t ll_id[6],
				     const char *service);
void mag_bul_routes(struct mag *m, struct mag_bul *b, enum mag_act_type t,
		    struct mag_acts *acts);
void mag_bul_route(const struct mag_bul *b, const struct mh_prefix *p,
		   enum mag_act_type t, struct mag_acts *acts);
void mag_bul_leave_txn(struct mag *m, struct mag_bul *b);
void mag_phash_rebuild(struct mag *m);
/* mag_hb.c: the heartbeat timer (mag_timer calls it). */
/* b expires: with the path down, remember its MN for when it is back. */
void mag_hb_note_expired(struct mag *m, const struct mag_bul *b);
/* Carrier lost on ifindex: its MNs are gone, forget them. */
void mag_hb_forget_iface(struct mag *m, int ifindex);
void mag_hb_timer(struct mag *m, uint64_t now_ns, struct mag_acts *acts);
/* mag_engine.c: register every registered session again now. */
void mag_reregister_all(struct mag *m, uint64_t now_ns, struct mag_acts *acts);
/* mag_revoke.c: bulk revocation (G flag) of every session, for shutdown. */
void mag_revoke_all(struct mag *m, uint64_t now_ns, struct mag_acts *acts);
const struct mag_access *mag_access_find(const struct mag *m, int ifindex);
const struct mag_profile *mag_profile_by_ll(const struct mag *m, const uint8_t ll[6]);

/* mag_engine.c */
/* Start the registration (PBU) of a new entry b, or the deregistration
 * (lifetime 0, routes removed at once) of a live one. */
int mag_bul_register(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		     struct mag_acts *acts, const char **why);
void mag_bul_deregister(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			struct mag_acts *acts);
void mag_bul_delete(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		    struct mag_acts *acts, const char *reason);
void mag_txn_free(struct mag *m, struct mag_txn *t);
struct mag_txn *mag_txn_new(struct mag *m, enum mag_txn_kind kind,
			    const struct in6_addr *lmaa);
void mag_txn_add(struct mag *m, struct mag_txn *t, struct mag_bul *b);
void mag_txn_start(struct mag *m, struct mag_txn *t, uint64_t now_ns,
		   struct mag_acts *acts);
void mag_announce_deadline(struct mag *m, struct mag_acts *acts);
void mag_handoff_failed(struct mag *m, struct mag_bul *b, uint64_t now_ns,
			struct mag_acts *acts, const char *reason);
static inline bool mag_bul_registered(const struct mag_bul *b)
{
	return b->state == MAG_BUL_ACTIVE || b->state == MAG_BUL_REFRESHING;
}

/* Did t send a PBU with sequence number s? (RFC 6275 6.1.8: the BA copies
 * the BU's number; the per-MAG counter interleaves transactions, so a
 * range would match another transaction's number.) */
static inline bool mag_txn_sent_seq(const struct mag_txn *t, uint16_t s)
{
	for (unsigned i = 0; i < t->n_seq; i++)
		if (t->seq[i] == s)
			return true;
	return false;
}

/* mag_session.c: section 2.1, the service sessions of an interface */
/* After the interface's first session: one per service profile of ll. */
void mag_session_attach_services(struct mag *m, const struct mag_bul *first,
				 uint64_t now_ns, struct mag_acts *acts);

/* mag_subset.c: the PBA accepted a subset handoff into b: old loses the
 * prefixes b took (routes, a withdrawal RA), and goes when none is left. */
void mag_subset_accepted(struct mag *m, struct mag_bul *old, const struct mag_bul *b,
			 uint64_t now_ns, struct mag_acts *acts);
/* mag_attach.c: start the HI 2 PBU moving from's prefixes into to. */
int mag_handoff_start(struct mag *m, struct mag_bul *from, struct mag_bul *to,
		      uint64_t now_ns, struct mag_acts *acts, const char **why);

/* mag_prefix.c: one PBU of b naming set (n prefixes) with hi; b keeps its
 * old set until the PBA (what: for the log). */
int mag_prefix_start_set(struct mag *m, struct mag_bul *b, const struct mh_prefix *set,
			 unsigned n, uint8_t hi, const char *what, uint64_t now_ns,
			 struct mag_acts *acts, const char **why);
/* The prefixes b's outstanding set change routes already (the old set and
 * the ones it brings in) into out; the count. */
unsigned mag_prefix_routed(const struct mag_bul *b, struct mh_prefix *out);
/* The set change was refused: the routes of what it brought in go. */
void mag_prefix_unroute_added(const struct mag_bul *b,
			      struct mag_acts *acts);
/* A change of b's prefix set is under way (a PBU outstanding). */
bool mag_prefix_busy(const struct mag_bul *b);
/* mag_prefix.c: what was (n_was prefixes) and b no longer holds is
 * withdrawn from the MN (RA lifetimes 0); routes are the caller's. */
void mag_prefix_withdraw_lost(struct mag *m, const struct mag_bul *b,
			      const struct mh_prefix *was, unsigned n_was,
			      struct mag_acts *acts);

/* mag_ra.c */
/* The prefixes p withdrawn from the MN (RA with lifetimes 0); router
 * lifetime 0 too when last (nothing left to route for it here). */
bool mag_bul_iface_shared(const struct mag *m, const struct mag_bul *b);
void mag_ra_withdraw(struct mag *m, const struct mag_bul *b, const struct mh_prefix *p,
		     unsigned n, bool last, struct mag_acts *acts);
void mag_ra_send(struct mag *m, int ifindex, const uint8_t ll_id[6],
		 uint64_t now_ns, struct mag_acts *acts);
void mag_ra_timer(struct mag *m, struct mag_bul *b, uint64_t now_ns,
		  struct mag_acts *acts);

#endif
