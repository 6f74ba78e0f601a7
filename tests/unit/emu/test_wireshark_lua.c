/*
 * test_wireshark_lua.c - doc/wireshark/pmipemu.lua, loaded into tshark 4.0
 * with -X lua_script:, decodes what tshark alone does not (issue 14): a
 * capture made here holds a PBU with two Flow Identification options and a
 * Flow Summary (the stored vector tests/data/mh/pbu_flow.bin), an Update
 * Notification and its Acknowledgement encoded by our codec, and trafgen
 * payloads on UDP port 7001 (tshark's AFS RX port) and 5001. Each field
 * must decode to the value encoded, with no malformed or warning mark;
 * without the script, tshark reads port 7001 as RX (what the script fixes).
 * tshark is the judge: its absence fails the test, it is not skipped.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmip/mh_testlib.h"
#include "pmip/flow_ts.h"
#include "pmip/nd.h"
#include "trafgen/tg.h"

#define LUA "doc/wireshark/pmipemu.lua"

static char cap[64];

static void put_frame(FILE *f, const struct in6_addr *s, const struct in6_addr *d,
		      uint8_t nh, const uint8_t *pl, size_t n)
{
	uint8_t fr[14 + 40] = { 0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1, 0x86, 0xdd,
				0x60, 0, 0, 0, (uint8_t)(n >> 8), (uint8_t)n, nh, 64 };
	uint32_t rec[4] = { 1700000000, 0, (uint32_t)(sizeof fr + n), (uint32_t)(sizeof fr + n) };
	memcpy(fr + 22, s, 16);
	memcpy(fr + 38, d, 16);
	fwrite(rec, 4, 4, f);
	fwrite(fr, 1, sizeof fr, f);
	fwrite(pl, 1, n, f);
}

static uint16_t udp_csum(const struct in6_addr *s, const struct in6_addr *d,
			 const uint8_t *u, size_t n)
{
	uint32_t sum = 17 + (uint32_t)n;
	for (int i = 0; i < 16; i += 2)
		sum += (uint32_t)(s->s6_addr[i] << 8 | s->s6_addr[i + 1]) +
		       (uint32_t)(d->s6_addr[i] << 8 | d->s6_addr[i + 1]);
	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)(u[i] << 8 | (i + 1 < n ? u[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum ? (uint16_t)~sum : 0xffff;
}

static void put_trafgen(FILE *f, uint16_t dport, uint64_t seq)
{
	struct in6_addr s = tl_addr("2001:db8:5::1"), d = tl_addr("2001:db8:100:1::1");
	struct tg_payload p = { .flow_hash = tg_flow_hash("down_g3"), .seq = seq,
				.send_ns = 120285895188ull };  /* octet 20 = 1: an RX "data" type */
	uint8_t u[8 + 64] = { 0x13, 0x88, (uint8_t)(dport >> 8), (uint8_t)dport, 0, sizeof u };
	const char *why = NULL;
	cr_assert_eq(tg_payload_encode(u + 8, 64, &p, &why), 0, "%s", why);
	uint16_t c = udp_csum(&s, &d, u, sizeof u);
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	put_frame(f, &s, &d, 17, u, sizeof u);
}

static void put_mh(FILE *f, const struct mh_msg *m)
{
	struct in6_addr s = tl_addr("2001:db8:a::1"), d = tl_addr("2001:db8:b::1");
	uint8_t buf[1024];
	const char *why = NULL;
	int n = mh_encode(m, &s, &d, buf, sizeof buf, &why);
	cr_assert_gt(n, 0, "%s", why);
	put_frame(f, &s, &d, 135, buf, (size_t)n);
}

/* An RS with the MN's flow request (ND option 253, nd_flow.c): FID 3,
 * FID-PRI 51, Add, Scope 1, "udp src 2001:db8:c::2 sport 6006-6106". */
static void put_rs_flow(FILE *f)
{
	struct in6_addr s = tl_addr("fe80::ca:11"), d = tl_addr("ff02::2");
	struct nd_rs rs = { .has_slla = true, .slla = { 6, { 2, 0, 0, 0, 0xaa, 1 } }, .n_flow = 1 };
	uint8_t buf[256];
	const char *why = NULL;

	rs.flow[0].scope = ND_FLOW_SCOPE_ANY_IFACE;
	rs.flow[0].f = (struct mh_flow){ .fid = 3, .fid_pri = 51, .ts_format = FLOW_TS_FORMAT_IPV6 };
	rs.has_flow_list = true;                /* keeps 3 and 9 */
	rs.n_flow_list = 2;
	rs.flow_list[0] = 3;
	rs.flow_list[1] = 9;
	cr_assert_eq(flow_sel_parse("udp src 2001:db8:c::2 sport 6006-6106", &rs.flow[0].f.ts,
				    &why), 0, "%s", why);
	int n = nd_rs_encode(&rs, &s, &d, buf, sizeof buf, &why);
	cr_assert_gt(n, 0, "%s", why);
	uint8_t fr[14 + 40] = { 0x33, 0x33, 0, 0, 0, 2, 0x02, 0, 0, 0, 0xaa, 1, 0x86, 0xdd,
				0x60, 0, 0, 0, 0, (uint8_t)n, 58, 255 };
	uint32_t rec[4] = { 1700000000, 0, (uint32_t)(sizeof fr + (size_t)n),
			    (uint32_t)(sizeof fr + (size_t)n) };
	memcpy(fr + 22, &s, 16);
	memcpy(fr + 38, &d, 16);
	fwrite(rec, 4, 4, f);
	fwrite(fr, 1, sizeof fr, f);
	fwrite(buf, 1, (size_t)n, f);
}

static void make_capture(void)
{
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	struct in6_addr s = tl_addr("2001:db8:a::1"), d = tl_addr("2001:db8:b::1");
	uint8_t vec[1024];
	struct mh_msg m;
	FILE *v = fopen("tests/data/mh/pbu_flow.bin", "rb"), *f;

	snprintf(cap, sizeof cap, "/tmp/pmipemu-lua-%d.pcap", (int)getpid());
	f = fopen(cap, "wb");
	cr_assert(v && f);
	fwrite(hdr, 4, 6, f);
	size_t n = fread(vec, 1, sizeof vec, v);
	fclose(v);
	put_frame(f, &s, &d, 135, vec, n);                      /* frame 1 */
	mh_msg_init(&m, MH_TYPE_UPN);                           /* frame 2 */
	m.seq = 0x4321;
	m.upn_reason = MH_UPN_REASON_FLOW_MOBILITY;
	m.upn_flags = MH_UPN_A;
	cr_assert_eq(mh_set_mn_id(&m, "mn1@example.org"), 0);
	m.group[0].n_hnp = 1;
	m.group[0].hnp[0].len = 64;
	m.group[0].hnp[0].prefix = tl_addr("2001:db8:100:2::");
	put_mh(f, &m);
	mh_msg_init(&m, MH_TYPE_UPA);                           /* frame 3 */
	m.seq = 0x4321;
	m.status = 129;
	cr_assert_eq(mh_set_mn_id(&m, "mn1@example.org"), 0);
	put_mh(f, &m);
	put_trafgen(f, 7001, 42);                               /* frame 4 */
	put_trafgen(f, 5001, 43);                               /* frame 5 */
	put_rs_flow(f);                                         /* frame 6 */
	fclose(f);
}

static void cap_remove(void)
{
	if (!getenv("LUA_TEST_KEEP"))
		unlink(cap);
}

/* tshark's output, one line a frame; lines[] NUL-terminated strings. */
static int run(const char *args, char lines[][512], int max)
{
	char cmd[1024];
	int n = 0;
	snprintf(cmd, sizeof cmd, "tshark -n -r %s %s 2>/dev/null", cap, args);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	while (n < max && fgets(lines[n], 512, p)) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	return n;
}

static void need_tshark(void)
{
	cr_assert_eq(system("command -v tshark >/dev/null 2>&1"), 0,
		     "tshark is not installed: the dissector cannot be judged");
	make_capture();
}

TestSuite(wireshark_lua, .init = need_tshark, .fini = cap_remove);

Test(wireshark_lua, flow_options_decode)
{
	char l[8][512];
	int n = run("-X lua_script:" LUA " -Y 'frame.number == 1' -T fields -E occurrence=a "
		    "-E separator=/s -e pmipemu.fs.fid -e pmipemu.fid.fid -e pmipemu.fid.bid "
		    "-e pmipemu.fid.ts_format -e pmipemu.ts.src_start -e pmipemu.ts.dst_start "
		    "-e pmipemu.ts.sport_start -e pmipemu.ts.sport_end -e pmipemu.ts.dport_start", l, 8);
	cr_assert_eq(n, 1);
	/* test_mh_flow.c's pbu_with_flows(): FIDs 7 and 8, BID 1, selectors
	 * "udp src 2001:db8:c::1 dst 2001:db8:1::ca:11 sport 6000 dport 6000"
	 * and "udp src 2001:db8:c::1 sport 6002-6003". */
	cr_assert_str_eq(l[0], "7,8 7,8 1,1 2,2 2001:db8:c::1,2001:db8:c::1 2001:db8:1::ca:11 "
			 "6000,6002 6003 6000", "got: %s", l[0]);
}

Test(wireshark_lua, rs_flow_request_decodes)
{
	char l[8][512];
	int n = run("-X lua_script:" LUA " -Y 'pmipemu_ndflow' -T fields -E occurrence=a "
		    "-E separator=/s -e icmpv6.type -e icmpv6.checksum.status -e pmipemu.ndflow.kind "
		    "-e pmipemu.ndflow.scope -e pmipemu.fid.fid -e pmipemu.fid.pri "
		    "-e pmipemu.fid.reserved -e pmipemu.fid.ts_format -e pmipemu.ts.src_start "
		    "-e pmipemu.ts.nh_start -e pmipemu.ts.sport_start -e pmipemu.ts.sport_end "
		    "-e pmipemu.ndflow.count -e pmipemu.ndflow.fid", l, 8);
	cr_assert_eq(n, 1, "one RS with the options (frame 6)");
	/* Kind 1 (the request) and Kind 2 (the list: 2 FIDs, 3 and 9) */
	cr_assert_str_eq(l[0], "133 1 1,2 1 3 51 0 2 2001:db8:c::2 17 6006 6106 2 3,9",
			 "got: %s", l[0]);
}

Test(wireshark_lua, update_notification_and_ack_decode)
{
	char l[8][512];
	int n = run("-X lua_script:" LUA " -Y 'pmipemu_un' -T fields -E occurrence=a "
		    "-E separator=/s -e pmipemu.un.mhtype -e pmipemu.upn.seq -e pmipemu.upn.reason "
		    "-e pmipemu.upn.a_flag -e pmipemu.upa.seq -e pmipemu.upa.status "
		    "-e mip6.mnid.identifier -e mip6.nemo.mnp.mnp", l, 8);
	cr_assert_eq(n, 2);
	cr_assert(strncmp(l[0], "19 17185 8 1   mn1@example.org", 30) == 0, "UPN: %s", l[0]);
	cr_assert(strstr(l[0], "2001:db8:100:2::"), "UPN HNP: %s", l[0]);
	cr_assert_str_eq(l[1], "20    17185 129 mn1@example.org ", "UPA: %s", l[1]);
}

Test(wireshark_lua, trafgen_payload_decodes_on_any_port)
{
	char l[8][512];
	char want[64];
	int n = run("-X lua_script:" LUA " -Y pmipemu_tg -T fields -E separator=/s "
		    "-e udp.dstport -e pmipemu.tg.flow_hash -e pmipemu.tg.seq -e pmipemu.tg.send_ns "
		    "-e rx", l, 8);
	cr_assert_eq(n, 2);
	snprintf(want, sizeof want, "0x%08x", tg_flow_hash("down_g3"));
	cr_assert(strstr(l[0], want), "%s lacks %s", l[0], want);
	cr_assert(strncmp(l[0], "7001 ", 5) == 0 && strstr(l[0], " 42 120285895188"), "%s", l[0]);
	cr_assert(strncmp(l[1], "5001 ", 5) == 0 && strstr(l[1], " 43 120285895188"), "%s", l[1]);
}

Test(wireshark_lua, nothing_malformed_and_rx_without_the_script)
{
	char l[8][512];
	int n = run("-X lua_script:" LUA " -Y '_ws.malformed || _ws.expert.severity >= \"warning\"'",
		    l, 8);
	cr_assert_eq(n, 0, "flagged with the script: %s", n ? l[0] : "");
	n = run("-Y 'udp.dstport == 7001 && rx'", l, 8);
	cr_assert_eq(n, 1, "tshark alone no longer reads port 7001 as RX: the test proves nothing");
}
