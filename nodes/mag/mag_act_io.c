/*
 * mag_act_io.c - magd carries out the engine's actions: PBUs out, routes and
 * rules, RAs to the MN that asked, the engine's timer, events (see mag_io.c).
 * Must not: decide anything; the actions say what to do.
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
		mag_io_log(io, "PBU not encoded: %s", why);
		return;
	}
	if (nio_mh_send(io->mh_fd, &c->proxy_coa, &a->peer, buf, (size_t)len) < 0)
		mag_io_log(io, "PBU send: %s", strerror(errno));
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
			mag_io_log(io, "neighbour %s: %s", a->ifname, strerror(errno));
		if (nio_route_add(&a->prefix.prefix, a->prefix.len, a->ifindex,
				  has_ll ? &via : NULL, 0, 0) < 0)
			mag_io_log(io, "route %s/%u dev %s: %s", p, a->prefix.len, a->ifname,
			       strerror(errno));
		if (nio_rule_add(&a->prefix.prefix, a->prefix.len, a->ifname,
				 io->o.uplink_table, io->o.rule_prio) < 0 && errno != EEXIST)
			mag_io_log(io, "rule from %s/%u iif %s: %s", p, a->prefix.len,
			       a->ifname, strerror(errno));
		return;
	}
	if (nio_rule_del(&a->prefix.prefix, a->prefix.len, a->ifname,
			 io->o.uplink_table, io->o.rule_prio) < 0 && errno != ENOENT)
		mag_io_log(io, "rule del %s/%u: %s", p, a->prefix.len, strerror(errno));
	if (nio_route_del(&a->prefix.prefix, a->prefix.len, a->ifindex, 0) < 0 &&
	    errno != ESRCH && errno != ENOENT)
		mag_io_log(io, "route del %s/%u: %s", p, a->prefix.len, strerror(errno));
}

struct mag_access_io *mag_io_acc(struct mag_io *io, int ifindex)
{
	for (size_t i = 0; i < io->n_acc; i++)
		if (io->acc[i].ifindex == ifindex)
			return &io->acc[i];
	return NULL;
}

struct mag_rs_src *mag_io_rs_find(struct mag_io *io, int ifindex, const uint8_t mac[6],
			      bool create)
{
	struct mag_rs_src *free_slot = NULL;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_rs_src *r = &io->rs[i];
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
	struct mag_access_io *acc = mag_io_acc(io, a->ifindex);
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
		mag_io_log(io, "RA not encoded: %s", why);
		return;
	}
	struct in6_addr dst;
	inet_pton(AF_INET6, "ff02::1", &dst);
	struct mag_rs_src *r = mag_io_rs_find(io, a->ifindex, a->ll_id, false);
	if (r && IN6_IS_ADDR_LINKLOCAL(&r->src))
		dst = r->src;
	if (nio_icmp6_send(acc->fd, acc->ifindex, &acc->ll, &dst, buf, (size_t)len) < 0)
		mag_io_log(io, "RA send on %s: %s", acc->name, strerror(errno));
}

void mag_io_act_timer(struct mag_io *io, uint64_t deadline_ns)
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
		mag_io_log(io, "%s %s", retx ? "pbu_retransmitted" : mag_event_name(a->ev),
		       a->text);
}

void mag_io_run_acts(struct mag_io *io)
{
	struct mag_acts *acts = io->acts;
	for (size_t i = 0; i < acts->n; i++) {
		const struct mag_act *a = &acts->a[i];
		switch (a->type) {
		case MAG_ACT_SEND_PBU: act_send_pbu(io, a); break;
		case MAG_ACT_ROUTE_ADD: act_route(io, a, true); break;
		case MAG_ACT_ROUTE_DEL: act_route(io, a, false); break;
		case MAG_ACT_SEND_RA: act_send_ra(io, a); break;
		case MAG_ACT_TIMER_SET: mag_io_act_timer(io, a->deadline_ns); break;
		case MAG_ACT_EVENT:
			nio_event(io->ev, "{\"ev\":\"%s\",%s}", mag_event_name(a->ev), a->text);
			act_log_notable(io, a);
			break;
		case MAG_ACT_LOG:
			if (io->o.debug)
				mag_io_log(io, "%s", a->text);
			break;
		}
	}
	if (acts->overflow)
		mag_io_log(io, "%zu actions lost (list full)", acts->overflow);
	mag_acts_reset(acts);
}

/* Engine inputs start here: the RFC 5213 timestamp clock follows realtime. */
uint64_t mag_io_now(struct mag_io *io)
{
	uint64_t mono = nio_now_ns();
	mag_set_realtime_offset(io->m, (int64_t)(nio_realtime_ns() - mono));
	return mono;
}

