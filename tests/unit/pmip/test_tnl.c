/*
 * test_tnl.c - RFC 2473 encapsulation helpers.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pmip/tnl.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* A 48-octet inner IPv6 packet (8 octets of UDP-ish payload). */
static size_t inner_pkt(uint8_t *p)
{
	struct in6_addr s = a6("2001:db8:1::100"), d = a6("2001:db8:cafe::1");

	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8;
	p[6] = 17;
	p[7] = 63;
	memcpy(p + 8, &s, 16);
	memcpy(p + 24, &d, 16);
	memset(p + 40, 0xab, 8);
	return 48;
}

Test(tnl, encap_in_place_builds_the_rfc_2473_header)
{
	struct in6_addr lma = a6("2001:db8:b::1"), mag = a6("2001:db8:a::1");
	uint8_t buf[128];
	size_t len = inner_pkt(buf + TNL_IP6_HLEN);

	cr_assert_eq(tnl_encap(buf, sizeof buf, &len, &lma, &mag, 64), 0);
	cr_assert_eq(len, 88);
	cr_assert_eq(buf[0], 0x60);
	cr_assert_eq(buf[1] | buf[2] | buf[3], 0);
	cr_assert_eq(buf[4] << 8 | buf[5], 48);
	cr_assert_eq(buf[6], 41);
	cr_assert_eq(buf[7], 64);
	cr_assert_eq(memcmp(buf + 8, &lma, 16), 0);
	cr_assert_eq(memcmp(buf + 24, &mag, 16), 0);
	cr_assert_eq(buf[47], 63, "inner hop limit untouched");
}

Test(tnl, decap_returns_the_inner_packet)
{
	struct in6_addr lma = a6("2001:db8:b::1"), mag = a6("2001:db8:a::1");
	struct in6_addr s;
	struct tnl_outer o;
	uint8_t buf[128], ref[48];
	const uint8_t *in;
	size_t len = inner_pkt(buf + TNL_IP6_HLEN), in_len;
	const char *why;

	inner_pkt(ref);
	tnl_encap(buf, sizeof buf, &len, &lma, &mag, 7);
	cr_assert_eq(tnl_decap(buf, len, &o, &in, &in_len, &why), 0, "%s", why);
	cr_assert_eq(in_len, 48);
	cr_assert_eq(in, buf + 40);
	cr_assert_eq(memcmp(in, ref, 48), 0);
	cr_assert_eq(o.hop_limit, 7);
	cr_assert_eq(o.next_header, 41);
	cr_assert_eq(memcmp(&o.src, &lma, 16), 0);
	cr_assert_eq(tnl_ip6_src(in, in_len, &s), 0);
	cr_assert_eq(memcmp(&s, ref + 8, 16), 0);
}

Test(tnl, encap_copy_matches_in_place)
{
	struct in6_addr x = a6("2001:db8::1"), y = a6("2001:db8::2");
	uint8_t a[128], b[128], in[48];
	size_t la = inner_pkt(a + 40), lb;

	inner_pkt(in);
	tnl_encap(a, sizeof a, &la, &x, &y, 64);
	cr_assert_eq(tnl_encap_copy(in, 48, b, sizeof b, &lb, &x, &y, 64), 0);
	cr_assert_eq(lb, la);
	cr_assert_eq(memcmp(a, b, la), 0);
}

Test(tnl, encap_refuses_what_does_not_fit_or_is_not_ipv6)
{
	struct in6_addr x = a6("2001:db8::1");
	uint8_t buf[128];
	size_t len = inner_pkt(buf + 40);

	cr_assert_eq(tnl_encap(buf, 87, &len, &x, &x, 64), -1);
	cr_assert_eq(len, 48);
	buf[40] = 0x45;
	cr_assert_eq(tnl_encap(buf, sizeof buf, &len, &x, &x, 64), -1);
	buf[40] = 0x60;
	buf[45] = 9;            /* payload length past the inner packet */
	cr_assert_eq(tnl_encap(buf, sizeof buf, &len, &x, &x, 64), -1);
}

Test(tnl, decap_checks_outer_and_inner)
{
	struct in6_addr x = a6("2001:db8::1");
	struct tnl_outer o;
	uint8_t buf[128];
	const uint8_t *in;
	size_t len = inner_pkt(buf + 40), il;
	const char *why;

	tnl_encap(buf, sizeof buf, &len, &x, &x, 64);
	buf[6] = 4;
	cr_assert_eq(tnl_decap(buf, len, &o, &in, &il, &why), -1);
	cr_assert(strstr(why, "41"));
	buf[6] = 41;
	buf[0] = 0x40;
	cr_assert_eq(tnl_decap(buf, len, &o, &in, &il, &why), -1);
	buf[0] = 0x60;
	buf[40] = 0x45;
	cr_assert_eq(tnl_decap(buf, len, &o, &in, &il, &why), -1);
	buf[40] = 0x60;
	buf[5] = 30;            /* outer payload too short for the inner */
	cr_assert_eq(tnl_decap(buf, len, &o, &in, &il, &why), -1);
}

Test(tnl, decap_truncated_at_every_length_fails_cleanly)
{
	struct in6_addr x = a6("2001:db8::1");
	struct tnl_outer o;
	uint8_t buf[128], *c;
	const uint8_t *in;
	size_t len = inner_pkt(buf + 40), il, i;
	const char *why;

	tnl_encap(buf, sizeof buf, &len, &x, &x, 64);
	for (i = 0; i < len; i++) {
		c = malloc(i + 1);
		memcpy(c, buf, i);
		cr_assert_eq(tnl_decap(c, i, &o, &in, &il, &why), -1, "len %zu", i);
		free(c);
	}
}

Test(tnl, hop_limit_step_refuses_expiring_packets)
{
	uint8_t p[48];

	inner_pkt(p);
	cr_assert_eq(tnl_hop_limit_dec(p, 48), 0);
	cr_assert_eq(p[7], 62);
	p[7] = 1;
	cr_assert_eq(tnl_hop_limit_dec(p, 48), -1);
	cr_assert_eq(p[7], 1);
	cr_assert_eq(tnl_hop_limit_dec(p, 39), -1);
}

Test(tnl, header_reads_refuse_short_packets)
{
	struct in6_addr a;
	uint8_t p[48], nh;

	inner_pkt(p);
	cr_assert_eq(tnl_ip6_next_header(p, 48, &nh), 0);
	cr_assert_eq(nh, 17);
	cr_assert_eq(tnl_ip6_dst(p, 39, &a), -1);
	cr_assert_eq(tnl_ip6_src(p, 39, &a), -1);
	cr_assert_eq(tnl_ip6_next_header(p, 39, &nh), -1);
}
