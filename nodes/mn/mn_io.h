/*
 * mn_io.h - mnd's shell: carries out the MN engine's actions on the system
 * (routes, policy rules, netfilter) and feeds it the world (carrier, global
 * addresses, Router Advertisements, new flows, timers, control socket).
 *
 * Owns: every socket, netlink, netfilter and libev use of mnd. Must not:
 * decide policy (mn_engine.c does).
 */
#ifndef PMIPEMU_MN_IO_H
#define PMIPEMU_MN_IO_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "mn.h"

struct ev_loop;

struct mn_io_opts {
	const char *node;                /* for events and logs */
	const char *ctl_path;            /* control socket; NULL = none */
	uint16_t nfq_num;                /* NFQUEUE number for flow steering */
	bool debug;                      /* log engine decisions */
};

struct mn_io;

/* Opens everything; NULL with *why (errno kept) on failure, after undoing
 * what was done. The engine stays the caller's. */
struct mn_io *mn_io_start(struct ev_loop *loop, struct mn *m,
			  const struct mn_io_opts *o, const char **why);
/* Appendix C: the client entry "show mip6" reads (NULL: none). */
struct mn_mip6;
void mn_io_set_mip6(struct mn_io *io, const struct mn_mip6 *c);
/* Removes every rule, route and netfilter rule mnd added; closes all. */
void mn_io_stop(struct mn_io *io);

/* ---- mn_nl_io.c: rtnetlink beyond nio ------------------------------------ */

/* Address monitor (RTNLGRP_IPV6_IFADDR): cb for every global IPv6 address
 * that appears (added) or goes (removed, or DAD failed). Start reports the
 * addresses already there. On ENOBUFS it dumps again (appearances only). */
typedef void (*mn_addr_cb)(void *arg, int ifindex, const struct in6_addr *a,
			   uint8_t plen, bool added);
struct mn_addrmon;
struct mn_addrmon *mn_addrmon_start(struct ev_loop *loop, mn_addr_cb cb, void *arg);
void mn_addrmon_stop(struct mn_addrmon *am);
/* ip -6 rule add/del fwmark MARK lookup TABLE prio PRIO: 0, -1 errno. */
int mn_nl_fwmark_rule(bool add, uint32_t mark, uint32_t table, uint32_t prio);
/* Delete every IPv6 rule with priority in [lo, hi] (what a killed mnd
 * left); the number deleted, or -1 errno. */
int mn_nl_rules_sweep(uint32_t lo, uint32_t hi);
/* Default routes the kernel learnt from RAs (main table, proto ra): cb with
 * the gateway and the seconds left (0 = no expiry). 0 or -1 errno. */
typedef void (*mn_ra_route_cb)(void *arg, int ifindex, const struct in6_addr *gw,
			       uint32_t remaining_s);
int mn_nl_ra_routes(mn_ra_route_cb cb, void *arg);

/* ---- mn_nfq_io.c: NFQUEUE flow steering ------------------------------------ */

/* The classifier: the first packet of a new flow in, the mark out. */
typedef uint32_t (*mn_nfq_cb)(void *arg, const uint8_t *pkt, size_t len);
struct mn_nfq;
/* Installs the ip6tables mangle rules (NFQUEUE for conntrack NEW with
 * --queue-bypass, CONNMARK restore/save) and binds the queue. */
struct mn_nfq *mn_nfq_start(struct ev_loop *loop, uint16_t qnum, mn_nfq_cb cb,
			    void *arg, const char **why);
/* Removes the rules, closes the queue. */
void mn_nfq_stop(struct mn_nfq *q);
/* Verdicts given and errors (verdict failed, queue overrun). */
uint64_t mn_nfq_errors(const struct mn_nfq *q);
/* Removes rules a previous mnd left behind (the chains are ours by name). */
void mn_nfq_rules_remove(void);

#endif
