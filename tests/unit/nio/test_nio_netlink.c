/*
 * test_nio_netlink.c - TUN, addresses, routes, rules, link state, each in a
 * private network namespace and read back with iproute2 (an independent
 * reader of the kernel's tables). Skipped without root.
 */
#include <arpa/inet.h>
#include <ev.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include "nio_test.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	return a;
}

Test(nio_netlink, tun_opens_up_with_its_mtu)
{
	char out[1024];
	int idx = 0, fd;

	nio_test_netns();
	fd = nio_tun_open("niotun0", 1400, &idx);
	cr_assert_geq(fd, 0, "tun: %s", strerror(errno));
	cr_assert_eq(idx, nio_ifindex("niotun0"));
	cr_assert_gt(idx, 0);
	cr_assert(fcntl(fd, F_GETFL) & O_NONBLOCK);
	nio_test_capture(out, sizeof out, "ip link show niotun0");
	cr_assert(strstr(out, "mtu 1400") != NULL, "%s", out);
	cr_assert(strstr(out, "<POINTOPOINT,MULTICAST,NOARP,UP") != NULL, "%s", out);
	close(fd);
}

Test(nio_netlink, tun_name_too_long_is_einval)
{
	int idx;

	cr_assert_eq(nio_tun_open("a-name-longer-than-ifnamsiz", 0, &idx), -1);
	cr_assert_eq(errno, EINVAL);
}

Test(nio_netlink, address_add_and_delete)
{
	struct in6_addr a = a6("2001:db8:1::1");
	char out[1024];
	int idx, fd;

	nio_test_netns();
	fd = nio_tun_open("niotun1", 0, &idx);
	cr_assert_eq(nio_addr_add(idx, &a, 64, true), 0, "%s", strerror(errno));
	cr_assert_eq(nio_addr_add(idx, &a, 64, true), 0, "re-adding is not an error");
	nio_test_capture(out, sizeof out, "ip -6 addr show dev niotun1");
	cr_assert(strstr(out, "inet6 2001:db8:1::1/64 scope global nodad") != NULL, "%s", out);
	cr_assert_eq(nio_addr_del(idx, &a, 64), 0);
	nio_test_capture(out, sizeof out, "ip -6 addr show dev niotun1");
	cr_assert(strstr(out, "2001:db8:1::1") == NULL, "%s", out);
	cr_assert_eq(nio_addr_del(idx, &a, 64), -1);
	cr_assert_eq(errno, EADDRNOTAVAIL);
	close(fd);
}

Test(nio_netlink, route_add_replace_and_delete_in_a_table)
{
	struct in6_addr p = a6("2001:db8:aa::"), gw = a6("fe80::1");
	char out[1024];
	int idx, fd;

	nio_test_netns();
	fd = nio_tun_open("niotun2", 0, &idx);
	cr_assert_eq(nio_route_add(&p, 64, idx, NULL, 100, 10), 0, "%s", strerror(errno));
	nio_test_capture(out, sizeof out, "ip -6 route show table 100");
	cr_assert(strstr(out, "2001:db8:aa::/64 dev niotun2 proto static metric 10") != NULL, "%s", out);
	/* Same destination, table and metric: replaced, not duplicated. */
	cr_assert_eq(nio_route_add(&p, 64, idx, &gw, 100, 10), 0, "%s", strerror(errno));
	nio_test_capture(out, sizeof out, "ip -6 route show table 100");
	cr_assert(strstr(out, "2001:db8:aa::/64 via fe80::1 dev niotun2 proto static metric 10") != NULL,
		  "%s", out);
	cr_assert(strstr(out, "\n2001:db8:aa::/64") == NULL, "duplicate: %s", out);
	cr_assert_eq(nio_route_del(&p, 64, idx, 100), 0);
	nio_test_capture(out, sizeof out, "ip -6 route show table 100");
	cr_assert_str_eq(out, "");
	cr_assert_eq(nio_route_del(&p, 64, idx, 100), -1);
	cr_assert_eq(errno, ESRCH);
	close(fd);
}

Test(nio_netlink, route_table_zero_is_main_and_large_tables_work)
{
	struct in6_addr p = a6("2001:db8:bb::");
	char out[1024];
	int idx, fd;

	nio_test_netns();
	fd = nio_tun_open("niotun3", 0, &idx);
	cr_assert_eq(nio_route_add(&p, 48, idx, NULL, 0, 0), 0);
	nio_test_capture(out, sizeof out, "ip -6 route show table main");
	cr_assert(strstr(out, "2001:db8:bb::/48 dev niotun3") != NULL, "%s", out);
	cr_assert_eq(nio_route_add(&p, 48, idx, NULL, 70000, 0), 0);
	nio_test_capture(out, sizeof out, "ip -6 route show table 70000");
	cr_assert(strstr(out, "2001:db8:bb::/48 dev niotun3") != NULL, "%s", out);
	close(fd);
}

Test(nio_netlink, route_to_missing_interface_fails_with_enodev)
{
	struct in6_addr p = a6("2001:db8:cc::");

	nio_test_netns();
	cr_assert_eq(nio_route_add(&p, 64, 4242, NULL, 100, 0), -1);
	cr_assert_eq(errno, ENODEV);
}

Test(nio_netlink, rule_add_readback_duplicate_and_delete)
{
	struct in6_addr s = a6("2001:db8:dd::");
	char out[2048];
	int idx, fd;

	nio_test_netns();
	fd = nio_tun_open("niotun4", 0, &idx);
	cr_assert_eq(nio_rule_add(&s, 64, "niotun4", 100, 1000), 0, "%s", strerror(errno));
	cr_assert_eq(nio_rule_add(NULL, 0, NULL, 70000, 1001), 0, "%s", strerror(errno));
	nio_test_capture(out, sizeof out, "ip -6 rule show");
	cr_assert(strstr(out, "1000:\tfrom 2001:db8:dd::/64 iif niotun4 lookup 100") != NULL, "%s", out);
	cr_assert(strstr(out, "1001:\tfrom all lookup 70000") != NULL, "%s", out);
	cr_assert_eq(nio_rule_add(&s, 64, "niotun4", 100, 1000), -1);
	cr_assert_eq(errno, EEXIST);
	cr_assert_eq(nio_rule_del(&s, 64, "niotun4", 100, 1000), 0);
	cr_assert_eq(nio_rule_del(NULL, 0, NULL, 70000, 1001), 0);
	nio_test_capture(out, sizeof out, "ip -6 rule show");
	cr_assert(strstr(out, "2001:db8:dd") == NULL && strstr(out, "70000") == NULL, "%s", out);
	cr_assert_eq(nio_rule_del(&s, 64, "niotun4", 100, 1000), -1);
	cr_assert_eq(errno, ENOENT);
	close(fd);
}

/* ---- link state -------------------------------------------------------- */

static int tap_open(const char *name)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR);

	strcpy(ifr.ifr_name, name);
	cr_assert_eq(ioctl(fd, TUNSETIFF, &ifr), 0);
	return fd;
}

static void tap_carrier(int fd, bool on)
{
	int v = on;

	cr_assert_eq(ioctl(fd, TUNSETCARRIER, &v), 0);
}

struct seen {
	int ifindex, calls;
	bool carrier, up;
	char name[IF_NAMESIZE];
};

static void on_link(void *arg, int ifindex, const char *ifname, bool carrier, bool up)
{
	struct seen *s = arg;

	if (ifindex != s->ifindex)
		return;
	s->calls++;
	s->carrier = carrier;
	s->up = up;
	snprintf(s->name, sizeof s->name, "%s", ifname);
}

/* Run the loop until the monitor reported `want` calls or 2 s passed. */
static void run_until(struct ev_loop *loop, struct seen *s, int want)
{
	uint64_t deadline = nio_now_ns() + 2000000000ull;

	while (s->calls < want && nio_now_ns() < deadline) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
}

Test(nio_linkmon, reports_carrier_off_and_on_of_a_tap)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct seen s = { 0 };
	struct nio_linkmon *m;
	int tap;

	nio_test_netns();
	tap = tap_open("niotap0");
	s.ifindex = nio_ifindex("niotap0");
	cr_assert_eq(nio_link_set_up(s.ifindex, true), 0);
	cr_assert_eq(nio_link_carrier(s.ifindex), 1);
	m = nio_linkmon_start(loop, on_link, &s);
	cr_assert_not_null(m, "%s", strerror(errno));
	tap_carrier(tap, false);
	run_until(loop, &s, 1);
	cr_assert_eq(s.calls, 1);
	cr_assert(!s.carrier && s.up);
	cr_assert_str_eq(s.name, "niotap0");
	cr_assert_eq(nio_link_carrier(s.ifindex), 0);
	tap_carrier(tap, true);
	run_until(loop, &s, 2);
	cr_assert_eq(s.calls, 2);
	cr_assert(s.carrier && s.up);
	nio_linkmon_stop(m);
	ev_loop_destroy(loop);
	close(tap);
}

Test(nio_linkmon, reports_admin_down_and_removal)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct seen s = { 0 };
	struct nio_linkmon *m;
	int tap;

	nio_test_netns();
	tap = tap_open("niotap1");
	s.ifindex = nio_ifindex("niotap1");
	cr_assert_eq(nio_link_set_up(s.ifindex, true), 0);
	m = nio_linkmon_start(loop, on_link, &s);
	cr_assert_eq(nio_link_set_up(s.ifindex, false), 0);
	run_until(loop, &s, 1);
	cr_assert_eq(s.calls, 1);
	cr_assert(!s.up && !s.carrier, "down: up=%d carrier=%d", s.up, s.carrier);
	close(tap);                 /* a non-persistent TAP vanishes */
	run_until(loop, &s, 2);
	cr_assert_eq(s.calls, 2, "removal not reported");
	nio_linkmon_stop(m);
	ev_loop_destroy(loop);
}

/* Admin up/down is announced at once (carrier changes go through the
 * kernel's linkwatch, which batches them up to a second), so it is what
 * floods the monitor's socket here. */
Test(nio_linkmon, learns_the_truth_after_missed_notifications)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	struct seen s = { 0 };
	struct nio_linkmon *m;
	const int toggles = 2000;
	uint64_t deadline;
	int tap;

	nio_test_netns();
	tap = tap_open("niotap2");
	s.ifindex = nio_ifindex("niotap2");
	cr_assert_eq(nio_link_set_up(s.ifindex, true), 0);
	m = nio_linkmon_start(loop, on_link, &s);
	/* Far more notifications than the socket buffer holds, unread. */
	for (int i = 0; i < toggles; i++)
		cr_assert_eq(nio_link_set_up(s.ifindex, i % 2), 0);
	cr_assert_eq(nio_link_set_up(s.ifindex, false), 0);
	deadline = nio_now_ns() + 1500000000ull;
	while (nio_now_ns() < deadline && (s.calls == 0 || s.up || s.carrier)) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	cr_assert_lt(s.calls, toggles / 2, "no overflow happened: the test proves nothing");
	cr_assert(!s.up && !s.carrier, "monitor believes the link is up (calls %d)", s.calls);
	nio_linkmon_stop(m);
	ev_loop_destroy(loop);
	close(tap);
}

/* A neighbour entry the MAG sets from the MN's MAC: permanent, replaced in
 * place, removed on request (read back with ip -6 neigh). TUN devices have
 * no link layer, so a TAP carries it. */
Test(nio_netlink, neighbour_set_replace_and_delete)
{
	struct in6_addr ll = a6("fe80::ff:fe00:aa01");
	const uint8_t mac[6] = { 2, 0, 0, 0, 0xaa, 1 }, mac2[6] = { 2, 0, 0, 0, 0xaa, 2 };
	char out[1024];

	nio_test_netns();
	int fd = tap_open("niotap9");
	int idx = nio_ifindex("niotap9");
	cr_assert_gt(idx, 0);
	cr_assert_eq(nio_link_set_up(idx, true), 0);
	cr_assert_eq(nio_neigh_set(idx, &ll, mac), 0, "%s", strerror(errno));
	nio_test_capture(out, sizeof out, "ip -6 neigh show dev niotap9");
	cr_assert(strstr(out, "fe80::ff:fe00:aa01 lladdr 02:00:00:00:aa:01 PERMANENT"), "%s", out);
	cr_assert_eq(nio_neigh_set(idx, &ll, mac2), 0, "replacing is not an error");
	nio_test_capture(out, sizeof out, "ip -6 neigh show dev niotap9");
	cr_assert(strstr(out, "lladdr 02:00:00:00:aa:02 PERMANENT"), "%s", out);
	cr_assert_eq(nio_neigh_del(idx, &ll), 0, "%s", strerror(errno));
	nio_test_capture(out, sizeof out, "ip -6 neigh show dev niotap9");
	cr_assert(strstr(out, "fe80::ff:fe00:aa01") == NULL, "%s", out);
	close(fd);
}
