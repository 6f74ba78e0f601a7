/*
 * mag_io_int.h - what the files of magd's shell share (mag_io.c: start,
 * stop, timer and control; mag_act_io.c: carrying out the engine's actions;
 * mag_rx_io.c: the MH socket, RS, and the tunnel's two directions;
 * mag_access_io.c: the L2 attach trigger and the carrier monitor).
 * Must not: be included outside nodes/mag/mag_io.c, mag_*_io.c.
 */
#ifndef PMIPEMU_MAG_IO_INT_H
#define PMIPEMU_MAG_IO_INT_H

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "mag_io.h"
#include "io/nio.h"
#include "io/nio_mherr.h"

#define PKT_MAX 65575                    /* IPv6 max payload + header */
#define BATCH 64                         /* packets per wakeup per fd */

struct mag_rs_src {                      /* where the MN's RS came from */
	bool used;
	int ifindex;
	uint8_t mac[6];
	struct in6_addr src;
};

struct mag_access_io {
	struct mag_io *io;
	int fd;
	ev_io w;
	int ifindex;
	char name[MAG_IFNAME_MAX];
	uint8_t mac[6];
	struct in6_addr ll;                  /* fe80:: from the MAC, RFC 5213 6.8 */
	int pkt_fd;                          /* AF_PACKET: the L2 attach trigger */
	ev_io pkt_w;
	uint8_t unknown[4][6];               /* MACs without a policy profile */
	unsigned n_unknown;
	bool carrier;                        /* last seen; a loss is handled once */
	bool ingress_rule;                   /* the catch-all of ingress_filter() */
};

struct mag_io {
	struct ev_loop *loop;
	struct mag *m;
	struct mag_io_opts o;
	struct mag_acts *acts;
	struct nio_events *ev;
	int mh_fd, tnl_fd, tun_fd, tun_ifindex;
	ev_io mh_w, tnl_w, tun_w;
	struct mag_access_io acc[MAG_ACCESS_MAX];
	size_t n_acc;
	struct mag_rs_src rs[MAG_BUL_MAX];
	struct nio_linkmon *lm;
	struct nio_ctl *ctl;
	ev_timer timer;
	ev_timer carrier_w;                  /* carrier poll of access interfaces */
	mag_io_carrier_cb loss_cb;           /* appendix D (mag_fh_io.c) */
	void *loss_arg;
	bool table_route;
	struct nio_mherr mherr;              /* RFC 6275 9.2 answers */
	uint8_t pkt[PKT_MAX];
};


/*
 * The kernel announces a carrier loss through netlink at most once a second
 * machine-wide (linkwatch, doc/nio.md): with link events elsewhere on the
 * machine the MAG would learn of a dead access link up to a second late.
 * The carrier bit itself (ETHTOOL_GLINK, nio_link_carrier) changes at once, so
 * the access interfaces that are up are polled every MAG_IO_CARRIER_POLL_S.
 */
#define MAG_IO_CARRIER_POLL_S 0.01

void mag_io_log(struct mag_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t mag_io_now(struct mag_io *io);          /* and the engine's clock offset */

/* mag_act_io.c */
void mag_io_run_acts(struct mag_io *io);
void mag_io_act_timer(struct mag_io *io, uint64_t deadline_ns);
struct mag_access_io *mag_io_acc(struct mag_io *io, int ifindex);
struct mag_rs_src *mag_io_rs_find(struct mag_io *io, int ifindex, const uint8_t mac[6],
				  bool add);

/* mag_rx_io.c: watchers */
void mag_io_on_mh(struct ev_loop *loop, ev_io *w, int revents);
void mag_io_on_icmp(struct ev_loop *loop, ev_io *w, int revents);
void mag_io_on_tun(struct ev_loop *loop, ev_io *w, int revents);
void mag_io_on_tnl(struct ev_loop *loop, ev_io *w, int revents);

/* mag_access_io.c */
int mag_io_pkt_open(struct mag_access_io *acc);
void mag_io_pkt_watch(struct mag_access_io *acc, bool on);
void mag_io_on_pkt(struct ev_loop *loop, ev_io *w, int revents);
void mag_io_carrier_lost(struct mag_io *io, struct mag_access_io *acc);
void mag_io_on_link(void *arg, int ifindex, const char *ifname, bool carrier, bool up);
void mag_io_on_carrier_poll(struct ev_loop *loop, ev_timer *w, int revents);

#endif
