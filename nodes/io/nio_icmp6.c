/*
 * nio_icmp6.c - ICMPv6 Neighbor Discovery sockets, one per interface.
 *
 * Owns: a raw ICMPv6 socket bound to one interface (SO_BINDTODEVICE) that
 * lets through only the ND types asked for (ICMP6_FILTER), sends with hop
 * limit 255 and drops on receive whatever arrived with another hop limit:
 * RFC 4861 6.1.1 (RS) and 6.1.2 (RA) require receivers to discard those, as
 * the proof that the sender is on-link. The kernel computes and verifies the
 * ICMPv6 checksum of raw ICMPv6 sockets (RFC 3542 3.1).
 * Also: one Echo Request sent on a throw-away socket (nio_icmp6_echo).
 * Must not: decode ND messages; nodes/pmip does.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"

#define NIO_ND_HOPLIMIT 255     /* RFC 4861 6.1.1, 6.1.2, 4.1, 4.2 */

static const uint8_t nio_icmp6_rs_only[] = { ND_ROUTER_SOLICIT };

/* RS go to all-routers (ff02::2, RFC 4861 6.3.7): a MAG that does not
 * forward has not joined it, so join it on the interface ourselves. */
static int nio_icmp6_join_all_routers(int fd, int ifindex)
{
	struct ipv6_mreq mr = { .ipv6mr_interface = (unsigned)ifindex };

	inet_pton(AF_INET6, "ff02::2", &mr.ipv6mr_multiaddr);
	return setsockopt(fd, IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, &mr, sizeof mr);
}

static int nio_icmp6_setup(int fd, const char *ifname, const uint8_t *types, size_t n)
{
	int one = 1, hops = NIO_ND_HOPLIMIT, ifindex = nio_ifindex(ifname);
	struct icmp6_filter f;
	bool rs = false;
	size_t i;

	if (ifindex <= 0) {
		errno = ENODEV;
		return -1;
	}
	ICMP6_FILTER_SETBLOCKALL(&f);
	for (i = 0; i < n; i++) {
		ICMP6_FILTER_SETPASS(types[i], &f);
		rs |= types[i] == ND_ROUTER_SOLICIT;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof one) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops) < 0)
		return -1;
	if (rs && nio_icmp6_join_all_routers(fd, ifindex) < 0 && errno != EADDRINUSE)
		return -1;
	return 0;
}

int nio_icmp6_open_filter(const char *ifname, const uint8_t *types, size_t n)
{
	int fd, saved;

	if (!ifname || strlen(ifname) >= IFNAMSIZ || (n && !types)) {
		errno = EINVAL;
		return -1;
	}
	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -1;
	if (nio_icmp6_setup(fd, ifname, types, n) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

int nio_icmp6_open(const char *ifname)
{
	return nio_icmp6_open_filter(ifname, nio_icmp6_rs_only, sizeof nio_icmp6_rs_only);
}

ssize_t nio_icmp6_send(int fd, int ifindex, const struct in6_addr *src,
		       const struct in6_addr *dst, const void *buf, size_t len)
{
	return nio_raw_send(fd, src, ifindex, dst, buf, len);
}

ssize_t nio_icmp6_recv(int fd, void *buf, size_t cap, struct in6_addr *src,
		       int *ifindex)
{
	struct nio_raw_meta m;
	ssize_t n;

	for (;;) {
		n = nio_raw_recv(fd, buf, cap, &m);
		if (n < 0)
			return -1;     /* EAGAIN once the socket is drained */
		if (m.hoplimit == NIO_ND_HOPLIMIT)
			break;
		/* RFC 4861 6.1.1/6.1.2: silently discard, try the next one. */
	}
	if (src)
		*src = m.src;
	if (ifindex)
		*ifindex = m.ifindex;
	return n;
}

/* One ICMPv6 Echo Request (RFC 4443 4.1) from src to dst, routed like any
 * packet, on a socket of its own that is closed at once: the answer is not
 * awaited. Its use is the neighbour resolution it causes on the way. */
int nio_icmp6_echo(const struct in6_addr *src, const struct in6_addr *dst,
		   uint16_t id, uint16_t seq)
{
	const uint8_t pkt[8] = { ICMP6_ECHO_REQUEST, 0, 0, 0, (uint8_t)(id >> 8),
				 (uint8_t)id, (uint8_t)(seq >> 8), (uint8_t)seq };
	int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6), saved;
	ssize_t n;

	if (fd < 0)
		return -1;
	n = nio_raw_send(fd, src, 0, dst, pkt, sizeof pkt);   /* kernel sums it */
	saved = errno;
	close(fd);
	errno = saved;
	return n == (ssize_t)sizeof pkt ? 0 : -1;
}
