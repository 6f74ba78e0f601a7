/*
 * mag_rx_io.c - what magd reads: Mobility Headers from the LMA (after the
 * RFC 6275 9.2 screen and RFC 4285 authentication), the MNs' Router
 * Solicitations, and the two directions of the RFC 5213 6.10 tunnel (TUN
 * pmip0 up, protocol 41 down). Must not: decide; the engine does.
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

#include "mag_io_int.h"
#include "mag_ctl.h"
#include "pmip/mh.h"
#include "pmip/nd.h"
#include "io/nio.h"
#include "io/nio_mherr.h"
#include "pmip/tnl.h"

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
		mag_io_log(io, "MH dropped: %s", mh_rx_fault_name(f));
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
	mag_io_log(io, "MH from %s dropped: authentication %s (RFC 4285)", a,
	       mh_auth_verdict_name(v));
	return false;
}

void mag_io_on_mh(struct ev_loop *loop, ev_io *w, int revents)
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
				mag_io_log(io, "MH dropped: %s", why);
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
				mag_io_on_tnl(loop, &io->tnl_w, 0);
			if (msg.type == MH_TYPE_UPN)
				mag_input_upn(io->m, &src, &msg, mag_io_now(io), io->acts);
			else if (msg.type == MH_TYPE_BR)
				mag_input_br(io->m, &src, &msg, mag_io_now(io), io->acts);
			else
				mag_input_hb(io->m, &src, &msg, mag_io_now(io), io->acts);
			mag_io_run_acts(io);
			continue;
		}
		if (msg.type != MH_TYPE_BA)
			continue;
		mag_input_pba(io->m, &src, &msg, mag_io_now(io), io->acts);
		mag_io_run_acts(io);
	}
}

void mag_io_on_icmp(struct ev_loop *loop, ev_io *w, int revents)
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
				mag_io_log(io, "RS on %s without source link-layer address", acc->name);
			continue;
		}
		struct mag_rs_src *r = mag_io_rs_find(io, acc->ifindex, rs.slla.addr, true);
		r->src = src;
		if (mag_mn_rs(io->m, acc->ifindex, rs.slla.addr, mag_io_now(io), io->acts,
			      &why) < 0 && io->o.debug)
			mag_io_log(io, "RS on %s: %s", acc->name, why);
		/* section 3: the MN's flow requests (ND option 253, nd_flow.c) */
		if ((rs.n_flow || rs.has_flow_list) &&
		    mag_mn_flows(io->m, acc->ifindex, rs.slla.addr, &rs, mag_io_now(io),
				 io->acts, &why) < 0)
			mag_io_log(io, "RS on %s: %s", acc->name, why);
		mag_io_run_acts(io);
	}
}

/* Uplink: from the MN (policy rule) into the tunnel to its LMA, source
 * Proxy-CoA (RFC 5213 6.10.5). */
void mag_io_on_tun(struct ev_loop *loop, ev_io *w, int revents)
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
void mag_io_on_tnl(struct ev_loop *loop, ev_io *w, int revents)
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

