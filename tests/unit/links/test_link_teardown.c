/*
 * Teardown of the link engine (links/link_io.c, link_engine_free): every
 * TAP it was given is closed, so the kernel removes every device, whether
 * it closes them alone (one port) or from its closing threads (many ports
 * in several namespaces). Fresh namespaces held by fds only (unshare):
 * nothing outlives the test process. Needs root and /dev/net/tun; skipped
 * otherwise.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <ev.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "links/link.h"
#include "links/link_tap.h"

#define N_NS      3
#define TAPS_NS   12            /* 36 TAPs: more than one closing thread's share */

static int orig_ns = -1;

static bool can_run(void)
{
	return geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0;
}

static int new_netns(void)
{
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare: %s", strerror(errno));
	int fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	cr_assert_geq(fd, 0);
	cr_assert_eq(setns(orig_ns, CLONE_NEWNET), 0);
	return fd;
}

/* How many of the n names name a device in namespace ns. */
static int devices_present(int ns, char names[][IFNAMSIZ], int n)
{
	int found = 0;

	cr_assert_eq(setns(ns, CLONE_NEWNET), 0);
	for (int i = 0; i < n; i++)
		found += if_nametoindex(names[i]) != 0;
	cr_assert_eq(setns(orig_ns, CLONE_NEWNET), 0);
	return found;
}

/* n_ns namespaces with per_ns TAPs each, all given to one engine, which is
 * freed; then no device of any of them is left. */
static void free_removes_all(int n_ns, int per_ns)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct link_engine *e = link_engine_new(&(struct link_engine_opts){ .seed = 1 });
	char names[N_NS][TAPS_NS][IFNAMSIZ];
	int ns[N_NS];
	const char *why = "";

	cr_assert_not_null(e);
	orig_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(orig_ns, 0);
	for (int k = 0; k < n_ns; k++) {
		ns[k] = new_netns();
		for (int i = 0; i < per_ns; i++) {
			snprintf(names[k][i], IFNAMSIZ, "td%u%c%u", (unsigned)getpid() % 100000u,
				 'a' + k, (unsigned)i % 100u);
			int fd = link_tap_open(names[k][i], ns[k], NULL, 0, &why);

			cr_assert_geq(fd, 0, "%s: %s: %s", names[k][i], why, strerror(errno));
			cr_assert_geq(link_engine_add_port(e, "n", names[k][i], fd), 0);
		}
		cr_assert_eq(devices_present(ns[k], names[k], per_ns), per_ns);
	}
	link_engine_free(e);
	for (int k = 0; k < n_ns; k++) {
		cr_expect_eq(devices_present(ns[k], names[k], per_ns), 0,
			     "namespace %d: TAPs left after link_engine_free", k);
		close(ns[k]);
	}
	close(orig_ns);
	ev_loop_destroy(loop);
}

Test(link_teardown, engine_free_removes_every_tap_of_every_namespace, .timeout = 20)
{
	if (!can_run())
		cr_skip_test("needs root and /dev/net/tun");
	free_removes_all(N_NS, TAPS_NS);
}

Test(link_teardown, engine_free_removes_a_single_tap, .timeout = 10)
{
	if (!can_run())
		cr_skip_test("needs root and /dev/net/tun");
	free_removes_all(1, 1);
}
