/*
 * nio_tnl.c - IPv6-in-IPv6 tunnel endpoints (RFC 2473) on a raw socket.
 *
 * This kernel has no ip6tnl, so the LMA-MAG bi-directional tunnel (RFC 5213
 * 5.6.1, 6.10.1) is a raw socket of protocol 41 (IPPROTO_IPV6): on send the
 * payload is the inner packet and the kernel prepends the outer header
 * (Next Header 41, source from IPV6_PKTINFO); on receive the kernel has
 * already removed the outer header, whose addresses come back as msg_name
 * (source) and IPV6_PKTINFO (destination). Measured on this kernel (tests/
 * unit/nio/test_nio_tnl.c): a packet a raw 41 socket consumed draws no ICMPv6
 * Parameter Problem; without such a socket the kernel sends one (RFC 8200
 * 4: unrecognized Next Header).
 * Must not: look into the inner packet (nodes/pmip checks it).
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"

int nio_tnl_open(void)
{
	int one = 1, fd, saved;

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_IPV6);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

ssize_t nio_tnl_send(int fd, const struct in6_addr *outer_src,
		     const struct in6_addr *outer_dst, const void *inner, size_t len)
{
	return nio_raw_send(fd, outer_src, 0, outer_dst, inner, len);
}

ssize_t nio_tnl_recv(int fd, void *buf, size_t cap, struct in6_addr *outer_src,
		     struct in6_addr *outer_dst)
{
	struct nio_raw_meta m;
	ssize_t n = nio_raw_recv(fd, buf, cap, &m);

	if (n < 0)
		return -1;
	if (outer_src)
		*outer_src = m.src;
	if (outer_dst)
		*outer_dst = m.dst;
	return n;
}
