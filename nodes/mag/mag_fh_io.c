/*
 * mag_fh_io.c - magd's appendix D fast-handover shell (see mag_fh_io.h):
 * carries out mag_fh.c's actions and feeds it HIs, carrier losses and
 * packets.
 *
 * Owns: its MH socket, protocol-41 socket, TUN pmipfh0, the policy table
 * and rules of the other interface's prefixes, its carrier monitor and
 * return timer. Must not: make protocol decisions, touch mag_io.c's fds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <ev.h>

#include "mag_fh.h"
#include "mag_fh_io.h"
#include "pmip/nd.h"
#include "io/nio.h"
#include "pmip/tnl.h"

#define PKT_MAX 65575
#define BATCH 64
#define RETURN_CHECK_S 0.005             /* while forwarding: is it back? */

struct mag_fh_io {
	struct ev_loop *loop;
	struct mag *m;
	struct mag_fh_io_opts o;
	struct mag_fh f;
	struct mag_fh_acts acts;
	struct nio_events *ev;
	int mh_fd, tnl_fd, tun_fd, tun_ifindex;
	ev_io mh_w, tnl_w, tun_w;
	ev_timer ret_w;
	bool table_route;
	uint64_t send_errors, route_errors, hop_limit_drops, probes;
	uint8_t pkt[PKT_MAX];
};

static void io_log(struct mag_fh_io *io, const char *what, int err)
{
	nio_log("magd", "%s: fast handover: %s: %s", io->o.node, what, strerror(err));
}

/* ---- actions ------------------------------------------------------------------ */

static void act_route(struct mag_fh_io *io, const struct mag_fh_act *a, bool add)
{
	const struct mh_prefix *p = &a->prefix;
	uint8_t mac[6];

	if (add) {
		/* no neighbour resolution on the way (see nio_neigh_set) */
		if (nd_mac_from_ll(&a->gw, mac) && nio_neigh_set(a->ifindex, &a->gw, mac) < 0)
			io_log(io, "neighbour", errno);
		/* via the MN's link-local: it answers NS only for its own
		 * interface's addresses, not for the other prefix */
		if (nio_route_add(&p->prefix, p->len, a->ifindex, &a->gw, 0, 0) < 0) {
			io->route_errors++;
			io_log(io, "route add", errno);
		}
		if (nio_rule_add(&p->prefix, p->len, a->ifname, io->o.uplink_table,
				 io->o.rule_prio) < 0 && errno != EEXIST) {
			io->route_errors++;
			io_log(io, "rule add", errno);
		}
		return;
	}
	if (nio_rule_del(&p->prefix, p->len, a->ifname, io->o.uplink_table,
			 io->o.rule_prio) < 0 && errno != ENOENT)
		io->route_errors++;
	if (nio_route_del(&p->prefix, p->len, a->ifindex, 0) < 0 &&
	    errno != ESRCH && errno != ENOENT)
		io->route_errors++;
}

static void act_hack(struct mag_fh_io *io, const struct mag_fh_act *a)
{
	uint8_t buf[512];
	const char *why;
	int n = mh_encode(&a->msg, NULL, NULL, buf, sizeof(buf), &why);

	if (n >= 0)             /* RFC 4285, when we have a key */
		n = mag_auth_sign(mag_cfg(io->m), buf, (size_t)n, sizeof(buf), &why);
	if (n < 0 || nio_mh_send(io->mh_fd, &mag_cfg(io->m)->proxy_coa, &a->dst, buf,
				 (size_t)n) < 0)
		io->send_errors++;
}

/* mag_fh.c's reason: the first forwarded packet must not wait for ND. */
static void act_probe(struct mag_fh_io *io, const struct mag_fh_act *a)
{
	if (nio_icmp6_echo(&mag_cfg(io->m)->proxy_coa, &a->dst, (uint16_t)getpid(),
			   (uint16_t)++io->probes) < 0) {
		io->send_errors++;
		io_log(io, "path probe", errno);
	}
}

static void arm_return_check(struct mag_fh_io *io)
{
	bool want = mag_fh_any_active(&io->f);

	if (want && !ev_is_active(&io->ret_w)) {
		ev_timer_set(&io->ret_w, RETURN_CHECK_S, RETURN_CHECK_S);
		ev_timer_start(io->loop, &io->ret_w);
	} else if (!want && ev_is_active(&io->ret_w)) {
		ev_timer_stop(io->loop, &io->ret_w);
	}
}

static void run_acts(struct mag_fh_io *io)
{
	for (size_t i = 0; i < io->acts.n; i++) {
		const struct mag_fh_act *a = &io->acts.a[i];

		switch (a->type) {
		case MAG_FH_ACT_ROUTE_ADD: act_route(io, a, true); break;
		case MAG_FH_ACT_ROUTE_DEL: act_route(io, a, false); break;
		case MAG_FH_ACT_SEND_HACK: act_hack(io, a); break;
		case MAG_FH_ACT_PROBE_PEER: act_probe(io, a); break;
		case MAG_FH_ACT_EVENT:
			nio_event(io->ev, "{\"ev\":\"%s\",%s}", a->ev, a->text);
			break;
		}
	}
	io->acts.n = 0;
	io->acts.overflow = 0;
	arm_return_check(io);
}

/* ---- watchers --------------------------------------------------------------- */

static void on_mh(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mag_fh_io *io = w->data;
	static struct mh_msg msg;

	(void)loop; (void)revents;
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr src, dst;
		int ifindex;
		const char *why;
		ssize_t len = nio_mh_recv(io->mh_fd, io->pkt, sizeof(io->pkt), &src, &dst,
					  &ifindex);

		if (len < 0)
			return;
		/* mag_io.c's socket reads the PBAs; this one the HIs */
		if (mh_decode(io->pkt, (size_t)len, NULL, NULL, &msg, &why) < 0 ||
		    msg.type != MH_TYPE_HI)
			continue;
		/* RFC 4285 with a key (mag_io.c counts the same datagram) */
		if (mag_auth_check(mag_cfg(io->m), io->pkt, ((size_t)io->pkt[1] + 1) * 8) !=
		    MH_AUTH_OK)
			continue;
		mag_fh_input_hi(&io->f, io->m, &src, &msg, nio_now_ns(), &io->acts);
		run_acts(io);
	}
}

static void forward(struct mag_fh_io *io, const struct in6_addr *to, size_t len)
{
	/* the tunnel is one hop for the inner packet (RFC 2473 3.1) */
	if (tnl_hop_limit_dec(io->pkt, len) < 0) {
		io->hop_limit_drops++;
		return;
	}
	if (nio_tnl_send(io->tnl_fd, &mag_cfg(io->m)->proxy_coa, to, io->pkt, len) < 0)
		io->send_errors++;
}

static void on_tnl(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mag_fh_io *io = w->data;

	(void)loop; (void)revents;
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr osrc, odst, dst;
		struct mag_fh_rec *r;
		ssize_t len = nio_tnl_recv(io->tnl_fd, io->pkt, sizeof(io->pkt), &osrc, &odst);

		if (len < 0)
			return;
		if (tnl_ip6_dst(io->pkt, (size_t)len, &dst) < 0)
			continue;
		switch (mag_fh_downlink(&io->f, &osrc, &dst, &r)) {
		case MAG_FH_TO_PEER:
			forward(io, &r->peer, (size_t)len);
			break;
		case MAG_FH_DELIVER:
			/* the kernel forwards it: route via the MN's link-local */
			if (write(io->tun_fd, io->pkt, (size_t)len) != len)
				io->send_errors++;
			break;
		case MAG_FH_NONE:
			break;
		}
	}
}

/* The MN's uplink from the other interface's prefixes (rule -> pmipfh0). */
static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	struct mag_fh_io *io = w->data;

	(void)loop; (void)revents;
	for (int n = 0; n < BATCH; n++) {
		struct in6_addr src;
		struct mag_fh_rec *r;
		ssize_t len = read(io->tun_fd, io->pkt, sizeof(io->pkt));

		if (len <= 0)
			return;
		if (tnl_ip6_src(io->pkt, (size_t)len, &src) < 0 ||
		    IN6_IS_ADDR_LINKLOCAL(&src))
			continue;
		r = mag_fh_uplink(&io->f, &src);
		if (r && nio_tnl_send(io->tnl_fd, &mag_cfg(io->m)->proxy_coa, &r->lmaa,
				      io->pkt, (size_t)len) < 0)
			io->send_errors++;
	}
}

/* From mag_io.c's carrier monitor, once per loss, before the detach. */
void mag_fh_io_carrier_lost(struct mag_fh_io *io, int ifindex)
{
	uint64_t now = nio_now_ns();

	mag_fh_carrier_down(&io->f, io->m, ifindex, now, now, &io->acts);
	run_acts(io);
}

static void on_return_check(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct mag_fh_io *io = w->data;

	(void)loop; (void)revents;
	mag_fh_check_return(&io->f, io->m, nio_now_ns(), &io->acts);
	run_acts(io);
}

/* ---- start and stop ------------------------------------------------------------ */

static void watch(struct mag_fh_io *io, ev_io *w, void (*cb)(struct ev_loop *, ev_io *, int),
		  int fd)
{
	ev_io_init(w, cb, fd, EV_READ);
	w->data = io;
	ev_io_start(io->loop, w);
}

static int open_all(struct mag_fh_io *io, const char **why)
{
	const struct mag_cfg *c = mag_cfg(io->m);
	struct in6_addr any = IN6ADDR_ANY_INIT;

	if ((io->mh_fd = nio_mh_open(&c->proxy_coa)) < 0) {
		*why = "cannot open the fast-handover MH socket";
		return -1;
	}
	if ((io->tnl_fd = nio_tnl_open()) < 0) {
		*why = "cannot open the fast-handover protocol-41 socket";
		return -1;
	}
	io->tun_fd = nio_tun_open(io->o.tun_name, c->link_mtu - 40, &io->tun_ifindex);
	if (io->tun_fd < 0) {
		*why = "cannot open the fast-handover TUN";
		return -1;
	}
	if (nio_route_add(&any, 0, io->tun_ifindex, NULL, io->o.uplink_table, 0) < 0) {
		*why = "cannot add the fast-handover table's default route";
		return -1;
	}
	io->table_route = true;
	watch(io, &io->mh_w, on_mh, io->mh_fd);
	watch(io, &io->tnl_w, on_tnl, io->tnl_fd);
	watch(io, &io->tun_w, on_tun, io->tun_fd);
	return 0;
}

struct mag_fh_io *mag_fh_io_start(struct ev_loop *loop, struct mag *m,
				  const struct mag_fh_io_opts *o, const char **why)
{
	struct mag_fh_io *io = calloc(1, sizeof(*io));

	if (!io) {
		*why = "out of memory";
		return NULL;
	}
	io->loop = loop;
	io->m = m;
	io->o = *o;
	io->mh_fd = io->tnl_fd = io->tun_fd = -1;
	mag_fh_init(&io->f, o->enabled);
	ev_init(&io->ret_w, on_return_check);
	io->ret_w.data = io;
	io->ev = nio_events_open(o->node);
	if (open_all(io, why) < 0) {
		int e = errno;

		mag_fh_io_stop(io);
		errno = e;
		return NULL;
	}
	return io;
}

static void close_watched(struct mag_fh_io *io, ev_io *w, int *fd)
{
	if (*fd < 0)
		return;
	ev_io_stop(io->loop, w);
	close(*fd);
	*fd = -1;
}

void mag_fh_io_stop(struct mag_fh_io *io)
{
	uint64_t to_peer, from_peer, up;
	struct mag_fh_act a;

	if (!io)
		return;
	mag_fh_counts(&io->f, &to_peer, &from_peer, &up);
	nio_event(io->ev, "{\"ev\":\"mag_forwarded\",\"to_peer\":%llu,\"from_peer\":%llu,"
		  "\"uplink\":%llu,\"send_errors\":%llu,\"route_errors\":%llu}",
		  (unsigned long long)to_peer, (unsigned long long)from_peer,
		  (unsigned long long)up, (unsigned long long)io->send_errors,
		  (unsigned long long)io->route_errors);
	for (size_t i = 0; i < MAG_FH_MAX; i++) {
		const struct mag_fh_rec *r = &io->f.rec[i];

		memset(&a, 0, sizeof(a));
		a.ifindex = r->ifindex;
		memcpy(a.ifname, r->ifname, sizeof(a.ifname));
		for (unsigned k = 0; r->used && k < r->n_peer; k++) {
			a.prefix = r->peer_hnp[k];
			act_route(io, &a, false);
		}
	}
	ev_timer_stop(io->loop, &io->ret_w);
	if (io->table_route) {
		struct in6_addr any = IN6ADDR_ANY_INIT;

		nio_route_del(&any, 0, io->tun_ifindex, io->o.uplink_table);
	}
	close_watched(io, &io->mh_w, &io->mh_fd);
	close_watched(io, &io->tnl_w, &io->tnl_fd);
	close_watched(io, &io->tun_w, &io->tun_fd);
	nio_events_close(io->ev);
	free(io);
}
