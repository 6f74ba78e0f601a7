/*
 * mag.h - the Mobile Access Gateway engine (RFC 5213 section 6): the binding
 * update list, PBU construction, PBA processing, retransmission, refresh,
 * deregistration, home-link emulation (Router Advertisements), and several
 * sessions of one MN on one MAG (problem statement section 4, combined PBU).
 *
 * Owns: the MAG's protocol state and decisions. Must not: touch sockets,
 * clocks, netlink or libev, or log. Time comes in as now_ns (CLOCK_MONOTONIC)
 * with every input; the RFC 5213 timestamp clock as an offset (realtime -
 * monotonic) set by the shell. Every input appends actions to a struct
 * mag_acts; mag_io.c carries them out.
 */
#ifndef PMIPEMU_MAG_H
#define PMIPEMU_MAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pmip/mh.h"
#include "pmip/nd.h"
#include "pmip/mh_auth.h"

struct topo_node;

#define MAG_IFNAME_MAX   16          /* IFNAMSIZ */
#define MAG_ACCESS_MAX   16
/* RFC 4861 6.2.4: the first MAX_INITIAL_RTR_ADVERTISEMENTS (3) RAs of an
 * advertising interface come at shorter intervals than the periodic ones
 * (at most MAX_INITIAL_RTR_ADVERT_INTERVAL, 16 s); ours, per newly
 * registered MN: at once, then twice 500 ms apart, so that an MN that
 * missed the first (its link, or our own access link-local, not ready
 * yet) need not wait for its next Router Solicitation (4 s). */
#define MAG_INITIAL_RAS  3
#define MAG_INITIAL_RA_INTERVAL_NS 500000000ull
#define MAG_PROFILE_MAX  64
#define MAG_BUL_MAX      64          /* sessions on one MAG */
#define MAG_TXN_MAX      64          /* outstanding PBUs */
#define MAG_MN_ID_MAX    128
#define MAG_SERVICE_MAX  64          /* octets of a service name (RFC 5149) */

/* ---- protocol constants ------------------------------------------------
 * RFC 5213 6.9.4 retransmits as RFC 6275 11.8 says: the first timeout is
 * InitialBindackTimeoutFirstReg (RFC 6275 13: 1.5 s) for a first
 * registration and INITIAL_BINDACK_TIMEOUT (RFC 6275 12: 1 s) otherwise,
 * doubled on every retransmission up to MAX_BINDACK_TIMEOUT (RFC 6275 12:
 * 32 s). */
#define MAG_INITIAL_BINDACK_TIMEOUT_FIRST_REG_NS 1500000000ull
#define MAG_INITIAL_BINDACK_TIMEOUT_NS           1000000000ull
#define MAG_MAX_BINDACK_TIMEOUT_NS               32000000000ull
/* PBA status 135, "Sequence number out of window" (RFC 6275 6.1.8); not in
 * the PMIPv6 list of mh.h but an LMA using sequence numbers sends it. */
#define MAG_PBA_STATUS_SEQ_OUT_OF_WINDOW 135

/* ---- configuration -------------------------------------------------------- */

/* RFC 5213 6.2 policy profile, as the MAG needs it. */
struct mag_profile {
	char mn_id[MAG_MN_ID_MAX];       /* NAI, NUL-terminated */
	uint8_t ll_id[6];                /* MN-LL-ID: the MN interface's MAC */
	uint8_t att;                     /* 0 = take the access interface's */
	/* RFC 5149 Service Selection: a profile with a service is one more
	 * session of the interface, registered on attach (section 2.1) */
	char service[MAG_SERVICE_MAX + 1];
	uint8_t n_hnp;                   /* static HNPs; 0 = ask (::/0) */
	struct mh_prefix hnp[MH_HNP_MAX];
};

struct mag_access {
	char name[MAG_IFNAME_MAX];
	int ifindex;                     /* filled by the shell */
	uint8_t att;                     /* enum mh_att; never 0 (default 802.3) */
};

struct mag_cfg {
	struct in6_addr lmaa;            /* the LMA */
	struct in6_addr proxy_coa;       /* our egress address */
	uint32_t lifetime_s;             /* requested in PBUs */
	bool use_timestamps;             /* RFC 5213 5.5 timestamps, else seq */
	bool multi_session_pbu;          /* refresh an MN's sessions in one PBU */
	bool revocation;                 /* RFC 5846: bulk BRI on shutdown */
	uint64_t heartbeat_ns;           /* RFC 5847 HeartbeatInterval, 0 = off */
	unsigned heartbeat_missed;       /* MissingHeartbeatsAllowed */
	uint32_t restart_counter;        /* ours, RFC 5847 6.1: new every start */
	bool move_on_detach;             /* detach of one iface: hand its
					    sessions to the MN's other iface */
	uint8_t default_hi;              /* HI when the MAG cannot tell (4) */
	unsigned refresh_pct;            /* refresh at this % of lifetime (80) */
	unsigned max_retx;               /* PBU retransmissions before giving up */
	unsigned max_status_retries;     /* resends after 135/156/157 */
	uint64_t ra_interval_ns;         /* unsolicited RA period per MN */
	uint32_t router_lifetime_s;      /* RA router lifetime */
	uint32_t link_mtu;               /* access link MTU (1500) */
	uint16_t initial_seq;
	struct mh_auth_key auth;         /* RFC 4285 with our LMA, or none */
	struct mag_access access[MAG_ACCESS_MAX];
	size_t n_access;
	struct mag_profile profile[MAG_PROFILE_MAX];
	size_t n_profile;
};

/* Defaults for everything but addresses, interfaces and profiles. */
void mag_cfg_defaults(struct mag_cfg *c);
/* From a topology mag node's <pmip> element. Returns 0, or -1 with *why. */
int mag_cfg_from_topo(struct mag_cfg *c, const struct topo_node *n,
		      const char **why);

/* ---- binding update list ---------------------------------------------- */

enum mag_bul_state {
	MAG_BUL_WAIT_PBA,                /* first PBU sent, no routes yet */
	MAG_BUL_ACTIVE,                  /* registered, routes installed */
	MAG_BUL_REFRESHING,              /* re-registration PBU outstanding */
	MAG_BUL_DEREGISTERING,           /* lifetime-0 PBU outstanding */
	MAG_BUL_DELETED,                 /* slot free */
};
const char *mag_bul_state_name(enum mag_bul_state s);

struct mag_bul {
	enum mag_bul_state state;
	unsigned id;                     /* unique on this MAG, also the BID */
	const struct mag_profile *prof;
	uint8_t ll_id[6];
	uint8_t att;
	int ifindex;
	char ifname[MAG_IFNAME_MAX];
	/* RFC 5149 Service Selection identifier, "" = none: sessions of one
	 * interface are told apart by it (section 2.1, mag_session.c) */
	char service[MAG_SERVICE_MAX + 1];
	struct in6_addr lmaa;
	uint8_t n_hnp;                   /* requested, then as the PBA says */
	struct mh_prefix hnp[MH_HNP_MAX];
	uint8_t hi;                      /* HI of the outstanding PBU */
	unsigned handoff_from;           /* id of the session being moved here */
	uint8_t handoff_n_hnp;           /* prefixes held before that move */
	bool handoff_subset;             /* section 2.2: only some of the old
					    session's prefixes move (mag_subset.c) */
	bool set_change;                 /* section 2.2 (a)/(b)/(c) from another
					    MAG: the PBU names a new set (mag_prefix.c) */
	struct mh_prefix was_hnp[MH_HNP_MAX];   /* the set before it */
	int txn;                         /* outstanding PBU, -1 none */
	uint32_t lifetime_s;             /* granted */
	uint16_t seq;                    /* last PBU */
	uint64_t reg_sent_ns;            /* when the accepted PBU left */
	uint64_t refresh_ns;             /* 0 = none */
	uint64_t expiry_ns;              /* 0 = none */
	uint64_t ra_ns;                  /* next unsolicited RA, 0 = none */
	/* the MN's flow requests (RS option 253), carried in every PBU as
	 * RFC 6089 Flow Identification options (mag_flow.c); status = the
	 * last PBA's answer */
	uint8_t n_flow;
	struct mh_flow flow[MH_FLOW_MAX];
	uint8_t ra_initial;              /* initial RAs still to come quickly */
};

/* ---- actions ---------------------------------------------------------------- */

enum mag_act_type {
	MAG_ACT_SEND_PBU,                /* pbu[pbu_idx] to dst from proxy_coa */
	MAG_ACT_ROUTE_ADD,               /* uplink rule + downlink route */
	MAG_ACT_ROUTE_DEL,
	MAG_ACT_SEND_RA,
	MAG_ACT_TIMER_SET,               /* deadline_ns, 0 = none */
	MAG_ACT_EVENT,
	MAG_ACT_LOG,                     /* debug text (state transitions) */
};
const char *mag_act_type_name(enum mag_act_type t);

enum mag_event {
	MAG_EV_PBU_SENT,
	MAG_EV_PBA_RECEIVED,
	MAG_EV_BUL_CREATED,
	MAG_EV_BUL_REFRESHED,
	MAG_EV_BUL_DELETED,
	MAG_EV_MN_ATTACHED,
	MAG_EV_MN_DETACHED,
	MAG_EV_RA_SENT,
	MAG_EV_PBU_GIVE_UP,
	MAG_EV_MN_UNKNOWN,
	MAG_EV_BUL_HANDOFF,              /* prefixes moved in from another iface */
	MAG_EV_BRI_RECEIVED,             /* RFC 5846: the LMA revoked bindings */
	MAG_EV_BRI_SENT,                 /* bulk revocation on shutdown */
	MAG_EV_BRA_RECEIVED,
	MAG_EV_PATH_DOWN,                /* RFC 5847: heartbeats unanswered */
	MAG_EV_PATH_UP,
	MAG_EV_LMA_RESTARTED,            /* a new Restart Counter from the LMA */
	MAG_EV_SESSION_ADDED,            /* section 2.1: ctl or timeline */
	MAG_EV_SESSION_DELETED,
	MAG_EV_UPN_RECEIVED,             /* section 2.2: RFC 7077 from the LMA */
	MAG_EV_FLOW_ANSWERED,            /* section 3: the LMA's status for an MN flow */
	MAG_EV_FLOW_WITHDRAWN,           /* section 3: the MN no longer asks for a flow */
};
const char *mag_event_name(enum mag_event e);

#define MAG_EV_TEXT_MAX 480

struct mag_act {
	enum mag_act_type type;
	int ifindex;                     /* ROUTE_*, SEND_RA */
	char ifname[MAG_IFNAME_MAX];
	struct in6_addr peer;            /* SEND_PBU dst; ROUTE_* tunnel peer */
	unsigned pbu_idx;                /* SEND_PBU: index in acts->pbu */
	struct mh_prefix prefix;         /* ROUTE_* */
	uint8_t ll_id[6];                /* SEND_RA: destination MN's MAC */
	uint8_t n_hnp;                   /* SEND_RA */
	struct mh_prefix hnp[MH_HNP_MAX];
	uint32_t valid_s, preferred_s;   /* SEND_RA prefix lifetimes */
	uint32_t router_lifetime_s;      /* SEND_RA */
	uint32_t mtu;                    /* SEND_RA MTU option */
	uint64_t deadline_ns;            /* TIMER_SET */
	enum mag_event ev;               /* EVENT */
	char text[MAG_EV_TEXT_MAX];      /* EVENT: JSON members "k":v,...; LOG */
};

#define MAG_ACTS_MAX 256
#define MAG_ACTS_PBU_MAX 32

struct mag_acts {
	size_t n;
	struct mag_act a[MAG_ACTS_MAX];
	size_t n_pbu;
	struct mh_msg pbu[MAG_ACTS_PBU_MAX];
	size_t overflow;                 /* actions that did not fit */
};
void mag_acts_reset(struct mag_acts *acts);

/* ---- statistics --------------------------------------------------------- */

struct mag_stats {
	uint64_t pbu_sent, pbu_retx, pbu_bytes;
	uint64_t pbu_reg, pbu_rereg, pbu_dereg;
	uint64_t pba_received, pba_ignored;
	uint64_t pba_status[256];
	uint64_t give_up;
	uint64_t ra_sent;
	uint64_t attach, detach, attach_unknown;
	/* re-registrations: messages and bytes per session refreshed, to
	 * measure what the combined PBU saves (section 4) */
	uint64_t refresh_msgs, refresh_bytes, refresh_sessions;
	/* data plane, counted by the shell */
	uint64_t up_pkts, down_pkts;
	uint64_t drop_up_no_session, drop_down_no_session, drop_down_bad_src;
	/* RFC 5847 Heartbeat */
	uint64_t hb_sent, hb_received, hb_answered, path_downs, lma_restarts;
	/* RFC 5846 Binding Revocation */
	uint64_t bri_received, bri_ignored, bra_sent, bri_sent, bra_received, revoked;
	uint64_t upn_received, upn_ignored, upa_sent;   /* RFC 7077 (mag_upn.c) */
	uint64_t flow_requests, flow_refused;  /* MN flow requests, LMA refusals */
	uint64_t flow_withdrawn;         /* requests the MN's request list dropped */
	/* RFC 6275 9.2 drops (nio_mherr.c) and the errors sent for them */
	uint64_t mh_unknown_type, mh_bad_payload_proto, mh_bad_header_len;
	uint64_t mh_be_sent, mh_param_problems_sent, mh_errors_suppressed;
	/* RFC 4285: messages dropped unsigned or badly signed */
	uint64_t mh_auth_missing, mh_auth_failed;
};

/* ---- the engine ------------------------------------------------------------ */

struct mag;

/* Copies cfg. Returns NULL with *why on a bad configuration or no memory. */
struct mag *mag_new(const struct mag_cfg *cfg, const char **why);
void mag_free(struct mag *m);
const struct mag_cfg *mag_cfg(const struct mag *m);
struct mag_stats *mag_stats(struct mag *m);

/* realtime - monotonic, for RFC 5213 8.8 timestamps. */
void mag_set_realtime_offset(struct mag *m, int64_t offset_ns);

/* The MN with link-layer address ll_id appeared on access interface ifindex
 * (its RS, or its first frame). Unknown MN (no profile): -1. */
int mag_mn_attach(struct mag *m, int ifindex, const uint8_t ll_id[6],
		  uint64_t now_ns, struct mag_acts *acts, const char **why);
/* The MN's flow requests of an RS (ND option 253) for its session on
 * ifindex (mag_flow.c): kept and carried to the LMA, those the RS's
 * request list omits withdrawn; a change starts a refresh. -1 with *why when the MN has no session here. */
int mag_mn_flows(struct mag *m, int ifindex, const uint8_t ll_id[6],
		 const struct nd_rs *rs, uint64_t now_ns, struct mag_acts *acts,
		 const char **why);
/* A Router Solicitation from ll_id: attach if new, else answer with an RA. */
int mag_mn_rs(struct mag *m, int ifindex, const uint8_t ll_id[6],
	      uint64_t now_ns, struct mag_acts *acts, const char **why);
/* Carrier down on ifindex: deregister (or move) every session on it. */
int mag_mn_detach(struct mag *m, int ifindex, uint64_t now_ns,
		  struct mag_acts *acts);
/* Move the MN's session(s) of interface from_ll to its interface to_ll,
 * attached to this MAG (HI = 2). */
int mag_handoff(struct mag *m, const char *mn_id, const uint8_t from_ll[6],
		const uint8_t to_ll[6], uint64_t now_ns, struct mag_acts *acts,
		const char **why);
/* Section 2.1: one more mobility session, for service (RFC 5149), on the
 * live interface ll_id (registered with HI 1 and a Service Selection
 * option; its prefixes advertised at once), or its deletion (lifetime-0
 * PBU, its prefixes withdrawn with valid lifetime 0). -1 with *why. */
int mag_session_add(struct mag *m, const uint8_t ll_id[6], const char *service,
		    uint64_t now_ns, struct mag_acts *acts, const char **why);
int mag_session_delete(struct mag *m, const uint8_t ll_id[6], const char *service,
		       uint64_t now_ns, struct mag_acts *acts, const char **why);
/* Section 2.2 (c), MAG-initiated: hand off only the n prefixes p of the
 * interface from_ll to the MN's interface to_ll on this MAG (HI 2 naming
 * them); from_ll keeps the others. -1 with *why: a prefix from_ll does not
 * hold, or every one of them (use mag_handoff). */
int mag_handoff_subset(struct mag *m, const char *mn_id, const uint8_t from_ll[6],
		       const uint8_t to_ll[6], const struct mh_prefix *p, unsigned n,
		       uint64_t now_ns, struct mag_acts *acts, const char **why);
/* Section 2.2 on the live interface ll_id (its session without a
 * service): ADD (b) new prefixes, REMOVE (a) some, not all, of its
 * prefixes, TAKE (c) prefixes the MN holds on an interface at another MAG
 * (HI 2). One PBU naming the resulting set; before the PBA only the routes
 * of prefixes brought in exist (make before break). -1 with *why (a prefix not held / already held, all of them). */
enum mag_prefix_op { MAG_PREFIX_ADD, MAG_PREFIX_REMOVE, MAG_PREFIX_TAKE };
const char *mag_prefix_op_name(enum mag_prefix_op op);
int mag_prefix_change(struct mag *m, const uint8_t ll_id[6], enum mag_prefix_op op,
		      const struct mh_prefix *p, unsigned n, uint64_t now_ns,
		      struct mag_acts *acts, const char **why);
/* A PBA from src (decoded). Unmatched PBAs are ignored and counted. */
/* RFC 5847: a Heartbeat (MH Type 13) from src: a request is answered, a
 * response from our LMA marks the path up and, with a Restart Counter that
 * changed, registers every session again (the LMA lost its cache). */
int mag_input_hb(struct mag *m, const struct in6_addr *src, const struct mh_msg *hb,
		 uint64_t now_ns, struct mag_acts *acts);
/* The path to the LMA as heartbeats see it (true when off). */
bool mag_path_up(const struct mag *m);

/* RFC 5846: a Binding Revocation Indication or Acknowledgement (MH Type
 * 16) from src. A BRI from our LMA withdraws the prefixes it names (RA with
 * lifetimes 0), removes their routes and sessions, and is answered. */
/* RFC 7077 Update Notification (MH Type 19) from the LMA: with reason
 * FLOW-MOBILITY (RFC 7864) its HNP options are the prefix set the MN
 * interface (MN-LL-ID) is to hold; answered by a UPA (when asked) and a
 * PBU naming that set (section 2.2, network-initiated; mag_upn.c). */
int mag_input_upn(struct mag *m, const struct in6_addr *src, const struct mh_msg *upn,
		  uint64_t now_ns, struct mag_acts *acts);
int mag_input_br(struct mag *m, const struct in6_addr *src, const struct mh_msg *br,
		 uint64_t now_ns, struct mag_acts *acts);

int mag_input_pba(struct mag *m, const struct in6_addr *src,
		  const struct mh_msg *pba, uint64_t now_ns,
		  struct mag_acts *acts);
/* Run everything due at now_ns. */
int mag_timer(struct mag *m, uint64_t now_ns, struct mag_acts *acts);
/* Earliest deadline, 0 = nothing scheduled. */
uint64_t mag_next_deadline(const struct mag *m);
/* Deregister every session (lifetime 0) and remove routes. Returns the
 * number of sessions still to do (call again after carrying out acts). */
int mag_shutdown(struct mag *m, uint64_t now_ns, struct mag_acts *acts);

/* ---- lookups (data plane, control socket) ------------------------------ */

/* The registered session whose HNP covers addr, or NULL. O(distinct
 * prefix lengths) hash probes. */
const struct mag_bul *mag_find_by_addr(const struct mag *m,
				       const struct in6_addr *addr);
/* Iterate the BUL: returns the entry at slot i or NULL when free. */
const struct mag_bul *mag_bul_at(const struct mag *m, size_t i);
const struct mag_bul *mag_find_session(const struct mag *m, const char *mn_id,
				       const uint8_t ll_id[6]);
uint32_t mag_bul_remaining_s(const struct mag_bul *b, uint64_t now_ns);

/* Parse "aa:bb:cc:dd:ee:ff". */
int mag_parse_mac(const char *s, uint8_t mac[6]);

/* ---- RFC 4285 with the LMA (mag_auth.c) ---------------------------------- */

/* A message as received (Header Len octets): MH_AUTH_OK when we have no key. */
enum mh_auth_verdict mag_auth_check(const struct mag_cfg *c, const uint8_t *mh, size_t len);
/* Sign an encoded message to the LMA when we have a key: the new length
 * (len without a key), -1 with *why. */
int mag_auth_sign(const struct mag_cfg *c, uint8_t *buf, size_t len, size_t cap,
		  const char **why);

#endif
