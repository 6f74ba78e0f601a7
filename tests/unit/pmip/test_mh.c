/*
 * test_mh.c - Mobility Header codec: round trips, layout, alignment,
 * checksum, helpers and names. Error paths are in test_mh_errors.c.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mh_testlib.h"

static const struct in6_addr *src_mag(void)
{
	static struct in6_addr a;

	a = tl_addr("2001:db8:a::1");
	return &a;
}

static const struct in6_addr *dst_lma(void)
{
	static struct in6_addr a;

	a = tl_addr("2001:db8:b::1");
	return &a;
}

static void round_trip(const struct mh_msg *m)
{
	uint8_t buf[2048];
	struct mh_msg d;
	const char *why = NULL;
	int n;

	n = mh_encode(m, src_mag(), dst_lma(), buf, sizeof buf, &why);
	cr_assert_gt(n, 0, "encode: %s", why);
	cr_assert_eq(n % 8, 0);
	cr_assert_eq((buf[1] + 1) * 8, n);
	cr_assert_eq(mh_decode(buf, (size_t)n, src_mag(), dst_lma(), &d, &why),
		     0, "decode: %s", why);
	cr_assert(mh_msg_equal(m, &d));
	cr_assert_eq(d.n_unknown_opts, 0);
}

/* Offsets of every option of type t in an encoded MH. */
static int find_opts(const uint8_t *p, size_t len, uint8_t t, size_t *off,
		     int max)
{
	size_t o = 12;
	int n = 0;

	while (o < len) {
		if (p[o] == MH_OPT_PAD1) {
			o++;
			continue;
		}
		if (p[o] == t && n < max)
			off[n++] = o;
		o += 2 + p[o + 1];
	}
	return n;
}

Test(mh, pbu_with_every_option_round_trips)
{
	struct mh_msg m;

	tl_pbu_full(&m);
	round_trip(&m);
}

Test(mh, pba_round_trips)
{
	struct mh_msg m;

	tl_pbu_full(&m);
	m.type = MH_TYPE_BA;
	m.status = PBA_STATUS_TIMESTAMP_MISMATCH;
	m.ba_flags = MH_BA_P | MH_BA_K;
	round_trip(&m);
}

Test(mh, plain_pbu_has_no_bid_option)
{
	struct mh_msg m;
	uint8_t buf[512];
	size_t off[4];
	const char *why;
	int n;

	tl_pbu_full(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(find_opts(buf, (size_t)n, MH_OPT_BID, off, 4), 0);
	cr_assert_eq(find_opts(buf, (size_t)n, MH_OPT_HNP, off, 4), 2);
}

Test(mh, multi_session_pbu_round_trips)
{
	struct mh_msg m;

	tl_pbu_multi(&m);
	round_trip(&m);
}

Test(mh, multi_session_options_follow_their_bid)
{
	struct mh_msg m, d;
	uint8_t buf[1024];
	size_t bid[4], hnp[8], ts[1];
	const char *why;
	int n;

	tl_pbu_multi(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(find_opts(buf, (size_t)n, MH_OPT_BID, bid, 4), 3);
	cr_assert_eq(find_opts(buf, (size_t)n, MH_OPT_HNP, hnp, 8), 6);
	cr_assert_eq(find_opts(buf, (size_t)n, MH_OPT_TIMESTAMP, ts, 1), 1);
	cr_assert_lt(ts[0], bid[0], "common options come first");
	/* group i has i + 1 prefixes: 1 after BID 0, 2 after BID 1, ... */
	cr_assert(hnp[0] > bid[0] && hnp[0] < bid[1]);
	cr_assert(hnp[1] > bid[1] && hnp[2] < bid[2]);
	cr_assert(hnp[3] > bid[2]);
	cr_assert_eq(mh_decode(buf, (size_t)n, NULL, NULL, &d, &why), 0);
	cr_assert_eq(d.group[1].bid, 101);
	cr_assert(d.group[1].bid_h);
	cr_assert_eq(d.group[2].bid_coa_len, 4);
	cr_assert_eq(d.group[2].n_hnp, 3);
}

Test(mh, options_sit_at_their_rfc_alignment)
{
	struct mh_msg m;
	uint8_t buf[1024];
	size_t off[8];
	const char *why;
	int n, k, i;

	tl_pbu_multi(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	k = find_opts(buf, (size_t)n, MH_OPT_HNP, off, 8);
	for (i = 0; i < k; i++)
		cr_assert_eq(off[i] % 8, 4, "HNP 8n+4 (RFC 5213 8.3)");
	k = find_opts(buf, (size_t)n, MH_OPT_LL_ADDR, off, 8);
	cr_assert_eq(k, 3);
	for (i = 0; i < k; i++)
		cr_assert_eq(off[i] % 8, 6, "LLA 8n+6 (RFC 5213 8.7)");
	k = find_opts(buf, (size_t)n, MH_OPT_TIMESTAMP, off, 8);
	cr_assert_eq(k, 1);
	cr_assert_eq(off[0] % 8, 2, "Timestamp 8n+2 (RFC 5213 8.8)");
	k = find_opts(buf, (size_t)n, MH_OPT_BID, off, 8);
	for (i = 0; i < k; i++)
		cr_assert_eq(off[i] % 8, 2, "BID at 8n+2: IPv6 CoA 8-aligned");
}

Test(mh, pbu_fixed_fields_sit_where_rfc_6275_puts_them)
{
	struct mh_msg m;
	uint8_t buf[64];
	const char *why;
	int n;

	mh_msg_init(&m, MH_TYPE_BU);
	m.seq = 0xabcd;
	m.bu_flags = MH_BU_A | MH_BU_H | MH_BU_L | MH_BU_P;
	m.lifetime = 75;
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_eq(n, 16);
	cr_assert_eq(buf[0], 59, "Payload Proto: no next header");
	cr_assert_eq(buf[1], 1, "Header Len: 8-octet units after the first 8");
	cr_assert_eq(buf[2], 5);
	cr_assert_eq(buf[6], 0xab);
	cr_assert_eq(buf[7], 0xcd);
	cr_assert_eq(buf[8], 0xe2);
	cr_assert_eq(buf[9], 0x00);
	cr_assert_eq(buf[10], 0);
	cr_assert_eq(buf[11], 75);
	cr_assert_eq(buf[12], MH_OPT_PADN);
	cr_assert_eq(buf[13], 2);
}

Test(mh, pba_fixed_fields_sit_where_rfc_5213_puts_them)
{
	struct mh_msg m;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_BA);
	m.status = PBA_STATUS_NOT_LMA_FOR_THIS_MOBILE_NODE;
	m.ba_flags = MH_BA_P;
	m.seq = 7;
	m.lifetime = 0x0102;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), 16);
	cr_assert_eq(buf[6], 153);
	cr_assert_eq(buf[7], 0x20);
	cr_assert_eq(buf[9], 7);
	cr_assert_eq(buf[10], 1);
	cr_assert_eq(buf[11], 2);
}

Test(mh, heartbeat_flags_follow_rfc_5847)
{
	struct mh_msg m, d;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = 0x01020304;
	cr_assert(m.hb_request, "init makes a request");
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), 16);
	cr_assert_eq(buf[2], 13);
	cr_assert_eq(buf[7], 0x00, "request: R clear");
	cr_assert_eq(buf[8], 1);
	cr_assert_eq(buf[11], 4);
	m.hb_request = false;
	m.hb_unsolicited = true;
	mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_eq(buf[7], 0x03, "unsolicited response: U and R set");
	cr_assert_eq(mh_decode(buf, 16, NULL, NULL, &d, &why), 0);
	cr_assert(!d.hb_request);
	cr_assert(d.hb_unsolicited);
	cr_assert_eq(d.hb_seq, 0x01020304);
}

Test(mh, heartbeat_round_trips)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = 99;
	round_trip(&m);
	m.hb_request = false;
	round_trip(&m);
}

/* Hand-computed: src = dst = ::1, Heartbeat request, seq 0, so the MH is
 * 3b 01 0d 00 CK CK 00 00 00 00 00 00 01 02 00 00. One's complement sum of
 * the pseudo-header words 0001 + 0001 + 0000 0010 + 0087 and MH words
 * 3b01 + 0d00 + 0102 = 499c; the checksum is ~499c = b663. */
Test(mh, checksum_matches_hand_computed_vector)
{
	struct in6_addr lo = tl_addr("::1");
	struct mh_msg m;
	uint8_t buf[16];
	const char *why;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	cr_assert_eq(mh_encode(&m, &lo, &lo, buf, sizeof buf, &why), 16);
	cr_assert_eq(buf[4], 0xb6);
	cr_assert_eq(buf[5], 0x63);
}

/* A second, independent computation: 32-bit words summed in 64 bits. */
static uint16_t csum_words32(const struct in6_addr *s, const struct in6_addr *d,
			     const uint8_t *p, size_t len)
{
	uint8_t all[40 + 2048] = { 0 };
	uint64_t sum = 0;
	size_t i, n = 40 + len;

	memcpy(all, s, 16);
	memcpy(all + 16, d, 16);
	all[34] = (uint8_t)(len >> 8);
	all[35] = (uint8_t)len;
	all[39] = 135;
	memcpy(all + 40, p, len);
	n = (n + 3) & ~(size_t)3;
	for (i = 0; i < n; i += 4)
		sum += (uint64_t)all[i] << 24 | (uint64_t)all[i + 1] << 16 |
		       (uint64_t)all[i + 2] << 8 | all[i + 3];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

Test(mh, checksum_agrees_with_independent_sum)
{
	struct mh_msg m;
	uint8_t buf[1024];
	const char *why;
	int n;

	tl_pbu_multi(&m);
	n = mh_encode(&m, src_mag(), dst_lma(), buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(csum_words32(src_mag(), dst_lma(), buf, (size_t)n), 0,
		     "sum over pseudo-header and MH with checksum is 0xffff");
	buf[4] = buf[5] = 0;
	cr_assert_eq(mh_csum6(src_mag(), dst_lma(), 135, buf, (size_t)n),
		     csum_words32(src_mag(), dst_lma(), buf, (size_t)n));
}

Test(mh, checksum_left_zero_without_addresses)
{
	struct mh_msg m;
	uint8_t buf[512];
	const char *why;

	tl_pbu_full(&m);
	cr_assert_gt(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), 0);
	cr_assert_eq(buf[4] | buf[5], 0, "kernel fills it (IPV6_CHECKSUM)");
}

Test(mh, timestamp_is_48_bit_seconds_16_bit_fraction)
{
	uint64_t ts = mh_timestamp_from_ns(1500000000ULL);

	cr_assert_eq(ts, (1ULL << 16) | 0x8000);
	cr_assert_eq(mh_timestamp_to_ns(ts), 1500000000ULL);
	ts = mh_timestamp_from_ns(1700000000123456789ULL);
	cr_assert_eq(ts >> 16, 1700000000ULL);
	cr_assert_lt(1700000000123456789ULL - mh_timestamp_to_ns(ts), 15259);
}

Test(mh, mn_id_str_escapes_non_printables)
{
	struct mh_msg m;
	char s[64];

	mh_msg_init(&m, MH_TYPE_BU);
	cr_assert_eq(mh_set_mn_id(&m, "a\x01" "b\\"), 0);
	cr_assert_str_eq(mh_mn_id_str(&m, s, sizeof s), "a\\x01b\\x5c");
	cr_assert_str_eq(mh_mn_id_str(&m, s, 4), "a");
	cr_assert_eq(mh_set_mn_id(&m, ""), -1);
}

Test(mh, set_mn_id_makes_an_nai)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BU);
	cr_assert_eq(mh_set_mn_id(&m, "mn@x"), 0);
	cr_assert(m.has_mn_id);
	cr_assert_eq(m.mn_id_subtype, MH_MN_ID_NAI);
	cr_assert_eq(m.mn_id_len, 4);
}

Test(mh, enum_names_print_rfc_words)
{
	cr_assert_str_eq(mh_type_name(5), "MH_TYPE_BU");
	cr_assert_str_eq(mh_type_name(13), "MH_TYPE_HEARTBEAT");
	cr_assert_str_eq(mh_type_name(200), "UNKNOWN");
	cr_assert_str_eq(mh_opt_name(22), "MH_OPT_HNP");
	cr_assert_str_eq(pba_status_name(156), "PBA_STATUS_TIMESTAMP_MISMATCH");
	cr_assert_str_eq(mh_hi_name(3), "MH_HI_HANDOFF_SAME_IFACE");
	cr_assert_str_eq(mh_att_name(8), "MH_ATT_3GPP_EUTRAN");
}

Test(mh, init_sets_one_group_for_bu_and_ba)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_BA);
	cr_assert_eq(m.n_groups, 1);
	cr_assert_eq(m.payload_proto, 59);
	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	cr_assert_eq(m.n_groups, 0);
}
