/*
 * netns.c - network namespaces held as file descriptors (see netns.h).
 */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

int netns_open_current(void)
{
	return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

int netns_enter(int ns_fd)
{
	return setns(ns_fd, CLONE_NEWNET);
}

int netns_link_up(const char *ifname, bool up)
{
	struct ifreq ifr;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		if (up)
			ifr.ifr_flags |= IFF_UP;
		else
			ifr.ifr_flags &= ~IFF_UP;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int netns_create(int origin_fd)
{
	if (unshare(CLONE_NEWNET) < 0)
		return -1;
	int fd = netns_open_current();
	int e = errno;
	if (fd >= 0 && netns_link_up("lo", true) < 0) {
		e = errno;
		close(fd);
		fd = -1;
	}
	if (setns(origin_fd, CLONE_NEWNET) < 0) {
		/* We cannot get home: nothing sensible can follow. */
		e = errno;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	errno = e;
	return fd;
}

int netns_sysctl(const char *key, const char *value)
{
	char path[512];
	size_t n = (size_t)snprintf(path, sizeof(path), "/proc/sys/%s", key);

	if (n >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* sysctl keys use dots; interface names never contain one here. */
	for (char *p = path + strlen("/proc/sys/"); *p; p++)
		if (*p == '.')
			*p = '/';
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, value, strlen(value));
	int e = errno;
	close(fd);
	errno = e;
	return w == (ssize_t)strlen(value) ? 0 : -1;
}
