/*
 * nio_raw.c - raw IPv6 datagrams with their ancillary data.
 *
 * Owns: the sendmsg/recvmsg and cmsg handling the MH, tunnel and ICMPv6
 * sockets share: IPV6_PKTINFO out (source address, interface) and in
 * (destination, arrival interface), IPV6_HOPLIMIT in.
 * Must not: interpret the payload; a datagram that does not fit the caller's
 * buffer is dropped whole rather than handed on truncated.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "nio.h"

ssize_t nio_raw_send(int fd, const struct in6_addr *src, int ifindex,
		     const struct in6_addr *dst, const void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &to, .msg_namelen = sizeof to,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof cbuf.buf,
	};
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)ifindex };
	struct cmsghdr *c;

	if (!dst || ifindex < 0) {
		errno = EINVAL;
		return -1;
	}
	to.sin6_addr = *dst;
	to.sin6_scope_id = (uint32_t)ifindex;
	if (src)
		pi.ipi6_addr = *src;
	memset(cbuf.buf, 0, sizeof cbuf.buf);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof pi);
	memcpy(CMSG_DATA(c), &pi, sizeof pi);
	return sendmsg(fd, &msg, 0);
}

static void nio_raw_cmsgs(struct msghdr *msg, struct nio_raw_meta *meta)
{
	struct cmsghdr *c;
	struct in6_pktinfo pi;
	int hl;

	for (c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct timespec))) {
			struct timespec ts;
			memcpy(&ts, CMSG_DATA(c), sizeof ts);
			meta->rx_realtime_ns = (uint64_t)ts.tv_sec * 1000000000u +
					       (uint64_t)ts.tv_nsec;
			continue;
		}
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof pi)) {
			memcpy(&pi, CMSG_DATA(c), sizeof pi);
			meta->dst = pi.ipi6_addr;
			meta->ifindex = (int)pi.ipi6_ifindex;
		} else if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof hl)) {
			memcpy(&hl, CMSG_DATA(c), sizeof hl);
			meta->hoplimit = hl;
		}
	}
}

ssize_t nio_raw_recv(int fd, void *buf, size_t cap, struct nio_raw_meta *meta)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
			 CMSG_SPACE(sizeof(struct timespec)) + 64];
		struct cmsghdr align;
	} cbuf;
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = buf, .iov_len = cap };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof from,
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof cbuf.buf,
	};
	ssize_t n;

	memset(meta, 0, sizeof *meta);
	meta->hoplimit = -1;
	memset(&from, 0, sizeof from);
	n = recvmsg(fd, &msg, 0);
	if (n < 0)
		return -1;
	if (msg.msg_flags & MSG_TRUNC) {
		errno = EMSGSIZE;      /* dropped: a cut message would decode wrong */
		return -1;
	}
	if (msg.msg_namelen >= sizeof from && from.sin6_family == AF_INET6)
		meta->src = from.sin6_addr;
	nio_raw_cmsgs(&msg, meta);
	return n;
}
