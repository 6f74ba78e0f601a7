/*
 * nio_nl.c - rtnetlink requests through libmnl: links, addresses, routes,
 * policy rules.
 *
 * Owns: one request per call, built in a buffer on the stack with bounded
 * attribute adds (mnl_attr_put_*_check), sent on a fresh socket and
 * answered by one ACK (or the reply of a GET). The kernel's error comes back
 * as -1 with errno (EEXIST, ENODEV, ESRCH, ...), the way iproute2 does it.
 * The carrier query is the exception: an ethtool ioctl on one kept socket
 * (see nio_link_carrier).
 * Must not: keep state or retry; the daemon decides what an error means.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>

#include "nio.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000     /* linux/if.h: driver signals L1 up (carrier) */
#endif

#define NIO_NL_BUF 4096     /* requests are < 200 bytes; replies one link */

struct nio_nl_req {
	char buf[NIO_NL_BUF];
	struct nlmsghdr *nlh;
};

static void *nio_nl_start(struct nio_nl_req *r, uint16_t type, uint16_t flags, size_t hdr)
{
	memset(r->buf, 0, sizeof r->buf);
	r->nlh = mnl_nlmsg_put_header(r->buf);
	r->nlh->nlmsg_type = type;
	r->nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nlh->nlmsg_seq = (uint32_t)time(NULL);
	return mnl_nlmsg_put_extra_header(r->nlh, hdr);
}

static bool nio_nl_put(struct nio_nl_req *r, uint16_t type, size_t len, const void *data)
{
	return mnl_attr_put_check(r->nlh, sizeof r->buf, type, len, data);
}

static bool nio_nl_put_u32(struct nio_nl_req *r, uint16_t type, uint32_t v)
{
	return mnl_attr_put_u32_check(r->nlh, sizeof r->buf, type, v);
}

/* Send the request, run cb on each reply message until the ACK/DONE. */
static int nio_nl_talk(struct nio_nl_req *r, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned portid;
	ssize_t n;
	int ret, saved;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, r->nlh, r->nlh->nlmsg_len) < 0)
		goto fail;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof buf);
		if (n < 0)
			goto fail;
		/* MNL_CB_ERROR sets errno from the kernel's nlmsgerr. */
		ret = mnl_cb_run(buf, (size_t)n, r->nlh->nlmsg_seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	if (ret < 0)
		goto fail;
	mnl_socket_close(nl);
	return 0;
fail:
	saved = errno;
	mnl_socket_close(nl);
	errno = saved;
	return -1;
}

static int nio_nl_fail_emsgsize(void)
{
	errno = EMSGSIZE;
	return -1;
}

int nio_ifindex(const char *ifname)
{
	return ifname ? (int)if_nametoindex(ifname) : 0;
}

int nio_link_set_up(int ifindex, bool up)
{
	struct nio_nl_req r;
	struct ifinfomsg *ifi = nio_nl_start(&r, RTM_NEWLINK, 0, sizeof *ifi);

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return nio_nl_talk(&r, NULL, NULL);
}

static int nio_nl_link_flags_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type == RTM_NEWLINK &&
	    mnl_nlmsg_get_payload_len(nlh) >= sizeof *ifi)
		*(unsigned *)data = ifi->ifi_flags;
	return MNL_CB_OK;
}

/* The netlink answer, for devices without an ethtool link query. */
static int nio_nl_link_carrier(int ifindex)
{
	struct nio_nl_req r;
	struct ifinfomsg *ifi = nio_nl_start(&r, RTM_GETLINK, 0, sizeof *ifi);
	unsigned flags = 0;

	/* NLM_F_ACK stays: the kernel sends the link, then the ACK ends the talk. */
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (nio_nl_talk(&r, nio_nl_link_flags_cb, &flags) < 0)
		return -1;
	return (flags & IFF_LOWER_UP) ? 1 : 0;
}

/*
 * The daemons poll their access links' carriers every few milliseconds
 * (doc/nio.md): a MAG with 10 MNs polls 1000 times a second. A fresh
 * rtnetlink socket per query cost 5.3 us here and, with 100 MAGs, most of
 * the machine (measured: 87 % system time, magd waiting in the kernel).
 * ETHTOOL_GLINK on one kept socket reads the same bit (netif_carrier_ok, the
 * driver's get_link) in 0.4 us. The socket is opened in the caller's network
 * namespace on first use: the daemons never change namespace.
 */
/* ifindex -> name, so that a poll costs one ioctl, not two. */
#define NIO_NL_NAMES 64
static struct { int ifindex; char name[IFNAMSIZ]; } nio_nl_names[NIO_NL_NAMES];

static const char *nio_nl_ifname(int fd, int ifindex, bool fresh)
{
	size_t slot = (size_t)ifindex % NIO_NL_NAMES;
	struct ifreq ifr;

	if (!fresh && nio_nl_names[slot].ifindex == ifindex)
		return nio_nl_names[slot].name;
	memset(&ifr, 0, sizeof ifr);
	ifr.ifr_ifindex = ifindex;
	if (ioctl(fd, SIOCGIFNAME, &ifr) < 0)
		return NULL;
	nio_nl_names[slot].ifindex = ifindex;
	memcpy(nio_nl_names[slot].name, ifr.ifr_name, IFNAMSIZ);
	nio_nl_names[slot].name[IFNAMSIZ - 1] = 0;
	return nio_nl_names[slot].name;
}

/* ETHTOOL_GLINK of the interface called name; -1 when the name is stale. */
static int nio_nl_glink(int fd, const char *name, int ifindex)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GLINK };
	struct ifreq ifr;

	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		return -1;
	/* a name can move to another interface: check it is still ours */
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0 || ifr.ifr_ifindex != ifindex)
		return -1;
	return ev.data ? 1 : 0;
}

int nio_link_carrier(int ifindex)
{
	static int fd = -1;
	const char *name;
	int c;

	if (fd < 0)
		fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || !(name = nio_nl_ifname(fd, ifindex, false)))
		return nio_nl_link_carrier(ifindex);
	if ((c = nio_nl_glink(fd, name, ifindex)) >= 0)
		return c;
	if ((name = nio_nl_ifname(fd, ifindex, true)) &&
	    (c = nio_nl_glink(fd, name, ifindex)) >= 0)
		return c;
	return nio_nl_link_carrier(ifindex);
}

struct nio_nl_oper {
	unsigned flags;
	bool noop;
};

static int nio_nl_link_oper_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nio_nl_oper *o = data;
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof *ifi)
		return MNL_CB_OK;
	o->flags = ifi->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof *ifi)
		if (mnl_attr_get_type(a) == IFLA_QDISC &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			o->noop = strcmp(mnl_attr_get_str(a), "noop") == 0;
	return MNL_CB_OK;
}

/*
 * A link whose carrier came on carries traffic only once the kernel's
 * linkwatch work has run for it: that attaches its queueing discipline
 * (until then "noop", which drops every frame sent) and sets its operational
 * state, which IPv6 address configuration waits for.
 */
int nio_link_operational(int ifindex)
{
	struct nio_nl_req r;
	struct ifinfomsg *ifi = nio_nl_start(&r, RTM_GETLINK, 0, sizeof *ifi);
	struct nio_nl_oper o = { 0 };

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	if (nio_nl_talk(&r, nio_nl_link_oper_cb, &o) < 0)
		return -1;
	return (o.flags & IFF_RUNNING) && (o.flags & IFF_LOWER_UP) && !o.noop;
}

static int nio_nl_addr(uint16_t type, uint16_t flags, int ifindex,
		       const struct in6_addr *a, uint8_t plen, uint32_t ifa_flags)
{
	struct nio_nl_req r;
	struct ifaddrmsg *ifa = nio_nl_start(&r, type, flags, sizeof *ifa);

	if (!a || plen > 128) {
		errno = EINVAL;
		return -1;
	}
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = (uint8_t)ifa_flags;
	ifa->ifa_index = (uint32_t)ifindex;
	if (!nio_nl_put(&r, IFA_LOCAL, sizeof *a, a) ||
	    !nio_nl_put(&r, IFA_ADDRESS, sizeof *a, a) ||
	    (type == RTM_NEWADDR && !nio_nl_put_u32(&r, IFA_FLAGS, ifa_flags)))
		return nio_nl_fail_emsgsize();
	return nio_nl_talk(&r, NULL, NULL);
}

/* NLM_F_REPLACE: adding an address already there updates its flags. */
int nio_addr_add(int ifindex, const struct in6_addr *a, uint8_t plen, bool nodad)
{
	return nio_nl_addr(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, a, plen,
			   nodad ? IFA_F_NODAD : 0);
}

int nio_addr_del(int ifindex, const struct in6_addr *a, uint8_t plen)
{
	return nio_nl_addr(RTM_DELADDR, 0, ifindex, a, plen, 0);
}

static uint32_t nio_nl_table(uint32_t table)
{
	return table ? table : RT_TABLE_MAIN;
}

static int nio_nl_route(uint16_t type, uint16_t flags, const struct in6_addr *dst,
			uint8_t plen, int oif, const struct in6_addr *via,
			uint32_t table, uint32_t metric)
{
	struct nio_nl_req r;
	struct rtmsg *rtm = nio_nl_start(&r, type, flags, sizeof *rtm);

	if (!dst || plen > 128 || oif < 0) {
		errno = EINVAL;
		return -1;
	}
	table = nio_nl_table(table);
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = plen;
	rtm->rtm_table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = type == RTM_NEWROUTE ? RTPROT_STATIC : 0;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = type == RTM_NEWROUTE ? RTN_UNICAST : 0;
	if (!nio_nl_put(&r, RTA_DST, sizeof *dst, dst) ||
	    !nio_nl_put_u32(&r, RTA_TABLE, table) ||
	    (oif > 0 && !nio_nl_put_u32(&r, RTA_OIF, (uint32_t)oif)) ||
	    (via && !nio_nl_put(&r, RTA_GATEWAY, sizeof *via, via)) ||
	    (metric && !nio_nl_put_u32(&r, RTA_PRIORITY, metric)))
		return nio_nl_fail_emsgsize();
	return nio_nl_talk(&r, NULL, NULL);
}

int nio_route_add(const struct in6_addr *dst, uint8_t plen, int oif,
		  const struct in6_addr *via, uint32_t table, uint32_t metric)
{
	return nio_nl_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, dst, plen, oif,
			    via, table, metric);
}

int nio_route_del(const struct in6_addr *dst, uint8_t plen, int oif, uint32_t table)
{
	return nio_nl_route(RTM_DELROUTE, 0, dst, plen, oif, NULL, table, 0);
}

static int nio_nl_oif_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWROUTE)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(struct rtmsg))
		if (mnl_attr_get_type(a) == RTA_OIF &&
		    mnl_attr_validate(a, MNL_TYPE_U32) == 0)
			*(int *)data = (int)mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int nio_route_oif(const struct in6_addr *dst)
{
	struct nio_nl_req r;
	struct rtmsg *rtm = nio_nl_start(&r, RTM_GETROUTE, 0, sizeof *rtm);
	int oif = 0;

	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 128;
	if (!nio_nl_put(&r, RTA_DST, sizeof *dst, dst))
		return nio_nl_fail_emsgsize();
	/* the route comes first, then the ACK ends the talk */
	if (nio_nl_talk(&r, nio_nl_oif_cb, &oif) < 0)
		return -1;
	if (oif <= 0) {
		errno = ENETUNREACH;
		return -1;
	}
	return oif;
}

static int nio_nl_rule(uint16_t type, uint16_t flags, const struct in6_addr *src,
		       uint8_t plen, const char *iif, uint32_t table, uint32_t prio)
{
	struct nio_nl_req r;
	struct fib_rule_hdr *frh = nio_nl_start(&r, type, flags, sizeof *frh);

	if (plen > 128 || (iif && strlen(iif) >= IFNAMSIZ) || (plen && !src)) {
		errno = EINVAL;
		return -1;
	}
	table = nio_nl_table(table);
	frh->family = AF_INET6;
	frh->src_len = src ? plen : 0;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	if ((src && plen && !nio_nl_put(&r, FRA_SRC, sizeof *src, src)) ||
	    (iif && !nio_nl_put(&r, FRA_IIFNAME, strlen(iif) + 1, iif)) ||
	    !nio_nl_put_u32(&r, FRA_TABLE, table) ||
	    (prio && !nio_nl_put_u32(&r, FRA_PRIORITY, prio)))
		return nio_nl_fail_emsgsize();
	return nio_nl_talk(&r, NULL, NULL);
}

int nio_rule_add(const struct in6_addr *src, uint8_t plen, const char *iif,
		 uint32_t table, uint32_t prio)
{
	return nio_nl_rule(RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL, src, plen, iif,
			   table, prio);
}

int nio_rule_del(const struct in6_addr *src, uint8_t plen, const char *iif,
		 uint32_t table, uint32_t prio)
{
	return nio_nl_rule(RTM_DELRULE, 0, src, plen, iif, table, prio);
}

/* A permanent neighbour entry: the MAG knows the MN's link-layer address
 * from its attachment (MN-LL-ID, RFC 5213 6.9.1.1), so it need not resolve
 * it. Resolution right after a carrier change can stall for the kernel's
 * 1 s retransmission (an INCOMPLETE entry whose probes fell on a dead
 * link), which lost the downlink of a returning interface. */
static int nio_nl_neigh(uint16_t type, uint16_t flags, int ifindex,
			const struct in6_addr *a, const uint8_t *mac)
{
	struct nio_nl_req r;
	struct ndmsg *nd = nio_nl_start(&r, type, flags, sizeof *nd);

	if (ifindex <= 0 || !a) {
		errno = EINVAL;
		return -1;
	}
	nd->ndm_family = AF_INET6;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = NUD_PERMANENT;
	if (!nio_nl_put(&r, NDA_DST, sizeof *a, a) ||
	    (mac && !nio_nl_put(&r, NDA_LLADDR, 6, mac)))
		return nio_nl_fail_emsgsize();
	return nio_nl_talk(&r, NULL, NULL);
}

int nio_neigh_set(int ifindex, const struct in6_addr *a, const uint8_t mac[6])
{
	return nio_nl_neigh(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, a, mac);
}

int nio_neigh_del(int ifindex, const struct in6_addr *a)
{
	return nio_nl_neigh(RTM_DELNEIGH, 0, ifindex, a, NULL);
}
