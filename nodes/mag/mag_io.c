/*
 * mag_io.c - magd's shell (libev): carries out the engine's actions and
 * feeds it inputs. MH socket (PBU out, PBA in), ICMPv6 per access
 * interface (RS in, RA out), carrier monitor (detach), TUN pmip0 and the
 * protocol-41 socket (the MAG half of the RFC 5213 6.10 tunnel), policy
 * rules and routes, control socket, events.
 *
 * Owns: every system call of magd but main()'s. Must not: make protocol
 * decisions; it asks the engine (mag.h) and does what the actions say.
 * Beyond nio: reading an interface's MAC (SIOCGIFHWADDR) lives here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <ev.h>

#include "mag_io.h"
#include "mag_ctl.h"
#include "pmip/mh.h"
#include "pmip/nd.h"
#include "io/nio.h"
#include "io/nio_mherr.h"
#include "pmip/tnl.h"

#define PKT_MAX 65575                    /* IPv6 max payload + header */
#define BATCH 64                         /* packets per wakeup per fd */

struct rs_src {                          /* where the MN's RS came from */
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
	struct rs_src rs[MAG_BUL_MAX];
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

static void io_log(struct mag_io *io, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void io_log(struct mag_io *io, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nio_log("magd", "%s: %s", io->o.node, buf);
}

/* ---- carrying out actions --------------------------------------------------- */

static void act_send_pbu(struct mag_io *io, const struct mag_act *a)
{
	uint8_t buf[2048];
	const char *why;
	const struct mag_cfg *c = mag_cfg(io->m);
	int len = mh_encode(&io->acts->pbu[a->pbu_idx], NULL, NULL, buf, sizeof(buf), &why);
	if (len >= 0)           /* RFC 4285, when we have a key */
		len = mag_auth_sign(c, buf, (size_t)len, sizeof(buf), &why);
	if (len < 0) {
		io_log(io, "PBU not encoded: %s", why);
		return;
	}
	if (nio_mh_send(io->mh_fd, &c->proxy_coa, &a->peer, buf, (size_t)len) < 0)
		io_log(io, "PBU send: %s", strerror(errno));
}

static void act_route(struct mag_io *io, const struct mag_act *a, bool add)
{
	char p[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, &a->prefix.prefix, p, sizeof(p));
	if (add) {
		/* downlink: HNP via the MN's link-local address (EUI-64 of its
		 * MAC, the MN-LL-ID: stock Linux forms it so) on the access
		 * interface, not on-link: the prefix is the MN's, and after an
		 * inter-interface handoff (section 4) the interface carrying it
		 * holds no address of it, the MN takes the packets as a weak
		 * host. Uplink: from HNP arriving on it, to the tunnel (RFC
		 * 5213 6.10.5). */
		struct in6_addr via;
		static const uint8_t none[6];
		bool has_ll = memcmp(a->ll_id, none, 6) != 0;
		if (has_ll)
			nd_ll_from_mac(a->ll_id, &via);
		if (has_ll && nio_neigh_set(a->ifindex, &via, a->ll_id) < 0)
			io_log(io, "neighbour %s: %s", a->ifname, strerror(errno));
		if (nio_route_add(&a->prefix.prefix, a->prefix.len, a->ifindex,
				  has_ll ? &via : NULL, 0, 0) < 0)
			io_log(io, "route %s/%u dev %s: %s", p, a->prefix.len, a->ifname,
			       strerror(errno));
		if (nio_rule_add(&a->prefix.prefix, a->prefix.len, a->ifname,
				 io->o.uplink_table, io->o.rule_prio) < 0 && errno != EEXIST)
			io_log(io, "rule from %s/%u iif %s: %s", p, a->prefix.len,
			       a->ifname, strerror(errno));
		return;
	}
	if (nio_rule_del(&a->prefix.prefix, a->prefix.len, a->ifname,
			 io->o.uplink_table, io->o.rule_prio) < 0 && errno != ENOENT)
		io_log(io, "rule del %s/%u: %s", p, a->prefix.len, strerror(errno));
	if (nio_route_del(&a->prefix.prefix, a->prefix.len, a->ifindex, 0) < 0 &&
	    errno != ESRCH && errno != ENOENT)
		io_log(io, "route del %s/%u: %s", p, a->prefix.len, strerror(errno));
}

static struct mag_access_io *acc_by_ifindex(struct mag_io *io, int ifindex)
{
	for (size_t i = 0; i < io->n_acc; i++)
		if (io->acc[i].ifindex == ifindex)
			return &io->acc[i];
	return NULL;
}

static struct rs_src *rs_find(struct mag_io *io, int ifindex, const uint8_t mac[6],
			      bool create)
{
	struct rs_src *free_slot = NULL;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct rs_src *r = &io->rs[i];
		if (r->used && r->ifindex == ifindex && !memcmp(r->mac, mac, 6))
			return r;
		if (!r->used && !free_slot)
			free_slot = r;
	}
	if (!create)
		return NULL;
	if (!free_slot)
		free_slot = &io->rs[0];
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->ifindex = ifindex;
	memcpy(free_slot->mac, mac, 6);
	return free_slot;
}

/* RFC 5213 6.7: an RA to the MN alone, with its prefixes (L and A set for
 * stateless autoconfiguration, RFC 4861 4.6.2), our link-layer address and
 * the tunnel-reduced MTU. Unicast to the address its RS came from; with
 * no RS seen, to all-nodes on the access link (RFC 4861 6.2.6 allows it;
 * an emulated access link holds that one MN). */
static void act_send_ra(struct mag_io *io, const struct mag_act *a)
{
	struct mag_access_io *acc = acc_by_ifindex(io, a->ifindex);
	if (!acc)
		return;
	struct nd_ra ra;
	memset(&ra, 0, sizeof(ra));
	ra.cur_hop_limit = 64;
	ra.router_lifetime_s = (uint16_t)(a->router_lifetime_s > 9000 ? 9000 :
					  a->router_lifetime_s);
	ra.has_slla = true;
	ra.slla.len = 6;
	memcpy(ra.slla.addr, acc->mac, 6);
	ra.has_mtu = true;
	ra.mtu = a->mtu;
	for (unsigned i = 0; i < a->n_hnp && i < ND_PREFIX_MAX; i++) {
		struct nd_prefix *p = &ra.prefix[ra.n_prefix++];
		p->len = a->hnp[i].len;
		p->flags = ND_PI_L | ND_PI_A;
		p->valid_lifetime_s = a->valid_s;
		p->preferred_lifetime_s = a->preferred_s;
		p->prefix = a->hnp[i].prefix;
	}
	uint8_t buf[1024];
	const char *why;
	int len = nd_ra_encode(&ra, NULL, NULL, buf, sizeof(buf), &why);
	if (len < 0) {
		io_log(io, "RA not encoded: %s", why);
		return;
	}
	struct in6_addr dst;
	inet_pton(AF_INET6, "ff02::1", &dst);
	struct rs_src *r = rs_find(io, a->ifindex, a->ll_id, false);
	if (r && IN6_IS_ADDR_LINKLOCAL(&r->src))
		dst = r->src;
	if (nio_icmp6_send(acc->fd, acc->ifindex, &acc->ll, &dst, buf, (size_t)len) < 0)
		io_log(io, "RA send on %s: %s", acc->name, strerror(errno));
}

static void act_timer(struct mag_io *io, uint64_t deadline_ns)
{
	ev_timer_stop(io->loop, &io->timer);
	if (!deadline_ns)
		return;
	/* libev counts from the loop's cached time: refresh it, or the timer
	 * fires before the deadline by however long this iteration ran */
	ev_now_update(io->loop);
	uint64_t now = nio_now_ns();
	double s = deadline_ns > now ? (double)(deadline_ns - now) / 1e9 : 0.0;
	ev_timer_set(&io->timer, s, 0.0);
	ev_timer_start(io->loop, &io->timer);
}

/* What an operator must find in the log without the events file: giving up
 * on a registration (RFC 6275 11.8 retransmissions exhausted), every
 * retransmission, the path to the LMA going down or up and an LMA restart
 * (RFC 5847). */
static void act_log_notable(struct mag_io *io, const struct mag_act *a)
{
	bool retx = a->ev == MAG_EV_PBU_SENT && !strstr(a->text, "\"retx\":0,");

	if (retx || a->ev == MAG_EV_PBU_GIVE_UP || a->ev == MAG_EV_PATH_DOWN ||
	    a->ev == MAG_EV_PATH_UP || a->ev == MAG_EV_LMA_RESTARTED)
		io_log(io, "%s %s", retx ? "pbu_retransmitted" : mag_event_name(a->ev),
		       a->text);
}

static void run_acts(struct mag_io *io)
{
	struct mag_acts *acts = io->acts;
	for (size_t i = 0; i < acts->n; i++) {
		const struct mag_act *a = &acts->a[i];
		switch (a->type) {
		case MAG_ACT_SEND_PBU: act_send_pbu(io, a); break;
		case MAG_ACT_ROUTE_ADD: act_route(io, a, true); break;
		case MAG_ACT_ROUTE_DEL: act_route(io, a, false); break;
		case MAG_ACT_SEND_RA: act_send_ra(io, a); break;
		case MAG_ACT_TIMER_SET: act_timer(io, a->deadline_ns); break;
		case MAG_ACT_EVENT:
			nio_event(io->ev, "{\"ev\":\"%s\",%s}", mag_event_name(a->ev), a->text);
			act_log_notable(io, a);
			break;
		case MAG_ACT_LOG:
			if (io->o.debug)
				io_log(io, "%s", a->text);
			break;
		}
	}
	if (acts->overflow)
		io_log(io, "%zu actions lost (list full)", acts->overflow);
	mag_acts_reset(acts);
}

/* Engine inputs start here: the RFC 5213 timestamp clock follows realtime. */
static uint64_t engine_now(struct mag_io *io)
{
	uint64_t mono = nio_now_ns();
	mag_set_realtime_offset(io->m, (int64_t)(nio_realtime_ns() - mono));
	return mono;
}

/* ---- watchers ------------------------------------------------------------- */

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	mag_timer(io->m, engine_now(io), io->acts);
	run_acts(io);
	/* The engine announces a deadline only when it changes; a one-shot
	 * timer that fired a little early (nothing due yet) would otherwise
	 * be lost with the deadline still pending: re-arm it. */
	if (!ev_is_active(&io->timer))
		act_timer(io, mag_next_deadline(io->m));
}

/* RFC 6275 9.2 before decoding: unknown type, Payload Proto, Header Len. */
static enum mh_rx_fault screen(struct mag_io *io, ssize_t len, const struct in6_addr *src,
			       const struct in6_addr *dst)
{
	struct nio_mherr *e = &io->mherr;
	struct mag_stats *s = mag_stats(io->m);
	enum mh_rx_fault f = nio_mherr_screen(e, io->mh_fd, io->pkt, (size_t)len, src, dst,
					      nio_now_ns());
	s->mh_unknown_type = e->by_fault[MH_RX_UNKNOWN_TYPE];
	s->mh_bad_payload_proto = e->by_fault[MH_RX_BAD_PAYLOAD_PROTO];
	s->mh_bad_header_len = e->by_fault[MH_RX_BAD_HEADER_LEN];
	s->mh_be_sent = e->be_sent;
	s->mh_param_problems_sent = e->param_problems_sent;
	s->mh_errors_suppressed = e->limit.suppressed;
	if (f != MH_RX_OK && io->o.debug)
		io_log(io, "MH dropped: %s", mh_rx_fault_name(f));
	return f;
}

/* RFC 4285: with a key, what the LMA sends must be signed, correctly;
 * the rest is dropped (counted, logged). The header is screened. */
static bool auth_ok(struct mag_io *io, const struct in6_addr *src)
{
	enum mh_auth_verdict v = mag_auth_check(mag_cfg(io->m), io->pkt,
						((size_t)io->pkt[1] + 1) * 8);
	struct mag_stats *s = mag_stats(io->m);
	char a[INET6_ADDRSTRLEN];

	if (v == MH_AUTH_OK)
		return true;
	if (v == MH_AUTH_MISSING)
		s->mh_auth_missing++;
	else
		s->mh_auth_failed++;
	inet_ntop(AF_INET6, src, a, sizeof(a));
	io_log(io, "MH from %s dropped: authentication %s (RFC 4285)", a,
	       mh_auth_verdict_name(v));
	return false;
}

static void on_tnl(struct ev_loop *loop, ev_io *w, int revents);

static void on_mh(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr src, dst;
		int ifindex;
		ssize_t len = nio_mh_recv(io->mh_fd, io->pkt, sizeof(io->pkt), &src, &dst, &ifindex);
		if (len < 0)
			return;
		if (screen(io, len, &src, &dst) != MH_RX_OK || !auth_ok(io, &src))
			continue;
		static struct mh_msg msg;
		const char *why;
		if (mh_decode(io->pkt, (size_t)len, NULL, NULL, &msg, &why) < 0) {
			if (io->o.debug)
				io_log(io, "MH dropped: %s", why);
			continue;
		}
		if (msg.type == MH_TYPE_BR || msg.type == MH_TYPE_HEARTBEAT ||
		    msg.type == MH_TYPE_UPN) {
			/* A BRI about prefixes that moved away (RFC 5846 8.1)
			 * follows the packets the LMA tunnelled here before
			 * the move, on the same path: when both wait, forward
			 * those first, or the BRI takes their route (section
			 * 2.2: 1 downlink packet in 2 of 4 s22 runs, traced).
			 * Only a BRI: packets after a PBA may need its route. */
			if (msg.type == MH_TYPE_BR)
				on_tnl(loop, &io->tnl_w, 0);
			if (msg.type == MH_TYPE_UPN)
				mag_input_upn(io->m, &src, &msg, engine_now(io), io->acts);
			else if (msg.type == MH_TYPE_BR)
				mag_input_br(io->m, &src, &msg, engine_now(io), io->acts);
			else
				mag_input_hb(io->m, &src, &msg, engine_now(io), io->acts);
			run_acts(io);
			continue;
		}
		if (msg.type != MH_TYPE_BA)
			continue;
		mag_input_pba(io->m, &src, &msg, engine_now(io), io->acts);
		run_acts(io);
	}
}

static void on_icmp(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_access_io *acc = w->data;
	struct mag_io *io = acc->io;
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr src;
		int ifindex;
		ssize_t len = nio_icmp6_recv(acc->fd, io->pkt, sizeof(io->pkt), &src, &ifindex);
		if (len < 0)
			return;
		struct nd_rs rs;
		const char *why;
		if (nd_rs_decode(io->pkt, (size_t)len, &src, NULL, &rs, &why) < 0)
			continue;
		if (!rs.has_slla || rs.slla.len != 6) {
			/* the MN is known by its MAC (MN-LL-ID) only */
			if (io->o.debug)
				io_log(io, "RS on %s without source link-layer address", acc->name);
			continue;
		}
		struct rs_src *r = rs_find(io, acc->ifindex, rs.slla.addr, true);
		r->src = src;
		if (mag_mn_rs(io->m, acc->ifindex, rs.slla.addr, engine_now(io), io->acts,
			      &why) < 0 && io->o.debug)
			io_log(io, "RS on %s: %s", acc->name, why);
		/* section 3: the MN's flow requests (ND option 253, nd_flow.c) */
		if (rs.n_flow && mag_mn_flows(io->m, acc->ifindex, rs.slla.addr, rs.flow,
					      rs.n_flow, engine_now(io), io->acts, &why) < 0)
			io_log(io, "RS on %s: %s", acc->name, why);
		run_acts(io);
	}
}

/* Uplink: from the MN (policy rule) into the tunnel to its LMA, source
 * Proxy-CoA (RFC 5213 6.10.5). */
static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	struct mag_stats *s = mag_stats(io->m);
	for (int n = 0; n < BATCH; n++) {
		ssize_t len = read(io->tun_fd, io->pkt, sizeof(io->pkt));
		if (len <= 0)
			return;
		struct in6_addr src;
		const struct mag_bul *b = NULL;
		if (tnl_ip6_src(io->pkt, (size_t)len, &src) < 0)
			continue;
		/* pmip0's own chatter (RS, MLD from its link-local) is no MN's */
		if (IN6_IS_ADDR_LINKLOCAL(&src) || IN6_IS_ADDR_UNSPECIFIED(&src))
			continue;
		b = mag_find_by_addr(io->m, &src);
		if (!b) {
			s->drop_up_no_session++;
			continue;
		}
		if (nio_tnl_send(io->tnl_fd, &mag_cfg(io->m)->proxy_coa, &b->lmaa,
				 io->pkt, (size_t)len) < 0)
			continue;
		s->up_pkts++;
	}
}

/* Downlink: decapsulated by the kernel; accepted only from the LMA the
 * destination's session is registered with (RFC 5213 6.10.5), then to the
 * TUN: the kernel forwards to the access link. */
static void on_tnl(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	struct mag_stats *s = mag_stats(io->m);
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr osrc, odst, dst;
		ssize_t len = nio_tnl_recv(io->tnl_fd, io->pkt, sizeof(io->pkt), &osrc, &odst);
		if (len < 0)
			return;
		const struct mag_bul *b = NULL;
		if (tnl_ip6_dst(io->pkt, (size_t)len, &dst) == 0)
			b = mag_find_by_addr(io->m, &dst);
		if (!b) {
			s->drop_down_no_session++;
			continue;
		}
		if (memcmp(&b->lmaa, &osrc, sizeof(osrc))) {
			s->drop_down_bad_src++;
			continue;
		}
		if (write(io->tun_fd, io->pkt, (size_t)len) == len)
			s->down_pkts++;
	}
}

/*
 * The L2 attach trigger. RFC 5213 6.9.1.1 leaves attachment detection to the
 * link layer; a stock Linux MN sends no Router Solicitation when its carrier
 * comes back after an L2 handoff (it only repeats its MLD reports), so an RS
 * alone would miss it. After a carrier-up on an access interface the MAG
 * watches that link's frames until the first one from an MN it has a policy
 * profile for (by MAC = MN-LL-ID), then stops watching: the steady-state data
 * path never reaches this socket.
 */
static bool pkt_unknown(struct mag_access_io *acc, const uint8_t mac[6])
{
	for (unsigned i = 0; i < acc->n_unknown && i < 4; i++)
		if (!memcmp(acc->unknown[i], mac, 6))
			return true;
	return false;
}

static void pkt_watch(struct mag_access_io *acc, bool on)
{
	struct mag_io *io = acc->io;
	uint8_t frame[64];

	if (acc->pkt_fd < 0)
		return;
	if (!on) {
		ev_io_stop(io->loop, &acc->pkt_w);
		return;
	}
	while (recv(acc->pkt_fd, frame, sizeof(frame), MSG_DONTWAIT) >= 0)
		;                        /* frames from before the carrier change */
	acc->n_unknown = 0;
	ev_io_start(io->loop, &acc->pkt_w);
}

static void on_pkt(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_access_io *acc = w->data;
	struct mag_io *io = acc->io;
	uint8_t frame[64];
	for (int n = 0; n < BATCH; n++) {
		struct sockaddr_ll sll;
		socklen_t sl = sizeof(sll);
		ssize_t len = recvfrom(acc->pkt_fd, frame, sizeof(frame), MSG_TRUNC,
				       (struct sockaddr *)&sll, &sl);
		if (len < 0)
			return;
		if (len < 14 || sll.sll_pkttype == PACKET_OUTGOING || (frame[6] & 1))
			continue;
		const uint8_t *mac = frame + 6;
		if (pkt_unknown(acc, mac))
			continue;
		const char *why;
		if (mag_mn_rs(io->m, acc->ifindex, mac, engine_now(io), io->acts, &why) < 0) {
			if (acc->n_unknown < 4)
				memcpy(acc->unknown[acc->n_unknown++], mac, 6);
			if (io->o.debug)
				io_log(io, "frame on %s: %s", acc->name, why);
			run_acts(io);
			continue;
		}
		run_acts(io);
		pkt_watch(acc, false);
		return;
	}
}

static int pkt_open(struct mag_access_io *acc)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = acc->ifindex,
	};
	acc->pkt_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
			     htons(ETH_P_ALL));
	if (acc->pkt_fd < 0)
		return -1;
	if (bind(acc->pkt_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		close(acc->pkt_fd);
		acc->pkt_fd = -1;
		return -1;
	}
	ev_io_init(&acc->pkt_w, on_pkt, acc->pkt_fd, EV_READ);
	acc->pkt_w.data = acc;
	return 0;
}

/* The access link is gone (RFC 5213 6.9.1.4 detach trigger): once per loss,
 * whichever of the poll and the netlink notification sees it first. */
static void carrier_lost(struct mag_io *io, struct mag_access_io *acc)
{
	acc->carrier = false;
	if (io->loss_cb)
		io->loss_cb(io->loss_arg, acc->ifindex);
	pkt_watch(acc, false);
	mag_mn_detach(io->m, acc->ifindex, engine_now(io), io->acts);
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (io->rs[i].ifindex == acc->ifindex)
			io->rs[i].used = false;
	run_acts(io);
}

static void on_link(void *arg, int ifindex, const char *ifname, bool carrier, bool up)
{
	struct mag_io *io = arg;
	struct mag_access_io *acc = acc_by_ifindex(io, ifindex);
	if (!acc)
		return;
	if (io->o.debug)
		io_log(io, "%s carrier %s, %s", ifname, carrier ? "on" : "off", up ? "up" : "down");
	if (carrier && up) {
		/* attach waits for the MN's RS or its first frame */
		acc->carrier = true;
		pkt_watch(acc, true);
		return;
	}
	if (acc->carrier)
		carrier_lost(io, acc);
}

/*
 * The kernel announces a carrier loss through netlink at most once a second
 * machine-wide (linkwatch, doc/nio.md): with link events elsewhere on the
 * machine the MAG would learn of a dead access link up to a second late.
 * The carrier bit itself (IFF_LOWER_UP in RTM_GETLINK) changes at once, so
 * the access interfaces that are up are polled every MAG_IO_CARRIER_POLL_S.
 */
#define MAG_IO_CARRIER_POLL_S 0.01

static void on_carrier_poll(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	for (size_t i = 0; i < io->n_acc; i++)
		if (io->acc[i].carrier && nio_link_carrier(io->acc[i].ifindex) == 0)
			carrier_lost(io, &io->acc[i]);
}

void mag_io_on_carrier_loss(struct mag_io *io, mag_io_carrier_cb cb, void *arg,
			    double poll_s)
{
	io->loss_cb = cb;
	io->loss_arg = arg;
	if (poll_s > 0 && poll_s < io->carrier_w.repeat) {
		io->carrier_w.repeat = poll_s;
		ev_timer_again(io->loop, &io->carrier_w);
	}
}

static void on_ctl(void *arg, const char *line, char *out, size_t cap)
{
	struct mag_io *io = arg;
	mag_ctl_handle(io->m, line, engine_now(io), io->acts, out, cap);
	run_acts(io);
}

/* ---- start and stop ---------------------------------------------------------- */

/*
 * RFC 5213 6.8: every MAG shows the MN the same link-local and link-layer
 * address; the topology gives every MAG's access interface the same MAC, so
 * the link-local address derived from it is the same too. It is added
 * without DAD: the other MAGs hold it on other links by design.
 */
/* RFC 5213 6.10.5 ingress filter: every packet from an access link that no
 * registered prefix's rule took (those come first, at rule_prio) goes to
 * pmip0 as well, where on_tun drops what has no registered session and
 * counts it (drop_up_no_session). Without it the kernel forwarded such
 * packets (an MN still using the prefix of an interface it lost) in plain
 * IPv6 by the main table. The MAG's own addresses stay local (the local
 * table's rule comes first). */
#define MAG_IO_INGRESS_PRIO_OFFSET 1000      /* after every per-prefix rule */

static void ingress_filter(struct mag_io *io, struct mag_access_io *acc, bool on)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	uint32_t prio = io->o.rule_prio + MAG_IO_INGRESS_PRIO_OFFSET;

	if (on && !acc->ingress_rule) {
		if (nio_rule_add(&any, 0, acc->name, io->o.uplink_table, prio) < 0 &&
		    errno != EEXIST)
			io_log(io, "ingress rule iif %s: %s", acc->name, strerror(errno));
		else
			acc->ingress_rule = true;
	} else if (!on && acc->ingress_rule) {
		nio_rule_del(&any, 0, acc->name, io->o.uplink_table, prio);
		acc->ingress_rule = false;
	}
}

static int access_open(struct mag_io *io, size_t i, const char **why)
{
	struct mag_access_io *acc = &io->acc[i];
	const struct mag_access *ca = &mag_cfg(io->m)->access[i];
	acc->io = io;
	acc->fd = -1;
	acc->pkt_fd = -1;
	acc->ifindex = ca->ifindex;
	memcpy(acc->name, ca->name, sizeof(acc->name));
	nio_link_set_up(acc->ifindex, true);
	if (nio_link_mac(acc->name, acc->mac) < 0) {
		*why = "cannot read the access interface's MAC";
		return -1;
	}
	nd_ll_from_mac(acc->mac, &acc->ll);
	if (nio_addr_add(acc->ifindex, &acc->ll, 64, true) < 0 && errno != EEXIST) {
		*why = "cannot add the link-local address";
		return -1;
	}
	acc->fd = nio_icmp6_open(acc->name);
	if (acc->fd < 0) {
		*why = "cannot open the ICMPv6 socket";
		return -1;
	}
	ev_io_init(&acc->w, on_icmp, acc->fd, EV_READ);
	acc->w.data = acc;
	ev_io_start(io->loop, &acc->w);
	io->n_acc = i + 1;
	ingress_filter(io, acc, true);
	if (pkt_open(acc) < 0) {
		*why = "cannot open the access interface's packet socket";
		return -1;
	}
	acc->carrier = nio_link_carrier(acc->ifindex) == 1;
	if (acc->carrier)
		pkt_watch(acc, true);
	return 0;
}

static int dataplane_open(struct mag_io *io, const char **why)
{
	const struct mag_cfg *c = mag_cfg(io->m);
	io->tun_fd = nio_tun_open(io->o.tun_name, c->link_mtu - 40, &io->tun_ifindex);
	if (io->tun_fd < 0) {
		*why = "cannot open the TUN device";
		return -1;
	}
	struct in6_addr any = IN6ADDR_ANY_INIT;
	if (nio_route_add(&any, 0, io->tun_ifindex, NULL, io->o.uplink_table, 0) < 0) {
		*why = "cannot add the uplink table's default route";
		return -1;
	}
	io->table_route = true;
	io->tnl_fd = nio_tnl_open();
	if (io->tnl_fd < 0) {
		*why = "cannot open the protocol-41 socket";
		return -1;
	}
	ev_io_init(&io->tun_w, on_tun, io->tun_fd, EV_READ);
	ev_io_init(&io->tnl_w, on_tnl, io->tnl_fd, EV_READ);
	io->tun_w.data = io->tnl_w.data = io;
	ev_io_start(io->loop, &io->tun_w);
	ev_io_start(io->loop, &io->tnl_w);
	return 0;
}

static int io_open(struct mag_io *io, const char **why)
{
	const struct mag_cfg *c = mag_cfg(io->m);
	if (nio_sysctl_set("net.ipv6.conf.all.forwarding", "1") < 0) {
		*why = "cannot turn IPv6 forwarding on";
		return -1;
	}
	for (size_t i = 0; i < c->n_access; i++)
		if (access_open(io, i, why) < 0)
			return -1;
	io->mh_fd = nio_mh_open(&c->proxy_coa);
	if (io->mh_fd < 0) {
		*why = "cannot open the Mobility Header socket on the Proxy-CoA";
		return -1;
	}
	ev_io_init(&io->mh_w, on_mh, io->mh_fd, EV_READ);
	io->mh_w.data = io;
	ev_io_start(io->loop, &io->mh_w);
	if (dataplane_open(io, why) < 0)
		return -1;
	io->lm = nio_linkmon_start(io->loop, on_link, io);
	if (!io->lm) {
		*why = "cannot start the link monitor";
		return -1;
	}
	ev_timer_init(&io->carrier_w, on_carrier_poll, MAG_IO_CARRIER_POLL_S,
		      MAG_IO_CARRIER_POLL_S);
	io->carrier_w.data = io;
	ev_timer_start(io->loop, &io->carrier_w);
	if (io->o.ctl_path) {
		io->ctl = nio_ctl_start(io->loop, io->o.ctl_path, on_ctl, io);
		if (!io->ctl) {
			*why = "cannot open the control socket";
			return -1;
		}
	}
	return 0;
}

struct mag_io *mag_io_start(struct ev_loop *loop, struct mag *m,
			    const struct mag_io_opts *o, const char **why)
{
	struct mag_io *io = calloc(1, sizeof(*io));
	struct mag_acts *acts = calloc(1, sizeof(*acts));
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
	io->mh_fd = io->tnl_fd = io->tun_fd = -1;
	nio_mherr_open(&io->mherr);
	ev_init(&io->timer, on_timer);
	io->timer.data = io;
	io->ev = nio_events_open(o->node);
	if (io_open(io, why) < 0) {
		int e = errno;
		mag_io_stop(io);
		errno = e;
		return NULL;
	}
	act_timer(io, mag_next_deadline(io->m));   /* the first heartbeat */
	return io;
}

static void close_watched(struct mag_io *io, ev_io *w, int *fd)
{
	if (*fd < 0)
		return;
	ev_io_stop(io->loop, w);
	close(*fd);
	*fd = -1;
}

void mag_io_stop(struct mag_io *io)
{
	if (!io)
		return;
	/* RFC 5213 6.9.1.4 on the way out: every session deregistered */
	for (int round = 0; round < MAG_BUL_MAX; round++) {
		int left = mag_shutdown(io->m, engine_now(io), io->acts);
		if (io->mh_fd >= 0)
			run_acts(io);
		else
			mag_acts_reset(io->acts);
		if (left == 0)
			break;
	}
	ev_timer_stop(io->loop, &io->timer);
	ev_timer_stop(io->loop, &io->carrier_w);
	if (io->table_route) {
		struct in6_addr any = IN6ADDR_ANY_INIT;
		nio_route_del(&any, 0, io->tun_ifindex, io->o.uplink_table);
	}
	close_watched(io, &io->tun_w, &io->tun_fd);
	close_watched(io, &io->tnl_w, &io->tnl_fd);
	close_watched(io, &io->mh_w, &io->mh_fd);
	for (size_t i = 0; i < io->n_acc; i++) {
		ingress_filter(io, &io->acc[i], false);
		close_watched(io, &io->acc[i].w, &io->acc[i].fd);
		close_watched(io, &io->acc[i].pkt_w, &io->acc[i].pkt_fd);
	}
	if (io->lm)
		nio_linkmon_stop(io->lm);
	if (io->ctl)
		nio_ctl_stop(io->ctl);
	nio_mherr_close(&io->mherr);
	nio_events_close(io->ev);
	free(io->acts);
	free(io);
}
