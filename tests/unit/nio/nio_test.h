/*
 * nio_test.h - helpers shared by the nio unit tests: a private network
 * namespace per Test (Criterion runs every Test in its own forked worker, so
 * the namespace and all it holds vanish with the worker), shell commands,
 * counters of /proc/net/snmp6, waiting on a descriptor.
 */
#ifndef NIO_TEST_H
#define NIO_TEST_H

#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/nio.h"

/* Skip unless root with TUN; then enter a fresh netns with lo up. */
static inline void nio_test_netns(void)
{
	if (geteuid() != 0 || access("/dev/net/tun", R_OK | W_OK) != 0)
		cr_skip_test("needs root and /dev/net/tun");
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare(CLONE_NEWNET)");
	cr_assert_eq(nio_link_set_up(nio_ifindex("lo"), true), 0, "lo up");
}

/* Run a shell command; its exit status. */
static inline int nio_test_sh(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline int nio_test_sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* stdout of a shell command into out (NUL-terminated). */
static inline void nio_test_capture(char *out, size_t cap, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	size_t n;

	cr_assert_not_null(f, "popen %s", cmd);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	pclose(f);
}

/* A counter of /proc/net/snmp6 in the current namespace, -1 if absent. */
static inline long nio_test_snmp6(const char *name)
{
	char key[64];
	long v, found = -1;
	FILE *f = fopen("/proc/net/snmp6", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (strcmp(key, name) == 0)
			found = v;
	fclose(f);
	return found;
}

/* Wait (up to 2 s) until the output of cmd contains want: the kernel finishes
 * some work after the netlink ACK (local routes of a new address, link-local
 * addresses once a veth has carrier). */
static inline void nio_test_wait_for(const char *cmd, const char *want)
{
	char out[4096];

	for (int i = 0; i < 200; i++) {
		nio_test_capture(out, sizeof out, cmd);
		if (strstr(out, want))
			return;
		usleep(10000);
	}
	cr_assert_fail("'%s' never showed '%s': %s", cmd, want, out);
}

/* Add addr/plen (no DAD) on ifname and wait until it is a local address. */
static inline void nio_test_addr(const char *ifname, const char *addr, int plen)
{
	char cmd[160];

	snprintf(cmd, sizeof cmd, "ip -6 addr add %s/%d dev %s nodad", addr, plen, ifname);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	snprintf(cmd, sizeof cmd, "ip -6 route show table local %s", addr);
	nio_test_wait_for(cmd, "local");
}

/* true when fd is readable within ms. */
static inline bool nio_test_readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

#endif
