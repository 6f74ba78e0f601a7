/*
 * nio_mh.c - the Mobility Header raw socket (IPv6 next header 135).
 *
 * Owns: opening it so that the kernel computes the MH checksum on send and
 * drops datagrams with a bad one on receive: IPV6_CHECKSUM at offset 4, the
 * Checksum field of the MH (RFC 6275 6.1.1, 6.1.2). The receive side also
 * asks for IPV6_PKTINFO (the destination tells a MAG which of its proxy-CoAs
 * the LMA answered to), and a receive buffer for a registration storm:
 * with the default (~200 KB, about 200 queued PBUs) an LMA facing 1000
 * MAG-MN registrations at once dropped most of each burst and the MAGs'
 * back-off stretched the storm past 8 s (doc/bench.md, table "domain").
 * Must not: look into the message; nodes/pmip decodes it.
 */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"

#ifndef IPPROTO_MH
#define IPPROTO_MH 135
#endif
#define NIO_MH_CHECKSUM_OFFSET 4   /* RFC 6275 6.1.1: octets 4-5 of the MH */
#define NIO_MH_RCVBUF (8 << 20)    /* bytes: ~8000 queued PBUs (1 KB truesize) */

int nio_mh_open(const struct in6_addr *bind_addr)
{
	int one = 1, off = NIO_MH_CHECKSUM_OFFSET, fd, saved;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_MH);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_CHECKSUM, &off, sizeof off) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) < 0)
		goto fail;
	/* root may pass net.core.rmem_max (FORCE); else as much as allowed */
	int rcv = NIO_MH_RCVBUF;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof rcv) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
	if (bind_addr) {
		sa.sin6_addr = *bind_addr;
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
			goto fail;
	}
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

ssize_t nio_mh_send(int fd, const struct in6_addr *src, const struct in6_addr *dst,
		    const void *buf, size_t len)
{
	return nio_raw_send(fd, src, 0, dst, buf, len);
}

ssize_t nio_mh_recv(int fd, void *buf, size_t cap, struct in6_addr *src,
		    struct in6_addr *dst, int *ifindex)
{
	struct nio_raw_meta m;
	ssize_t n = nio_raw_recv(fd, buf, cap, &m);

	if (n < 0)
		return -1;
	if (src)
		*src = m.src;
	if (dst)
		*dst = m.dst;
	if (ifindex)
		*ifindex = m.ifindex;
	return n;
}
