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

static int nio_tun_set_mtu(const char *name, unsigned mtu)
{
	struct ifreq ifr;
	int s, r, saved;

	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	nio_tun_name(&ifr, name);
	ifr.ifr_mtu = (int)mtu;
	r = ioctl(s, SIOCSIFMTU, &ifr);
	saved = errno;
	close(s);
	errno = saved;
	return r;
}

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
	if (mtu && nio_tun_set_mtu(ifr.ifr_name, mtu) < 0)
		goto fail;
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
