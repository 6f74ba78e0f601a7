/*
 * test_mh_errors.c - every decode and encode error path of the Mobility
 * Header codec. Buffers under test are malloc'd to their exact length so
 * that ASan (make asan-unit) catches any read past the end.
 */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "mh_testlib.h"

/* Decode a copy of p[0..len) held in a buffer of exactly len octets. */
static int decode_exact(const uint8_t *p, size_t len, struct mh_msg *m,
			const char **why)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, p, len);
	r = mh_decode(copy, len, NULL, NULL, m, why);
	free(copy);
	return r;
}

static void expect_error(const uint8_t *opts, size_t n, const char *reason)
{
	uint8_t buf[2048];
	struct mh_msg m;
	const char *why = NULL;
	size_t len = tl_raw_bu(buf, opts, n);

	cr_assert_eq(decode_exact(buf, len, &m, &why), -1, "want: %s", reason);
	cr_assert_not_null(why);
	cr_assert(strstr(why, reason), "reason '%s' lacks '%s'", why, reason);
}

Test(mh_errors, truncation_at_every_length_fails_cleanly)
{
	struct mh_msg m, d;
	uint8_t buf[1024];
	const char *why;
	int n, i;

	tl_pbu_multi(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++)
		cr_assert_eq(decode_exact(buf, (size_t)i, &d, &why), -1,
			     "length %d of %d accepted", i, n);
	cr_assert_eq(decode_exact(buf, (size_t)n, &d, &why), 0);
}

Test(mh_errors, header_len_beyond_buffer_is_an_error)
{
	struct mh_msg m, d;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_BU);
	mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	buf[1] = 2;
	cr_assert_eq(decode_exact(buf, 16, &d, &why), -1);
	cr_assert_str_eq(why, "Header Len beyond the packet");
}

Test(mh_errors, data_after_header_len_is_not_parsed)
{
	struct mh_msg m, d;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_BU);
	mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	memset(buf + 16, 0xff, 8);  /* would be a bad option if parsed */
	cr_assert_eq(decode_exact(buf, 24, &d, &why), 0);
	cr_assert_eq(d.n_unknown_opts, 0);
}

Test(mh_errors, header_len_zero_is_below_message_minimum)
{
	uint8_t buf[8] = { 59, 0, MH_TYPE_BU, 0, 0, 0, 0, 0 };
	struct mh_msg d;
	const char *why;

	cr_assert_eq(decode_exact(buf, 8, &d, &why), -1);
	cr_assert_str_eq(why, "Header Len below the message minimum");
}

Test(mh_errors, unsupported_type_is_reported_with_its_type)
{
	uint8_t buf[16] = { 59, 1, 200 };     /* no IANA MH Type */
	struct mh_msg d;
	const char *why;

	cr_assert_eq(decode_exact(buf, 16, &d, &why), -1);
	cr_assert_str_eq(why, "unsupported MH Type");
	cr_assert_eq(d.type, 200, "kept for a Binding Error");
}

Test(mh_errors, bad_checksum_is_an_error_only_when_verified)
{
	struct in6_addr s = tl_addr("2001:db8::1"), t = tl_addr("2001:db8::2");
	struct mh_msg m, d;
	uint8_t buf[512];
	const char *why;
	int n;

	tl_pbu_full(&m);
	n = mh_encode(&m, &s, &t, buf, sizeof buf, &why);
	cr_assert_eq(mh_decode(buf, (size_t)n, &s, &t, &d, &why), 0);
	buf[20] ^= 0x40;
	cr_assert_eq(mh_decode(buf, (size_t)n, &s, &t, &d, &why), -1);
	cr_assert_str_eq(why, "checksum");
	buf[20] ^= 0x40;
	cr_assert_eq(mh_decode(buf, (size_t)n, &t, &s, &d, &why), 0,
		     "pseudo-header sum does not depend on the address order");
	cr_assert_eq(mh_decode(buf, (size_t)n, &s, &s, &d, &why), -1);
	buf[5] ^= 1;
	cr_assert_eq(mh_decode(buf, (size_t)n, NULL, NULL, &d, &why), 0);
}

Test(mh_errors, wrong_hnp_length_names_the_option)
{
	uint8_t o[21] = { MH_OPT_HNP, 17 };

	expect_error(o, 19, "Home Network Prefix");
}

Test(mh_errors, hnp_prefix_length_over_128_is_an_error)
{
	uint8_t o[20] = { MH_OPT_HNP, 18, 0, 129 };

	expect_error(o, 20, "prefix length");
}

Test(mh_errors, wrong_fixed_lengths_name_the_option)
{
	uint8_t hi[5] = { MH_OPT_HI, 3 }, att[3] = { MH_OPT_ATT, 1 };
	uint8_t ts[9] = { MH_OPT_TIMESTAMP, 7 }, lla[17] = { MH_OPT_LL_ADDR, 15 };

	expect_error(hi, 5, "Handoff Indicator");
	expect_error(att, 3, "Access Technology Type");
	expect_error(ts, 9, "Timestamp");
	expect_error(lla, 17, "Link-local Address");
}

Test(mh_errors, wrong_variable_lengths_name_the_option)
{
	uint8_t mnid[3] = { MH_OPT_MN_ID, 1, 1 };
	uint8_t llid[4] = { MH_OPT_MN_LL_ID, 2 };
	uint8_t llid_long[21] = { MH_OPT_MN_LL_ID, 19 };
	uint8_t bid[7] = { MH_OPT_BID, 5 };
	uint8_t bid_big[24] = { MH_OPT_BID, 22 };

	expect_error(mnid, 3, "Mobile Node Identifier");
	expect_error(llid, 4, "Link-layer Identifier");
	expect_error(llid_long, 21, "Link-layer Identifier");
	expect_error(bid, 7, "Binding Identifier");
	expect_error(bid_big, 24, "Binding Identifier");
}

Test(mh_errors, option_longer_than_header_is_an_error)
{
	uint8_t o[4] = { MH_OPT_HI, 2, 0, 1 };
	uint8_t buf[64];
	struct mh_msg d;
	const char *why;
	size_t len = tl_raw_bu(buf, o, 4);

	buf[13] = 10;   /* the HI now claims octets past the header */
	cr_assert_eq(decode_exact(buf, len, &d, &why), -1);
	cr_assert_str_eq(why, "mobility option length beyond Header Len");
}

Test(mh_errors, option_header_cut_by_header_len_is_an_error)
{
	uint8_t buf[16] = { 59, 1, MH_TYPE_BU };
	struct mh_msg d;
	const char *why;

	buf[12] = 0;
	buf[13] = 0;
	buf[14] = 0;
	buf[15] = MH_OPT_HI;    /* type octet, no length octet */
	cr_assert_eq(decode_exact(buf, 16, &d, &why), -1);
	cr_assert_str_eq(why, "mobility option header truncated");
}

Test(mh_errors, unknown_options_are_skipped_and_counted)
{
	uint8_t o[12] = { 200, 2, 0xaa, 0xbb, MH_OPT_HI, 2, 0, 3,
			  201, 0, MH_OPT_PADN, 0 };
	uint8_t buf[64];
	struct mh_msg d;
	const char *why;
	size_t len = tl_raw_bu(buf, o, 12);

	cr_assert_eq(decode_exact(buf, len, &d, &why), 0, "%s", why);
	cr_assert_eq(d.n_unknown_opts, 2, "PadN is not unknown");
	cr_assert(d.group[0].has_hi);
	cr_assert_eq(d.group[0].hi, 3);
}

Test(mh_errors, too_many_prefixes_is_an_error)
{
	uint8_t o[24 * 17];
	size_t i;

	for (i = 0; i < 17; i++) {
		uint8_t *h = o + 24 * i;

		memset(h, 0, 24);
		h[0] = MH_OPT_PADN;      /* 4 octets of pad, then a 20-octet HNP */
		h[1] = 2;
		h[4] = MH_OPT_HNP;
		h[5] = 18;
		h[7] = 64;
		h[15] = (uint8_t)i;
	}
	{
		uint8_t buf[512];
		struct mh_msg d;
		const char *why;
		size_t len = tl_raw_bu(buf, o, 24 * 16);

		cr_assert_eq(decode_exact(buf, len, &d, &why), 0, "16 fit");
		cr_assert_eq(d.group[0].n_hnp, 16);
	}
	expect_error(o, sizeof o, "too many Home Network Prefix");
}

Test(mh_errors, too_many_bids_is_an_error)
{
	uint8_t o[6 * 9];
	size_t i;

	for (i = 0; i < 9; i++) {
		o[6 * i] = MH_OPT_BID;
		o[6 * i + 1] = 4;
		o[6 * i + 2] = 0;
		o[6 * i + 3] = (uint8_t)(i + 1);
		o[6 * i + 4] = o[6 * i + 5] = 0;
	}
	expect_error(o, sizeof o, "too many Binding Identifier");
}

Test(mh_errors, session_option_before_first_bid_is_an_error)
{
	uint8_t o[10] = { MH_OPT_HI, 2, 0, 1, MH_OPT_BID, 4, 0, 1, 0, 0 };

	expect_error(o, 10, "before the first Binding Identifier");
}

Test(mh_errors, duplicate_single_options_are_errors)
{
	uint8_t hi[8] = { MH_OPT_HI, 2, 0, 1, MH_OPT_HI, 2, 0, 1 };
	uint8_t id[8] = { MH_OPT_MN_ID, 2, 1, 'a', MH_OPT_MN_ID, 2, 1, 'b' };

	expect_error(hi, 8, "duplicate Handoff Indicator");
	expect_error(id, 8, "duplicate Mobile Node Identifier");
}

Test(mh_errors, encode_into_small_buffers_fails_cleanly)
{
	struct mh_msg m;
	uint8_t full[1024], *buf;
	const char *why;
	int n, i;

	tl_pbu_multi(&m);
	n = mh_encode(&m, NULL, NULL, full, sizeof full, &why);
	cr_assert_gt(n, 0);
	for (i = 0; i < n; i++) {
		buf = malloc((size_t)i + 1);
		cr_assert_eq(mh_encode(&m, NULL, NULL, buf, (size_t)i, &why),
			     -1, "cap %d of %d", i, n);
		free(buf);
	}
}

Test(mh_errors, encode_rejects_what_the_wire_cannot_carry)
{
	struct mh_msg m;
	uint8_t buf[2048];
	const char *why;

	tl_pbu_multi(&m);
	m.group[1].has_bid = false;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	cr_assert(strstr(why, "without Binding Identifier"));
	tl_pbu_full(&m);
	m.mn_id_len = 0;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	tl_pbu_full(&m);
	m.group[0].mn_ll_id_len = 17;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	tl_pbu_full(&m);
	m.group[0].hnp[1].len = 129;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	tl_pbu_multi(&m);
	m.group[0].bid_coa_len = 5;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	tl_pbu_full(&m);
	m.type = 200;                         /* no IANA MH Type */
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
	tl_pbu_full(&m);
	m.n_groups = MH_GROUP_MAX + 1;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), -1);
}

Test(mh_errors, empty_mn_id_is_accepted_only_in_a_ba)
{
	/* RFC 4283: at least one octet of identifier; a 160 PBA from another
	 * LMA may carry it empty (RFC 5213 5.3.1 as some read it). */
	struct mh_msg m, back;
	uint8_t buf[256];
	const char *why = NULL;

	mh_msg_init(&m, MH_TYPE_BA);
	m.ba_flags = MH_BA_P;
	m.status = PBA_STATUS_MISSING_MN_IDENTIFIER_OPTION;
	int n = mh_encode(&m, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_gt(n, 0);
	/* append an empty MN-ID (type 8, length 1, subtype 1) in the padding */
	cr_assert_geq(n, 12);
	buf[n - 4] = MH_OPT_MN_ID, buf[n - 3] = 1, buf[n - 2] = MH_MN_ID_NAI, buf[n - 1] = 0;
	cr_assert_eq(mh_decode(buf, (size_t)n, NULL, NULL, &back, &why), 0, "%s", why);
	cr_assert(back.has_mn_id);
	cr_assert_eq(back.mn_id_len, 0);
	buf[2] = MH_TYPE_BU;
	cr_assert_eq(mh_decode(buf, (size_t)n, NULL, NULL, &back, &why), -1,
		     "a PBU needs an identifier");
}
