/*
 * mn_mip6_io.c - carries out what the client Mobile IPv6 engine
 * (mn_mip6.c) decides, in mnd (problem statement appendix C).
 *
 * Owns: the care-of address (the configured interface's global address,
 * from the address monitor), the BU out (a whole packet with the Home
 * Address option, IPV6_HDRINCL: the kernel has no CONFIG_IPV6_MIP6), the
 * BA in (a protocol-43 raw socket: the copy of a packet with a type 2
 * RH the kernel then refuses), the home address on TUN device mip0 with a
 * source rule sending its uplink there, the reverse tunnel (RFC 6275
 * 11.3.1: IPv6-in-IPv6 from the CoA to the home agent) and the downlink's
 * decapsulation, the engine's timer and events. Must not: decide anything.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmip/mip6_ext.h"
#include "mn_io.h"
#include "mn_mip6_io.h"
#include "io/nio.h"
#include "pmip/tnl.h"

#define MIP6_TUN_NAME  "mip0"
#define MIP6_TUN_MTU   1400
#define MIP6_TABLE     250      /* the home address's uplink: dev mip0 */
#define MIP6_RULE_PRIO 50       /* before mnd's source rules (1000 + i) */
#define PKT_MAX        65536

struct mn_mip6_io {
	struct ev_loop *loop;
	struct mn_mip6 c;
	int ifindex;                     /* the CoA's interface */
	int tun_fd, tun_ifindex, tnl_fd, rh_fd, out_fd;
	ev_io tun_w, tnl_w, rh_w;
	ev_timer timer;
	struct mn_addrmon *am;
	struct nio_events *ev;
	bool rule;
	uint64_t up_pkts, down_pkts, down_dropped;
	uint8_t buf[PKT_MAX];
};

static void run_acts(struct mn_mip6_io *io, struct mn_mip6_acts *acts);

static void send_bu(struct mn_mip6_io *io, const struct mn_mip6_act *a)
{
	struct mip6_ext x = { .src = a->coa, .dst = io->c.cfg.ha, .has_hoa = true,
			      .hoa = io->c.cfg.hoa };
	struct in6_addr ps, pd;
	uint8_t mh[512], pkt[700];
	const char *why = NULL;
	int n;

	mip6_ext_pseudo(&x, &ps, &pd);
	n = mh_encode(&a->bu, &ps, &pd, mh, sizeof(mh), &why);
	if (n >= 0)
		n = mip6_ext_encode(&x, mh, (size_t)n, pkt, sizeof(pkt), &why);
	if (n < 0)
		nio_log("mnd", "BU not encoded: %s", why);
	else if (nio_hdrincl_send(io->out_fd, pkt, (size_t)n) < 0)
		nio_log("mnd", "BU not sent: %s", strerror(errno));
}

/* The home address's uplink goes to mip0 (then into the reverse tunnel). */
static void tunnel(struct mn_mip6_io *io, bool up)
{
	const struct in6_addr any = IN6ADDR_ANY_INIT;

	if (up && !io->rule) {
		if (nio_route_add(&any, 0, io->tun_ifindex, NULL, MIP6_TABLE, 0) < 0 ||
		    nio_rule_add(&io->c.cfg.hoa, 128, NULL, MIP6_TABLE, MIP6_RULE_PRIO) < 0)
			nio_log("mnd", "reverse tunnel rule: %s", strerror(errno));
		io->rule = true;
	} else if (!up && io->rule) {
		nio_rule_del(&io->c.cfg.hoa, 128, NULL, MIP6_TABLE, MIP6_RULE_PRIO);
		nio_route_del(&any, 0, io->tun_ifindex, MIP6_TABLE);
		io->rule = false;
	}
}

static void arm(struct mn_mip6_io *io, uint64_t deadline_ns)
{
	uint64_t now = nio_now_ns();

	ev_timer_stop(io->loop, &io->timer);
	if (!deadline_ns)
		return;
	ev_timer_set(&io->timer, deadline_ns > now ? (double)(deadline_ns - now) / 1e9 : 0, 0);
	ev_timer_start(io->loop, &io->timer);
}

static void run_acts(struct mn_mip6_io *io, struct mn_mip6_acts *acts)
{
	for (size_t i = 0; i < acts->n; i++) {
		const struct mn_mip6_act *a = &acts->a[i];

		switch (a->type) {
		case MN_MIP6_ACT_SEND_BU: send_bu(io, a); break;
		case MN_MIP6_ACT_TUNNEL_UP: tunnel(io, true); break;
		case MN_MIP6_ACT_TUNNEL_DOWN: tunnel(io, false); break;
		case MN_MIP6_ACT_TIMER_SET: arm(io, a->deadline_ns); break;
		case MN_MIP6_ACT_EVENT: nio_event(io->ev, "%s", a->text); break;
		}
	}
	acts->n = 0;
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mn_mip6_io *io = w->data;
	struct mn_mip6_acts acts = { 0 };

	(void)loop; (void)revents;
	mn_mip6_timer(&io->c, nio_now_ns(), &acts);
	run_acts(io, &acts);
	/* libev's clock may run a little behind CLOCK_MONOTONIC: a wake-up
	 * before the deadline changed nothing and must wait again */
	arm(io, io->c.deadline_ns);
}

/* The CoA: the interface's global address (not the home address). */
static void on_addr(void *arg, int ifindex, const struct in6_addr *a, uint8_t plen, bool added)
{
	struct mn_mip6_io *io = arg;
	struct mn_mip6_acts acts = { 0 };

	(void)plen;
	if (ifindex != io->ifindex || !memcmp(a, &io->c.cfg.hoa, 16))
		return;
	if (added)
		mn_mip6_coa(&io->c, a, nio_now_ns(), &acts);
	else if (io->c.has_coa && !memcmp(a, &io->c.coa, 16))
		mn_mip6_coa(&io->c, NULL, nio_now_ns(), &acts);
	run_acts(io, &acts);
}

/* A BA: type 2 RH with our home address, checksum over it (6.1.1). */
static void on_rh(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mn_mip6_io *io = w->data;
	struct nio_raw_meta meta;
	ssize_t n;

	(void)loop; (void)revents;
	while ((n = nio_raw_recv(io->rh_fd, io->buf, sizeof(io->buf), &meta)) >= 0) {
		struct mip6_ext x = { .src = meta.src, .dst = meta.dst };
		struct mn_mip6_acts acts = { 0 };
		struct in6_addr ps, pd;
		struct mh_msg m;
		const char *why = NULL;
		size_t off;

		if (mip6_ext_walk(MIP6_NH_ROUTING, io->buf, (size_t)n, &x, &off, &why) < 0 ||
		    !x.has_rh2 || memcmp(&x.rh2_addr, &io->c.cfg.hoa, 16))
			continue;
		mip6_ext_pseudo(&x, &ps, &pd);
		if (mh_decode(io->buf + off, (size_t)n - off, &ps, &pd, &m, &why) < 0) {
			nio_log("mnd", "BA dropped: %s", why);
			continue;
		}
		mn_mip6_ba(&io->c, &meta.src, &m, nio_now_ns(), &acts);
		run_acts(io, &acts);
	}
}

/* Uplink from the home address: into the reverse tunnel (11.3.1). */
static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mn_mip6_io *io = w->data;
	ssize_t n;

	(void)loop; (void)revents;
	for (int i = 0; i < 64 && (n = read(io->tun_fd, io->buf, sizeof(io->buf))) > 0; i++) {
		if (!io->c.tunnel || tnl_ip6_check(io->buf, (size_t)n, &(const char *){ NULL }) < 0)
			continue;
		if (nio_tnl_send(io->tnl_fd, &io->c.coa, &io->c.cfg.ha, io->buf, (size_t)n) >= 0)
			io->up_pkts++;
	}
}

/* Downlink: the home agent's tunnel to our CoA, inner packet for the HoA. */
static void on_tnl(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mn_mip6_io *io = w->data;
	struct in6_addr osrc, odst, idst;
	ssize_t n;

	(void)loop; (void)revents;
	for (int i = 0; i < 64; i++) {
		n = nio_tnl_recv(io->tnl_fd, io->buf, sizeof(io->buf), &osrc, &odst);
		if (n < 0)
			break;
		if (memcmp(&osrc, &io->c.cfg.ha, 16) || tnl_ip6_dst(io->buf, (size_t)n, &idst) < 0 ||
		    memcmp(&idst, &io->c.cfg.hoa, 16) || !io->c.tunnel) {
			io->down_dropped++;
			continue;
		}
		if (write(io->tun_fd, io->buf, (size_t)n) == n)
			io->down_pkts++;
	}
}

static void watch(struct mn_mip6_io *io, ev_io *w, void (*cb)(struct ev_loop *, ev_io *, int),
		  int fd)
{
	ev_io_init(w, cb, fd, EV_READ);
	w->data = io;
	ev_io_start(io->loop, w);
}

static int open_all(struct mn_mip6_io *io, const char **why)
{
	io->ifindex = nio_ifindex(io->c.cfg.iface);
	if (io->ifindex <= 0) {
		*why = "<mip6 iface>: no such interface";
		return -1;
	}
	io->tun_fd = nio_tun_open(MIP6_TUN_NAME, MIP6_TUN_MTU, &io->tun_ifindex);
	io->tnl_fd = nio_tnl_open();
	io->rh_fd = nio_exthdr_open(MIP6_NH_ROUTING, NULL);
	io->out_fd = nio_hdrincl_open();
	if (io->tun_fd < 0 || io->tnl_fd < 0 || io->rh_fd < 0 || io->out_fd < 0) {
		*why = "cannot open mip0, the tunnel or the MIPv6 sockets";
		return -1;
	}
	if (nio_link_set_up(io->tun_ifindex, true) < 0 ||
	    nio_addr_add(io->tun_ifindex, &io->c.cfg.hoa, 128, true) < 0) {
		*why = "cannot bring up mip0 with the home address";
		return -1;
	}
	watch(io, &io->tun_w, on_tun, io->tun_fd);
	watch(io, &io->tnl_w, on_tnl, io->tnl_fd);
	watch(io, &io->rh_w, on_rh, io->rh_fd);
	io->am = mn_addrmon_start(io->loop, on_addr, io);
	if (!io->am) {
		*why = "cannot start the address monitor";
		return -1;
	}
	return 0;
}

struct mn_mip6_io *mn_mip6_io_start(struct ev_loop *loop, const struct mn_mip6_cfg *cfg,
				    const char *node, const char **why)
{
	struct mn_mip6_io *io = calloc(1, sizeof(*io));

	if (!io) {
		*why = "out of memory";
		return NULL;
	}
	io->loop = loop;
	io->tun_fd = io->tnl_fd = io->rh_fd = io->out_fd = -1;
	mn_mip6_init(&io->c, cfg, (uint16_t)(nio_now_ns() / 1000));  /* RFC 6275 11.7.1 */
	io->ev = nio_events_open(node);
	ev_timer_init(&io->timer, on_timer, 0, 0);
	io->timer.data = io;
	if (open_all(io, why) < 0) {
		mn_mip6_io_stop(io);
		return NULL;
	}
	return io;
}

const struct mn_mip6 *mn_mip6_io_client(const struct mn_mip6_io *io)
{
	return &io->c;
}

static void close_watched(struct mn_mip6_io *io, ev_io *w, int fd)
{
	if (fd < 0)
		return;
	if (ev_is_active(w))
		ev_io_stop(io->loop, w);
	close(fd);
}

void mn_mip6_io_stop(struct mn_mip6_io *io)
{
	if (!io)
		return;
	tunnel(io, false);
	ev_timer_stop(io->loop, &io->timer);
	mn_addrmon_stop(io->am);
	close_watched(io, &io->tun_w, io->tun_fd);
	close_watched(io, &io->tnl_w, io->tnl_fd);
	close_watched(io, &io->rh_w, io->rh_fd);
	if (io->out_fd >= 0)
		close(io->out_fd);
	nio_events_close(io->ev);
	free(io);
}
