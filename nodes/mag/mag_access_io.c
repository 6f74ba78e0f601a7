/*
 * mag_access_io.c - the access links seen from magd: the L2 attach trigger
 * (the first frame of a known MN after a carrier-up) and the carrier
 * monitor (netlink plus a poll) whose loss is the RFC 5213 6.9.1.4 detach.
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

void mag_io_pkt_watch(struct mag_access_io *acc, bool on)
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

void mag_io_on_pkt(struct ev_loop *loop, ev_io *w, int revents)
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
		if (mag_mn_rs(io->m, acc->ifindex, mac, mag_io_now(io), io->acts, &why) < 0) {
			if (acc->n_unknown < 4)
				memcpy(acc->unknown[acc->n_unknown++], mac, 6);
			if (io->o.debug)
				mag_io_log(io, "frame on %s: %s", acc->name, why);
			mag_io_run_acts(io);
			continue;
		}
		mag_io_run_acts(io);
		mag_io_pkt_watch(acc, false);
		return;
	}
}

int mag_io_pkt_open(struct mag_access_io *acc)
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
	ev_io_init(&acc->pkt_w, mag_io_on_pkt, acc->pkt_fd, EV_READ);
	acc->pkt_w.data = acc;
	return 0;
}

/* The access link is gone (RFC 5213 6.9.1.4 detach trigger): once per loss,
 * whichever of the poll and the netlink notification sees it first. */
void mag_io_carrier_lost(struct mag_io *io, struct mag_access_io *acc)
{
	acc->carrier = false;
	if (io->loss_cb)
		io->loss_cb(io->loss_arg, acc->ifindex);
	mag_io_pkt_watch(acc, false);
	mag_mn_detach(io->m, acc->ifindex, mag_io_now(io), io->acts);
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (io->rs[i].ifindex == acc->ifindex)
			io->rs[i].used = false;
	mag_io_run_acts(io);
}

void mag_io_on_link(void *arg, int ifindex, const char *ifname, bool carrier, bool up)
{
	struct mag_io *io = arg;
	struct mag_access_io *acc = mag_io_acc(io, ifindex);
	if (!acc)
		return;
	if (io->o.debug)
		mag_io_log(io, "%s carrier %s, %s", ifname, carrier ? "on" : "off", up ? "up" : "down");
	if (carrier && up) {
		/* attach waits for the MN's RS or its first frame */
		acc->carrier = true;
		mag_io_pkt_watch(acc, true);
		return;
	}
	if (acc->carrier)
		mag_io_carrier_lost(io, acc);
}


void mag_io_on_carrier_poll(struct ev_loop *loop, ev_timer *w, int revents)
{
	(void)loop; (void)revents;
	struct mag_io *io = w->data;
	for (size_t i = 0; i < io->n_acc; i++)
		if (io->acc[i].carrier && nio_link_carrier(io->acc[i].ifindex) == 0)
			mag_io_carrier_lost(io, &io->acc[i]);
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

