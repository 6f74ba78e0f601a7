/*
 * link_tap.c - TAP devices in network namespaces (I/O shell).
 *
 * Owns: setns in and out, /dev/net/tun, TUNSETIFF/TUNSETOFFLOAD/
 * TUNSETCARRIER/SIOCSIFHWADDR on the TAP fd, and one rtnetlink round trip
 * (libmnl) for MTU and IFF_UP. Must not: leave the calling thread in
 * another namespace, whatever fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "link_tap.h"

/* Enter netns_fd (if >= 0), keeping the current namespace in *orig. */
static int tap_ns_enter(int netns_fd, int *orig, const char **why)
{
	*orig = -1;
	if (netns_fd < 0)
		return 0;
	*orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*orig < 0) {
		*why = "open /proc/self/ns/net";
		return -1;
	}
	if (setns(netns_fd, CLONE_NEWNET) < 0) {
		int err = errno;

		close(*orig);
		*orig = -1;
		errno = err;
		*why = "setns into the node's namespace";
		return -1;
	}
	return 0;
}

/* Back to the original namespace; errno is preserved for the caller. */
static int tap_ns_leave(int orig)
{
	int err = errno, rc = 0;

	if (orig >= 0) {
		rc = setns(orig, CLONE_NEWNET);
		close(orig);
	}
	errno = err;
	return rc;
}

/* RTM_NEWLINK by name: set MTU (if mtu) and/or IFF_UP (if change_up). */
static int tap_nl_setlink(const char *name, uint32_t mtu, bool change_up, bool up,
			  const char **why)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct mnl_socket *nl;
	static uint32_t last_seq;
	uint32_t seq = ++last_seq;
	int rc = -1;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (change_up) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = up ? IFF_UP : 0;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl) {
		*why = "netlink socket";
		return -1;
	}
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		*why = "netlink send";
		goto out;
	}
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

	if (n < 0 || mnl_cb_run(buf, (size_t)n, seq, mnl_socket_get_portid(nl),
				NULL, NULL) < 0) {
		*why = "RTM_NEWLINK refused";
		goto out;
	}
	rc = 0;
out:
	mnl_socket_close(nl);
	return rc;
}

static int tap_create(const char *name, const uint8_t *mac, const char **why)
{
	struct ifreq ifr = {0};
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		*why = "open /dev/net/tun";
		return -1;
	}
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		*why = "TUNSETIFF";
		goto fail;
	}
	/* No GSO/checksum offload: every read is one wire-sized frame. */
	if (ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
		*why = "TUNSETOFFLOAD";
		goto fail;
	}
	if (mac) {
		ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
		memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
		if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0) {
			*why = "SIOCSIFHWADDR";
			goto fail;
		}
	}
	return fd;
fail:;
	int err = errno;

	close(fd);
	errno = err;
	return -1;
}

int link_tap_open(const char *name, int netns_fd, const uint8_t *mac,
		  uint32_t mtu, const char **why)
{
	int orig, fd;

	if (!name || !*name || strlen(name) >= IFNAMSIZ) {
		*why = "bad interface name";
		errno = EINVAL;
		return -1;
	}
	if (tap_ns_enter(netns_fd, &orig, why) < 0)
		return -1;
	fd = tap_create(name, mac, why);
	if (fd >= 0 && tap_nl_setlink(name, mtu ? mtu : LINK_TAP_MTU_DEFAULT,
				      false, false, why) < 0) {
		int err = errno;

		close(fd);
		errno = err;
		fd = -1;
	}
	if (tap_ns_leave(orig) < 0) {
		/* cannot return to our namespace: nothing after this is safe */
		if (fd >= 0)
			close(fd);
		*why = "setns back to the original namespace";
		return -1;
	}
	return fd;
}

int link_tap_set_carrier(int tap_fd, bool on)
{
	int v = on;

	return ioctl(tap_fd, TUNSETCARRIER, &v) < 0 ? -1 : 0;
}

int link_tap_set_up(const char *name, int netns_fd, bool up, const char **why)
{
	int orig, rc;

	if (tap_ns_enter(netns_fd, &orig, why) < 0)
		return -1;
	rc = tap_nl_setlink(name, 0, true, up, why);
	if (tap_ns_leave(orig) < 0) {
		*why = "setns back to the original namespace";
		return -1;
	}
	return rc;
}
