/*
 * test_flow_sel.c - the selector grammar and matching (nodes/pmip/flow_sel.c,
 * flow_match.c): RFC 6088 4.3.2 fields, ranges, overlap, mirror, the flow
 * key of a packet.
 */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <string.h>

#include "pmip/flow_sel.h"

static struct flow_sel sel(const char *text)
{
	struct flow_sel s;
	const char *why = NULL;

	cr_assert_eq(flow_sel_parse(text, &s, &why), 0, "%s: %s", text, why);
	return s;
}

static void bad(const char *text, const char *field)
{
	struct flow_sel s;
	const char *why = NULL;

	cr_assert_eq(flow_sel_parse(text, &s, &why), -1, "accepted: %s", text);
	cr_assert_not_null(why);
	if (field)
		cr_assert(strstr(why, field), "%s: error '%s' does not name %s", text, why, field);
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct flow_key key(const char *src, const char *dst, uint8_t proto, uint16_t sp,
			   uint16_t dp)
{
	struct flow_key k = { .src = a6(src), .dst = a6(dst), .proto = proto,
			      .has_ports = true, .sport = sp, .dport = dp };
	return k;
}

Test(flow_sel, every_rfc6088_field_parses)
{
	struct flow_sel s = sel("udp src 2001:db8:c::/48 dst 2001:db8:100:1::5 sport 4000-4010 "
				"dport 5004 flowlabel 7-9 tc 184");

	cr_assert_eq(s.fields, FLOW_F_PROTO | FLOW_F_SRC | FLOW_F_DST | FLOW_F_SPORT |
			       FLOW_F_DPORT | FLOW_F_FLOW_LABEL | FLOW_F_TC);
	cr_assert_eq(s.proto, IPPROTO_UDP);
	cr_assert_eq(s.sport_lo, 4000);
	cr_assert_eq(s.sport_hi, 4010);
	cr_assert_eq(s.dport_lo, 5004);
	cr_assert_eq(s.dport_hi, 5004);
	cr_assert_eq(s.fl_lo, 7);
	cr_assert_eq(s.fl_hi, 9);
	cr_assert_eq(s.tc_lo, 184);
	struct in6_addr hi = a6("2001:db8:c:ffff:ffff:ffff:ffff:ffff");
	cr_assert(!memcmp(&s.src_hi, &hi, 16), "a prefix is the range it covers");
}

Test(flow_sel, absent_fields_match_anything)
{
	struct flow_sel s = sel("");
	struct flow_key k = key("2001:db8::1", "2001:db8::2", 6, 1, 2);

	cr_assert_eq(s.fields, 0);
	struct flow_sel any = sel("any");

	cr_assert(flow_sel_match(&s, &k));
	cr_assert(flow_sel_match(&any, &k));
}

Test(flow_sel, format_round_trips)
{
	const char *texts[] = {
		"udp src 2001:db8:c::/48 dport 5004",
		"tcp dst 2001:db8::1 sport 80-89 flowlabel 12 tc 0-63",
		"any src 2001:db8::1-2001:db8::9",
		"47",
		"any",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char out[FLOW_SEL_TEXT_MAX];
		struct flow_sel s = sel(texts[i]), t;

		flow_sel_format(&s, out, sizeof(out));
		cr_assert_str_eq(out, texts[i]);
		t = sel(out);
		cr_assert(flow_sel_equal(&s, &t));
	}
}

Test(flow_sel, bad_text_names_the_field)
{
	bad("udp dport 70000", "dport");
	bad("udp dport 9-3", "dport");
	bad("sport", "sport");
	bad("src 2001:db8::/129", "src");
	bad("dst 2001:db8::9-2001:db8::1", "dst");
	bad("flowlabel 1048576", "flowlabel");
	bad("tc 256", "tc");
	bad("300", "protocol");
	bad("udp dport 1 dport 2", "twice");
	bad("udp colour red", "term");
	bad("dst 2001:db8::/48/3", "dst");
}

Test(flow_sel, match_compares_each_field)
{
	struct flow_sel s = sel("udp src 2001:db8:c::/48 dport 5004-5005");

	cr_assert(flow_sel_match(&s, &(struct flow_key){ .src = a6("2001:db8:c::9"),
		  .proto = 17, .has_ports = true, .dport = 5005 }));
	cr_assert(!flow_sel_match(&s, &(struct flow_key){ .src = a6("2001:db8:d::9"),
		  .proto = 17, .has_ports = true, .dport = 5005 }), "src");
	cr_assert(!flow_sel_match(&s, &(struct flow_key){ .src = a6("2001:db8:c::9"),
		  .proto = 6, .has_ports = true, .dport = 5005 }), "proto");
	cr_assert(!flow_sel_match(&s, &(struct flow_key){ .src = a6("2001:db8:c::9"),
		  .proto = 17, .has_ports = false, .dport = 5005 }), "no ports: no match");
	struct flow_sel t = sel("flowlabel 5 tc 32-63");
	cr_assert(flow_sel_match(&t, &(struct flow_key){ .flow_label = 5, .tc = 40 }));
	cr_assert(!flow_sel_match(&t, &(struct flow_key){ .flow_label = 6, .tc = 40 }));
	cr_assert(!flow_sel_match(&t, &(struct flow_key){ .flow_label = 5, .tc = 64 }));
}

Test(flow_sel, overlap_needs_every_field_to_meet)
{
	cr_assert(flow_sel_overlap(&(struct flow_sel){ 0 }, &(struct flow_sel){ 0 }));
	struct flow_sel a = sel("udp dport 5000-5010"), b = sel("udp dport 5010-5020"),
			c = sel("udp dport 5011-5020"), d = sel("tcp dport 5000"),
			e = sel("src 2001:db8::/64");
	cr_assert(flow_sel_overlap(&a, &b));
	cr_assert(!flow_sel_overlap(&a, &c));
	cr_assert(!flow_sel_overlap(&a, &d), "another protocol");
	cr_assert(flow_sel_overlap(&a, &e), "fields the other does not name meet");
}

Test(flow_sel, mirror_swaps_direction)
{
	struct flow_sel s = sel("udp src 2001:db8:c::1 sport 4000 dport 5004"), m;
	char out[FLOW_SEL_TEXT_MAX];

	flow_sel_mirror(&s, &m);
	flow_sel_format(&m, out, sizeof(out));
	cr_assert_str_eq(out, "udp dst 2001:db8:c::1 sport 5004 dport 4000");
}

Test(flow_sel, packet_key_reads_flow_label_tc_and_ports_past_ext_headers)
{
	uint8_t p[40 + 8 + 8] = { 0 };

	p[0] = 0x6b;                    /* version 6, tc 0xb8 */
	p[1] = 0x8a;                    /* flow label 0xabcde */
	p[2] = 0xbc;
	p[3] = 0xde;
	p[6] = IPPROTO_DSTOPTS;
	memcpy(p + 8, &(struct in6_addr){ .s6_addr = { 0x20, 1, 0xd, 0xb8, [15] = 1 } }, 16);
	p[40] = IPPROTO_UDP;            /* dest options, 8 octets */
	p[48] = 0x0f; p[49] = 0xa0;     /* 4000 */
	p[50] = 0x13; p[51] = 0x8c;     /* 5004 */
	struct flow_key k;
	const char *why;

	cr_assert_eq(flow_key_parse(p, sizeof(p), &k, &why), 0);
	cr_assert_eq(k.tc, 0xb8);
	cr_assert_eq(k.flow_label, 0xabcde);
	cr_assert_eq(k.proto, IPPROTO_UDP);
	cr_assert(k.has_ports);
	cr_assert_eq(k.sport, 4000);
	cr_assert_eq(k.dport, 5004);
	cr_assert_eq(flow_key_parse(p, 44, &k, &why), -1, "truncated ext header");
}

Test(flow_sel, hash_is_the_same_for_every_packet_of_a_flow)
{
	struct hash_key hk = { 1, 2 };
	struct flow_key a = key("2001:db8::1", "2001:db8::2", 17, 1, 2), b = a;

	b.tc = 46;                      /* DSCP re-marked on the way */
	cr_assert_eq(flow_key_hash(&hk, &a), flow_key_hash(&hk, &b));
	b.sport = 3;
	cr_assert_neq(flow_key_hash(&hk, &a), flow_key_hash(&hk, &b));
}
