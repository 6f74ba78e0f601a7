/*
 * mn_mip6.h - the client Mobile IPv6 function of mnd on one interface
 * (problem statement appendix C: the DSMIPv6 side, IPv6 only): home
 * registration with the home agent (RFC 6275 11.7.1), Binding Identifier
 * (RFC 5648), retransmission and back-off (RFC 6275 11.8), refresh, and
 * the reverse tunnel's state.
 *
 * Owns: the binding update list entry of the one home registration and
 * its state machine. Must not: touch sockets, clocks or the kernel; every
 * input comes with now_ns, every effect leaves as an action that
 * mn_mip6_io.c carries out.
 */
#ifndef PMIPEMU_MN_MIP6_H
#define PMIPEMU_MN_MIP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pmip/mh.h"

/* RFC 6275 12: InitialBindackTimeoutFirstReg (1.5 s, 13), MAX_BINDACK_TIMEOUT */
#define MN_MIP6_FIRST_REG_TIMEOUT_NS 1500000000ULL
#define MN_MIP6_INITIAL_TIMEOUT_NS   1000000000ULL   /* INITIAL_BINDACK_TIMEOUT */
#define MN_MIP6_MAX_TIMEOUT_NS      32000000000ULL   /* MAX_BINDACK_TIMEOUT */
#define MN_MIP6_IFNAME_MAX 16

struct mn_mip6_cfg {
	char iface[MN_MIP6_IFNAME_MAX];  /* the interface whose address is the CoA */
	struct in6_addr ha;              /* home agent (the LMA's address) */
	struct in6_addr hoa;             /* home address */
	char mn_id[128];                 /* NAI for the MN-ID option (RFC 4283) */
	uint16_t bid;                    /* RFC 5648; 0 = no BID option */
	uint32_t lifetime_s;             /* requested, a multiple of 4 */
};

enum mn_mip6_state {
	MN_MIP6_NO_COA,                  /* no care-of address on the interface */
	MN_MIP6_REGISTERING,             /* BU sent, waiting for its BA */
	MN_MIP6_REGISTERED,              /* accepted; refresh before expiry */
	MN_MIP6_FAILED,                  /* refused; retried at MAX_BINDACK_TIMEOUT */
};
const char *mn_mip6_state_name(enum mn_mip6_state s);

enum mn_mip6_act_type {
	MN_MIP6_ACT_SEND_BU,             /* bu from coa to ha, HAO = hoa */
	MN_MIP6_ACT_TUNNEL_UP,           /* reverse tunnel coa <-> ha for hoa */
	MN_MIP6_ACT_TUNNEL_DOWN,
	MN_MIP6_ACT_TIMER_SET,           /* deadline_ns; 0 = none */
	MN_MIP6_ACT_EVENT,               /* text: a JSON object */
};

#define MN_MIP6_ACTS_MAX 8
#define MN_MIP6_EV_MAX 400

struct mn_mip6_act {
	enum mn_mip6_act_type type;
	struct mh_msg bu;
	struct in6_addr coa;
	uint64_t deadline_ns;
	char text[MN_MIP6_EV_MAX];
};

struct mn_mip6_acts {
	size_t n, overflow;
	struct mn_mip6_act a[MN_MIP6_ACTS_MAX];
};

struct mn_mip6 {
	struct mn_mip6_cfg cfg;
	enum mn_mip6_state state;
	bool has_coa;
	struct in6_addr coa;
	bool tunnel;                     /* reverse tunnel installed */
	uint16_t seq;                    /* of the last BU sent */
	uint16_t bid;                    /* in use (another after a collision) */
	bool registered_once;            /* a BA has accepted us (11.8: first reg) */
	uint64_t timeout_ns;             /* current retransmission timeout */
	uint64_t deadline_ns;            /* retransmission, refresh or retry */
	uint64_t expiry_ns;              /* the granted lifetime's end */
	uint32_t granted_s;
	unsigned retransmissions;
	uint64_t bu_sent, ba_received, ba_ignored, rejections, bid_changes;
	uint8_t last_status;
};

void mn_mip6_init(struct mn_mip6 *c, const struct mn_mip6_cfg *cfg, uint16_t first_seq);
/* The interface's global address appeared (coa) or went (NULL). */
void mn_mip6_coa(struct mn_mip6 *c, const struct in6_addr *coa, uint64_t now_ns,
		 struct mn_mip6_acts *out);
/* A BA from the home agent (the routing header's home address checked by
 * the caller). 0, or -1 when it answers no BU of ours (ignored). */
int mn_mip6_ba(struct mn_mip6 *c, const struct in6_addr *src, const struct mh_msg *ba,
	       uint64_t now_ns, struct mn_mip6_acts *out);
void mn_mip6_timer(struct mn_mip6 *c, uint64_t now_ns, struct mn_mip6_acts *out);
/* "show mip6": the entry as a JSON object. Length, or -1 if it does not fit. */
int mn_mip6_show(const struct mn_mip6 *c, uint64_t now_ns, char *out, size_t cap);

#endif
