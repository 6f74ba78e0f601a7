/*
 * test_mh_br.c - Binding Revocation (RFC 5846 6.1, MH Type 16: BRI and
 * BRA) and the Restart Counter option (RFC 5847 6.1) in the codec, read
 * back by our decoder and by tshark 4.0.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mh_testlib.h"

static void bri(struct mh_msg *m)
{
	mh_msg_init(m, MH_TYPE_BR);
	m->br_type = MH_BR_TYPE_BRI;
	m->br_trigger = MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT;
	m->seq = 4242;
	m->br_flags = MH_BR_P;
	mh_set_mn_id(m, "mn1@example.org");
	m->group[0].n_hnp = 1;
	m->group[0].hnp[0].len = 64;
	m->group[0].hnp[0].prefix = tl_addr("2001:db8:100:1::");
	m->group[0].has_mn_ll_id = true;
	m->group[0].mn_ll_id_len = 6;
	memcpy(m->group[0].mn_ll_id, "\x02\0\0\0\xaa\x01", 6);
}

static int enc(const struct mh_msg *m, uint8_t *b, size_t cap)
{
	const char *why = NULL;
	int n = mh_encode(m, NULL, NULL, b, cap, &why);

	cr_assert_gt(n, 0, "encode: %s", why ? why : "");
	cr_assert_eq(n % 8, 0);
	return n;
}

Test(mh_br, bri_round_trips_with_trigger_flags_and_options)
{
	struct mh_msg m, d;
	uint8_t b[512];
	const char *why = NULL;

	bri(&m);
	int n = enc(&m, b, sizeof(b));
	cr_assert_eq(b[2], MH_TYPE_BR);
	cr_assert_eq(b[6], MH_BR_TYPE_BRI);
	cr_assert_eq(b[7], MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT);
	cr_assert_eq(mh_decode(b, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert_eq(d.br_type, MH_BR_TYPE_BRI);
	cr_assert_eq(d.br_trigger, MH_BR_TRIGGER_INTER_MAG_DIFFERENT_ATT);
	cr_assert_eq(d.seq, 4242);
	cr_assert_eq(d.br_flags, MH_BR_P);
	cr_assert_eq(d.mn_id_len, strlen("mn1@example.org"));
	cr_assert_eq(d.group[0].n_hnp, 1);
	cr_assert(d.group[0].has_mn_ll_id);
}

Test(mh_br, bra_carries_its_status_where_the_bri_has_its_trigger)
{
	struct mh_msg m, d;
	uint8_t b[512];
	const char *why = NULL;

	bri(&m);
	m.br_type = MH_BR_TYPE_BRA;
	m.status = MH_BRA_STATUS_BINDING_DOES_NOT_EXIST;
	int n = enc(&m, b, sizeof(b));
	cr_assert_eq(b[7], MH_BRA_STATUS_BINDING_DOES_NOT_EXIST);
	cr_assert_eq(mh_decode(b, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert_eq(d.br_type, MH_BR_TYPE_BRA);
	cr_assert_eq(d.status, MH_BRA_STATUS_BINDING_DOES_NOT_EXIST);
}

Test(mh_br, restart_counter_option_round_trips_with_its_counter_4_aligned)
{
	struct mh_msg m, d;
	uint8_t b[64];
	const char *why = NULL;

	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = 9;
	m.has_restart_counter = true;
	m.restart_counter = 0xdeadbeef;
	int n = enc(&m, b, sizeof(b));
	cr_assert_eq(mh_decode(b, (size_t)n, NULL, NULL, &d, &why), 0, "%s", why);
	cr_assert(d.has_restart_counter);
	cr_assert_eq(d.restart_counter, 0xdeadbeef);
	size_t o = 12;
	while (o < (size_t)n && b[o] != MH_OPT_RESTART_COUNTER)
		o += b[o] == 0 ? 1 : 2u + b[o + 1];
	cr_assert_lt(o, (size_t)n);
	cr_assert_eq(b[o + 1], 4);
	cr_assert_eq((o + 2) % 4, 0, "the counter is 4-aligned");
}

/* ---- tshark ------------------------------------------------------------------- */

static void le32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static void add(FILE *f, const struct mh_msg *m)
{
	static const uint8_t eth[14] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd };
	struct in6_addr s = tl_addr("2001:db8::1"), d = tl_addr("2001:db8:1::2");
	uint8_t b[512], ip[40] = { 0x60 };
	const char *why;
	int n = mh_encode(m, &s, &d, b, sizeof(b), &why);

	cr_assert_gt(n, 0);
	ip[4] = (uint8_t)(n >> 8), ip[5] = (uint8_t)n, ip[6] = 135, ip[7] = 64;
	memcpy(ip + 8, &s, 16), memcpy(ip + 24, &d, 16);
	le32(f, 1), le32(f, 0), le32(f, (uint32_t)(14 + 40 + n)), le32(f, (uint32_t)(14 + 40 + n));
	fwrite(eth, 1, 14, f), fwrite(ip, 1, 40, f), fwrite(b, 1, (size_t)n, f);
}

static void expect_lines(const char *path, const char *fields, const char *const *want,
			 size_t n)
{
	char cmd[512], line[512];

	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -T fields -E occurrence=f %s 2>/dev/null",
		 path, fields);
	FILE *p = popen(cmd, "r");
	for (size_t i = 0; i < n; i++) {
		cr_assert(fgets(line, sizeof(line), p), "tshark: line %zu missing", i + 1);
		line[strcspn(line, "\n")] = 0;
		cr_expect_str_eq(line, want[i], "packet %zu", i + 1);
	}
	pclose(p);
}

Test(mh_br, tshark_reads_bri_bra_and_restart_counter_as_encoded)
{
	if (system("command -v tshark >/dev/null 2>&1") != 0)
		cr_assert_fail("tshark is not installed: it is the encoder's independent judge, never skipped (make deps)");
	char path[64], cmd[256], line[64];
	struct mh_msg m;

	snprintf(path, sizeof(path), "/tmp/pmipemu-mhbr-%d.pcap", (int)getpid());
	FILE *f = fopen(path, "wb");
	le32(f, 0xa1b2c3d4), le32(f, 0x00040002), le32(f, 0), le32(f, 0);
	le32(f, 65535), le32(f, 1);
	bri(&m);
	add(f, &m);
	m.br_type = MH_BR_TYPE_BRA;
	m.status = MH_BRA_STATUS_SUCCESS;
	add(f, &m);
	mh_msg_init(&m, MH_TYPE_BR);    /* bulk: G, no options */
	m.br_trigger = MH_BR_TRIGGER_ADMINISTRATIVE_REASON;
	m.br_flags = MH_BR_P | MH_BR_G;
	m.seq = 7;
	add(f, &m);
	mh_msg_init(&m, MH_TYPE_HEARTBEAT);
	m.hb_seq = 3;
	m.has_restart_counter = true;
	m.restart_counter = 5;
	add(f, &m);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "tshark -n -r %s -Y '_ws.malformed || _ws.expert.severity"
		 " >= warning' 2>/dev/null | wc -l", path);
	FILE *p = popen(cmd, "r");
	cr_assert(fgets(line, sizeof(line), p));
	pclose(p);
	cr_expect_eq(atoi(line), 0, "tshark flags a packet");
	static const char *const want[] = {
		"16\t1\t3\t\t4242\t1\t0\t\t\tmn1@example.org\t2001:db8:100:1::",
		"16\t2\t\t0\t4242\t\t\t1\t0\tmn1@example.org\t2001:db8:100:1::",
		"16\t1\t1\t\t7\t1\t1\t\t\t\t",
		"13\t\t\t\t\t\t\t\t\t\t",
	};
	expect_lines(path, "-e mip6.mhtype -e mip6.bri_br.type -e mip6.bri_r.trigger "
		     "-e mip6.bri_status -e mip6.bri_seqnr -e mip6.bri_ip -e mip6.bri_ig "
		     "-e mip6.bri_ap -e mip6.bri_ag -e mip6.mnid.identifier -e mip6.nemo.mnp.mnp", want, 4);
	static const char *const rc[] = { "", "", "", "5" };
	expect_lines(path, "-e mip6.rc", rc, 4);
	if (!getenv("PMIPEMU_KEEP_PCAP"))
		unlink(path);
}
