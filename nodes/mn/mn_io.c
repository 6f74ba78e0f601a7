/*
 * mn_io.c - mnd's shell (libev): carries out the engine's actions (routes
 * and rules through nio and mn_nl_io.c) and feeds it inputs: carrier
 * changes (nio_linkmon), global addresses (mn_addrmon), Router
 * Advertisements (an ICMPv6 socket per interface, RA only), new flows
 * (mn_nfq), the router-lifetime timer and control requests.
 *
 * Carrier loss: the kernel's netlink notification goes through linkwatch,
 * at once when the machine had no other link event in the last second,
 * else up to ~1 s later (doc/nio.md); the carrier bit itself (IFF_LOWER_UP
 * of RTM_GETLINK) changes at once, so interfaces with carrier are also
 * polled every MN_IO_CARRIER_POLL_S; whichever sees the loss first tells
 * the engine (a second report of the same state changes nothing).
 *
 * Owns: every system call of mnd but main()'s. Must not: make policy
 * decisions; it asks the engine (mn.h) and does what the actions say.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ev.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "mn_io.h"
#include "pmip/nd.h"
#include "io/nio.h"

struct mn_ra_io {
	struct mn_io *io;
	int fd;
	int ifindex;
	ev_io w;
};

struct mn_io {
	struct ev_loop *loop;
	struct mn *m;
	const struct mn_mip6 *mip6;      /* appendix C client, for "show mip6" */
	struct mn_io_opts o;
	struct mn_acts *acts;
	struct nio_events *ev;
	struct nio_linkmon *lm;
	struct mn_addrmon *am;
	struct nio_ctl *ctl;
	struct mn_nfq *nfq;
	struct mn_ra_io ra[MN_IFACE_MAX];
	ev_timer timer;
	ev_timer carrier_w;              /* carrier poll */
	struct nio_ratelimit rl;
	uint8_t pkt[2048];
};

static void io_log(struct mn_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void io_log(struct mn_io *io, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nio_log("mnd", "%s: %s", io->o.node, buf);
}

/* Netlink failures are counted; the log is rate-limited (a flapping link
 * must not flood it). */
static void nl_fail(struct mn_io *io, const struct mn_act *a, const char *what)
{
	unsigned long suppressed = 0;
	char p[INET6_ADDRSTRLEN + 8];
	int e = errno;
	mn_stats(io->m)->nl_errors++;
	if (!nio_ratelimit_ok(&io->rl, nio_now_ns(), &suppressed))
		return;
	inet_ntop(AF_INET6, a->type == MN_ACT_ROUTE_ADD ? &a->via : &a->prefix, p, sizeof(p));
	io_log(io, "%s %s (%s, table %u, mark %u): %s (%lu not logged)", what, p,
	       a->ifname, a->table, a->fwmark, strerror(e), suppressed);
}

/* ---- carrying out actions ------------------------------------------------------ */

static void act_route(struct mn_io *io, const struct mn_act *a, bool add)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	if (add && nio_route_add(&any, 0, a->ifindex, &a->via, a->table, 0) < 0)
		nl_fail(io, a, "route add default via");
	if (!add && nio_route_del(&any, 0, a->ifindex, a->table) < 0 &&
	    errno != ESRCH && errno != ENOENT && errno != ENODEV)
		nl_fail(io, a, "route del default");
}

static void act_rule(struct mn_io *io, const struct mn_act *a, bool add)
{
	int r;
	if (a->fwmark)
		r = mn_nl_fwmark_rule(add, a->fwmark, a->table, a->prio);
	else if (add)
		r = nio_rule_add(&a->prefix, a->plen, NULL, a->table, a->prio);
	else
		r = nio_rule_del(&a->prefix, a->plen, NULL, a->table, a->prio);
	if (r < 0 && !(add && errno == EEXIST) && !(!add && errno == ENOENT))
		nl_fail(io, a, add ? "rule add from" : "rule del from");
}

static void act_timer(struct mn_io *io, uint64_t deadline_ns)
{
	ev_timer_stop(io->loop, &io->timer);
	if (!deadline_ns)
		return;
	uint64_t now = nio_now_ns();
	double s = deadline_ns > now ? (double)(deadline_ns - now) / 1e9 : 0.0;
	ev_timer_set(&io->timer, s, 0.0);
	ev_timer_start(io->loop, &io->timer);
}

/* The interface's MAC (RFC 4861 4.6.1 Source Link-layer Address: the MAG
 * knows the MN by it). 0 or -1. */
static int iface_mac(const char *name, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	r = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (r < 0)
		return -1;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

/* Section 3: an RS to ff02::2 carrying the interface's flow requests (ND
 * option 253, nd_flow.c); the kernel fills the ICMPv6 checksum and picks
 * the link-local source; the socket sends with hop limit 255. */
static void act_flow_rs(struct mn_io *io, const struct mn_act *a)
{
	static const struct in6_addr all_routers = { { { 0xff, 0x02, [15] = 2 } } };
	int i = mn_iface_by_index(io->m, a->ifindex);
	struct nd_rs rs = { .has_slla = true, .slla.len = 6 };
	uint8_t buf[1280];
	const char *why = "no such interface";
	int n = -1;

	if (i >= 0 && io->ra[i].fd > 0 && iface_mac(a->ifname, rs.slla.addr) == 0) {
		rs.n_flow = (uint8_t)mn_flow_requests(io->m, (size_t)i, rs.flow, ND_FLOW_REQ_MAX);
		rs.has_flow_list = true;        /* what we keep asking for here */
		rs.n_flow_list = rs.n_flow;
		for (uint8_t k = 0; k < rs.n_flow; k++)
			rs.flow_list[k] = rs.flow[k].f.fid;
		n = nd_rs_encode(&rs, NULL, NULL, buf, sizeof(buf), &why);
	}
	if (n < 0 || nio_icmp6_send(io->ra[i].fd, a->ifindex, NULL, &all_routers, buf,
				    (size_t)n) < 0)
		io_log(io, "flow request RS on %s not sent: %s", a->ifname,
		       n < 0 ? why : strerror(errno));
}

static void run_acts(struct mn_io *io)
{
	struct mn_acts *acts = io->acts;
	for (size_t i = 0; i < acts->n; i++) {
		const struct mn_act *a = &acts->a[i];
		switch (a->type) {
		case MN_ACT_ROUTE_ADD: act_route(io, a, true); break;
		case MN_ACT_ROUTE_DEL: act_route(io, a, false); break;
		case MN_ACT_RULE_ADD: act_rule(io, a, true); break;
		case MN_ACT_RULE_DEL: act_rule(io, a, false); break;
		case MN_ACT_TIMER_SET: act_timer(io, a->deadline_ns); break;
		case MN_ACT_EVENT:
			nio_event(io->ev, "{\"ev\":\"%s\",%s}", mn_event_name(a->ev), a->text);
			break;
		case MN_ACT_LOG:
			if (io->o.debug)
				io_log(io, "%s", a->text);
			break;
		case MN_ACT_SEND_FLOW_RS: act_flow_rs(io, a); break;
		}
	}
	if (acts->overflow)
		io_log(io, "%zu actions lost (list full)", acts->overflow);
	mn_acts_reset(acts);
}

/* ---- inputs ------------------------------------------------------------------------ */

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mn_io *io = w->data;
	mn_timer(io->m, nio_now_ns(), io->acts);
	run_acts(io);
}

static void on_link(void *arg, int ifindex, const char *ifname, bool carrier, bool up)
{
	struct mn_io *io = arg;
	if (mn_iface_by_index(io->m, ifindex) < 0)
		return;
	if (io->o.debug)
		io_log(io, "%s carrier %s, %s", ifname, carrier ? "on" : "off",
		       up ? "up" : "down");
	mn_link(io->m, ifindex, carrier, up, nio_now_ns(), io->acts);
	run_acts(io);
}

#define MN_IO_CARRIER_POLL_S 0.01
/* Appendix D: the uplink of a lost interface moves when mnd sees the loss;
 * until then the MN's own packets go to the dead interface and are lost
 * (doc/bench.md table 7b: an uplink loss traced to this with a 10 ms poll).
 * As magd does with fast handover on (MAG_FH_IO_CARRIER_POLL_S); a poll is
 * one ETHTOOL_GLINK ioctl per interface (doc/nio.md). */
#define MN_IO_FH_CARRIER_POLL_S 0.002

static void on_carrier_poll(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mn_io *io = w->data;
	for (size_t i = 0; i < mn_n_ifaces(io->m); i++) {
		const struct mn_iface *f = mn_iface_at(io->m, i);
		if (f->ifindex <= 0 || !f->carrier || nio_link_carrier(f->ifindex) != 0)
			continue;
		mn_link(io->m, f->ifindex, false, f->up, nio_now_ns(), io->acts);
		run_acts(io);
	}
}

static void on_addr(void *arg, int ifindex, const struct in6_addr *a, uint8_t plen,
		    bool added)
{
	struct mn_io *io = arg;
	if (added)
		mn_addr_add(io->m, ifindex, a, plen, nio_now_ns(), io->acts);
	else
		mn_addr_del(io->m, ifindex, a, plen, nio_now_ns(), io->acts);
	run_acts(io);
}

static void on_ra(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mn_ra_io *r = w->data;
	struct mn_io *io = r->io;
	for (int n = 0; n < 16; n++) {
		struct in6_addr src;
		int ifindex;
		ssize_t len = nio_icmp6_recv(r->fd, io->pkt, sizeof(io->pkt), &src, &ifindex);
		if (len < 0)
			return;
		struct nd_ra ra;
		const char *why = NULL;
		/* the kernel verified the checksum of this raw ICMPv6 socket */
		if (nd_ra_decode(io->pkt, (size_t)len, NULL, NULL, &ra, &why) < 0)
			mn_stats(io->m)->ra_ignored++;
		else if (mn_ra(io->m, r->ifindex, &src, ra.router_lifetime_s,
			       nio_now_ns(), io->acts, &why) == 0)
			why = NULL;
		if (why && io->o.debug)
			io_log(io, "RA ignored: %s", why);
		run_acts(io);
	}
}

static void on_ra_route(void *arg, int ifindex, const struct in6_addr *gw,
			uint32_t remaining_s)
{
	struct mn_io *io = arg;
	const char *why;
	if (mn_iface_by_index(io->m, ifindex) < 0)
		return;
	/* a router the kernel learnt before we started; no expiry shown: the
	 * RFC 4861 6.2.1 default AdvDefaultLifetime of the MAG (1800 s) */
	mn_ra(io->m, ifindex, gw, remaining_s ? remaining_s : 1800, nio_now_ns(),
	      io->acts, &why);
	run_acts(io);
}

static uint32_t on_flow(void *arg, const uint8_t *pkt, size_t len)
{
	struct mn_io *io = arg;
	struct flow_key k;
	const char *why;
	int sel;
	if (flow_key_parse(pkt, len, &k, &why) < 0) {
		mn_stats(io->m)->nfq_bad_packets++;
		return mn_cfg(io->m)->mark_base;
	}
	uint32_t mark = mn_flow_classify(io->m, &k, &sel);
	if (io->o.debug) {
		char d[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &k.dst, d, sizeof(d));
		io_log(io, "flow proto %u to [%s]:%u: selector %d, mark %#x", k.proto, d,
		       k.dport, sel, mark);
	}
	return mark;
}

void mn_io_set_mip6(struct mn_io *io, const struct mn_mip6 *c)
{
	io->mip6 = c;
}

static void on_ctl(void *arg, const char *line, char *out, size_t cap)
{
	struct mn_io *io = arg;
	mn_stats(io->m)->nfq_errors = mn_nfq_errors(io->nfq);
	mn_ctl_handle_mip6(io->m, io->mip6, line, io->acts, nio_now_ns(), out, cap);
	run_acts(io);                       /* flow add|del: tell the MAG */
}

/* ---- start and stop ---------------------------------------------------------------- */

/* Routes through an interface without carrier are skipped (main table
 * defaults, and our T_i): "all" reaches existing devices, "default" new
 * ones. */
static int sysctls(void)
{
	return nio_sysctl_set("net.ipv6.conf.all.ignore_routes_with_linkdown", "1") < 0 ||
	       nio_sysctl_set("net.ipv6.conf.default.ignore_routes_with_linkdown", "1") < 0
	       ? -1 : 0;
}

/* Our priorities and tables hold what a killed mnd left: clear them. */
static void sweep(struct mn_io *io)
{
	const struct mn_cfg *c = mn_cfg(io->m);
	uint32_t n = (uint32_t)c->n_iface;
	struct in6_addr any = IN6ADDR_ANY_INIT;
	int a = mn_nl_rules_sweep(c->mark_prio, c->mark_prio + n - 1);
	int b = mn_nl_rules_sweep(c->rule_prio, c->rule_prio + n - 1);
	if (a > 0 || b > 0)
		io_log(io, "removed %d stale rule(s)", (a > 0 ? a : 0) + (b > 0 ? b : 0));
	for (uint32_t i = 0; i < n; i++)
		for (int k = 0; k < 16 && nio_route_del(&any, 0, 0, c->table_base + i) == 0; k++)
			;
	mn_nfq_rules_remove();
}

static int ifaces_open(struct mn_io *io, const char **why)
{
	static const uint8_t ra_only[] = { ND_TYPE_RA };
	for (size_t i = 0; i < mn_n_ifaces(io->m); i++) {
		const struct mn_iface *f = mn_iface_at(io->m, i);
		struct mn_ra_io *r = &io->ra[i];
		r->io = io;
		r->ifindex = nio_ifindex(f->name);
		if (r->ifindex <= 0) {
			io_log(io, "interface %s not found: not managed", f->name);
			continue;
		}
		int c = nio_link_carrier(r->ifindex);
		mn_iface_attach(io->m, f->name, r->ifindex, c > 0, c > 0, nio_now_ns(),
				io->acts);
		run_acts(io);
		r->fd = nio_icmp6_open_filter(f->name, ra_only, sizeof(ra_only));
		if (r->fd < 0) {
			*why = "cannot open the ICMPv6 (RA) socket";
			return -1;
		}
		ev_io_init(&r->w, on_ra, r->fd, EV_READ);
		r->w.data = r;
		ev_io_start(io->loop, &r->w);
	}
	return 0;
}

static int io_open(struct mn_io *io, const char **why)
{
	if (sysctls() < 0) {
		*why = "cannot set ignore_routes_with_linkdown";
		return -1;
	}
	sweep(io);
	/* the monitors first, then the state: no change falls in between */
	io->lm = nio_linkmon_start(io->loop, on_link, io);
	if (!io->lm) {
		*why = "cannot start the link monitor";
		return -1;
	}
	if (ifaces_open(io, why) < 0)
		return -1;
	io->am = mn_addrmon_start(io->loop, on_addr, io);
	if (!io->am) {
		*why = "cannot start the address monitor";
		return -1;
	}
	double poll = mn_cfg(io->m)->fast_handover ? MN_IO_FH_CARRIER_POLL_S
						   : MN_IO_CARRIER_POLL_S;
	ev_timer_init(&io->carrier_w, on_carrier_poll, poll, poll);
	io->carrier_w.data = io;
	ev_timer_start(io->loop, &io->carrier_w);
	if (mn_nl_ra_routes(on_ra_route, io) < 0)
		io_log(io, "cannot read RA routes: %s", strerror(errno));
	if (mn_cfg(io->m)->n_sel) {
		io->nfq = mn_nfq_start(io->loop, io->o.nfq_num, on_flow, io, why);
		if (!io->nfq)
			return -1;
	}
	if (io->o.ctl_path) {
		io->ctl = nio_ctl_start(io->loop, io->o.ctl_path, on_ctl, io);
		if (!io->ctl) {
			*why = "cannot open the control socket";
			return -1;
		}
	}
	return 0;
}

struct mn_io *mn_io_start(struct ev_loop *loop, struct mn *m,
			  const struct mn_io_opts *o, const char **why)
{
	struct mn_io *io = calloc(1, sizeof(*io));
	struct mn_acts *acts = calloc(1, sizeof(*acts));
	if (!io || !acts) {
		free(io);
		free(acts);
		*why = "out of memory";
		return NULL;
	}
	io->loop = loop;
	io->m = m;
	io->o = *o;
	io->acts = acts;
	io->rl.interval_ns = 1000000000ull;
	for (size_t i = 0; i < MN_IFACE_MAX; i++)
		io->ra[i].fd = -1;
	ev_init(&io->timer, on_timer);
	io->timer.data = io;
	io->ev = nio_events_open(o->node);
	if (io_open(io, why) < 0) {
		int e = errno;
		mn_io_stop(io);
		errno = e;
		return NULL;
	}
	return io;
}

void mn_io_stop(struct mn_io *io)
{
	if (!io)
		return;
	mn_nfq_stop(io->nfq);            /* netfilter first: no new marks */
	mn_shutdown(io->m, nio_now_ns(), io->acts);
	run_acts(io);
	ev_timer_stop(io->loop, &io->timer);
	ev_timer_stop(io->loop, &io->carrier_w);
	for (size_t i = 0; i < MN_IFACE_MAX; i++) {
		if (io->ra[i].fd < 0)
			continue;
		ev_io_stop(io->loop, &io->ra[i].w);
		close(io->ra[i].fd);
	}
	mn_addrmon_stop(io->am);
	if (io->lm)
		nio_linkmon_stop(io->lm);
	if (io->ctl)
		nio_ctl_stop(io->ctl);
	nio_events_close(io->ev);
	free(io->acts);
	free(io);
}
