/*
 * mag_io.c - magd's shell (libev): starts and stops it all (the MH socket,
 * an ICMPv6 socket per access interface, TUN pmip0 and the protocol-41
 * socket of the RFC 5213 6.10 tunnel, the RFC 5213 6.10.5 ingress filter,
 * the link monitor, the control socket, events), arms the engine's timer
 * and answers the control socket. The rest of the shell: mag_act_io.c
 * (the engine's actions), mag_rx_io.c (what magd reads), mag_access_io.c
 * (attach trigger, carrier monitor); mag_io_int.h is what they share.
 *
 * Owns: every system call of magd but main()'s. Must not: make protocol
 * decisions; it asks the engine (mag.h) and does what the actions say.
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

void mag_io_log(struct mag_io *io, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	nio_log("magd", "%s: %s", io->o.node, buf);
}


/* ---- watchers ------------------------------------------------------------- */

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	mag_timer(io->m, mag_io_now(io), io->acts);
	mag_io_run_acts(io);
	/* The engine announces a deadline only when it changes; a one-shot
	 * timer that fired a little early (nothing due yet) would otherwise
	 * be lost with the deadline still pending: re-arm it. */
	if (!ev_is_active(&io->timer))
		mag_io_act_timer(io, mag_next_deadline(io->m));
}

static void on_ctl(void *arg, const char *line, char *out, size_t cap)
{
	struct mag_io *io = arg;
	mag_ctl_handle(io->m, line, mag_io_now(io), io->acts, out, cap);
	mag_io_run_acts(io);
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
 * pmip0 as well, where mag_io_on_tun drops what has no registered session and
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
			mag_io_log(io, "ingress rule iif %s: %s", acc->name, strerror(errno));
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
	ev_io_init(&acc->w, mag_io_on_icmp, acc->fd, EV_READ);
	acc->w.data = acc;
	ev_io_start(io->loop, &acc->w);
	io->n_acc = i + 1;
	ingress_filter(io, acc, true);
	if (mag_io_pkt_open(acc) < 0) {
		*why = "cannot open the access interface's packet socket";
		return -1;
	}
	acc->carrier = nio_link_carrier(acc->ifindex) == 1;
	if (acc->carrier)
		mag_io_pkt_watch(acc, true);
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
	ev_io_init(&io->tun_w, mag_io_on_tun, io->tun_fd, EV_READ);
	ev_io_init(&io->tnl_w, mag_io_on_tnl, io->tnl_fd, EV_READ);
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
	ev_io_init(&io->mh_w, mag_io_on_mh, io->mh_fd, EV_READ);
	io->mh_w.data = io;
	ev_io_start(io->loop, &io->mh_w);
	if (dataplane_open(io, why) < 0)
		return -1;
	io->lm = nio_linkmon_start(io->loop, mag_io_on_link, io);
	if (!io->lm) {
		*why = "cannot start the link monitor";
		return -1;
	}
	ev_timer_init(&io->carrier_w, mag_io_on_carrier_poll, MAG_IO_CARRIER_POLL_S,
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
	mag_io_act_timer(io, mag_next_deadline(io->m));   /* the first heartbeat */
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
		int left = mag_shutdown(io->m, mag_io_now(io), io->acts);
		if (io->mh_fd >= 0)
			mag_io_run_acts(io);
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
