/*
 * test_nd.c - RS/RA codec (RFC 4861): round trips, layout, checksum,
 * every error path, truncation at every length.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pmip/mh.h"
#include "pmip/nd.h"

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

static void sample_ra(struct nd_ra *ra)
{
	memset(ra, 0, sizeof *ra);
	ra->cur_hop_limit = 64;
	ra->flags = ND_RA_O;
	ra->router_lifetime_s = 1800;
	ra->reachable_time_ms = 30000;
	ra->retrans_timer_ms = 1000;
	ra->has_slla = true;
	ra->slla.len = 6;
	memcpy(ra->slla.addr, "\x02\x00\x5e\x00\x53\x01", 6);
	ra->has_mtu = true;
	ra->mtu = 1460;
	ra->n_prefix = 2;
	ra->prefix[0].len = 64;
	ra->prefix[0].flags = ND_PI_L | ND_PI_A;
	ra->prefix[0].valid_lifetime_s = 86400;
	ra->prefix[0].preferred_lifetime_s = 14400;
	ra->prefix[0].prefix = a6("2001:db8:1::");
	ra->prefix[1] = ra->prefix[0];
	ra->prefix[1].flags = ND_PI_A;
	ra->prefix[1].valid_lifetime_s = ND_INFINITE_LIFETIME;
	ra->prefix[1].prefix = a6("2001:db8:2::");
}

static int decode_ra_exact(const uint8_t *p, size_t len, struct nd_ra *ra,
			   const char **why)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, p, len);
	r = nd_ra_decode(c, len, NULL, NULL, ra, why);
	free(c);
	return r;
}

Test(nd, ra_round_trips_with_checksum)
{
	struct in6_addr s = a6("fe80::1"), d = a6("ff02::1");
	struct nd_ra ra, out;
	uint8_t buf[256];
	const char *why = NULL;
	int n;

	sample_ra(&ra);
	n = nd_ra_encode(&ra, &s, &d, buf, sizeof buf, &why);
	cr_assert_eq(n, 16 + 8 + 8 + 2 * 32, "%s", why);
	cr_assert_eq(nd_ra_decode(buf, (size_t)n, &s, &d, &out, &why), 0,
		     "%s", why);
	cr_assert(nd_ra_equal(&ra, &out));
	cr_assert_eq(mh_csum6(&s, &d, 58, buf, (size_t)n), 0);
}

Test(nd, ra_fields_sit_where_rfc_4861_puts_them)
{
	struct nd_ra ra;
	uint8_t buf[256];
	const char *why;

	sample_ra(&ra);
	nd_ra_encode(&ra, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_eq(buf[0], 134);
	cr_assert_eq(buf[1], 0);
	cr_assert_eq(buf[2] | buf[3], 0, "checksum left to the kernel");
	cr_assert_eq(buf[4], 64);
	cr_assert_eq(buf[5], 0x40);
	cr_assert_eq(buf[6] << 8 | buf[7], 1800);
	cr_assert_eq(buf[16], ND_OPT_SLLA);
	cr_assert_eq(buf[17], 1, "Ethernet SLLA is one 8-octet unit");
	cr_assert_eq(buf[18], 0x02);
	cr_assert_eq(buf[24], ND_OPT_MTU);
	cr_assert_eq(buf[31], 1460 & 0xff);
	cr_assert_eq(buf[32], ND_OPT_PI);
	cr_assert_eq(buf[33], 4);
	cr_assert_eq(buf[34], 64);
	cr_assert_eq(buf[35], 0xc0, "L and A");
	cr_assert_eq(buf[48], 0x20, "prefix at option offset 16");
}

Test(nd, rs_gives_the_mn_link_layer_address)
{
	struct in6_addr s = a6("fe80::2"), d = a6("ff02::2");
	struct nd_rs rs = { 0 }, out;
	uint8_t buf[64];
	const char *why;
	int n;

	rs.has_slla = true;
	rs.slla.len = 6;
	memcpy(rs.slla.addr, "\x02\x00\x00\x00\x00\x07", 6);
	n = nd_rs_encode(&rs, &s, &d, buf, sizeof buf, &why);
	cr_assert_eq(n, 16);
	cr_assert_eq(buf[0], 133);
	cr_assert_eq(nd_rs_decode(buf, 16, &s, &d, &out, &why), 0, "%s", why);
	cr_assert(out.has_slla);
	cr_assert_eq(out.slla.len, 6);
	cr_assert_eq(out.slla.addr[5], 7);
}

Test(nd, rs_with_slla_from_unspecified_source_is_invalid)
{
	struct in6_addr s = a6("::"), d = a6("ff02::2");
	struct nd_rs rs = { 0 }, out;
	uint8_t buf[64];
	const char *why;
	int n;

	rs.has_slla = true;
	rs.slla.len = 6;
	n = nd_rs_encode(&rs, &s, &d, buf, sizeof buf, &why);
	cr_assert_eq(nd_rs_decode(buf, (size_t)n, &s, &d, &out, &why), -1);
	cr_assert(strstr(why, "unspecified"));
}

Test(nd, bad_checksum_is_an_error)
{
	struct in6_addr s = a6("fe80::1"), d = a6("ff02::1");
	struct nd_ra ra, out;
	uint8_t buf[256];
	const char *why;
	int n;

	sample_ra(&ra);
	n = nd_ra_encode(&ra, &s, &d, buf, sizeof buf, &why);
	buf[40] ^= 1;
	cr_assert_eq(nd_ra_decode(buf, (size_t)n, &s, &d, &out, &why), -1);
	cr_assert_str_eq(why, "checksum");
}

Test(nd, ra_cut_inside_an_option_fails_cleanly)
{
	struct nd_ra ra, out;
	uint8_t buf[256];
	const char *why;
	int n, i;

	sample_ra(&ra);
	n = nd_ra_encode(&ra, NULL, NULL, buf, sizeof buf, &why);
	/* ND has no length field: a cut at an option boundary is a shorter
	 * valid RA (16, 24, 32, 64 octets); any other cut is an error. */
	for (i = 0; i < n; i++) {
		bool boundary = i == 16 || i == 24 || i == 32 || i == 64;

		cr_assert_eq(decode_ra_exact(buf, (size_t)i, &out, &why),
			     boundary ? 0 : -1, "length %d", i);
	}
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), 0);
	cr_assert_eq(out.n_prefix, 2);
}

Test(nd, option_errors_are_reported)
{
	struct nd_ra ra, out;
	uint8_t buf[256];
	const char *why;
	int n;

	sample_ra(&ra);
	n = nd_ra_encode(&ra, NULL, NULL, buf, sizeof buf, &why);
	buf[17] = 0;
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
	cr_assert_str_eq(why, "ND option with length zero");
	buf[17] = 1;
	buf[25] = 2;            /* MTU of two units */
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
	cr_assert(strstr(why, "MTU"));
	buf[25] = 1;
	buf[33] = 3;            /* PI of three units */
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
	cr_assert(strstr(why, "Prefix Information"));
	buf[33] = 4;
	buf[34] = 129;
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
	cr_assert(strstr(why, "prefix length"));
	buf[34] = 64;
	buf[1] = 1;
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
	cr_assert_str_eq(why, "ICMPv6 Code is not 0");
	buf[1] = 0;
	buf[0] = 133;
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), -1);
}

Test(nd, unknown_options_are_skipped_and_counted)
{
	uint8_t buf[64] = { 134, 0, 0, 0, 64 };
	struct nd_ra out;
	const char *why;

	buf[16] = 24;           /* Route Information, not ours */
	buf[17] = 1;
	buf[24] = ND_OPT_TLLA;
	buf[25] = 1;
	cr_assert_eq(decode_ra_exact(buf, 32, &out, &why), 0, "%s", why);
	cr_assert_eq(out.n_unknown_opts, 2);
}

Test(nd, too_many_prefixes_is_an_error)
{
	struct nd_ra ra, out;
	uint8_t buf[1024];
	const char *why;
	int n;

	sample_ra(&ra);
	ra.n_prefix = ND_PREFIX_MAX;
	for (n = 0; n < ND_PREFIX_MAX; n++)
		ra.prefix[n] = ra.prefix[0];
	n = nd_ra_encode(&ra, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(decode_ra_exact(buf, (size_t)n, &out, &why), 0);
	memcpy(buf + n, buf + n - 32, 32);
	cr_assert_eq(decode_ra_exact(buf, (size_t)n + 32, &out, &why), -1);
	cr_assert(strstr(why, "too many"));
}

Test(nd, encode_into_small_buffers_fails_cleanly)
{
	struct nd_ra ra;
	uint8_t *buf;
	const char *why;
	int i;

	sample_ra(&ra);
	for (i = 0; i < 96; i++) {
		buf = malloc((size_t)i + 1);
		cr_assert_eq(nd_ra_encode(&ra, NULL, NULL, buf, (size_t)i, &why),
			     -1);
		free(buf);
	}
}

Test(nd, names_print_rfc_words)
{
	cr_assert_str_eq(nd_type_name(134), "ND_TYPE_RA");
	cr_assert_str_eq(nd_opt_name(3), "ND_OPT_PI");
	cr_assert_str_eq(nd_opt_name(99), "UNKNOWN");
}

/* RFC 4291 2.5.1 / RFC 2464 5: the universal/local bit flips, ff:fe in the
 * middle; and back, refusing an address that is not of that form. */
Test(nd, link_local_from_mac_and_back)
{
	const uint8_t mac[6] = { 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01 };
	struct in6_addr ll, want;
	uint8_t back[6];

	nd_ll_from_mac(mac, &ll);
	cr_assert_eq(inet_pton(AF_INET6, "fe80::ff:fe00:aa01", &want), 1);
	cr_assert_eq(memcmp(&ll, &want, sizeof(ll)), 0);
	cr_assert(nd_mac_from_ll(&ll, back));
	cr_assert_eq(memcmp(back, mac, 6), 0);
	cr_assert_eq(inet_pton(AF_INET6, "fe80::1", &want), 1);
	cr_assert_not(nd_mac_from_ll(&want, back), "fe80::1 has no MAC in it");
	cr_assert_eq(inet_pton(AF_INET6, "2001:db8::ff:fe00:aa01", &want), 1);
	cr_assert_not(nd_mac_from_ll(&want, back), "not a link-local address");
}
