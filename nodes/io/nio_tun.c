/*
 * nio_tun.c - TUN devices: the daemons' window on the data plane.
 *
 * Owns: creating an IFF_TUN | IFF_NO_PI device (each read/write is one bare
 * IPv6 packet), non-blocking for the event loop, with its MTU set and the
 * link brought up. The LMA and MAG route the home network prefixes into it
 * and carry what they read through the tunnel socket (nio_tnl.c).
 * Must not: route; the daemon's engine decides where packets go.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nio.h"

/* name is known shorter than IFNAMSIZ; ifr is zeroed, so it ends in NUL. */
static void nio_tun_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof *ifr);
	memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
}

/* SIOCSIFMTU (mtu != 0) or SIOCSIFTXQLEN of the interface called name. */
static int nio_tun_set(const char *name, unsigned long req, int value)
{
	struct ifreq ifr;
	int s, r, saved;

	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	nio_tun_name(&ifr, name);
	if (req == SIOCSIFMTU)
		ifr.ifr_mtu = value;
	else
		ifr.ifr_qlen = value;
	r = ioctl(s, req, &ifr);
	saved = errno;
	close(s);
	errno = saved;
	return r;
}

#define NIO_TUN_TXQLEN 4096

/* name may be a pattern such as "pmip%d"; mtu 0 keeps the default (1500). */
int nio_tun_open(const char *name, unsigned mtu, int *ifindex)
{
	struct ifreq ifr;
	int fd, idx, saved;

	if (!name || strlen(name) >= IFNAMSIZ) {
		errno = EINVAL;
		return -1;
	}
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	nio_tun_name(&ifr, name);
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0)
		goto fail;
	if (mtu && nio_tun_set(ifr.ifr_name, SIOCSIFMTU, (int)mtu) < 0)
		goto fail;
	/* The kernel queues what the daemon has not read yet here (the TUN's
	 * ring is txqueuelen long, 500 by default): a burst from 1000 flows
	 * in phase overflowed it. Failure only leaves the default. */
	(void)nio_tun_set(ifr.ifr_name, SIOCSIFTXQLEN, NIO_TUN_TXQLEN);
	idx = nio_ifindex(ifr.ifr_name);
	if (idx <= 0) {
		errno = ENODEV;
		goto fail;
	}
	if (nio_link_set_up(idx, true) < 0)
		goto fail;
	if (ifindex)
		*ifindex = idx;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}
