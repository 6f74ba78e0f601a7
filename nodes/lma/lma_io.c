/*
 * lma_io.c - carries out what the LMA engine decides (see lma_io.h).
 *
 * Owns: every system call of lmad but main()'s: MH socket in/out (decode,
 * encode), routes HNP/plen dev pmip0 (RFC 5213 5.6.1: the LMA's route to
 * the MN's prefix points into the tunnel), the user-space tunnel (TUN read
 * -> Proxy-CoA lookup -> protocol 41 send; protocol 41 receive -> source
 * check 5.6.2 -> TUN write), the protocol timer, the control socket and the
 * event datagrams (the home agent's sockets of appendix C: lma_home_io.c).
 * Must not: decide anything about bindings.
 */
#include "lma_io_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lma_ctl.h"
#include "io/nio.h"
#include "io/nio_mherr.h"

#define IP6_HDR_LEN 40


/* ---- actions ------------------------------------------------------------------ */

static void send_pba(struct lma_io *io, const struct lma_action *a)
{
	uint8_t out[2048];
	const char *why = NULL;
	int n = mh_encode(&a->pba.msg, NULL, NULL, out, sizeof(out), &why);

	if (n >= 0)             /* RFC 4285, when the MAG has a key */
		n = lma_auth_sign(io->cfg, &a->pba.dst, out, (size_t)n, sizeof(out), &why);
	if (n < 0) {
		io->st.mh_send_errors++;
		LOG(io, "PBA not encoded: %s", why);
		return;
	}
	if (nio_mh_send(io->mh_fd, &io->lmaa, &a->pba.dst, out, (size_t)n) < 0) {
		io->st.mh_send_errors++;
		LOG(io, "PBA not sent: %s", strerror(errno));
	}
}

static void route(struct lma_io *io, const struct lma_action *a)
{
	const struct mh_prefix *p = &a->route.prefix;
	int rc;

	if (io->tun_ifindex <= 0)
		return;
	if (a->type == LMA_ACT_ROUTE_ADD)
		rc = nio_route_add(&p->prefix, p->len, io->tun_ifindex, NULL, 0, 0);
	else
		rc = nio_route_del(&p->prefix, p->len, io->tun_ifindex, 0);
	if (rc < 0 && !(a->type == LMA_ACT_ROUTE_DEL && errno == ESRCH)) {
		char s[64];

		io->st.route_errors++;
		inet_ntop(AF_INET6, &p->prefix, s, sizeof(s));
		LOG(io, "%s %s/%u: %s", lma_action_type_name(a->type), s, p->len,
		    strerror(errno));
	}
}

static void arm_timer(struct lma_io *io)
{
	uint64_t d = lma_next_deadline(io->l), now = nio_now_ns();

	ev_timer_stop(io->loop, &io->timer);
	if (d == BCE_NO_DEADLINE)
		return;
	/* ev_timer sleeps in whole ms with epoll: protocol timers do not
	 * need better (design.md); a late wake-up just runs lma_timer later. */
	ev_timer_set(&io->timer, d > now ? (double)(d - now) / 1e9 : 0.0, 0.0);
	ev_timer_start(io->loop, &io->timer);
}

void lma_io_run_actions(struct lma_io *io)
{
	for (size_t i = 0; i < io->acts.n; i++) {
		const struct lma_action *a = &io->acts.v[i];

		if (io->o.debug && a->type != LMA_ACT_EVENT && a->type != LMA_ACT_LOG)
			nio_log("lmad", "action %s", lma_action_type_name(a->type));
		switch (a->type) {
		case LMA_ACT_SEND_PBA:
			if (a->pba.has_rh2)
				lma_home_io_send_ba(io, a);
			else
				send_pba(io, a);
			break;
		case LMA_ACT_ROUTE_ADD:
		case LMA_ACT_ROUTE_DEL: route(io, a); break;
		case LMA_ACT_TIMER_SET: break;          /* arm_timer() below */
		case LMA_ACT_EVENT:
			nio_event(io->ev, "%s", a->event.json);
			if (io->o.debug)
				nio_log("lmad", "%s", a->event.json);
			break;
		case LMA_ACT_LOG:
			if (io->o.debug)
				nio_log("lmad", "%s", a->event.json);
			break;
		}
	}
	if (io->acts.overflow)
		LOG(io, "out of memory: actions lost");
	lma_actions_clear(&io->acts);
	arm_timer(io);
}

/* ---- watchers ------------------------------------------------------------------ */

/* RFC 6275 9.2 before decoding: unknown type, Payload Proto, Header Len. */
static enum mh_rx_fault screen(struct lma_io *io, ssize_t n, const struct in6_addr *src,
			       const struct in6_addr *dst)
{
	struct nio_mherr *e = &io->mherr;
	enum mh_rx_fault f = nio_mherr_screen(e, io->mh_fd, io->buf, (size_t)n, src, dst,
					      nio_now_ns());

	io->st.mh_unknown_type = e->by_fault[MH_RX_UNKNOWN_TYPE];
	io->st.mh_bad_payload_proto = e->by_fault[MH_RX_BAD_PAYLOAD_PROTO];
	io->st.mh_bad_header_len = e->by_fault[MH_RX_BAD_HEADER_LEN];
	io->st.mh_be_sent = e->be_sent;
	io->st.mh_param_problems_sent = e->param_problems_sent;
	io->st.mh_errors_suppressed = e->limit.suppressed;
	/* the other faults fail mh_decode too, which counts them by reason */
	if (f == MH_RX_BAD_PAYLOAD_PROTO)
		lma_ctl_count_malformed(&io->st, "Payload Proto not 59 (IPPROTO_NONE)");
	return f;
}

/* A MAG's messages must arrive over the path to that MAG: the interface
 * the LMA's own route to the source address leaves by (strict reverse-path
 * check, RFC 3704 2.2). A host on another of the LMA's links that spoofs a
 * MAG's address is dropped and counted (doc/security.md); one on the
 * MAG's own link is not caught here. A failed lookup other than "no
 * route" lets the message through: the check must not cost real MAGs. */
static bool path_ok(struct lma_io *io, const struct in6_addr *src, int ifindex)
{
	if (ifindex <= 0)
		return true;
	int oif = nio_route_oif(src);
	if (oif == ifindex || (oif < 0 && errno != ENETUNREACH))
		return true;
	if (io->st.mh_wrong_path++ % 100 == 0) {
		char a[INET6_ADDRSTRLEN], in[IF_NAMESIZE] = "?", want[IF_NAMESIZE] = "none";

		inet_ntop(AF_INET6, src, a, sizeof(a));
		if_indextoname((unsigned)ifindex, in);
		if (oif > 0)
			if_indextoname((unsigned)oif, want);
		LOG(io, "MH from %s arrived on %s, its path is %s: dropped (%llu so far)",
		    a, in, want, (unsigned long long)io->st.mh_wrong_path);
	}
	return false;
}

/* RFC 4285: a MAG with a key must sign, correctly; the rest is dropped
 * unanswered (an answer would go to the address the forger used). */
static bool auth_ok(struct lma_io *io, const struct in6_addr *src, size_t len)
{
	enum mh_auth_verdict v = lma_auth_check(io->cfg, src, io->buf, len);
	char a[INET6_ADDRSTRLEN];

	if (v == MH_AUTH_OK)
		return true;
	if (v == MH_AUTH_MISSING)
		io->st.mh_auth_missing++;
	else
		io->st.mh_auth_failed++;
	inet_ntop(AF_INET6, src, a, sizeof(a));
	LOG(io, "MH from %s dropped: authentication %s (RFC 4285)", a,
	    mh_auth_verdict_name(v));
	nio_event(io->ev, "{\"ev\":\"mh_auth_failed\",\"peer\":\"%s\",\"why\":\"%s\"}",
		  a, mh_auth_verdict_name(v));
	return false;
}

static void on_mh(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lma_io *io = w->data;
	struct nio_raw_meta meta;
	struct mh_msg m;

	(void)loop; (void)revents;
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = nio_raw_recv(io->mh_fd, io->buf, sizeof(io->buf), &meta);
		const struct in6_addr src = meta.src, dst = meta.dst;
		const char *why = NULL;

		if (n < 0)
			break;
		io->st.mh_received++;
		/* The kernel verified the checksum (IPV6_CHECKSUM 4) and dropped
		 * bad ones; what reaches us may still be truncated or malformed. */
		enum mh_rx_fault f = screen(io, n, &src, &dst);

		if (f == MH_RX_BAD_PAYLOAD_PROTO)
			continue;               /* counted by screen() */
		/* every other fault fails the decoder too, which names it */
		if (mh_decode(io->buf, (size_t)n, NULL, NULL, &m, &why) < 0 || f != MH_RX_OK) {
			char s[INET6_ADDRSTRLEN];

			lma_ctl_count_malformed(&io->st, why);
			inet_ntop(AF_INET6, &src, s, sizeof(s));
			LOG(io, "malformed MH from %s dropped: %s", s, why);
			continue;
		}
		if (!path_ok(io, &src, meta.ifindex) ||
		    !auth_ok(io, &src, ((size_t)io->buf[1] + 1) * 8))
			continue;
		/* RFC 5213 5.5 judges the timestamp against the LMA's clock when
		 * the PBU arrived, not after it waited in our own socket queue
		 * behind a registration storm (1000 MNs: most PBUs got 156). */
		uint64_t arrived = meta.rx_realtime_ns ? meta.rx_realtime_ns : nio_realtime_ns();
		if (lma_input_pbu(io->l, &src, &m, nio_now_ns(), arrived, &io->acts) < 0)
			io->st.mh_not_bu++;
		lma_io_run_actions(io);
	}
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct lma_io *io = w->data;

	(void)loop; (void)revents;
	lma_timer(io->l, nio_now_ns(), &io->acts);
	lma_io_run_actions(io);
}

static bool ip6_ok(const uint8_t *p, ssize_t n)
{
	return n >= IP6_HDR_LEN && (p[0] >> 4) == 6;
}

/* Downlink: 5.6.1, a packet for an MN's prefix goes to its Proxy-CoA. */
static void on_tun(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lma_io *io = w->data;

	(void)loop; (void)revents;
	for (int i = 0; i < BATCH; i++) {
		ssize_t n = read(io->tun_fd, io->buf, sizeof(io->buf));
		struct flow_key k;

		if (n < 0)
			break;
		if (!ip6_ok(io->buf, n)) {
			io->st.tun_bad++;
			continue;
		}
		const char *why;

		/* cut extension headers still leave the addresses (read
		 * first): such a packet matches only rules without ports */
		(void)flow_key_parse(io->buf, (size_t)n, &k, &why);
		if (IN6_IS_ADDR_MULTICAST(&k.dst)) {
			/* the kernel's own MLD/ND on pmip0: no MN behind it */
			io->st.tun_multicast++;
			continue;
		}
		const struct in6_addr *peer = lma_downlink_peer_flow(io->l, &k);

		if (peer && nio_tnl_send(io->tnl_fd, &io->lmaa, peer, io->buf, (size_t)n) < 0)
			io->st.tnl_send_errors++;
	}
}

/* Uplink: 5.6.2, only from the Proxy-CoA the inner source is bound to. */
static void on_tnl(struct ev_loop *loop, ev_io *w, int revents)
{
	struct lma_io *io = w->data;

	(void)loop; (void)revents;
	for (int i = 0; i < BATCH; i++) {
		struct in6_addr osrc, odst, isrc;
		ssize_t n = nio_tnl_recv(io->tnl_fd, io->buf, sizeof(io->buf), &osrc, &odst);

		if (n < 0)
			break;
		if (!ip6_ok(io->buf, n)) {
			io->st.tnl_bad++;
			continue;
		}
		memcpy(&isrc, io->buf + 8, sizeof(isrc));
		if (lma_uplink_check(io->l, &osrc, &isrc) < 0)
			continue;
		if (write(io->tun_fd, io->buf, (size_t)n) < 0)
			io->st.tun_write_errors++;
	}
}

/* ---- control socket ------------------------------------------------------------ */

static void on_ctl(void *arg, const char *line, char *out, size_t cap)
{
	struct lma_io *io = arg;

	io->st.events_dropped = nio_events_dropped(io->ev);
	if (lma_ctl_revoke(io->l, line, nio_now_ns(), &io->acts, out, cap) ||
	    lma_ctl_prefix(io->l, line, nio_now_ns(), &io->acts, out, cap) ||
	    lma_flow_ctl(io->l, line, out, cap, &io->acts) > 0) {
		lma_io_run_actions(io);
		return;
	}
	lma_ctl_handle(io->l, &io->st, nio_now_ns(), line, out, cap);
}

/* ---- start, stop ------------------------------------------------------------------ */

static int open_dataplane(struct lma_io *io, const char **why)
{
	io->tun_fd = nio_tun_open(LMA_IO_TUN_NAME, LMA_IO_TUN_MTU, &io->tun_ifindex);
	if (io->tun_fd < 0) {
		*why = "cannot open TUN " LMA_IO_TUN_NAME;
		return -1;
	}
	if (nio_link_set_up(io->tun_ifindex, true) < 0) {
		*why = "cannot bring " LMA_IO_TUN_NAME " up";
		return -1;
	}
	io->tnl_fd = nio_tnl_open();
	if (io->tnl_fd < 0) {
		*why = "cannot open the protocol 41 socket";
		return -1;
	}
	/* 5.6: the LMA forwards between its core side and the tunnel */
	if (nio_sysctl_set("net.ipv6.conf.all.forwarding", "1") < 0)
		nio_log("lmad", "warning: cannot enable IPv6 forwarding: %s", strerror(errno));
	ev_io_init(&io->tun_w, on_tun, io->tun_fd, EV_READ);
	ev_io_init(&io->tnl_w, on_tnl, io->tnl_fd, EV_READ);
	io->tun_w.data = io->tnl_w.data = io;
	/* A MAG sends its last tunnelled packets before its deregistration
	 * PBU, over the same path: when both wait in their sockets, handle
	 * the packets first, or the PBU ends the session they belong to and
	 * they are dropped (seen at appendix D cuts: 1 uplink packet in 20
	 * runs, LMA_DROP_WRONG_PROXY_COA). */
	ev_set_priority(&io->tnl_w, EV_MAXPRI);
	ev_io_start(io->loop, &io->tun_w);
	ev_io_start(io->loop, &io->tnl_w);
	return 0;
}

struct lma_io *lma_io_start(struct ev_loop *loop, struct lma *l,
			    const struct lma_config *cfg, const struct lma_io_opts *o,
			    const char **why)
{
	struct lma_io *io = calloc(1, sizeof(*io));

	if (!io) {
		*why = "out of memory";
		return NULL;
	}
	io->loop = loop;
	io->l = l;
	io->cfg = cfg;
	io->o = *o;
	io->lmaa = cfg->lmaa;
	io->mh_fd = io->tun_fd = io->tnl_fd = io->home_fd = io->hdrincl_fd = -1;
	nio_mherr_open(&io->mherr);
	io->rl.interval_ns = 1000000000ULL / 10;    /* at most 10 lines a second */
	lma_actions_init(&io->acts);
	ev_timer_init(&io->timer, on_timer, 0.0, 0.0);
	io->timer.data = io;
	io->ev = nio_events_open(o->node);
	io->mh_fd = nio_mh_open(&cfg->lmaa);
	if (io->mh_fd < 0) {
		*why = "cannot open the Mobility Header socket on the LMAA";
		goto fail;
	}
	ev_io_init(&io->mh_w, on_mh, io->mh_fd, EV_READ);
	io->mh_w.data = io;
	ev_io_start(loop, &io->mh_w);
	if (!o->no_dataplane && open_dataplane(io, why) < 0)
		goto fail;
	if (cfg->home_agent && lma_home_io_open(io, why) < 0)
		goto fail;
	if (o->ctl_path && !(io->ctl = nio_ctl_start(loop, o->ctl_path, on_ctl, io))) {
		*why = "cannot create the control socket";
		goto fail;
	}
	lma_flow_announce(l, &io->acts);        /* section 3: the policy's rules */
	lma_io_run_actions(io);
	return io;
fail:
	lma_io_stop(io);
	return NULL;
}

static void del_routes(void *arg, const struct bce_session *s)
{
	struct lma_io *io = arg;

	for (uint8_t i = 0; i < s->n_prefix; i++)
		nio_route_del(&s->prefix[i]->prefix, s->prefix[i]->len, io->tun_ifindex, 0);
}

void lma_io_stop(struct lma_io *io)
{
	if (!io)
		return;
	if (io->tun_ifindex > 0)
		bce_foreach_session(lma_bce(io->l), del_routes, io);
	ev_timer_stop(io->loop, &io->timer);
	if (io->mh_fd >= 0) {
		ev_io_stop(io->loop, &io->mh_w);
		close(io->mh_fd);
	}
	if (io->tun_fd >= 0) {
		ev_io_stop(io->loop, &io->tun_w);
		close(io->tun_fd);
	}
	if (io->tnl_fd >= 0) {
		ev_io_stop(io->loop, &io->tnl_w);
		close(io->tnl_fd);
	}
	if (io->home_fd >= 0) {
		ev_io_stop(io->loop, &io->home_w);
		close(io->home_fd);
	}
	if (io->hdrincl_fd >= 0)
		close(io->hdrincl_fd);
	nio_mherr_close(&io->mherr);
	nio_ctl_stop(io->ctl);
	nio_events_close(io->ev);
	lma_actions_fini(&io->acts);
	free(io);
}
