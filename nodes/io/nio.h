/*
 * nio.h - the node programs' shared shell: sockets, TUN, netlink, control
 * socket, event reporting. Used by lmad, magd, mnd (their *_io.c files).
 *
 * Owns: every system call the daemons share. Must not: hold protocol state
 * or decide anything; engines decide, these carry out. Functions return 0
 * (or an fd / length) on success and -1 with errno set on failure; none
 * logs or exits.
 */
#ifndef PMIPEMU_NIO_H
#define PMIPEMU_NIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>

struct ev_loop;

/* ---- time ------------------------------------------------------------- */
uint64_t nio_now_ns(void);                 /* CLOCK_MONOTONIC */
uint64_t nio_realtime_ns(void);            /* CLOCK_REALTIME, for RFC 5213 timestamps */

/* ---- raw IPv6 datagrams: what the MH, tunnel and ICMPv6 sockets share ----
 * (extension) sendmsg with IPV6_PKTINFO for the source address and outgoing
 * interface; recvmsg returning the ancillary data. A datagram longer than
 * cap is dropped whole (-1, EMSGSIZE), never handed on truncated. */
struct nio_raw_meta {
	struct in6_addr src;       /* IPv6 source (msg_name) */
	struct in6_addr dst;       /* IPv6 destination (IPV6_PKTINFO) */
	int ifindex;               /* arrival interface (IPV6_PKTINFO), 0 unknown */
	int hoplimit;              /* IPV6_HOPLIMIT, -1 when not asked for */
	uint64_t rx_realtime_ns;   /* arrival (SO_TIMESTAMPNS, CLOCK_REALTIME), 0 unknown */
};
/* src NULL or :: = let the kernel choose; ifindex 0 = routing decides;
 * the destination's scope id is ifindex (needed for link-local/multicast). */
ssize_t nio_raw_send(int fd, const struct in6_addr *src, int ifindex,
		     const struct in6_addr *dst, const void *buf, size_t len);
ssize_t nio_raw_recv(int fd, void *buf, size_t cap, struct nio_raw_meta *meta);

/* ---- Mobility Header raw socket (IPPROTO_MH = 135) ----------------------
 * IPV6_CHECKSUM offset 4 so the kernel computes and verifies the checksum
 * (RFC 6275 6.1.1); IPV6_RECVPKTINFO to learn the destination;
 * SO_TIMESTAMPNS so that nio_raw_recv tells when a message arrived. */
int nio_mh_open(const struct in6_addr *bind_addr /* NULL = any */);
ssize_t nio_mh_send(int fd, const struct in6_addr *src, const struct in6_addr *dst,
		    const void *buf, size_t len);
/* Receives one MH; fills src, dst (from pktinfo) and ifindex. */
ssize_t nio_mh_recv(int fd, void *buf, size_t cap, struct in6_addr *src,
		    struct in6_addr *dst, int *ifindex);

/* ---- Mobile IPv6 extension headers (nio_mip6.c, appendix C) -------------
 * A raw socket for protocol 60 (Destination Options) or 43 (Routing): it
 * receives, from the extension header on, the packets the kernel would
 * refuse (no CONFIG_IPV6_MIP6); read them with nio_raw_recv. And an
 * IPV6_HDRINCL socket that sends a whole IPv6 packet to its Destination. */
int nio_exthdr_open(int proto, const struct in6_addr *bind_addr /* NULL = any */);
int nio_hdrincl_open(void);
ssize_t nio_hdrincl_send(int fd, const void *pkt, size_t len);

/* ---- IPv6-in-IPv6 (RFC 2473) raw socket, protocol 41 ---------------------
 * The kernel here has no ip6tnl: we send the inner packet as the payload of
 * a raw IPPROTO_IPV6 socket (the kernel builds the outer header with src),
 * and receive decapsulated payloads (outer header stripped by the kernel,
 * outer src/dst from recvmsg). */
int nio_tnl_open(void);
ssize_t nio_tnl_send(int fd, const struct in6_addr *outer_src,
		     const struct in6_addr *outer_dst, const void *inner, size_t len);
ssize_t nio_tnl_recv(int fd, void *buf, size_t cap, struct in6_addr *outer_src,
		     struct in6_addr *outer_dst);

/* ---- TUN device (IFF_TUN | IFF_NO_PI): raw IPv6 packets ------------------ */
int nio_tun_open(const char *name, unsigned mtu, int *ifindex);

/* ---- ICMPv6 on one interface (RS in, RA out), hop limit 255 -------------- */
int nio_icmp6_open(const char *ifname);    /* filters RS only (ICMP6_FILTER) */
/* (extension) pass the n ICMPv6 types listed (e.g. RA 134 for mnd). Joins
 * ff02::2 on the interface when RS is passed, so RS arrive on a host too. */
int nio_icmp6_open_filter(const char *ifname, const uint8_t *types, size_t n);
/* nio_icmp6_recv drops (and skips) every message whose hop limit is not 255
 * (RFC 4861 6.1.1, 6.1.2); -1/EAGAIN when nothing valid is waiting. */
ssize_t nio_icmp6_send(int fd, int ifindex, const struct in6_addr *src,
		       const struct in6_addr *dst, const void *buf, size_t len);
ssize_t nio_icmp6_recv(int fd, void *buf, size_t cap, struct in6_addr *src,
		       int *ifindex);
/* One Echo Request src -> dst (RFC 4443 4.1), answer not awaited: makes the
 * kernel resolve the path's first hop now. 0 or -1 with errno. */
int nio_icmp6_echo(const struct in6_addr *src, const struct in6_addr *dst,
		   uint16_t id, uint16_t seq);

/* ---- netlink (libmnl): routes, rules, addresses, links -------------------- */
int nio_ifindex(const char *ifname);       /* 0 if absent */
/* nio_ifmac.c: the interface's MAC address; 0 or -1 with errno. */
int nio_link_mac(const char *ifname, uint8_t mac[6]);
int nio_link_set_up(int ifindex, bool up);
/* The ACK comes before the kernel's address work is done: the local route of
 * a new address (even nodad) appears a moment later, asynchronously. */
int nio_addr_add(int ifindex, const struct in6_addr *a, uint8_t plen, bool nodad);
int nio_addr_del(int ifindex, const struct in6_addr *a, uint8_t plen);  /* extension */
/* Routes and rules: table 0 means the main table (254). Route add replaces
 * a route with the same destination, table and metric (NLM_F_REPLACE). */
int nio_route_add(const struct in6_addr *dst, uint8_t plen, int oif,
		  const struct in6_addr *via /* NULL = on-link */, uint32_t table,
		  uint32_t metric);
int nio_route_del(const struct in6_addr *dst, uint8_t plen, int oif, uint32_t table);
/* ip -6 route get DST: the output interface the kernel would use (policy
 * rules included), or -1 with errno (ENETUNREACH: no route). */
int nio_route_oif(const struct in6_addr *dst);
/* ip -6 rule add from SRC/PLEN [iif IIF] lookup TABLE prio PRIO; src NULL
 * = from all; prio 0 = the kernel picks. Add fails with EEXIST when the same
 * rule exists (NLM_F_EXCL). */
int nio_rule_add(const struct in6_addr *src, uint8_t plen, const char *iif,
		 uint32_t table, uint32_t prio);
int nio_rule_del(const struct in6_addr *src, uint8_t plen, const char *iif,
		 uint32_t table, uint32_t prio);
int nio_sysctl_set(const char *key, const char *value);  /* net.ipv6.conf.x.y */
/* ip -6 neigh replace A lladdr MAC dev IF nud permanent / ip -6 neigh del */
int nio_neigh_set(int ifindex, const struct in6_addr *a, const uint8_t mac[6]);
int nio_neigh_del(int ifindex, const struct in6_addr *a);
/* (extension) keys may also use '/' as separator (net/ipv6/conf/eth0.5/forwarding)
 * when a name holds a dot. Reads the value without its newline. */
int nio_sysctl_get(const char *key, char *out, size_t cap);

/* Link monitor: RTNLGRP_LINK; callback on every carrier change.
 * The callback fires when (carrier, up) of an interface changes from what the
 * monitor last knew; a removed interface always reports (false, false). The state at
 * start is learnt silently (query it with nio_link_carrier). On ENOBUFS
 * (missed notifications) the monitor dumps every link and reports the
 * differences. Carrier changes reach netlink through the kernel's linkwatch,
 * which delays a carrier loss up to 1 s after any other link event of the
 * machine and can coalesce a short flap away (measured: doc/nio.md). */
typedef void (*nio_link_cb)(void *arg, int ifindex, const char *ifname,
			    bool carrier, bool up);
struct nio_linkmon;
struct nio_linkmon *nio_linkmon_start(struct ev_loop *loop, nio_link_cb cb, void *arg);
void nio_linkmon_stop(struct nio_linkmon *m);
/* Current carrier (IFF_LOWER_UP) of an interface; -1 on error. */
int nio_link_carrier(int ifindex);
/* 1 when the link carries traffic: carrier on, operational (RFC 2863
 * state set by the kernel's linkwatch) and a real queueing discipline, 0 not
 * yet, -1 with errno. */
int nio_link_operational(int ifindex);

/* ---- every program (nio_prog.c) ----------------------------------------
 * "--help" (or "-h") as the only argument prints usage on stdout, "--version"
 * prints "PROG VERSION" (git describe at build time); both exit 0. Returns
 * for anything else. */
void nio_prog_std_args(int argc, char **argv, const char *prog, const char *usage);
const char *nio_prog_version(void);

/* ---- control socket (unix SOCK_STREAM, one line in, one JSON doc out) ---- */
/* The handler writes a NUL-terminated JSON document into out (cap bytes). */
typedef void (*nio_ctl_cb)(void *arg, const char *line, char *out, size_t cap);
struct nio_ctl;
struct nio_ctl *nio_ctl_start(struct ev_loop *loop, const char *path, nio_ctl_cb cb, void *arg);
void nio_ctl_stop(struct nio_ctl *c);      /* closes and unlinks */
#define NIO_CTL_CONN_MAX 64     /* clients served at once (doc/security.md) */
struct nio_ctl_stats {
	unsigned long conns, conns_peak;   /* open now, most at once */
	unsigned long accept_errors;       /* EMFILE, ENFILE, ENOBUFS, ENOMEM */
	unsigned long accept_backoffs;     /* pauses of NIO_CTL_BACKOFF_S */
	unsigned long cap_reached;         /* times accepting waited for the cap */
};
void nio_ctl_get_stats(const struct nio_ctl *c, struct nio_ctl_stats *out);
/* A daemon's control socket path: the one given (-s), else
 * $PMIPEMU_STATE_DIR/NODE.ctl, else NULL (no control socket). */
const char *nio_ctl_path(const char *given, const char *node, char *buf, size_t cap);
/* Client side (pmipemu ctl): send line, read the answer until EOF.
 * Returns the answer's length (trailing newline removed, out NUL-terminated);
 * -1 with ETIMEDOUT after NIO_CTL_TIMEOUT_MS, EMSGSIZE if cap is too small
 * (out then holds the truncated start). */
int nio_ctl_request(const char *path, const char *line, char *out, size_t cap);
int nio_ctl_request_timeout(const char *path, const char *line, char *out,
			    size_t cap, int timeout_ms);   /* extension */
#define NIO_CTL_LINE_MAX   4096      /* longest request line, newline excluded */
#define NIO_CTL_ANSWER_MAX 65536     /* answer buffer given to the handler */
#define NIO_CTL_TIMEOUT_MS 5000
/* Framing (extension, pure): length of the first line in buf[0..len) without
 * its '\n' (and a '\r' before it); -1 when no newline yet, -2 when the line
 * is already longer than max. */
long nio_ctl_frame(const char *buf, size_t len, size_t max);
/* nio_utf8.c: the length of the well-formed UTF-8 sequence at p (RFC 3629
 * 4: no overlong forms, no surrogates, nothing past U+10FFFF) within left
 * octets, 0 when there is none. */
size_t nio_utf8_seq(const unsigned char *p, size_t left);
/* in[0..len) with every byte that is not part of well-formed UTF-8 replaced
 * by the six characters \ufffd (for JSON strings); NUL-terminated in out
 * (cap >= 1); returns the length written, stopping before it would overrun. */
size_t nio_utf8_fix(const char *in, size_t len, char *out, size_t cap);

/* ---- events: one JSON object per datagram to $PMIPEMU_EVENT_SOCK ---------
 * Without the variable, events go to stderr as lines. "mono_ns" is added. */
struct nio_events;
struct nio_events *nio_events_open(const char *node);
/* json_obj: a JSON object text without "mono_ns", e.g. {"ev":"pbu_sent",...} */
void nio_event(struct nio_events *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void nio_events_close(struct nio_events *e);
/* (extension) events not delivered (bad JSON text, socket full or absent). */
unsigned long nio_events_dropped(const struct nio_events *e);
/* (extension, pure) out = json_obj with "node" (when node is not NULL) and
 * "mono_ns" inserted after its leading '{'. Returns the length, -1/EINVAL
 * when json_obj is not an object text, -1/ENOSPC when out is too small. */
int nio_event_format(char *out, size_t cap, const char *node, uint64_t mono_ns,
		     const char *json_obj);

/* ---- logging for daemons (stderr, rate-limited by the caller's key) ------ */
void nio_log(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* (extension) a token per interval: true when a line may be logged now; then
 * *suppressed holds how many were refused since the last true. */
struct nio_ratelimit {
	uint64_t interval_ns;
	uint64_t next_ns;
	unsigned long suppressed;
};
bool nio_ratelimit_ok(struct nio_ratelimit *r, uint64_t now_ns, unsigned long *suppressed);

#endif
