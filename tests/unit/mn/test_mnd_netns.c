/*
 * test_mnd_netns.c - mnd itself (build/bin/mnd next to this test's folder)
 * in a private network namespace: two veth pairs stand for the MN's
 * interfaces wlan0 and g3 and their MAGs (peers p0, p1 holding fe80::1,
 * the one link-local address of every MAG, RFC 5213 6.8); the test sends
 * the MAGs' Router Advertisements itself and flips carrier by taking a
 * peer down. Checks the tables and rules mnd installs, their move on
 * carrier loss (appendix D) and return after the RA, the baseline with
 * fast handover off, flow steering through NFQUEUE, and the clean exit.
 *
 * Root only (skipped otherwise). Criterion runs each Test in a forked
 * worker: the namespace dies with it; mnd gets PR_SET_PDEATHSIG so it
 * never outlives a failed test; files are named after the pid and removed.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "pmip/nd.h"

static pid_t mnd_pid = -1;
static char cfg_path[64], ctl_path[64], log_path[64];

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void capture(char *out, size_t cap, const char *cmd)
{
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	pclose(f);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Poll cmd's output until it contains (or lacks) text, up to timeout_ms. */
static bool wait_output(const char *cmd, const char *text, bool present, long timeout_ms)
{
	static char out[16384];
	for (long t = 0; t <= timeout_ms; t += 50) {
		capture(out, sizeof(out), cmd);
		if ((strstr(out, text) != NULL) == present)
			return true;
		sleep_ms(50);
	}
	return false;
}

static void mnd_path(char *out, size_t cap)
{
	char self[512];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	cr_assert_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';          /* B/tests/mn */
	*strrchr(self, '/') = '\0';          /* B/tests */
	*strrchr(self, '/') = '\0';          /* B */
	snprintf(out, cap, "%s/bin/mnd", self);
}

/* Root, the mnd binary, ip and ip6tables; then a fresh netns. */
static void netns_enter(void)
{
	char mnd[600];
	mnd_path(mnd, sizeof(mnd));
	if (geteuid() != 0)
		cr_skip_test("needs root");
	if (access(mnd, X_OK) != 0)
		cr_skip_test("%s not built (make all)", mnd);
	cr_assert_eq(unshare(CLONE_NEWNET), 0, "unshare(CLONE_NEWNET)");
	cr_assert_eq(sh("ip link set lo up"), 0);
	/* no DAD: the fixed addresses below are usable at once */
	sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
	for (int i = 0; i < 2; i++) {
		const char *mn = i ? "g3" : "wlan0";
		cr_assert_eq(sh("ip link add %s type veth peer name p%d", mn, i), 0);
		cr_assert_eq(sh("ip link set %s up && ip link set p%d up", mn, i), 0);
		cr_assert_eq(sh("ip addr add fe80::1/64 dev p%d nodad", i), 0);
		/* the addresses SLAAC would form from each MAG's prefix */
		cr_assert_eq(sh("ip addr add 2001:db8:%d::10/64 dev %s nodad", i + 1, mn), 0);
	}
	snprintf(cfg_path, sizeof(cfg_path), "/tmp/mnd-test-%d.xml", getpid());
	snprintf(ctl_path, sizeof(ctl_path), "/tmp/mnd-test-%d.ctl", getpid());
	snprintf(log_path, sizeof(log_path), "/tmp/mnd-test-%d.log", getpid());
}

static void write_cfg(bool fast_handover)
{
	FILE *f = fopen(cfg_path, "w");
	cr_assert_not_null(f);
	fprintf(f, "<topology name=\"t\">\n  <node name=\"mn\" kind=\"mn\">\n"
		"    <interface name=\"wlan0\"/>\n    <interface name=\"g3\"/>\n"
		"    <pmip fast-handover=\"%s\"/>\n  </node>\n</topology>\n",
		fast_handover ? "on" : "off");
	fclose(f);
}

static void mnd_start(const char *extra1, const char *extra2)
{
	char mnd[600];
	mnd_path(mnd, sizeof(mnd));
	mnd_pid = fork();
	cr_assert_geq(mnd_pid, 0);
	if (mnd_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		unsetenv("PMIPEMU_EVENT_SOCK");
		char *argv[] = { mnd, "-f", cfg_path, "-s", ctl_path,
				 (char *)extra1, (char *)extra2, NULL };
		execv(mnd, argv);
		_exit(127);
	}
	for (int i = 0; i < 100 && access(ctl_path, F_OK) != 0; i++)
		sleep_ms(50);
	cr_assert_eq(access(ctl_path, F_OK), 0, "mnd did not open its control socket");
}

static int mnd_stop(void)
{
	int st = -1;
	if (mnd_pid <= 0)
		return -1;
	kill(mnd_pid, SIGTERM);
	waitpid(mnd_pid, &st, 0);
	mnd_pid = -1;
	return st;
}

static void cleanup(void)
{
	if (mnd_pid > 0) {
		kill(mnd_pid, SIGKILL);
		waitpid(mnd_pid, NULL, 0);
	}
	unlink(cfg_path);
	unlink(ctl_path);
	unlink(log_path);
}

/* The MAG on peer p<i> advertises itself: RA from fe80::1 to all-nodes,
 * hop limit 255 (RFC 4861 6.1.2), router lifetime 1800 s. */
static void send_ra(int i)
{
	char dev[8];
	snprintf(dev, sizeof(dev), "p%d", i);
	struct nd_ra ra = { .cur_hop_limit = 64, .router_lifetime_s = 1800 };
	uint8_t buf[256];
	const char *why;
	int len = nd_ra_encode(&ra, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_gt(len, 0, "%s", why);
	int fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	cr_assert_geq(fd, 0);
	int hops = 255;
	setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops));
	setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, dev, (socklen_t)strlen(dev));
	struct sockaddr_in6 src = { .sin6_family = AF_INET6,
				    .sin6_scope_id = if_nametoindex(dev) };
	inet_pton(AF_INET6, "fe80::1", &src.sin6_addr);
	cr_assert_eq(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0, "bind: %s",
		     strerror(errno));
	struct sockaddr_in6 dst = src;
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	cr_assert_eq(sendto(fd, buf, (size_t)len, 0, (struct sockaddr *)&dst, sizeof(dst)),
		     len, "sendto: %s", strerror(errno));
	close(fd);
}

/* One control request; the answer into out. */
static void ctl(const char *line, char *out, size_t cap)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", ctl_path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	cr_assert_eq(write(fd, "\n", 1), 1);
	size_t n = 0;
	ssize_t r;
	while (n < cap - 1 && (r = read(fd, out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(fd);
}

#define RULES "ip -6 rule show"
#define T100 "ip -6 route show table 100"
#define T101 "ip -6 route show table 101"
/* linkwatch may hold a carrier change up to ~1 s (doc/nio.md) */
#define CARRIER_MS 3000

static void both_serving(void)
{
	send_ra(0);
	send_ra(1);
	cr_assert(wait_output(T100, "default via fe80::1 dev wlan0", true, 2000),
		  "table 100: default via the wlan0 MAG");
	cr_assert(wait_output(T101, "default via fe80::1 dev g3", true, 2000));
	cr_assert(wait_output(RULES, "1000:\tfrom 2001:db8:1::/64 lookup 100", true, 2000));
	cr_assert(wait_output(RULES, "1001:\tfrom 2001:db8:2::/64 lookup 101", true, 2000));
}

TestSuite(mnd, .fini = cleanup, .timeout = 30);

Test(mnd, installs_tables_and_source_rules_and_removes_them_at_exit)
{
	netns_enter();
	write_cfg(true);
	mnd_start(NULL, NULL);
	both_serving();
	char out[4096];
	capture(out, sizeof(out), "sysctl -n net.ipv6.conf.all.ignore_routes_with_linkdown");
	cr_assert_eq(atoi(out), 1);
	ctl("show ifaces", out, sizeof(out));
	cr_assert(strstr(out, "\"router\":\"fe80::1\""), "%s", out);
	cr_assert(strstr(out, "\"prefixes\":[\"2001:db8:1::/64\"]"), "%s", out);
	int st = mnd_stop();
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mnd exit %d", st);
	capture(out, sizeof(out), RULES);
	cr_assert_null(strstr(out, "2001:db8:"), "rules left: %s", out);
	capture(out, sizeof(out), T100 "; " T101);
	cr_assert_null(strstr(out, "default"), "routes left: %s", out);
}

Test(mnd, carrier_loss_moves_uplink_and_ra_brings_it_back)
{
	netns_enter();
	write_cfg(true);
	mnd_start(NULL, NULL);
	both_serving();
	cr_assert_eq(sh("ip link set p0 down"), 0);      /* wlan0 loses carrier */
	cr_assert(wait_output(RULES, "1000:\tfrom 2001:db8:1::/64 lookup 101", true, CARRIER_MS),
		  "wlan0's prefix re-pointed to g3's table");
	cr_assert(wait_output(RULES, "lookup 100", false, 1000), "old rule removed");
	/* the packet's route: from wlan0's prefix, out by g3 */
	char out[4096];
	capture(out, sizeof(out), "ip -6 route get 2001:db8:c::2 from 2001:db8:1::10");
	cr_assert(strstr(out, "dev g3"), "%s", out);
	/* admin down took the peer's addresses (keep_addr_on_down 0) */
	cr_assert_eq(sh("ip link set p0 up && ip addr replace fe80::1/64 dev p0 nodad"), 0);
	sleep_ms(300);
	cr_assert(wait_output(RULES, "1000:\tfrom 2001:db8:1::/64 lookup 101", true, 100),
		  "still moved: no RA from the wlan0 MAG yet");
	cr_assert(wait_output("ip link show wlan0", "LOWER_UP", true, CARRIER_MS));
	sleep_ms(1100);                  /* linkwatch: carrier-on reported */
	send_ra(0);
	cr_assert(wait_output(RULES, "1000:\tfrom 2001:db8:1::/64 lookup 100", true, 2000),
		  "rules returned after the RA");
	mnd_stop();
	char cat[96];
	snprintf(cat, sizeof(cat), "cat %s", log_path);
	capture(out, sizeof(out), cat);
	cr_assert(strstr(out, "\"ev\":\"mn_uplink_moved\""), "%s", out);
	cr_assert(strstr(out, "\"ev\":\"mn_uplink_returned\""), "%s", out);
	cr_assert(strstr(out, "\"ev\":\"mn_iface_down\""), "%s", out);
}

Test(mnd, fast_handover_off_keeps_rules_in_place)
{
	netns_enter();
	write_cfg(false);
	mnd_start(NULL, NULL);
	both_serving();
	cr_assert_eq(sh("ip link set p0 down"), 0);
	cr_assert(wait_output("ip link show wlan0", "LOWER_UP", false, CARRIER_MS));
	sleep_ms(1500);
	char out[4096];
	capture(out, sizeof(out), RULES);
	cr_assert(strstr(out, "1000:\tfrom 2001:db8:1::/64 lookup 100"), "%s", out);
	ctl("show stats", out, sizeof(out));
	cr_assert(strstr(out, "\"moves\":0"), "%s", out);
	cr_assert(strstr(out, "\"carrier_down\":1"), "carrier loss seen: %s", out);
}

/* Counts UDP packets to port 5001 arriving at MAG peer p<i>. */
static long udp_seen(int i)
{
	char cmd[160], out[4096];
	snprintf(cmd, sizeof(cmd), "ip6tables -w -t raw -L PREROUTING -v -x -n | "
		 "awk '$0 ~ /p%d/ && /dpt:5001/ {print $1}'", i);
	capture(out, sizeof(out), cmd);
	return atol(out);
}

Test(mnd, flow_selector_steers_new_flow_to_preferred_interface)
{
	netns_enter();
	if (sh("ip6tables -w -t raw -L >/dev/null 2>&1") != 0)
		cr_skip_test("no ip6tables");
	write_cfg(true);
	mnd_start("-F", "udp dport 5001 -> g3");
	both_serving();
	cr_assert(wait_output(RULES, "fwmark 0x102 lookup 101", true, 1000));
	for (int i = 0; i < 2; i++)
		cr_assert_eq(sh("ip6tables -w -t raw -A PREROUTING -i p%d -p udp --dport 5001", i), 0);
	/* from wlan0's address: by source it would leave by wlan0 */
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 }, dst = src;
	inet_pton(AF_INET6, "2001:db8:1::10", &src.sin6_addr);
	inet_pton(AF_INET6, "2001:db8:c::2", &dst.sin6_addr);
	dst.sin6_port = htons(5001);
	cr_assert_eq(bind(fd, (struct sockaddr *)&src, sizeof(src)), 0);
	for (int k = 0; k < 5; k++) {
		sendto(fd, "x", 1, 0, (struct sockaddr *)&dst, sizeof(dst));
		sleep_ms(20);
	}
	close(fd);
	sleep_ms(200);
	cr_assert_eq(udp_seen(1), 5, "g3's MAG got the flow (%ld)", udp_seen(1));
	cr_assert_eq(udp_seen(0), 0, "nothing by wlan0 (%ld)", udp_seen(0));
	char out[4096];
	ctl("show stats", out, sizeof(out));
	cr_assert(strstr(out, "\"flows_classified\":1,"), "one NEW packet queued: %s", out);
	mnd_stop();
	capture(out, sizeof(out), "ip6tables-save -t mangle");
	cr_assert_null(strstr(out, "MND_"), "netfilter rules left: %s", out);
}

Test(mnd, restart_after_sigkill_clears_what_the_dead_one_left)
{
	netns_enter();
	write_cfg(true);
	mnd_start("-F", "udp dport 5001 -> g3");
	both_serving();
	kill(mnd_pid, SIGKILL);
	waitpid(mnd_pid, NULL, 0);
	mnd_pid = -1;
	char out[8192];
	capture(out, sizeof(out), RULES "; ip6tables-save -t mangle");
	cr_assert(strstr(out, "lookup 100") && strstr(out, "MND_STEER"),
		  "a killed mnd leaves its state: %s", out);
	unlink(ctl_path);
	mnd_start(NULL, NULL);           /* no selectors this time */
	capture(out, sizeof(out), RULES "; ip6tables-save -t mangle");
	cr_assert_null(strstr(out, "fwmark"), "stale fwmark rules swept: %s", out);
	cr_assert_null(strstr(out, "MND_"), "stale chains swept: %s", out);
	/* the kernel's own RA routes (main table) tell the new mnd the routers */
	cr_assert(wait_output(T101, "default via fe80::1 dev g3", true, 2000));
	cr_assert(wait_output(RULES, "1000:\tfrom 2001:db8:1::/64 lookup 100", true, 2000));
	mnd_stop();
	capture(out, sizeof(out), RULES);
	cr_assert_null(strstr(out, "2001:db8:"), "rules left: %s", out);
}
