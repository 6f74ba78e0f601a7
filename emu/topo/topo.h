/*
 * topo.h - the topology model: what an XML topology file says, as structs.
 *
 * Owns: parsing (libxml2, XSD validation), semantic checks, the in-memory
 * model. Must not: create namespaces, open devices, start processes, read
 * clocks. Applying the model is emu/run.c's job. The daemons (lmad, magd,
 * mnd) link this too: each reads its node's element, written by pmipemu as
 * a one-node topology file of the same schema.
 *
 * All times are nanoseconds (uint64_t *_ns), rates bits per second,
 * probabilities in [0,1] as double. Names are NUL-terminated, bounded.
 */
#ifndef PMIPEMU_TOPO_H
#define PMIPEMU_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#include "links/link_params.h"

#define TOPO_NAME_MAX   32          /* node, iface, link, flow, process ids */
#define TOPO_CMD_MAX    1024        /* command lines */
#define TOPO_PATH_MAX   256
/* A topology file is read whole and parsed by libxml2: 16 MiB (about 115k
 * nodes, ~0.9 s and ~400 MB to validate) bounds both (doc/topology.md). */
#define TOPO_FILE_MAX   (16u << 20)

/* A source location, kept on every element for error messages (file:line). */
struct topo_loc {
	const char *file;           /* points into struct topology.file */
	int line;
};

struct topo_prefix {
	struct in6_addr addr;
	uint8_t len;
};

enum topo_node_kind {
	TOPO_NODE_HOST,
	TOPO_NODE_ROUTER,
	TOPO_NODE_LMA,
	TOPO_NODE_MAG,
	TOPO_NODE_MN,
	TOPO_NODE_CN,
};
const char *topo_node_kind_name(enum topo_node_kind k);

struct topo_iface {
	char name[TOPO_NAME_MAX];       /* name inside the node, e.g. eth0 */
	bool has_mac;
	uint8_t mac[6];
	struct topo_prefix *addrs;      /* configured IPv6 addresses */
	size_t n_addrs;
	uint32_t mtu;                   /* 0: default 1500 */
	struct topo_loc loc;
};

struct topo_route {
	struct topo_prefix dst;         /* ::/0 for default */
	bool has_via;
	struct in6_addr via;
	char dev[TOPO_NAME_MAX];        /* "" = let the kernel choose */
	uint32_t metric;
	uint32_t table;                 /* 0 = main */
	struct topo_loc loc;
};

struct topo_sysctl {
	char key[TOPO_PATH_MAX];        /* e.g. net.ipv6.conf.all.forwarding */
	char value[64];
	struct topo_loc loc;
};

/* A process started in the node at a time (and optionally stopped). */
struct topo_process {
	char name[TOPO_NAME_MAX];       /* unique within the node */
	char cmd[TOPO_CMD_MAX];         /* split on blanks, "..." quoting; no shell */
	uint64_t at_ns;                 /* start time from run start */
	bool has_stop;
	uint64_t stop_ns;
	struct topo_loc loc;
};

/* PMIPv6 configuration of an lma/mag/mn node (<pmip> element). */
#define TOPO_SERVICE_MAX 64         /* octets of a topology's service name */

struct topo_mn_policy {             /* RFC 5213 section 6.2 policy profile */
	char mn_id[128];                /* MN identifier, NAI (RFC 4283) */
	bool has_ll_id;
	uint8_t ll_id[6];               /* MN-LL-ID: the MN interface's MAC */
	char iface[TOPO_NAME_MAX];      /* MN node's interface name, informative */
	/* RFC 5149 Service Selection identifier of this session (problem
	 * statement 2.1: several sessions on one interface); "" = none. */
	char service[TOPO_SERVICE_MAX + 1];
	uint8_t att;                    /* access technology type (IANA), 0 = unset */
	struct topo_prefix *hnps;       /* static home network prefixes; none = pool */
	size_t n_hnps;
	struct topo_loc loc;
};

/* RFC 5847 has no default for MissingHeartbeatsAllowed; 3 is ours. */
#define TOPO_HEARTBEAT_MISSED_DEFAULT 3

/* One <flow> of a <flow-policy> (section 3): a rule in the selector
 * grammar of nodes/pmip/flow_sel.h, checked by the parser. */
#define TOPO_FLOW_TEXT_MAX 400
struct topo_flow_text {
	char text[TOPO_FLOW_TEXT_MAX + 1];
	struct topo_loc loc;
};

/* <congestion> of an lma (problem statement section 3, appendix B's
 * network-initiated load balancing): while the backlog of one direction
 * of an access link stays above `above` packets for `hold`, the run adds
 * `rule` at the LMA (as an operator's monitoring would, `pmipemu ctl lma
 * flow add`); once it stays below `below` for `release`, it removes it
 * (emu/run/run_congest.c). */
struct topo_congestion {
	char link[TOPO_NAME_MAX];
	int dir;                        /* enum link_dir_id; -1: toward the mn end */
	uint32_t above, below;          /* packets in the link's queue */
	uint64_t hold_ns, release_ns, every_ns;
	char rule[TOPO_FLOW_TEXT_MAX + 1];
	struct topo_loc loc;
};
#define TOPO_MAX_CONGESTION 64          /* <congestion> rules of one lma */

/* Caps on element counts (issue 10; doc/topology.md "Limits"): a topology
 * over one is refused with FILE:LINE naming the element. They bound what
 * `run` would try to build, far above what one machine brings up. */
#define TOPO_MAX_NODES 10000
#define TOPO_MAX_LINKS 20000
#define TOPO_MAX_IFACES 1024            /* per node */
#define TOPO_MAX_ADDRS 64               /* per interface */
#define TOPO_MAX_ROUTES 10000           /* per node */
#define TOPO_MAX_SYSCTLS 256            /* per node */
#define TOPO_MAX_PROCS 256              /* per node */
#define TOPO_MAX_FLOWS 10000
#define TOPO_MAX_EVENTS 100000
#define TOPO_MAX_EXPECTS 100000
#define TOPO_MAX_MAGS 10000             /* <mag> entries of an lma */
#define TOPO_MAX_MNS 100000             /* <mn> profiles of one <pmip> */
#define TOPO_MAX_HNPS 16                /* <hnp> of one <mn> (one PBU group) */
#define TOPO_MAX_POLICY_FLOWS 100000    /* <flow-policy> rules */

/* RFC 4285 authentication of a MAG's signalling: SPI and shared key
 * (doc/topology.md "Signalling authentication"). */
#define TOPO_AUTH_KEY_MAX 64
struct topo_auth {
	bool present;
	uint32_t spi;
	uint8_t len;
	uint8_t key[TOPO_AUTH_KEY_MAX];
};

/* mn: appendix C, the client Mobile IPv6 function of mnd (<mip6> in the
 * mn's <pmip>): a home registration from interface iface. */
struct topo_mip6 {
	bool present;
	char iface[TOPO_NAME_MAX];
	struct in6_addr ha;             /* home agent (the lma's address) */
	struct in6_addr hoa;            /* home address */
	char mn_id[128];                /* MN-ID option; "" = none */
	uint32_t bid;                   /* RFC 5648; 0 = no BID option */
	uint32_t lifetime_s;
	struct topo_loc loc;
};

struct topo_pmip {
	bool present;
	struct topo_mip6 mip6;          /* mn: appendix C client */
	struct in6_addr lma_addr;       /* LMAA (for lma: own; for mag: its LMA) */
	struct in6_addr mag_addr;       /* Proxy-CoA (mag only) */
	char access_iface[16][TOPO_NAME_MAX]; /* mag: access interfaces */
	size_t n_access;
	struct in6_addr *mags;          /* lma: authorized MAG addresses */
	struct topo_auth *mag_auths;    /* lma: their keys, n_mags of them */
	size_t n_mags, n_mag_auths;
	struct topo_auth auth;          /* mag: its key with its LMA */
	struct topo_prefix pool;        /* lma: prefix pool, e.g. 2001:db8:100::/48 */
	uint8_t pool_plen;              /* lma: allocated length (64) */
	struct topo_mn_policy *mns;     /* policy profiles */
	size_t n_mns;
	uint32_t lifetime_s;            /* PBU lifetime requested (mag) */
	bool use_timestamps;            /* RFC 5213 5.5: timestamp vs sequence */
	bool fast_handover;             /* appendix D, off = RFC 5213 baseline */
	bool fast_handover_return;      /* lma: downlink returns when the lost
					 * interface re-registers (default on) */
	bool multi_session_pbu;         /* section 4: one PBU for several sessions */
	bool revocation;                /* RFC 5846: lma revokes on handoff, mag
					 * revokes in bulk on shutdown */
	bool prefix_update;             /* lma: section 2.2 (a)/(b), an HI 5 PBU
					 * may change its session's prefix set */
	bool home_agent;                /* lma: appendix C, RFC 6275 home
					 * registrations too */
	bool bids;                      /* lma: appendix C, proxy and client
					 * bindings told apart by BIDs (RFC 5648);
					 * off = RFC 5213's overwrite (default on) */
	uint64_t heartbeat_ns;          /* RFC 5847 HeartbeatInterval, 0 = off */
	uint32_t heartbeat_missed;      /* MissingHeartbeatsAllowed (mag) */
	struct topo_flow_text *flows;   /* lma, mn: <flow-policy> */
	size_t n_flows;
	struct topo_congestion *congestion;   /* lma: <congestion> */
	size_t n_congestion;
	struct topo_loc loc;
};

struct topo_node {
	char name[TOPO_NAME_MAX];
	enum topo_node_kind kind;
	struct topo_iface *ifaces;
	size_t n_ifaces;
	struct topo_route *routes;
	size_t n_routes;
	struct topo_sysctl *sysctls;
	size_t n_sysctls;
	struct topo_process *procs;
	size_t n_procs;
	struct topo_pmip pmip;
	bool forwarding;                /* routers, lma, mag: forwarding on */
	struct topo_loc loc;
};

/* Impairments of one direction of a link, and the direction (enum
 * link_dir_id): the model the link engine runs (links/link_params.h).
 * Zero = off. */

struct topo_endpoint {
	bool attached;                  /* false: a free end, waiting for a move */
	char node[TOPO_NAME_MAX];
	char iface[TOPO_NAME_MAX];
};

struct topo_link {
	char name[TOPO_NAME_MAX];
	struct topo_endpoint end[2];    /* [0] = a, [1] = b */
	struct link_params dir[2];        /* [LINK_DIR_AB] a->b, [LINK_DIR_BA] b->a */
	bool initially_down;
	struct topo_loc loc;
};

enum topo_event_kind {
	TOPO_EV_LINK_DOWN,
	TOPO_EV_LINK_UP,
	TOPO_EV_IMPAIR,                 /* change a link's impairments */
	TOPO_EV_MOVE,                   /* re-plumb an interface to another link */
	TOPO_EV_START,                  /* start a declared process */
	TOPO_EV_STOP,                   /* stop a declared process */
	TOPO_EV_EXEC,                   /* run a command in a node, wait for it */
	TOPO_EV_DAEMON_STOP,            /* stop (kill) the node's lmad/magd/mnd */
	TOPO_EV_DAEMON_START,           /* start it again */
	TOPO_EV_SESSION,                /* section 2.1: a MAG adds/deletes a
					 * service session (topo_parse_session.c) */
	TOPO_EV_FLOW_RULE,              /* section 3: an LMA flow rule added or
					 * removed (topo_parse_flow_policy.c) */
	TOPO_EV_PREFIX,                 /* section 2.2: some prefixes of an MN
					 * interface change (topo_parse_prefix_event.c) */
};
const char *topo_event_kind_name(enum topo_event_kind k);

struct topo_event {
	enum topo_event_kind kind;
	uint64_t at_ns;
	char link[TOPO_NAME_MAX];       /* LINK_*, IMPAIR; MOVE: target link */
	char node[TOPO_NAME_MAX];       /* MOVE, START, STOP, EXEC */
	char iface[TOPO_NAME_MAX];      /* MOVE */
	uint64_t gap_ns;                /* MOVE: time detached before attach */
	char proc[TOPO_NAME_MAX];       /* START, STOP */
	char cmd[TOPO_CMD_MAX];         /* EXEC */
	char id[TOPO_NAME_MAX];         /* EXEC: id for expectations */
	int signal;                     /* DAEMON_STOP: SIGKILL (crash) or SIGTERM */
	/* SESSION: the MN node and interface (iface above), its MAC, the RFC
	 * 5149 service, add or delete */
	char mn[TOPO_NAME_MAX];
	uint8_t ll_id[6];
	char service[TOPO_SERVICE_MAX + 1];
	bool session_delete;
	char op[8];                     /* PREFIX: add, remove, take, move; cmd
					 * holds the prefixes */
	bool rule_delete;               /* FLOW_RULE: cmd is the rule id */
	/* IMPAIR: which directions and the new values (replace all fields) */
	bool dir_set[2];
	struct link_params impair[2];
	struct topo_loc loc;
};

/* Traffic flows (issue: scenarios). Started by pmipemu as trafgen. */
enum topo_flow_pattern { TOPO_FLOW_CBR, TOPO_FLOW_ONOFF, TOPO_FLOW_BURST };
const char *topo_flow_pattern_name(enum topo_flow_pattern p);

struct topo_flow {
	char id[TOPO_NAME_MAX];
	char from[TOPO_NAME_MAX];       /* sending node */
	char to[TOPO_NAME_MAX];         /* receiving node */
	bool has_dst;
	struct in6_addr dst;            /* destination address; default: first addr of `to` */
	bool has_src;
	struct in6_addr src;
	uint16_t sport, dport;
	enum topo_flow_pattern pattern;
	double rate_pps;
	uint32_t size;                  /* UDP payload bytes */
	uint64_t on_ns, off_ns;         /* ONOFF periods */
	uint32_t burst;                 /* BURST: packets per burst at rate */
	uint64_t start_ns, stop_ns;
	struct topo_loc loc;
};

/* Expectations, checked after the run (issue: scenarios). */
enum topo_expect_kind {
	TOPO_EXP_DELIVERY,              /* flow delivery ratio >= min */
	TOPO_EXP_LOSS,                  /* flow lost packets <= max */
	TOPO_EXP_LATENCY_P99,           /* flow latency p99 <= max_ns */
	TOPO_EXP_GAP,                   /* flow largest gap in [from,to] <= max_ns */
	TOPO_EXP_VIA,                   /* flow packets arrive via iface in [from,to] */
	TOPO_EXP_LINK_COUNTER,          /* link dir counter op value */
	TOPO_EXP_EXEC,                  /* exec exits 0 / output matches regex */
};
const char *topo_expect_kind_name(enum topo_expect_kind k);

enum topo_cmp { TOPO_CMP_LE, TOPO_CMP_GE, TOPO_CMP_EQ };

struct topo_expect {
	enum topo_expect_kind kind;
	char flow[TOPO_NAME_MAX];
	char link[TOPO_NAME_MAX];
	enum link_dir_id dir;
	char counter[TOPO_NAME_MAX];    /* in, delivered, dup, drop_*, in_flight, bytes_* */
	enum topo_cmp cmp;
	double value;                   /* ratio, count */
	uint64_t value_ns;              /* latency, gap */
	bool has_window;
	uint64_t from_ns, to_ns;        /* window (GAP, VIA) */
	char iface[TOPO_NAME_MAX];      /* VIA: receiving node's interface */
	double min_share;               /* VIA: share of packets in window, default 1 */
	char exec_id[TOPO_NAME_MAX];    /* EXEC */
	char match[TOPO_CMD_MAX];       /* EXEC: POSIX ERE the output must match */
	struct topo_loc loc;
};

struct topology {
	char file[TOPO_PATH_MAX];
	char name[TOPO_NAME_MAX];
	char **sets;                    /* the --set overrides applied, in order */
	size_t n_sets;
	uint64_t seed;
	uint64_t duration_ns;           /* run length; 0 = until timeline+flows end + 1s */
	struct topo_node *nodes;
	size_t n_nodes;
	struct topo_link *links;
	size_t n_links;
	struct topo_event *events;      /* sorted by at_ns, stable */
	size_t n_events;
	struct topo_flow *flows;
	size_t n_flows;
	struct topo_expect *expects;
	size_t n_expects;
	struct topo_loc loc;
};

/*
 * Error list: every problem found, as "file:line: message".
 * topo_load() never stops at the first error.
 */
struct topo_errors {
	char **msgs;
	size_t n;
};
void topo_errors_add(struct topo_errors *e, const struct topo_loc *loc,
		     const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void topo_errors_free(struct topo_errors *e);

/*
 * Load, validate against the XSD (path from topo_xsd_path()) and check the
 * semantics. Returns a model or NULL with errs filled. Never exits.
 */
struct topology *topo_load(const char *path, struct topo_errors *errs);
void topo_free(struct topology *t);
/* Same from memory (fuzzing, tests); `name` stands for the file in messages. */
struct topology *topo_load_mem(const char *buf, size_t len, const char *name,
			       struct topo_errors *errs);
/* topo_load with overrides, each "PATH/@ATTR=VALUE" (topo_set.c, pmipemu(1)
 * --set): written into the document before any check, so judged as the
 * file's own values. */
struct topology *topo_load_set(const char *path, const char *const *sets, size_t n_sets,
			       struct topo_errors *errs);

/* Where the XSD lives: $PMIPEMU_XSD, else next to the binary ../../doc/, else
 * the installed path. */
const char *topo_xsd_path(void);

/* Lookups (linear; topologies are small, the data plane never calls these). */
struct topo_node *topo_find_node(const struct topology *t, const char *name);
struct topo_iface *topo_find_iface(const struct topo_node *n, const char *name);
struct topo_link *topo_find_link(const struct topology *t, const char *name);
struct topo_flow *topo_find_flow(const struct topology *t, const char *id);
/* The latest instant the timeline names (events, flow and process
 * start/stop); a run shorter than it would cut the timeline. */
uint64_t topo_last_instant(const struct topology *t);

/* Write one node (and the links touching it) as a standalone topology file,
 * for a daemon's own configuration. Returns 0 or -1. */
int topo_write_node(const struct topology *t, const struct topo_node *n,
		    const char *path);

/*
 * `pmipemu validate FILE...`: argv[0] is the subcommand name, argv[1..] the
 * files. Prints every error to stderr as FILE:LINE: message and, for a good
 * file, "FILE: valid (N nodes, M links, ...)" to stdout. Returns the exit
 * code: 0 all valid, 2 errors, 1 usage.
 */
int topo_cli_validate(int argc, char **argv);

/* topo_daemon.c, for the node daemons: load printing every error to err;
 * the node named name, or the only node of that kind (NULL with why). */
struct topology *topo_load_print(const char *path, FILE *err);
const struct topo_node *topo_pick_node(const struct topology *t, const char *name,
				       enum topo_node_kind kind, char *why, size_t len);

/* `validate` warnings: each mag whose signalling is not authenticated
 * (RFC 4285 keys absent), the first max as "FILE:LINE: warning: ..." lines
 * in out; returns how many there are in all. topo_check_auth.c. */
size_t topo_auth_warnings(const struct topology *t, char out[][160], size_t max);

#endif
