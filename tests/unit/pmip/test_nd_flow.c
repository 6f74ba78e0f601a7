/*
 * test_nd_flow.c - the MN's flow request, ND option 253 in a Router
 * Solicitation (nd_flow.c, our design): layout against hand-computed
 * octets, round trip, rejections, another experiment's option skipped,
 * and tshark 4.0's reading of the RS (no malformed or warning marks).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmip/flow_ts.h"
#include "pmip/nd.h"

static void rs_with_flows(struct nd_rs *rs)
{
	const char *why = NULL;

	memset(rs, 0, sizeof(*rs));
	rs->has_slla = true;
	rs->slla.len = 6;
	memcpy(rs->slla.addr, "\x02\x00\x00\x00\xca\x01", 6);
	rs->n_flow = 2;
	rs->flow[0].scope = ND_FLOW_SCOPE_THIS_IFACE;
	rs->flow[0].f.fid = 1;
	rs->flow[0].f.fid_pri = 10;
	rs->flow[0].f.ts_format = FLOW_TS_FORMAT_IPV6;
	cr_assert_eq(flow_sel_parse("udp dport 5001", &rs->flow[0].f.ts, &why), 0);
	rs->flow[1] = rs->flow[0];
	rs->flow[1].scope = ND_FLOW_SCOPE_ANY_IFACE;
	rs->flow[1].f.fid = 2;
	cr_assert_eq(flow_sel_parse("tcp src 2001:db8:c::/48", &rs->flow[1].f.ts, &why), 0);
}

/* Type 253, Length 3 (24 octets), Kind 1, Scope 0, then FID 1, FID-PRI
 * 10, Reserved 0, Status 0, TS sub-option (3, 9: format 2, Reserved, the
 * 7 octets of "udp dport 5001"), zero padding. */
Test(nd_flow, option_layout_is_as_documented)
{
	struct nd_rs rs;
	uint8_t buf[512];
	const uint8_t want[24] = { 253, 3, 1, 0, 0, 1, 0, 10, 0, 0, 3, 9, 2, 0,
				   0x00, 0x22, 0, 0, 17, 0x13, 0x89, 0, 0, 0 };
	const char *why = NULL;

	rs_with_flows(&rs);
	rs.n_flow = 1;
	int n = nd_rs_encode(&rs, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_eq(n, 8 + 8 + 24, "%s", why);
	cr_assert_arr_eq(buf + 16, want, sizeof(want));
}

Test(nd_flow, rs_with_flow_requests_round_trips)
{
	struct nd_rs rs, d;
	uint8_t buf[512];
	const char *why = NULL;
	struct in6_addr s, dst;

	inet_pton(AF_INET6, "fe80::ca:1", &s);
	inet_pton(AF_INET6, "ff02::2", &dst);
	rs_with_flows(&rs);
	int n = nd_rs_encode(&rs, &s, &dst, buf, sizeof(buf), &why);
	cr_assert_gt(n, 0, "%s", why);
	cr_assert_eq(n % 8, 0);
	cr_assert_eq(nd_rs_decode(buf, (size_t)n, &s, &dst, &d, &why), 0, "%s", why);
	cr_assert_eq(d.n_flow, 2);
	cr_assert_eq(d.flow[1].scope, ND_FLOW_SCOPE_ANY_IFACE);
	cr_assert(mh_flow_equal(&d.flow[0].f, &rs.flow[0].f));
	cr_assert(mh_flow_equal(&d.flow[1].f, &rs.flow[1].f));
	cr_assert_eq(d.n_unknown_opts, 0);
	for (int cut = 9; cut < n; cut++) {
		uint8_t *c = malloc((size_t)cut);   /* ASan sees overreads */

		memcpy(c, buf, (size_t)cut);
		(void)nd_rs_decode(c, (size_t)cut, NULL, NULL, &d, &why);
		free(c);
	}
}

/* Kind 2, the request list: Type 253, Length 1 (8 octets), Kind 2,
 * Count 2, FIDs 1 and 0x1234; Count 0 is a list that keeps nothing. */
Test(nd_flow, request_list_layout_and_round_trip)
{
	struct nd_rs rs, d;
	uint8_t buf[512];
	const uint8_t want[8] = { 253, 1, 2, 2, 0, 1, 0x12, 0x34 };
	const char *why = NULL;

	rs_with_flows(&rs);
	rs.n_flow = 0;
	rs.has_flow_list = true;
	rs.n_flow_list = 2;
	rs.flow_list[0] = 1;
	rs.flow_list[1] = 0x1234;
	int n = nd_rs_encode(&rs, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_eq(n, 8 + 8 + 8, "%s", why);
	cr_assert_arr_eq(buf + 16, want, sizeof(want));
	cr_assert_eq(nd_rs_decode(buf, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert(d.has_flow_list);
	cr_assert_eq(d.n_flow_list, 2);
	cr_assert_eq(d.flow_list[1], 0x1234);
	cr_assert_eq(d.n_unknown_opts, 0);
	rs.n_flow_list = 0;
	n = nd_rs_encode(&rs, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_eq(n, 8 + 8 + 8, "%s", why);
	cr_assert_eq(nd_rs_decode(buf, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert(d.has_flow_list, "an empty list is still a list");
	cr_assert_eq(d.n_flow_list, 0);
	rs_with_flows(&rs);
	cr_assert(!rs.has_flow_list);
	n = nd_rs_encode(&rs, NULL, NULL, buf, sizeof(buf), &why);
	cr_assert_eq(nd_rs_decode(buf, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert(!d.has_flow_list, "no Kind 2: withdraws nothing");
}

static const char *rs_rejects(const uint8_t *opt, size_t olen)
{
	uint8_t buf[128] = { 133, 0, 0, 0, 0, 0, 0, 0 };
	struct nd_rs d;
	const char *why = NULL;

	memcpy(buf + 8, opt, olen);
	cr_assert_eq(nd_rs_decode(buf, 8 + olen, NULL, NULL, &d, &why), -1);
	return why;
}

Test(nd_flow, bad_requests_are_refused)
{
	const uint8_t scope[16] = { 253, 2, 1, 7, 0, 1, 0, 1, 1 };
	const uint8_t bref[16] = { 253, 2, 1, 0, 0, 1, 0, 1, 1, 0, 2, 2, 0, 1 };
	const uint8_t beyond[16] = { 253, 2, 1, 0, 0, 1, 0, 1, 1, 0, 3, 9, 2 };

	cr_assert_str_eq(rs_rejects(scope, 16), "flow request option: unknown Scope");
	cr_assert_str_eq(rs_rejects(bref, 16),
			 "flow request option: a Binding Reference (the MN names no BID)");
	cr_assert_str_eq(rs_rejects(beyond, 16),
			 "Flow Identification: sub-option beyond the option");
}

Test(nd_flow, bad_request_lists_are_refused)
{
	const uint8_t past[8] = { 253, 1, 2, 3, 0, 1, 0, 2 };
	const uint8_t big[8] = { 253, 1, 2, 33, 0, 1, 0, 2 };
	const uint8_t two[16] = { 253, 1, 2, 1, 0, 1, 0, 0, 253, 1, 2, 0, 0, 0, 0, 0 };

	cr_assert_str_eq(rs_rejects(past, 8), "flow request list: Count runs past the option");
	cr_assert_str_eq(rs_rejects(big, 8), "flow request list: Count above 32");
	cr_assert_str_eq(rs_rejects(two, 16), "flow request list: more than one in an RS");
}

/* Type 253 is shared by every experiment (RFC 4727): another Kind is
 * skipped and counted, not an error. */
Test(nd_flow, another_experiment_is_skipped)
{
	uint8_t buf[16] = { 133, 0, 0, 0, 0, 0, 0, 0, 253, 1, 9, 9, 9, 9, 9, 9 };
	struct nd_rs d;
	const char *why = NULL;

	cr_assert_eq(nd_rs_decode(buf, sizeof(buf), NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert_eq(d.n_flow, 0);
	cr_assert_eq(d.n_unknown_opts, 1);
}

/* tshark 4.0 reads the RS, names option 253 and flags nothing. */
Test(nd_flow, tshark_reads_the_rs_without_marks)
{
	char path[64], cmd[512], line[256] = "";
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	uint8_t fr[14 + 40 + 512] = { 0x33, 0x33, 0, 0, 0, 2, 0x02, 0, 0, 0, 0xca, 1, 0x86, 0xdd };
	struct in6_addr s, dst;
	struct nd_rs rs;
	const char *why = NULL;

	if (system("command -v tshark >/dev/null 2>&1") != 0)
		cr_assert_fail("tshark is not installed: it is the encoder's independent judge, never skipped (make deps)");
	inet_pton(AF_INET6, "fe80::ca:1", &s);
	inet_pton(AF_INET6, "ff02::2", &dst);
	rs_with_flows(&rs);
	rs.has_flow_list = true;                /* and the request list */
	rs.n_flow_list = 2;
	rs.flow_list[0] = 1;
	rs.flow_list[1] = 2;
	int n = nd_rs_encode(&rs, &s, &dst, fr + 54, 512, &why);
	cr_assert_gt(n, 0, "%s", why);
	fr[14] = 0x60, fr[18] = (uint8_t)(n >> 8), fr[19] = (uint8_t)n;
	fr[20] = 58, fr[21] = 255;
	memcpy(fr + 22, &s, 16);
	memcpy(fr + 38, &dst, 16);
	snprintf(path, sizeof(path), "/tmp/pmipemu-ndflow-%d.pcap", (int)getpid());
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	uint32_t rec[4] = { 1, 0, (uint32_t)(54 + n), (uint32_t)(54 + n) };
	fwrite(hdr, 4, 6, f);
	fwrite(rec, 4, 4, f);
	fwrite(fr, 1, (size_t)(54 + n), f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -Y '_ws.malformed || "
		 "_ws.expert.severity >= warning' 2>/dev/null | wc -l", path);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(fgets(line, sizeof(line), p));
	pclose(p);
	cr_expect_str_eq(line, "0\n");
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -T fields -e icmpv6.type "
		 "-e icmpv6.checksum.status -e icmpv6.opt.type 2>/dev/null", path);
	p = popen(cmd, "r");
	cr_assert_not_null(fgets(line, sizeof(line), p));
	pclose(p);
	unlink(path);
	cr_expect_str_eq(line, "133\t1\t1,253,253,253\n");
}
