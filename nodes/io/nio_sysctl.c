/*
 * nio_sysctl.c - read and write /proc/sys keys (forwarding, accept_ra, ...).
 *
 * Owns: turning a sysctl key into its /proc/sys path. Keys use '.' as the
 * separator (net.ipv6.conf.all.forwarding) or '/' when a component holds a
 * dot (net/ipv6/conf/eth0.5/forwarding), as sysctl(8) does.
 * Must not: accept a key that leaves /proc/sys.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nio.h"

#define NIO_SYSCTL_ROOT "/proc/sys/"

static int nio_sysctl_path(const char *key, char *path, size_t cap)
{
	bool slashes = strchr(key, '/') != NULL;
	size_t n = strlen(NIO_SYSCTL_ROOT), i;

	if (!*key || key[0] == '/' || key[0] == '.' || strstr(key, "..")) {
		errno = EINVAL;
		return -1;
	}
	if (n + strlen(key) + 1 > cap) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, NIO_SYSCTL_ROOT, n);
	for (i = 0; key[i]; i++)
		path[n + i] = (!slashes && key[i] == '.') ? '/' : key[i];
	path[n + i] = '\0';
	return 0;
}

int nio_sysctl_set(const char *key, const char *value)
{
	char path[256];
	size_t len = strlen(value);
	ssize_t w;
	int fd, saved;

	if (nio_sysctl_path(key, path, sizeof path) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	w = write(fd, value, len);
	saved = errno;
	close(fd);
	if (w != (ssize_t)len) {
		errno = w < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

int nio_sysctl_get(const char *key, char *out, size_t cap)
{
	char path[256];
	ssize_t r;
	int fd, saved;

	if (cap == 0) {
		errno = EINVAL;
		return -1;
	}
	if (nio_sysctl_path(key, path, sizeof path) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = read(fd, out, cap - 1);
	saved = errno;
	close(fd);
	if (r < 0) {
		errno = saved;
		return -1;
	}
	while (r > 0 && (out[r - 1] == '\n' || out[r - 1] == ' '))
		r--;
	out[r] = '\0';
	return 0;
}
