/*
 * nio_linkmon.c - link state monitor: the daemons' L2 triggers.
 *
 * Owns: an rtnetlink socket subscribed to RTNLGRP_LINK on an ev_io, the last
 * known (carrier, up) of every interface, and the callback when either
 * changes. Carrier is IFF_LOWER_UP (the emulator's TUNSETCARRIER, a veth
 * peer going down), up is IFF_UP. RFC 5213 6.9.1.1 lets a MAG learn a
 * detach from such link-layer events. Netlink is a datagram service that
 * drops notifications when the socket buffer is full (ENOBUFS): then the
 * monitor dumps every link and reports what changed meanwhile.
 * Must not: decide what a change means; the engine does.
 */
#include <errno.h>
#include <ev.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nio.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000     /* linux/if.h: driver signals L1 up (carrier) */
#endif

struct nio_link_state {
	int ifindex;
	bool carrier, up;
};

struct nio_linkmon {
	struct ev_loop *loop;
	ev_io io;
	struct mnl_socket *nl;
	nio_link_cb cb;
	void *arg;
	bool silent;                 /* learning the initial state */
	struct nio_link_state *links;
	size_t n, cap;
};

static struct nio_link_state *nio_linkmon_find(struct nio_linkmon *m, int ifindex)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->links[i].ifindex == ifindex)
			return &m->links[i];
	return NULL;
}

static struct nio_link_state *nio_linkmon_add(struct nio_linkmon *m, int ifindex)
{
	struct nio_link_state *p;

	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 16;
		p = realloc(m->links, cap * sizeof *p);
		if (!p)
			return NULL;   /* the change is still reported, just not cached */
		m->links = p;
		m->cap = cap;
	}
	p = &m->links[m->n++];
	p->ifindex = ifindex;
	return p;
}

static void nio_linkmon_forget(struct nio_linkmon *m, int ifindex)
{
	struct nio_link_state *p = nio_linkmon_find(m, ifindex);

	if (p)
		*p = m->links[--m->n];
}

/* A link's new state: remember it, report it when it differs. */
static void nio_linkmon_update(struct nio_linkmon *m, int ifindex, const char *name,
			       bool carrier, bool up, bool gone)
{
	struct nio_link_state *p = nio_linkmon_find(m, ifindex);
	/* A removal is always news, even of a link already down. */
	bool changed = gone || !p || p->carrier != carrier || p->up != up;

	if (gone)
		nio_linkmon_forget(m, ifindex);
	else if (p || (p = nio_linkmon_add(m, ifindex))) {
		p->carrier = carrier;
		p->up = up;
	}
	if (changed && !m->silent)
		m->cb(m->arg, ifindex, name, carrier, up);
}

static int nio_linkmon_msg(const struct nlmsghdr *nlh, void *data)
{
	struct nio_linkmon *m = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	char name[IF_NAMESIZE] = "";
	const struct nlattr *a;
	bool gone = nlh->nlmsg_type == RTM_DELLINK;

	if ((nlh->nlmsg_type != RTM_NEWLINK && !gone) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof *ifi)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof *ifi) {
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) >= 0) {
			strncpy(name, mnl_attr_get_str(a), sizeof name - 1);
		}
	}
	nio_linkmon_update(m, ifi->ifi_index, name,
			   !gone && (ifi->ifi_flags & IFF_LOWER_UP),
			   !gone && (ifi->ifi_flags & IFF_UP), gone);
	return MNL_CB_OK;
}

/* Dump every link on a separate socket and feed the replies to the monitor. */
static int nio_linkmon_resync(struct nio_linkmon *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	unsigned portid, seq = (unsigned)time(NULL);
	ssize_t n;
	int ret = -1, saved;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof *g);
	g->rtgen_family = AF_UNSPEC;
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0)
			goto out;
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, nio_linkmon_msg, m);
	} while (ret > MNL_CB_STOP);
out:
	saved = errno;
	mnl_socket_close(nl);
	errno = saved;
	return ret < 0 ? -1 : 0;
}

/* The kernel reports ENOBUFS before the notifications still queued, which
 * are older than a dump taken now: drop them, then dump. */
static void nio_linkmon_overrun(struct nio_linkmon *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (mnl_socket_recvfrom(m->nl, buf, sizeof buf) >= 0 ||
	       errno == EINTR || errno == ENOBUFS)
		;
	/* A failed dump is retried on the next overrun. */
	nio_linkmon_resync(m);
}

static void nio_linkmon_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct nio_linkmon *m = w->data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	ssize_t n;

	(void)loop;
	(void)revents;
	for (;;) {
		n = mnl_socket_recvfrom(m->nl, buf, sizeof buf);
		if (n < 0) {
			/* Notifications were lost: what we know may be stale. */
			if (errno == EINTR)
				continue;
			if (errno != ENOBUFS)
				return;   /* EAGAIN: drained */
			nio_linkmon_overrun(m);
			continue;
		}
		/* Notifications carry seq 0 and portid 0: accept any. */
		mnl_cb_run(buf, (size_t)n, 0, 0, nio_linkmon_msg, m);
	}
}

struct nio_linkmon *nio_linkmon_start(struct ev_loop *loop, nio_link_cb cb, void *arg)
{
	struct nio_linkmon *m;
	int saved;

	if (!loop || !cb) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->loop = loop;
	m->cb = cb;
	m->arg = arg;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!m->nl || mnl_socket_bind(m->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Subscribe before the dump so that no change falls in between. */
	m->silent = true;
	if (nio_linkmon_resync(m) < 0)
		goto fail;
	m->silent = false;
	ev_io_init(&m->io, nio_linkmon_readable, mnl_socket_get_fd(m->nl), EV_READ);
	m->io.data = m;
	ev_io_start(loop, &m->io);
	return m;
fail:
	saved = errno;
	if (m->nl)
		mnl_socket_close(m->nl);
	free(m->links);
	free(m);
	errno = saved;
	return NULL;
}

void nio_linkmon_stop(struct nio_linkmon *m)
{
	if (!m)
		return;
	ev_io_stop(m->loop, &m->io);
	mnl_socket_close(m->nl);
	free(m->links);
	free(m);
}
