/*
 * nio_mip6.c - the sockets of a Mobile IPv6 home registration on a kernel
 * without CONFIG_IPV6_MIP6 (doc/protocol.md "Appendix C").
 *
 * Owns: a raw socket for an extension header's protocol number (60:
 * Destination Options, the BU's Home Address option; 43: Routing, the BA's
 * type 2 RH). The kernel hands raw sockets a copy of each packet before it
 * processes the extension header, which it then refuses (it does not know
 * the option or routing type): the copy is how the daemon reads them. And
 * an IPV6_HDRINCL socket (IPPROTO_RAW) to send packets built whole by
 * nodes/pmip/mip6_ext.c. Must not: look into the packets.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"

int nio_exthdr_open(int proto, const struct in6_addr *bind_addr)
{
	int one = 1, fd, saved;
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };

	fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) < 0)
		goto fail;
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

int nio_hdrincl_open(void)
{
	return socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW);
}

ssize_t nio_hdrincl_send(int fd, const void *pkt, size_t len)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };

	if (len < 40) {
		errno = EINVAL;
		return -1;
	}
	memcpy(&to.sin6_addr, (const uint8_t *)pkt + 24, 16);   /* Destination */
	return sendto(fd, pkt, len, 0, (struct sockaddr *)&to, sizeof to);
}
