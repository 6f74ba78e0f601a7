/*
 * mn.h - the MN-side policy engine of mnd: source-based policy routing per
 * interface (multihoming, RFC 5213 6.8 / 6.10.5), the uplink move on a
 * disconnect trigger (draft appendix D, MN side) and per-flow steering
 * selectors (draft section 3 / appendix B, MN half of flow routing).
 *
 * Owns: what the MN knows of each interface (carrier, global addresses and
 * their prefixes, default router learnt from RAs), which routing table
 * each prefix's rule points to, and the flow classification. Must not:
 * touch sockets, netlink, netfilter, clocks or libev, or log. Time comes in
 * as now_ns (CLOCK_MONOTONIC) with every input; every input appends actions
 * to a struct mn_acts which mn_io.c carries out.
 */
#ifndef PMIPEMU_MN_H
#define PMIPEMU_MN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pmip/flow_sel.h"
#include "pmip/nd.h"

struct topo_node;

#define MN_IFNAME_MAX   16          /* IFNAMSIZ */
#define MN_IFACE_MAX    8
#define MN_ADDR_MAX     16          /* global addresses per interface */
#define MN_SEL_MAX      32          /* flow selectors */
#define MN_SEL_TEXT_MAX 160

/* ---- flow selectors (draft section 3; RFC 6088 traffic selector fields) ---- */

/* The selector grammar and matching are nodes/pmip/flow_sel.h, shared with
 * the LMA's flow rules; the MN adds where a match goes. */
/* Ask the network too (section 3: the MN's preference carried to the LMA,
 * mn_flow_req.c): the selector's downlink bound to IFACE, or to any. */
enum mn_flow_request {
	MN_FLOW_REQ_NONE,                /* uplink steering only */
	MN_FLOW_REQ_IFACE,               /* "request": downlink over IFACE too */
	MN_FLOW_REQ_ANY,                 /* "request any": don't mind */
};

struct mn_selector {
	struct flow_sel m;               /* what it matches */
	char iface[MN_IFNAME_MAX];       /* preferred interface */
	char fallback[MN_IFNAME_MAX];    /* "" = none */
	uint8_t request;                 /* enum mn_flow_request */
	bool removed;                    /* `flow del`: steers and asks nothing
	                                    (kept so that FIDs stay stable) */
};

/* "SELECTOR -> IFACE [fallback IFACE] [request [any]]" (SELECTOR:
 * flow_sel.h). Returns 0, or -1 with *why. */
int mn_selector_parse(const char *text, struct mn_selector *out, const char **why);
/* The selector as text in the syntax above; returns the length. */
int mn_selector_format(const struct mn_selector *s, char *buf, size_t cap);
/* What classification looks at: the first packet of a flow (flow_key_parse). */
bool mn_selector_match(const struct mn_selector *s, const struct flow_key *k);

/* ---- configuration ---------------------------------------------------------- */

struct mn_cfg {
	bool fast_handover;              /* appendix D; off = RFC 5213 baseline */
	bool uplink_return;              /* carrier back + RA: rules return (on) */
	uint32_t table_base;             /* interface i's table: table_base + i */
	uint32_t rule_prio;              /* source rules: rule_prio + i */
	uint32_t mark_prio;              /* fwmark rules: mark_prio + i (< rule_prio) */
	uint32_t mark_base;              /* mark_base: classified, not steered;
					    mark_base + 1 + i: to interface i */
	char ifname[MN_IFACE_MAX][MN_IFNAME_MAX];
	size_t n_iface;
	struct mn_selector sel[MN_SEL_MAX];
	size_t n_sel;
};
void mn_cfg_defaults(struct mn_cfg *c);
/* Interfaces and fast_handover from a topology mn node. 0, or -1 with *why. */
int mn_cfg_from_topo(struct mn_cfg *c, const struct topo_node *n, const char **why);
/* Checks (interfaces named once, selectors naming configured interfaces,
 * tables and priorities in range). 0, or -1 with *why. */
int mn_cfg_check(const struct mn_cfg *c, const char **why);

/* ---- actions ------------------------------------------------------------------ */

enum mn_act_type {
	MN_ACT_ROUTE_ADD,                /* default via router dev ifname table */
	MN_ACT_ROUTE_DEL,
	MN_ACT_RULE_ADD,                 /* from prefix (or fwmark) lookup table prio */
	MN_ACT_RULE_DEL,
	MN_ACT_TIMER_SET,                /* deadline_ns, 0 = none */
	MN_ACT_EVENT,
	MN_ACT_LOG,
	MN_ACT_SEND_FLOW_RS,             /* an RS with the flow requests of ifname
	                                    (mn_flow_requests) to ff02::2 */
};
const char *mn_act_type_name(enum mn_act_type t);

enum mn_event {
	MN_EV_IFACE_UP,
	MN_EV_IFACE_DOWN,
	MN_EV_PREFIX_ADDED,
	MN_EV_PREFIX_REMOVED,
	MN_EV_ROUTER_LEARNED,
	MN_EV_ROUTER_LOST,
	MN_EV_UPLINK_MOVED,
	MN_EV_UPLINK_RETURNED,
	MN_EV_FLOW_REQUESTED,            /* flow requests sent in an RS */
};
const char *mn_event_name(enum mn_event e);

#define MN_EV_TEXT_MAX 320

struct mn_act {
	enum mn_act_type type;
	int ifindex;                     /* ROUTE_*: oif */
	char ifname[MN_IFNAME_MAX];
	struct in6_addr via;             /* ROUTE_ADD: the router (link-local) */
	struct in6_addr prefix;          /* RULE_*: from prefix/plen */
	uint8_t plen;
	uint32_t fwmark;                 /* RULE_*: nonzero = fwmark rule */
	uint32_t table, prio;
	uint64_t deadline_ns;            /* TIMER_SET */
	enum mn_event ev;                /* EVENT */
	char text[MN_EV_TEXT_MAX];       /* EVENT: JSON members; LOG: text */
};

#define MN_ACTS_MAX 256

struct mn_acts {
	size_t n;
	struct mn_act a[MN_ACTS_MAX];
	size_t overflow;                 /* actions that did not fit */
};
void mn_acts_reset(struct mn_acts *acts);

/* ---- state (read-only for the shell and the control socket) ---------------- */

struct mn_addr {
	struct in6_addr addr;
	uint8_t plen;
};

struct mn_prefix {
	bool used;
	struct in6_addr prefix;          /* an address masked to plen */
	uint8_t plen;
	unsigned n_addr;                 /* addresses of this prefix on the iface */
	uint32_t rule_table;             /* installed rule's table, 0 = none */
};

struct mn_iface {
	char name[MN_IFNAME_MAX];
	int ifindex;                     /* 0 = not on this host */
	bool carrier, up;
	bool has_router;                 /* a default router is known */
	bool router_confirmed;           /* an RA since the carrier last came up */
	struct in6_addr router;          /* its link-local address */
	uint64_t router_expiry_ns;       /* RFC 4861 6.3.4 router lifetime */
	uint64_t last_ra_ns;             /* last RA accepted, 0 = none */
	uint64_t link_lost_ns;           /* last carrier loss, 0 = none */
	uint64_t flow_rs_ns;             /* last RS with flow requests, 0 = none */
	bool flow_asked;                 /* has sent a request here: its RSs
	                                    carry the request list from then on */
	bool route_installed;            /* default route in table */
	uint32_t table;                  /* table_base + index */
	int target;                      /* interface whose table our rules use */
	uint32_t mark_table;             /* installed fwmark rule's table, 0 = none */
	struct mn_addr addr[MN_ADDR_MAX];  /* global addresses, kernel's view */
	size_t n_addr;
	struct mn_prefix pfx[MN_ADDR_MAX];
};

struct mn_stats {
	uint64_t moves, returns;         /* uplink moves and returns (per prefix) */
	uint64_t carrier_down, carrier_up;
	uint64_t ra_accepted, ra_ignored;
	uint64_t addr_added, addr_removed, addr_ignored;
	uint64_t flows_classified, flows_unmatched, flows_fallback, flows_unusable;
	uint64_t flows_to[MN_IFACE_MAX];
	uint64_t flow_rs_sent;           /* RSs with flow requests */
	uint64_t sel_hits[MN_SEL_MAX];
	/* counted by the shell */
	uint64_t nl_errors, nfq_errors, nfq_bad_packets;
};

/* ---- the engine ------------------------------------------------------------------ */

struct mn;

/* Copies cfg (checked with mn_cfg_check). NULL with *why. */
struct mn *mn_new(const struct mn_cfg *cfg, const char **why);
void mn_free(struct mn *m);
const struct mn_cfg *mn_cfg(const struct mn *m);
struct mn_stats *mn_stats(struct mn *m);
size_t mn_n_ifaces(const struct mn *m);
const struct mn_iface *mn_iface_at(const struct mn *m, size_t i);
/* Index of the configured interface with this ifindex / name, -1 if none. */
int mn_iface_by_index(const struct mn *m, int ifindex);
int mn_iface_by_name(const struct mn *m, const char *name);

/* The shell found interface `name` as ifindex, with this carrier and
 * admin state. Installs the fwmark rules when selectors are configured. */
int mn_iface_attach(struct mn *m, const char *name, int ifindex, bool carrier,
		    bool up, uint64_t now_ns, struct mn_acts *acts);
/* Carrier (IFF_LOWER_UP) or admin state of a configured interface changed:
 * the disconnect trigger of appendix D. */
int mn_link(struct mn *m, int ifindex, bool carrier, bool up, uint64_t now_ns,
	    struct mn_acts *acts);
/* A global address appeared / went (RTM_NEWADDR / RTM_DELADDR). Other
 * scopes are ignored (return 0, counted). */
int mn_addr_add(struct mn *m, int ifindex, const struct in6_addr *addr,
		uint8_t plen, uint64_t now_ns, struct mn_acts *acts);
int mn_addr_del(struct mn *m, int ifindex, const struct in6_addr *addr,
		uint8_t plen, uint64_t now_ns, struct mn_acts *acts);
/* A Router Advertisement from src on ifindex, router lifetime in seconds
 * (0: not a default router, RFC 4861 6.3.4). src must be link-local (RFC
 * 4861 6.1.2), else -1 with *why. */
int mn_ra(struct mn *m, int ifindex, const struct in6_addr *src,
	  uint32_t router_lifetime_s, uint64_t now_ns, struct mn_acts *acts,
	  const char **why);
/* Expire routers whose lifetime ran out. */
int mn_timer(struct mn *m, uint64_t now_ns, struct mn_acts *acts);
uint64_t mn_next_deadline(const struct mn *m);
/* Remove every rule and route the engine installed. */
void mn_shutdown(struct mn *m, uint64_t now_ns, struct mn_acts *acts);

/* Interface usable for uplink traffic: carrier, up, a confirmed router. */
bool mn_iface_usable(const struct mn *m, size_t i);

/* Flow classification of a new flow's first packet: the mark the verdict
 * carries. First matching selector wins; its preferred interface when
 * usable, else its fallback when usable; no match or nothing usable:
 * mark_base (classified, routed by source). *sel gets the selector's
 * index or -1. */
uint32_t mn_flow_classify(struct mn *m, const struct flow_key *k, int *sel);
/* The flow requests interface i sends (RS option 253, our design in
 * doc/protocol.md): one per selector with a request whose preferred
 * interface is i, FID = selector index + 1, FID-PRI = 50 + index, the
 * selector mirrored (the LMA matches downlink packets). Returns how many
 * (at most max). */
size_t mn_flow_requests(const struct mn *m, size_t i, struct nd_flow_req *out, size_t max);
/* Selectors at run time (`pmipemu ctl MN flow add|del`, the timeline's
 * <flow-rule node="MN">): add one in the grammar above (returns its FID,
 * index + 1) or remove FID (0). A changed request is told to the MAG at
 * once (an RS whose request list withdraws what was removed). -1 with
 * *why, nothing changed. */
int mn_flow_sel_add(struct mn *m, const char *text, uint64_t now_ns,
		    struct mn_acts *acts, const char **why);
int mn_flow_sel_del(struct mn *m, unsigned fid, uint64_t now_ns,
		    struct mn_acts *acts, const char **why);
/* The fwmark of interface i. */
uint32_t mn_iface_mark(const struct mn *m, size_t i);

/* ---- control socket (pure: one request line in, JSON out) ---------------- */
/* show ifaces | show rules | show stats | flow add RULE | flow del FID |
 * help. Writes a NUL-terminated JSON document into out; unknown commands
 * answer {"error": ...}. `flow` commands leave their actions in acts. */
struct mn_mip6;
/* The same, and "show mip6" from the client Mobile IPv6 entry c (NULL: the
 * node has no <mip6>; the answer says so). */
void mn_ctl_handle_mip6(struct mn *m, const struct mn_mip6 *c, const char *line,
			struct mn_acts *acts,
			uint64_t now_ns, char *out, size_t cap);
void mn_ctl_handle(struct mn *m, const char *line, struct mn_acts *acts,
		   uint64_t now_ns, char *out, size_t cap);

#endif
