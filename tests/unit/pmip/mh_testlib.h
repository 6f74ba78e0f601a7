/*
 * mh_testlib.h - shared fixtures of the Mobility Header tests: sample
 * messages and a raw builder for hand-made (often broken) headers.
 */
#ifndef PMIPEMU_MH_TESTLIB_H
#define PMIPEMU_MH_TESTLIB_H

#include <arpa/inet.h>
#include <string.h>

#include "pmip/mh.h"

static inline struct in6_addr tl_addr(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* A PBU with every single-session option. */
static inline void tl_pbu_full(struct mh_msg *m)
{
	struct mh_group *g;

	mh_msg_init(m, MH_TYPE_BU);
	m->seq = 0x1234;
	m->bu_flags = MH_BU_A | MH_BU_P;
	m->lifetime = 0x0e10;
	mh_set_mn_id(m, "mn1@example.org");
	m->has_timestamp = true;
	m->timestamp = 0x0000123456789abcULL;
	g = &m->group[0];
	g->has_mn_ll_id = true;
	g->mn_ll_id_len = 6;
	memcpy(g->mn_ll_id, "\x02\x00\x00\x00\x00\x01", 6);
	g->has_att = true;
	g->att = MH_ATT_WLAN;
	g->has_hi = true;
	g->hi = MH_HI_ATTACH_NEW_IFACE;
	g->has_ll_addr = true;
	g->ll_addr = tl_addr("fe80::1");
	g->n_hnp = 2;
	g->hnp[0].len = 64;
	g->hnp[0].prefix = tl_addr("2001:db8:1::");
	g->hnp[1].len = 56;
	g->hnp[1].prefix = tl_addr("2001:db8:200::");
}

/* A PBU of three sessions, told apart by BID options. */
static inline void tl_pbu_multi(struct mh_msg *m)
{
	unsigned i;

	tl_pbu_full(m);
	m->n_groups = 3;
	for (i = 0; i < 3; i++) {
		struct mh_group *g = &m->group[i];

		if (i)
			*g = m->group[0];
		g->has_bid = true;
		g->bid = (uint16_t)(100 + i);
		g->bid_h = i == 1;
		g->bid_pri = (uint8_t)(i + 1);
		g->mn_ll_id[5] = (uint8_t)(1 + i);
		g->att = (uint8_t)(MH_ATT_ETHERNET + i);
		g->n_hnp = (uint8_t)(i + 1);
		g->hnp[i].len = 64;
		g->hnp[i].prefix = tl_addr("2001:db8:9::");
		g->hnp[i].prefix.s6_addr[7] = (uint8_t)i;
	}
	m->group[1].bid_coa_len = 16;
	memcpy(m->group[1].bid_coa, tl_addr("2001:db8:ff::2").s6_addr, 16);
	m->group[2].bid_coa_len = 4;
	memcpy(m->group[2].bid_coa, "\xc0\x00\x02\x01", 4);
}

/* Raw BU: 12 octets of header and data, then opts verbatim, then PadN to
 * 8 octets; Header Len set to match. Returns the length. */
static inline size_t tl_raw_bu(uint8_t *buf, const uint8_t *opts, size_t n)
{
	size_t len = 12 + n, pad = (8 - len % 8) % 8;

	memset(buf, 0, 12);
	buf[0] = 59;
	buf[2] = MH_TYPE_BU;
	buf[8] = 0x02;             /* P flag (0x0200) */
	memcpy(buf + 12, opts, n);
	if (pad == 1) {
		buf[len] = 0;
	} else if (pad) {
		buf[len] = 1;
		buf[len + 1] = (uint8_t)(pad - 2);
		memset(buf + len + 2, 0, pad - 2);
	}
	len += pad;
	buf[1] = (uint8_t)(len / 8 - 1);
	return len;
}

#endif
