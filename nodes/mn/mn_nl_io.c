/*
 * mn_nl_io.c - mnd's rtnetlink beyond libnio: the IPv6 address monitor
 * (the kernel's SLAAC addresses, RFC 4862, are what the MN's source rules
 * follow), fwmark policy rules (flow steering), and the RA-learnt default
 * routes of the main table (routers known before mnd started).
 *
 * Owns: these netlink sockets and requests (libmnl, bounded attribute
 * adds, one round trip per request, as nio_nl.c). Must not: decide what
 * an address or route means; mn_engine.c does.
 */
#include <errno.h>
#include <ev.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mn_io.h"

#define USER_HZ 100              /* rta_expires unit (jiffies_to_clock_t) */

/* ---- one request, answers to cb ---------------------------------------------- */

static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	int ret = -1, saved;
	if (!nl)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto out;
	unsigned portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	do {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			goto out;
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
out:
	saved = errno;
	mnl_socket_close(nl);
	errno = saved;
	return ret < 0 ? -1 : 0;
}

static struct nlmsghdr *nl_start(char *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	return nlh;
}

/* ---- fwmark rules ------------------------------------------------------------- */

int mn_nl_fwmark_rule(bool add, uint32_t mark, uint32_t table, uint32_t prio)
{
	char buf[512];
	struct nlmsghdr *nlh = nl_start(buf, add ? RTM_NEWRULE : RTM_DELRULE,
					NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0));
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET6;
	frh->table = table < 256 ? (uint8_t)table : RT_TABLE_UNSPEC;
	frh->action = FR_ACT_TO_TBL;
	if (!mnl_attr_put_u32_check(nlh, sizeof(buf), FRA_FWMARK, mark) ||
	    !mnl_attr_put_u32_check(nlh, sizeof(buf), FRA_FWMASK, 0xffffffffu) ||
	    !mnl_attr_put_u32_check(nlh, sizeof(buf), FRA_TABLE, table) ||
	    !mnl_attr_put_u32_check(nlh, sizeof(buf), FRA_PRIORITY, prio)) {
		errno = EMSGSIZE;
		return -1;
	}
	return nl_talk(nlh, NULL, NULL);
}

/* ---- leftovers of an mnd that died without cleaning up ----------------------- */

struct rule_sweep {
	uint32_t lo, hi;
	int deleted;
};

static int rule_sweep_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_sweep *s = data;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*frh) || frh->family != AF_INET6)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*frh)) {
		if (mnl_attr_get_type(a) != FRA_PRIORITY ||
		    mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			continue;
		uint32_t prio = mnl_attr_get_u32(a);
		if (prio < s->lo || prio > s->hi || nlh->nlmsg_len > 1024)
			break;
		/* the dumped rule, sent back as its own deletion */
		char buf[1024];
		memcpy(buf, nlh, nlh->nlmsg_len);
		struct nlmsghdr *del = (struct nlmsghdr *)buf;
		del->nlmsg_type = RTM_DELRULE;
		del->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		del->nlmsg_seq = (uint32_t)time(NULL);
		if (nl_talk(del, NULL, NULL) == 0)
			s->deleted++;
		break;
	}
	return MNL_CB_OK;
}

int mn_nl_rules_sweep(uint32_t lo, uint32_t hi)
{
	char buf[512];
	struct rule_sweep s = { lo, hi, 0 };
	struct nlmsghdr *nlh = nl_start(buf, RTM_GETRULE, NLM_F_DUMP);
	struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
	frh->family = AF_INET6;
	if (nl_talk(nlh, rule_sweep_cb, &s) < 0)
		return -1;
	return s.deleted;
}

/* ---- RA-learnt default routes ------------------------------------------------- */

struct ra_dump {
	mn_ra_route_cb cb;
	void *arg;
};

static int ra_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);
	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int ra_route_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ra_dump *d = data;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = { 0 };
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm) || rtm->rtm_family != AF_INET6 ||
	    rtm->rtm_dst_len != 0 || rtm->rtm_protocol != RTPROT_RA ||
	    rtm->rtm_table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), ra_attr_cb, tb);
	if (!tb[RTA_GATEWAY] || !tb[RTA_OIF] ||
	    mnl_attr_get_payload_len(tb[RTA_GATEWAY]) != sizeof(struct in6_addr) ||
	    mnl_attr_validate(tb[RTA_OIF], MNL_TYPE_U32) < 0)
		return MNL_CB_OK;
	uint32_t left = 0;
	if (tb[RTA_CACHEINFO] &&
	    mnl_attr_get_payload_len(tb[RTA_CACHEINFO]) >= sizeof(struct rta_cacheinfo)) {
		const struct rta_cacheinfo *ci = mnl_attr_get_payload(tb[RTA_CACHEINFO]);
		left = ci->rta_expires / USER_HZ;
	}
	struct in6_addr gw;
	memcpy(&gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), sizeof(gw));
	d->cb(d->arg, (int)mnl_attr_get_u32(tb[RTA_OIF]), &gw, left);
	return MNL_CB_OK;
}

int mn_nl_ra_routes(mn_ra_route_cb cb, void *arg)
{
	char buf[512];
	struct ra_dump d = { cb, arg };
	struct nlmsghdr *nlh = nl_start(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	return nl_talk(nlh, ra_route_cb, &d);
}

/* ---- address monitor ------------------------------------------------------------ */

struct mn_addrmon {
	struct ev_loop *loop;
	ev_io w;
	struct mnl_socket *nl;
	mn_addr_cb cb;
	void *arg;
};

static int addr_attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	if (mnl_attr_type_valid(a, IFA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int addr_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct mn_addrmon *am = data;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFA_MAX + 1] = { 0 };
	if ((nlh->nlmsg_type != RTM_NEWADDR && nlh->nlmsg_type != RTM_DELADDR) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) || ifa->ifa_family != AF_INET6 ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, tb);
	/* IPv6: IFA_ADDRESS is the address; IFA_LOCAL only on point-to-point */
	const struct nlattr *at = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!at || mnl_attr_get_payload_len(at) != sizeof(struct in6_addr))
		return MNL_CB_OK;
	uint32_t flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && mnl_attr_validate(tb[IFA_FLAGS], MNL_TYPE_U32) == 0)
		flags = mnl_attr_get_u32(tb[IFA_FLAGS]);
	struct in6_addr a;
	memcpy(&a, mnl_attr_get_payload(at), sizeof(a));
	bool added = nlh->nlmsg_type == RTM_NEWADDR && !(flags & IFA_F_DADFAILED);
	am->cb(am->arg, (int)ifa->ifa_index, &a, ifa->ifa_prefixlen, added);
	return MNL_CB_OK;
}

static int addr_dump(struct mn_addrmon *am)
{
	char buf[512];
	struct nlmsghdr *nlh = nl_start(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	return nl_talk(nlh, addr_msg_cb, am);
}

static void on_addr(struct ev_loop *loop, ev_io *w, int revents)
{
	(void)loop; (void)revents;
	struct mn_addrmon *am = w->data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	for (int i = 0; i < 64; i++) {
		ssize_t n = mnl_socket_recvfrom(am->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS)
				addr_dump(am);   /* notifications were lost */
			return;
		}
		mnl_cb_run(buf, (size_t)n, 0, 0, addr_msg_cb, am);
	}
}

struct mn_addrmon *mn_addrmon_start(struct ev_loop *loop, mn_addr_cb cb, void *arg)
{
	struct mn_addrmon *am = calloc(1, sizeof(*am));
	if (!am)
		return NULL;
	am->loop = loop;
	am->cb = cb;
	am->arg = arg;
	am->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	/* subscribe first, then dump: nothing falls between the two */
	if (!am->nl || mnl_socket_bind(am->nl, RTMGRP_IPV6_IFADDR, MNL_SOCKET_AUTOPID) < 0 ||
	    addr_dump(am) < 0) {
		int e = errno;
		mn_addrmon_stop(am);
		errno = e;
		return NULL;
	}
	ev_io_init(&am->w, on_addr, mnl_socket_get_fd(am->nl), EV_READ);
	am->w.data = am;
	ev_io_start(loop, &am->w);
	return am;
}

void mn_addrmon_stop(struct mn_addrmon *am)
{
	if (!am)
		return;
	if (am->nl) {
		if (ev_is_active(&am->w))
			ev_io_stop(am->loop, &am->w);
		mnl_socket_close(am->nl);
	}
	free(am);
}
