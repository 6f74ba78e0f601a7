/*
 * test_mh_hi.c - the Handover Initiate / Acknowledge codec (RFC 5568
 * 6.2.1-6.2.2 with RFC 5949's P and F flags) and the Alternate Care-of
 * Address option (RFC 6275 6.2.5), as the appendix D fast handover uses
 * them (doc/protocol.md "Appendix D").
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "mh_testlib.h"

/* The LMA's HI to a MAG: MN-ID, the local session's MN-LL-ID, the peer
 * session's prefixes, the peer MAG's Proxy-CoA. */
static void hi_full(struct mh_msg *m)
{
	mh_msg_init(m, MH_TYPE_HI);
	m->seq = 0x1234;
	m->hi_flags = MH_HINIT_P | MH_HINIT_F;
	cr_assert_eq(mh_set_mn_id(m, "mn1@example.org"), 0);
	m->group[0].has_mn_ll_id = true;
	m->group[0].mn_ll_id_len = 6;
	memcpy(m->group[0].mn_ll_id, "\x02\x00\x00\x00\xaa\x01", 6);
	m->group[0].n_hnp = 2;
	m->group[0].hnp[0].len = 64;
	m->group[0].hnp[0].prefix = tl_addr("2001:db8:100:2::");
	m->group[0].hnp[1].len = 64;
	m->group[0].hnp[1].prefix = tl_addr("2001:db8:100:3::");
	m->has_alt_coa = true;
	m->alt_coa = tl_addr("2001:db8:2::2");
}

static void round_trip(const struct mh_msg *m)
{
	struct in6_addr s = tl_addr("2001:db8:1::1"), d = tl_addr("2001:db8:1::2");
	struct mh_msg back;
	uint8_t buf[512];
	const char *why = NULL;
	int n = mh_encode(m, &s, &d, buf, sizeof buf, &why);

	cr_assert_gt(n, 0, "%s", why);
	cr_assert_eq(n % 8, 0);
	cr_assert_eq(mh_decode(buf, (size_t)n, &s, &d, &back, &why), 0, "%s", why);
	cr_assert(mh_msg_equal(m, &back));
}

Test(mh_hi, handover_initiate_round_trips)
{
	struct mh_msg m;

	hi_full(&m);
	round_trip(&m);
}

Test(mh_hi, handover_acknowledge_round_trips)
{
	struct mh_msg m;

	mh_msg_init(&m, MH_TYPE_HACK);
	m.seq = 7;
	m.hi_code = MH_HACK_NOT_ACCEPTED;
	cr_assert_eq(mh_set_mn_id(&m, "mn1@example.org"), 0);
	round_trip(&m);
}

Test(mh_hi, hi_fixed_fields_sit_where_rfc_5568_puts_them)
{
	struct mh_msg m;
	uint8_t buf[512];
	const char *why;
	int n;

	hi_full(&m);
	m.hi_code = 1;
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	cr_assert_eq(buf[2], 14, "MH Type 14 (RFC 5568 6.2.1)");
	cr_assert_eq(buf[6], 0x12);
	cr_assert_eq(buf[7], 0x34, "Sequence # right after the checksum");
	cr_assert_eq(buf[8], 0x30, "flags S U P F from the top bit: P|F");
	cr_assert_eq(buf[9], 1, "Code");
	/* options from offset 10: the first non-padding one is MN-ID */
	cr_assert(buf[10] == MH_OPT_MN_ID || buf[10] <= MH_OPT_PADN);
}

Test(mh_hi, hack_reserved_octet_is_sent_zero)
{
	struct mh_msg m;
	uint8_t buf[64];
	const char *why;

	mh_msg_init(&m, MH_TYPE_HACK);
	m.hi_flags = 0xff;              /* not a HAck field: must not leak */
	m.hi_code = MH_HACK_ACCEPTED;
	cr_assert_eq(mh_encode(&m, NULL, NULL, buf, sizeof buf, &why), 16);
	cr_assert_eq(buf[2], 15);
	cr_assert_eq(buf[8], 0);
	cr_assert_eq(buf[9], 0);
}

/* RFC 6275 6.2.5: Alternate Care-of Address at 8n+6, so the address is
 * 8-octet aligned. */
Test(mh_hi, alternate_coa_sits_at_8n_plus_6)
{
	struct mh_msg m;
	uint8_t buf[512];
	const char *why;
	size_t o = 10;
	int n, found = 0;

	hi_full(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	while (o < (size_t)n) {
		if (buf[o] == MH_OPT_PAD1) {
			o++;
			continue;
		}
		if (buf[o] == MH_OPT_ALT_COA) {
			found++;
			cr_assert_eq(o % 8, 6);
			cr_assert_eq(buf[o + 1], 16);
		}
		if (buf[o] == MH_OPT_HNP)
			cr_assert_eq(o % 8, 4);
		o += 2 + buf[o + 1];
	}
	cr_assert_eq(found, 1);
}

Test(mh_hi, every_truncation_is_refused_without_overread)
{
	struct mh_msg m, out;
	uint8_t buf[512];
	const char *why;
	int n;

	hi_full(&m);
	n = mh_encode(&m, NULL, NULL, buf, sizeof buf, &why);
	cr_assert_gt(n, 0);
	for (int len = 0; len < n; len++) {
		uint8_t *cut = malloc((size_t)len + 1);   /* exact size for ASan */

		memcpy(cut, buf, (size_t)len);
		why = NULL;
		cr_assert_eq(mh_decode(cut, (size_t)len, NULL, NULL, &out, &why), -1,
			     "length %d", len);
		cr_assert_not_null(why);
		free(cut);
	}
}

Test(mh_hi, header_len_zero_is_below_the_hi_minimum)
{
	uint8_t buf[8] = { 59, 0, MH_TYPE_HI, 0, 0, 0, 0, 0 };
	struct mh_msg out;
	const char *why = NULL;

	cr_assert_eq(mh_decode(buf, sizeof buf, NULL, NULL, &out, &why), -1);
	cr_assert_str_eq(why, "Header Len below the message minimum");
}

Test(mh_hi, duplicate_alternate_coa_is_an_error)
{
	uint8_t buf[56] = { 59, 6, MH_TYPE_HI, 0, 0, 0, 0, 1, 0x20, 0,
			    1, 2, 0, 0,                   /* PadN 2 -> 14 */
			    3, 16 };                      /* Alt-CoA at 14 */
	struct mh_msg out;
	const char *why = NULL;

	buf[32] = 3;                    /* second Alt-CoA at 32 */
	buf[33] = 16;
	buf[50] = MH_OPT_PADN;          /* 50..55: padding to 56 */
	buf[51] = 4;
	cr_assert_eq(mh_decode(buf, sizeof buf, NULL, NULL, &out, &why), -1);
	cr_assert_str_eq(why, "duplicate Alternate Care-of Address option");
}

Test(mh_hi, alternate_coa_of_wrong_length_is_an_error)
{
	uint8_t buf[16] = { 59, 1, MH_TYPE_HI, 0, 0, 0, 0, 1, 0x20, 0,
			    3, 4, 0, 0, 0, 0 };
	struct mh_msg out;
	const char *why = NULL;

	cr_assert_eq(mh_decode(buf, sizeof buf, NULL, NULL, &out, &why), -1);
	cr_assert_str_eq(why, "Alternate Care-of Address option: bad length (16)");
}

Test(mh_hi, names_print_rfc_words)
{
	cr_assert_str_eq(mh_type_name(14), "MH_TYPE_HI");
	cr_assert_str_eq(mh_type_name(15), "MH_TYPE_HACK");
	cr_assert_str_eq(mh_opt_name(3), "MH_OPT_ALT_COA");
	cr_assert_str_eq(mh_hack_code_name(0), "MH_HACK_ACCEPTED");
	cr_assert_str_eq(mh_hack_code_name(128), "MH_HACK_NOT_ACCEPTED");
	cr_assert_str_eq(mh_hack_code_name(3), "UNKNOWN");
}
