/*
 * test_nio_sockets.c - the raw sockets on a real kernel, each Test in its
 * own network namespaces: Mobility Header checksum (RFC 6275 6.1.1) done by
 * the kernel, IPv6-in-IPv6 (RFC 2473) over a raw protocol-41 socket across
 * two namespaces, ND sockets with their hop-limit rule (RFC 4861 6.1).
 * Skipped without root.
 */
#include <arpa/inet.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "nio_test.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	return a;
}

/* Internet checksum over the IPv6 pseudo-header (RFC 8200 8.1) and data,
 * written here independently of the kernel and of nodes/pmip. */
static uint16_t csum6(const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t nh, const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 16; i += 2) {
		sum += (uint32_t)(src->s6_addr[i] << 8 | src->s6_addr[i + 1]);
		sum += (uint32_t)(dst->s6_addr[i] << 8 | dst->s6_addr[i + 1]);
	}
	sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff) + nh;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* A PBU-shaped MH (RFC 6275 6.1.1, RFC 5213 8.1): 16 octets, checksum 0. */
static const uint8_t pbu[16] = {
	59, 1, 5, 0, 0, 0,          /* payload proto none, len 1 (16 B), type 5, res, csum */
	0x12, 0x34, 0x82, 0x00,     /* sequence, A and P flags */
	0x00, 0x0a,                 /* lifetime (4 s units) */
	1, 2, 0, 0,                 /* PadN */
};

Test(nio_mh, kernel_checksum_verifies_independently_and_source_is_kept)
{
	struct in6_addr lo = a6("::1"), me = a6("fd00:135::1"), src, dst;
	uint8_t buf[64];
	int rx, tx, ifi = -1;
	ssize_t n;

	nio_test_netns();
	nio_test_addr("lo", "fd00:135::1", 128);
	rx = nio_mh_open(NULL);
	tx = nio_mh_open(NULL);
	cr_assert(rx >= 0 && tx >= 0, "%s", strerror(errno));
	cr_assert_eq(nio_mh_send(tx, &me, &lo, pbu, sizeof pbu), (ssize_t)sizeof pbu,
		     "%s", strerror(errno));
	cr_assert(nio_test_readable(rx, 1000));
	n = nio_mh_recv(rx, buf, sizeof buf, &src, &dst, &ifi);
	cr_assert_eq(n, (ssize_t)sizeof pbu);
	cr_assert(memcmp(&src, &me, 16) == 0, "source from IPV6_PKTINFO not used");
	cr_assert(memcmp(&dst, &lo, 16) == 0);
	cr_assert_eq(ifi, nio_ifindex("lo"));
	cr_assert(buf[4] || buf[5], "no checksum written");
	cr_assert_eq(csum6(&src, &dst, 135, buf, (size_t)n), 0, "checksum does not verify");
	cr_assert(memcmp(buf, pbu, 4) == 0 && memcmp(buf + 6, pbu + 6, 10) == 0);
}

/* An MH from the wire (written into a TUN, so the kernel has not marked it
 * checked, unlike loopback or veth traffic): a wrong checksum is dropped
 * before the nio socket sees it, the right one passes (RFC 6275 9.2). */
static void tun_inject_mh(int tun, const struct in6_addr *src, const struct in6_addr *dst,
			  const uint8_t *mh, size_t len)
{
	struct ip6_hdr h = { 0 };
	uint8_t pkt[128];

	h.ip6_flow = htonl(6u << 28);
	h.ip6_plen = htons((uint16_t)len);
	h.ip6_nxt = 135;
	h.ip6_hlim = 64;
	h.ip6_src = *src;
	h.ip6_dst = *dst;
	memcpy(pkt, &h, sizeof h);
	memcpy(pkt + sizeof h, mh, len);
	cr_assert_eq(write(tun, pkt, sizeof h + len), (ssize_t)(sizeof h + len));
}

Test(nio_mh, kernel_drops_an_mh_with_a_bad_checksum)
{
	struct in6_addr me = a6("fd00:135::1"), peer = a6("fd00:135::2");
	uint8_t m[16], buf[64];
	uint16_t c;
	int rx, tun, idx;

	nio_test_netns();
	tun = nio_tun_open("niomh0", 0, &idx);
	cr_assert_geq(tun, 0);
	nio_test_addr("niomh0", "fd00:135::1", 64);
	rx = nio_mh_open(NULL);
	memcpy(m, pbu, sizeof m);
	c = csum6(&peer, &me, 135, m, sizeof m);
	m[4] = (uint8_t)(c >> 8);
	m[5] = (uint8_t)(c ^ 0x5a);                     /* wrong */
	tun_inject_mh(tun, &peer, &me, m, sizeof m);
	cr_assert_not(nio_test_readable(rx, 200), "bad checksum delivered");
	m[5] = (uint8_t)c;                              /* right */
	tun_inject_mh(tun, &peer, &me, m, sizeof m);
	cr_assert(nio_test_readable(rx, 1000), "good checksum not delivered");
	cr_assert_eq(nio_mh_recv(rx, buf, sizeof buf, NULL, NULL, NULL), 16);
	cr_assert_eq(buf[6], 0x12);
}

Test(nio_mh, message_longer_than_the_buffer_is_dropped_whole)
{
	struct in6_addr lo = a6("::1");
	uint8_t buf[8];
	int rx, tx;

	nio_test_netns();
	rx = nio_mh_open(&lo);
	tx = nio_mh_open(NULL);
	nio_mh_send(tx, NULL, &lo, pbu, sizeof pbu);
	cr_assert(nio_test_readable(rx, 1000));
	cr_assert_eq(nio_mh_recv(rx, buf, sizeof buf, NULL, NULL, NULL), -1);
	cr_assert_eq(errno, EMSGSIZE);
}

/* ---- tunnel ------------------------------------------------------------ */

/* An inner IPv6 packet: header (next header 59) and 8 octets of payload. */
static void inner_packet(uint8_t *p, const char *src, const char *dst, uint8_t tag)
{
	struct ip6_hdr h = { 0 };

	h.ip6_flow = htonl(6u << 28);
	h.ip6_plen = htons(8);
	h.ip6_nxt = 59;
	h.ip6_hlim = 64;
	h.ip6_src = a6(src);
	h.ip6_dst = a6(dst);
	memcpy(p, &h, sizeof h);
	memset(p + sizeof h, tag, 8);
}

/* Wait up to 1 s for counter to exceed base; its last value. */
static long snmp6_wait_above(const char *name, long base)
{
	long v = nio_test_snmp6(name);

	for (int i = 0; i < 100 && v <= base; i++) {
		usleep(10000);
		v = nio_test_snmp6(name);
	}
	return v;
}

Test(nio_tnl, without_a_socket_the_kernel_answers_parameter_problem)
{
	struct in6_addr a = a6("fd00:41::a"), b = a6("fd00:41::b");
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_addr = b };
	struct ip6_hdr outer = { 0 };
	uint8_t pkt[40 + 48];
	long base;
	int raw;

	nio_test_netns();
	nio_test_addr("lo", "fd00:41::a", 128);
	nio_test_addr("lo", "fd00:41::b", 128);
	outer.ip6_flow = htonl(6u << 28);
	outer.ip6_plen = htons(48);
	outer.ip6_nxt = IPPROTO_IPV6;
	outer.ip6_hlim = 64;
	outer.ip6_src = a;
	outer.ip6_dst = b;
	memcpy(pkt, &outer, sizeof outer);
	inner_packet(pkt + 40, "2001:db8::1", "2001:db8::2", 0x11);
	raw = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);   /* header included */
	base = nio_test_snmp6("Icmp6OutParmProblems");
	cr_assert_eq(sendto(raw, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to),
		     (ssize_t)sizeof pkt, "%s", strerror(errno));
	cr_assert_gt(snmp6_wait_above("Icmp6OutParmProblems", base), base,
		     "this kernel no longer rejects next header 41: recheck nio_tnl.c");
}

Test(nio_tnl, loopback_round_trip_strips_outer_header_without_icmp)
{
	struct in6_addr a = a6("fd00:41::a"), b = a6("fd00:41::b"), os, od;
	uint8_t inner[48], buf[128];
	long pp, unk;
	int fd;

	nio_test_netns();
	nio_test_addr("lo", "fd00:41::a", 128);
	nio_test_addr("lo", "fd00:41::b", 128);
	fd = nio_tnl_open();
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	inner_packet(inner, "2001:db8::1", "2001:db8::2", 0x22);
	pp = nio_test_snmp6("Icmp6OutParmProblems");
	unk = nio_test_snmp6("Ip6InUnknownProtos");
	cr_assert_eq(nio_tnl_send(fd, &a, &b, inner, sizeof inner), (ssize_t)sizeof inner);
	cr_assert(nio_test_readable(fd, 1000));
	cr_assert_eq(nio_tnl_recv(fd, buf, sizeof buf, &os, &od), (ssize_t)sizeof inner);
	cr_assert(memcmp(buf, inner, sizeof inner) == 0, "payload is not the inner packet");
	cr_assert(memcmp(&os, &a, 16) == 0 && memcmp(&od, &b, 16) == 0, "outer addresses");
	usleep(100000);
	cr_assert_eq(nio_test_snmp6("Icmp6OutParmProblems"), pp, "kernel also sent Parameter Problem");
	cr_assert_eq(nio_test_snmp6("Ip6InUnknownProtos"), unk);
}

/* Child side of the two-namespace test: exit codes name what failed. */
static int tnl_peer(int ready_w, int go_r)
{
	struct in6_addr me = a6("fd00:42::2"), peer = a6("fd00:42::1"), os, od;
	uint8_t buf[128], want[48], c;
	int fd;

	if (unshare(CLONE_NEWNET) != 0 || write(ready_w, "r", 1) != 1 || read(go_r, &c, 1) != 1)
		return 10;
	if (nio_test_sh("ip link set lo up && ip link set vB up && "
			"ip -6 addr add fd00:42::2/64 dev vB nodad") != 0)
		return 11;
	for (int i = 0; i < 200 && nio_test_sh("ip -6 route show table local fd00:42::2 "
					       "| grep -q local"); i++)
		usleep(10000);
	fd = nio_tnl_open();
	if (fd < 0 || write(ready_w, "o", 1) != 1)
		return 12;
	if (!nio_test_readable(fd, 3000))
		return 13;
	inner_packet(want, "2001:db8:1::1", "2001:db8:2::1", 0x33);
	if (nio_tnl_recv(fd, buf, sizeof buf, &os, &od) != 48 || memcmp(buf, want, 48) != 0)
		return 14;
	if (memcmp(&os, &peer, 16) != 0 || memcmp(&od, &me, 16) != 0)
		return 15;
	usleep(100000);
	if (nio_test_snmp6("Icmp6OutParmProblems") != 0)
		return 16;
	inner_packet(want, "2001:db8:2::1", "2001:db8:1::1", 0x44);
	if (nio_tnl_send(fd, &me, &peer, want, sizeof want) != 48)
		return 17;
	return 0;
}

Test(nio_tnl, round_trip_across_a_veth_between_two_namespaces)
{
	struct in6_addr me = a6("fd00:42::1"), peer = a6("fd00:42::2"), os, od;
	uint8_t inner[48], buf[128], c;
	int ready[2], go[2], fd, st;
	pid_t pid;

	nio_test_netns();
	cr_assert(pipe(ready) == 0 && pipe(go) == 0);
	pid = fork();
	if (pid == 0)
		_exit(tnl_peer(ready[1], go[0]));
	cr_assert_eq(read(ready[0], &c, 1), 1);
	cr_assert_eq(nio_test_sh("ip link add vA type veth peer name vB netns %d && "
				 "ip link set vA up", pid), 0);
	nio_test_addr("vA", "fd00:42::1", 64);
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(ready[0], &c, 1), 1, "peer failed to open its socket");
	fd = nio_tnl_open();
	inner_packet(inner, "2001:db8:1::1", "2001:db8:2::1", 0x33);
	cr_assert_eq(nio_tnl_send(fd, &me, &peer, inner, sizeof inner), 48, "%s", strerror(errno));
	cr_assert(nio_test_readable(fd, 3000), "no answer through the tunnel");
	cr_assert_eq(nio_tnl_recv(fd, buf, sizeof buf, &os, &od), 48);
	cr_assert_eq(buf[40], 0x44);
	cr_assert(memcmp(&os, &peer, 16) == 0 && memcmp(&od, &me, 16) == 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "peer check %d failed", WEXITSTATUS(st));
	cr_assert_eq(nio_test_snmp6("Icmp6OutParmProblems"), 0);
}

/* ---- ICMPv6 / ND ------------------------------------------------------- */

static void veth_pair(void)
{
	cr_assert_eq(nio_sysctl_set("net.ipv6.conf.default.accept_dad", "0"), 0);
	cr_assert_eq(nio_test_sh("ip link add i0 type veth peer name i1 && "
				 "ip link set i0 up && ip link set i1 up"), 0);
	nio_test_wait_for("ip -6 addr show dev i0 scope link", "fe80");
	nio_test_wait_for("ip -6 addr show dev i1 scope link", "fe80");
}

/* Send an ICMPv6 message of type from i1 to ff02::2 with a given hop limit. */
static void send_from_i1(uint8_t type, int hops)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6,
				   .sin6_addr = a6("ff02::2"),
				   .sin6_scope_id = (uint32_t)nio_ifindex("i1") };
	uint8_t m[8] = { type, 0 };
	int s = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);

	cr_assert_eq(setsockopt(s, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops), 0);
	cr_assert_eq(sendto(s, m, sizeof m, 0, (struct sockaddr *)&to, sizeof to), 8,
		     "%s", strerror(errno));
	close(s);
}

Test(nio_icmp6, router_solicitation_with_hop_limit_255_is_received)
{
	struct in6_addr src;
	uint8_t buf[64];
	int fd, ifi = 0;

	nio_test_netns();
	veth_pair();
	fd = nio_icmp6_open("i0");
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	send_from_i1(ND_ROUTER_SOLICIT, 255);
	cr_assert(nio_test_readable(fd, 1000));
	cr_assert_eq(nio_icmp6_recv(fd, buf, sizeof buf, &src, &ifi), 8);
	cr_assert_eq(buf[0], ND_ROUTER_SOLICIT);
	cr_assert_eq(ifi, nio_ifindex("i0"));
	cr_assert(IN6_IS_ADDR_LINKLOCAL(&src), "source not i1's link-local");
}

Test(nio_icmp6, router_solicitation_with_hop_limit_254_is_dropped)
{
	uint8_t buf[64];
	int fd;

	nio_test_netns();
	veth_pair();
	fd = nio_icmp6_open("i0");
	send_from_i1(ND_ROUTER_SOLICIT, 254);
	cr_assert(nio_test_readable(fd, 1000), "not even delivered to the socket");
	cr_assert_eq(nio_icmp6_recv(fd, buf, sizeof buf, NULL, NULL), -1);
	cr_assert_eq(errno, EAGAIN);
}

Test(nio_icmp6, filter_passes_only_the_types_asked_for)
{
	int fd;

	nio_test_netns();
	veth_pair();
	fd = nio_icmp6_open("i0");
	send_from_i1(ICMP6_ECHO_REQUEST, 255);
	send_from_i1(ND_ROUTER_ADVERT, 255);
	cr_assert_not(nio_test_readable(fd, 200), "filter let a non-RS through");
}

Test(nio_icmp6, router_advertisement_is_sent_with_hop_limit_255)
{
	static const uint8_t ra_type[] = { ND_ROUTER_ADVERT };
	struct in6_addr all_nodes = a6("ff02::1");
	uint8_t ra[16] = { ND_ROUTER_ADVERT, 0, 0, 0, 64 }, buf[64];
	int tx, rx;

	nio_test_netns();
	veth_pair();
	tx = nio_icmp6_open("i0");
	rx = nio_icmp6_open_filter("i1", ra_type, 1);
	cr_assert(tx >= 0 && rx >= 0);
	cr_assert_eq(nio_icmp6_send(tx, nio_ifindex("i0"), NULL, &all_nodes, ra, sizeof ra), 16,
		     "%s", strerror(errno));
	cr_assert(nio_test_readable(rx, 1000));
	/* nio_icmp6_recv returns it only if it came with hop limit 255. */
	cr_assert_eq(nio_icmp6_recv(rx, buf, sizeof buf, NULL, NULL), 16, "%s", strerror(errno));
	cr_assert_eq(buf[0], ND_ROUTER_ADVERT);
}

Test(nio_icmp6, unknown_interface_is_enodev)
{
	nio_test_netns();
	cr_assert_eq(nio_icmp6_open("nosuch0"), -1);
	cr_assert_eq(errno, ENODEV);
}
