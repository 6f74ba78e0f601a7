/*
 * test_mip6_ext.c - Home Address option and type 2 Routing Header around
 * a Mobility Header (RFC 6275 6.3, 6.4): layout, round trips, checksum
 * pseudo-header, refusals.
 */
#include <criterion/criterion.h>

#include "mh_testlib.h"
#include "pmip/mip6_ext.h"

static int build_bu(uint8_t *pkt, size_t cap, struct mip6_ext *x)
{
	struct mh_msg bu;
	struct in6_addr ps, pd;
	uint8_t mh[256];
	const char *why = NULL;

	memset(x, 0, sizeof(*x));
	x->src = tl_addr("2001:db8:ac::10");          /* care-of address */
	x->dst = tl_addr("2001:db8:b::1");            /* home agent */
	x->has_hoa = true;
	x->hoa = tl_addr("2001:db8:100:1::100");
	mh_msg_init(&bu, MH_TYPE_BU);
	bu.seq = 7;
	bu.bu_flags = MH_BU_A | MH_BU_H;
	bu.lifetime = 15;
	bu.group[0].has_bid = true;
	bu.group[0].bid = 1;
	bu.group[0].bid_coa_len = 16;
	memcpy(bu.group[0].bid_coa, &x->src, 16);
	mip6_ext_pseudo(x, &ps, &pd);
	int n = mh_encode(&bu, &ps, &pd, mh, sizeof(mh), &why);

	cr_assert_gt(n, 0, "%s", why);
	return mip6_ext_encode(x, mh, (size_t)n, pkt, cap, &why);
}

Test(mip6_ext, bu_hao_layout_and_alignment)
{
	uint8_t pkt[512];
	struct mip6_ext x;
	int n = build_bu(pkt, sizeof(pkt), &x);

	cr_assert_gt(n, 40 + 24);
	cr_assert_eq(pkt[0] >> 4, 6);
	cr_assert_eq(pkt[6], MIP6_NH_DSTOPTS);
	cr_assert_eq(pkt[4] << 8 | pkt[5], n - 40);
	cr_assert_eq(pkt[40], MIP6_NH_MH);
	cr_assert_eq(pkt[41], 2);                         /* 24 octets */
	cr_assert_eq(pkt[40 + 6], MIP6_OPT_HAO);          /* 8n+6 */
	cr_assert_eq(pkt[40 + 7], 16);
	cr_assert_eq(pkt[40 + 2], 1);                     /* PadN */
	cr_assert_eq(pkt[40 + 3], 2);
	cr_assert_eq(memcmp(pkt + 48, &x.hoa, 16), 0);
	cr_assert_eq(pkt[64 + 2], MH_TYPE_BU);
}

Test(mip6_ext, bu_round_trip_checksum_over_home_address)
{
	uint8_t pkt[512];
	struct mip6_ext x, d;
	struct mh_msg m;
	struct in6_addr ps, pd;
	size_t off;
	const char *why = NULL;
	int n = build_bu(pkt, sizeof(pkt), &x);

	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), 0, "%s", why);
	cr_assert(d.has_hoa);
	cr_assert_not(d.has_rh2);
	cr_assert_eq(memcmp(&d.hoa, &x.hoa, 16), 0);
	cr_assert_eq(memcmp(&d.src, &x.src, 16), 0);
	cr_assert_eq(off, 64);
	mip6_ext_pseudo(&d, &ps, &pd);
	cr_assert_eq(memcmp(&ps, &x.hoa, 16), 0);
	cr_assert_eq(mh_decode(pkt + off, (size_t)n - off, &ps, &pd, &m, &why), 0, "%s", why);
	cr_assert_eq(m.group[0].bid, 1);
	cr_assert_eq(m.group[0].bid_coa_len, 16);
	/* over the care-of address instead, the checksum fails (6.1.1) */
	cr_assert_eq(mh_decode(pkt + off, (size_t)n - off, &d.src, &pd, &m, &why), -1);
}

Test(mip6_ext, ba_rh2_layout_and_round_trip)
{
	struct mip6_ext x = { 0 }, d;
	uint8_t mh[16] = { 59, 1, MH_TYPE_BA }, pkt[256];
	size_t off;
	const char *why = NULL;

	x.src = tl_addr("2001:db8:b::1");
	x.dst = tl_addr("2001:db8:ac::10");
	x.has_rh2 = true;
	x.rh2_addr = tl_addr("2001:db8:100:1::100");
	int n = mip6_ext_encode(&x, mh, sizeof(mh), pkt, sizeof(pkt), &why);

	cr_assert_eq(n, 40 + 24 + 16);
	cr_assert_eq(pkt[6], MIP6_NH_ROUTING);
	cr_assert_eq(pkt[41], 2);
	cr_assert_eq(pkt[42], MIP6_RH_TYPE2);
	cr_assert_eq(pkt[43], 1);                         /* Segments Left */
	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), 0, "%s", why);
	cr_assert(d.has_rh2);
	cr_assert_eq(memcmp(&d.rh2_addr, &x.rh2_addr, 16), 0);
	struct in6_addr ps, pd;

	mip6_ext_pseudo(&d, &ps, &pd);
	cr_assert_eq(memcmp(&pd, &x.rh2_addr, 16), 0);    /* final destination */
	cr_assert_eq(memcmp(&ps, &x.src, 16), 0);
	cr_assert_eq(off, 64);
}

Test(mip6_ext, walk_from_raw_socket_payload)
{
	uint8_t pkt[512];
	struct mip6_ext x, d = { 0 };
	size_t off;
	const char *why = NULL;
	int n = build_bu(pkt, sizeof(pkt), &x);

	cr_assert_eq(mip6_ext_walk(MIP6_NH_DSTOPTS, pkt + 40, (size_t)n - 40, &d, &off, &why), 0);
	cr_assert_eq(off, 24);
	cr_assert(d.has_hoa);
}

Test(mip6_ext, refusals_name_the_field)
{
	uint8_t pkt[512];
	struct mip6_ext x, d;
	size_t off;
	const char *why = NULL;
	int n = build_bu(pkt, sizeof(pkt), &x);

	for (int cut = 0; cut < 64 + 8; cut++)
		cr_assert_eq(mip6_ext_decode(pkt, (size_t)cut, &d, &off, &why), -1, "cut %d", cut);
	pkt[47] = 8;                                      /* HAO length */
	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), -1);
	cr_assert_str_eq(why, "Home Address option length is not 16");
	pkt[47] = 16;
	pkt[41] = 40;                                     /* Hdr Ext Len */
	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), -1);
	cr_assert_str_eq(why, "Hdr Ext Len beyond the packet");
	pkt[41] = 2;
	pkt[40] = 17;                                     /* UDP, no MH */
	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), -1);
	cr_assert_str_eq(why, "no Mobility Header after the extension headers");
	pkt[40] = MIP6_NH_MH;
	pkt[6] = MIP6_NH_ROUTING;                         /* a DSTOPTS read as RH */
	cr_assert_eq(mip6_ext_decode(pkt, (size_t)n, &d, &off, &why), -1);
	cr_assert_str_eq(why, "Routing Header type is not 2");
}

Test(mip6_ext, both_headers_refused_on_encode)
{
	struct mip6_ext x = { .has_hoa = true, .has_rh2 = true };
	uint8_t mh[8] = { 0 }, pkt[128];
	const char *why = NULL;

	cr_assert_eq(mip6_ext_encode(&x, mh, 8, pkt, sizeof(pkt), &why), -1);
	cr_assert_eq(mip6_ext_encode(&(struct mip6_ext){ 0 }, mh, 8, pkt, 47, &why), -1);
	cr_assert_str_eq(why, "buffer too small");
}
