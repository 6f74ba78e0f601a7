/*
 * test_tg_codec.c - payload codec, send schedule and record file.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "trafgen/tg.h"

#define MS 1000000ull

Test(tg_payload, round_trip_in_network_byte_order)
{
	uint8_t buf[64];
	const char *why = NULL;
	struct tg_payload p = { .flow_hash = 0x01020304, .seq = 5, .send_ns = 0x1122334455667788ull }, q;
	cr_assert_eq(tg_payload_encode(buf, sizeof buf, &p, &why), 0);
	cr_assert_eq(buf[0], 'P');
	cr_assert_eq(buf[3], 'G');
	cr_assert_eq(buf[4], 1);
	cr_assert_eq(buf[15], 5);
	cr_assert_eq(buf[16], 0x11);
	cr_assert_eq(buf[63], 0);
	cr_assert_eq(tg_payload_decode(buf, sizeof buf, &q, &why), 0);
	cr_assert_eq(q.seq, 5);
	cr_assert_eq(q.send_ns, p.send_ns);
	cr_assert_eq(q.flow_hash, p.flow_hash);
}

Test(tg_payload, short_or_foreign_datagram_is_rejected)
{
	uint8_t buf[TG_HDR_LEN] = { 0 };
	struct tg_payload q;
	const char *why = NULL;
	cr_assert_eq(tg_payload_decode(buf, sizeof buf, &q, &why), -1);
	cr_assert_str_eq(why, "bad magic");
	struct tg_payload p = { 0 };
	cr_assert_eq(tg_payload_encode(buf, sizeof buf, &p, &why), 0);
	cr_assert_eq(tg_payload_decode(buf, TG_HDR_LEN - 1, &q, &why), -1);
	cr_assert_eq(tg_payload_encode(buf, TG_HDR_LEN - 1, &p, &why), -1);
}

Test(tg_payload, flow_hash_is_fnv1a)
{
	cr_assert_eq(tg_flow_hash(""), 2166136261u);
	cr_assert_eq(tg_flow_hash("a"), 0xe40c292cu);   /* FNV-1a test vector */
	cr_assert_neq(tg_flow_hash("f1"), tg_flow_hash("f2"));
}

Test(tg_pace, cbr_deadlines_are_evenly_spaced)
{
	struct tg_pace p = { .pattern = TG_PATTERN_CBR, .rate_pps = 100, .duration_ns = 1000 * MS };
	const char *why;
	cr_assert_eq(tg_pace_check(&p, &why), 0);
	cr_assert_eq(tg_pace_deadline_ns(&p, 0), 0);
	cr_assert_eq(tg_pace_deadline_ns(&p, 1), 10 * MS);
	cr_assert_eq(tg_pace_deadline_ns(&p, 99), 990 * MS);
	cr_assert_eq(tg_pace_count(&p), 100);
}

Test(tg_pace, onoff_is_silent_during_off)
{
	struct tg_pace p = { .pattern = TG_PATTERN_ONOFF, .rate_pps = 100, .on_ns = 100 * MS,
			     .off_ns = 400 * MS, .duration_ns = 1000 * MS };
	cr_assert_eq(tg_pace_deadline_ns(&p, 9), 90 * MS);
	cr_assert_eq(tg_pace_deadline_ns(&p, 10), 500 * MS);
	cr_assert_eq(tg_pace_count(&p), 20);
}

Test(tg_pace, burst_keeps_the_mean_rate)
{
	struct tg_pace p = { .pattern = TG_PATTERN_BURST, .rate_pps = 100, .burst = 5,
			     .duration_ns = 1000 * MS };
	cr_assert_eq(tg_pace_deadline_ns(&p, 0), 0);
	cr_assert_eq(tg_pace_deadline_ns(&p, 4), 0);
	cr_assert_eq(tg_pace_deadline_ns(&p, 5), 50 * MS);
	cr_assert_eq(tg_pace_count(&p), 100);
}

Test(tg_pace, bad_parameters_are_refused)
{
	const char *why;
	struct tg_pace p = { .pattern = TG_PATTERN_CBR, .rate_pps = 0 };
	cr_assert_eq(tg_pace_check(&p, &why), -1);
	p = (struct tg_pace){ .pattern = TG_PATTERN_ONOFF, .rate_pps = 10 };
	cr_assert_eq(tg_pace_check(&p, &why), -1);
	p = (struct tg_pace){ .pattern = TG_PATTERN_BURST, .rate_pps = 10 };
	cr_assert_eq(tg_pace_check(&p, &why), -1);
	enum tg_pattern pat;
	cr_assert_eq(tg_pattern_parse("onoff", &pat), 0);
	cr_assert_eq(pat, TG_PATTERN_ONOFF);
	cr_assert_str_eq(tg_pattern_name(pat), "onoff");
	cr_assert_eq(tg_pattern_parse("poisson", &pat), -1);
}

Test(tg_records, write_then_read_back)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct tg_arrival a = { 3, 100, 250, 7 }, b = { 18446744073709551615ull, 1, 2, 0 };
	cr_assert_eq(tg_records_write_header(f), 0);
	cr_assert_eq(tg_records_write(f, &a), 0);
	cr_assert_eq(tg_records_write(f, &b), 0);
	fclose(f);
	f = fmemopen(buf, len, "r");
	struct tg_arrival *v;
	size_t n;
	const char *why = NULL;
	cr_assert_eq(tg_records_read(f, &v, &n, &why), 0, "%s", why);
	cr_assert_eq(n, 2);
	cr_assert_eq(v[0].recv_ns, 250);
	cr_assert_eq(v[0].iface, 7);
	cr_assert_eq(v[1].seq, b.seq);
	free(v);
	fclose(f);
	free(buf);
}

Test(tg_records, malformed_line_is_reported_with_its_number)
{
	const char *text = TG_RECORDS_HEADER "\n1,2,3,4\n1,2,x,4\n";
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct tg_arrival *v = NULL;
	size_t n;
	const char *why = NULL;
	cr_assert_eq(tg_records_read(f, &v, &n, &why), -1);
	cr_assert(strstr(why, "line 3"), "%s", why);
	fclose(f);
}
