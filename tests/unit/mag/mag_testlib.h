/*
 * mag_testlib.h - fixtures for the MAG engine tests: a two-interface MAG,
 * three policy profiles (one MN with two interfaces, one with a static
 * prefix), synthetic PBAs, and action-list queries.
 */
#ifndef MAG_TESTLIB_H
#define MAG_TESTLIB_H

#include <criterion/criterion.h>
#include <json-c/json.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mag/mag_int.h"

#define S_NS 1000000000ull
#define IF_ETH 11                    /* access eth1, IEEE 802.3 */
#define IF_WLAN 12                   /* access wlan1, ATT from profile */

static const uint8_t LL_A1[6] = { 2, 0, 0, 0, 1, 1 };   /* mn-a, iface 1 */
static const uint8_t LL_A2[6] = { 2, 0, 0, 0, 1, 2 };   /* mn-a, iface 2 */
static const uint8_t LL_B[6] = { 2, 0, 0, 0, 2, 1 };    /* mn-b, static HNP */
static const uint8_t LL_X[6] = { 2, 0, 0, 0, 9, 9 };    /* no profile */

static struct mag_cfg tcfg;
static struct mag *tm;
static struct mag_acts *ta;

static inline struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	cr_assert(inet_pton(AF_INET6, s, &a) == 1, "bad address %s", s);
	return a;
}

static inline void tcfg_default(void)
{
	mag_cfg_defaults(&tcfg);
	tcfg.lmaa = a6("2001:db8::1");
	tcfg.proxy_coa = a6("2001:db8:1::1");
	tcfg.lifetime_s = 100;
	tcfg.n_access = 2;
	strcpy(tcfg.access[0].name, "eth1");
	tcfg.access[0].ifindex = IF_ETH;
	tcfg.access[0].att = MH_ATT_ETHERNET;
	strcpy(tcfg.access[1].name, "wlan1");
	tcfg.access[1].ifindex = IF_WLAN;
	tcfg.access[1].att = MH_ATT_ETHERNET;
	tcfg.n_profile = 3;
	strcpy(tcfg.profile[0].mn_id, "mn-a@example.org");
	memcpy(tcfg.profile[0].ll_id, LL_A1, 6);
	strcpy(tcfg.profile[1].mn_id, "mn-a@example.org");
	memcpy(tcfg.profile[1].ll_id, LL_A2, 6);
	tcfg.profile[1].att = MH_ATT_WLAN;
	strcpy(tcfg.profile[2].mn_id, "mn-b@example.org");
	memcpy(tcfg.profile[2].ll_id, LL_B, 6);
	tcfg.profile[2].n_hnp = 1;
	tcfg.profile[2].hnp[0].len = 64;
	tcfg.profile[2].hnp[0].prefix = a6("2001:db8:200::");
}

static inline void tstart(void)
{
	const char *why = NULL;
	tm = mag_new(&tcfg, &why);
	cr_assert_not_null(tm, "mag_new: %s", why);
	ta = calloc(1, sizeof(*ta));
	cr_assert_not_null(ta);
}

static inline void tsetup(void)
{
	tcfg_default();
	tstart();
}

static inline void tteardown(void)
{
	mag_free(tm);
	free(ta);
	tm = NULL;
	ta = NULL;
}

static inline size_t count_acts(enum mag_act_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < ta->n; i++)
		n += ta->a[i].type == t;
	return n;
}

static inline const struct mag_act *nth_act(enum mag_act_type t, size_t nth)
{
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == t && nth-- == 0)
			return &ta->a[i];
	return NULL;
}

static inline const struct mh_msg *nth_pbu(size_t nth)
{
	const struct mag_act *a = nth_act(MAG_ACT_SEND_PBU, nth);
	return a ? &ta->pbu[a->pbu_idx] : NULL;
}

static inline const struct mag_act *find_event(enum mag_event ev)
{
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == MAG_ACT_EVENT && ta->a[i].ev == ev)
			return &ta->a[i];
	return NULL;
}

static inline void attach(int ifindex, const uint8_t ll[6], uint64_t now)
{
	const char *why = NULL;
	mag_acts_reset(ta);
	cr_assert_eq(mag_mn_attach(tm, ifindex, ll, now, ta, &why), 0,
		     "attach: %s", why);
}

static inline void timer(uint64_t now)
{
	mag_acts_reset(ta);
	cr_assert_eq(mag_timer(tm, now, ta), 0);
}

/* A PBA answering pbu: status, lifetime, prefix assigned (NULL: echo). */
static inline struct mh_msg make_pba(const struct mh_msg *pbu, uint8_t status,
				     uint32_t lifetime_s, const char *hnp)
{
	struct mh_msg p;
	memset(&p, 0, sizeof(p));
	p.type = MH_TYPE_BA;
	p.payload_proto = 59;
	p.ba_flags = MH_BA_P;
	p.status = status;
	p.seq = pbu->seq;
	p.lifetime = (uint16_t)(lifetime_s / 4);
	p.has_mn_id = pbu->has_mn_id;
	p.mn_id_subtype = pbu->mn_id_subtype;
	p.mn_id_len = pbu->mn_id_len;
	memcpy(p.mn_id, pbu->mn_id, pbu->mn_id_len);
	p.has_timestamp = pbu->has_timestamp;
	p.timestamp = pbu->timestamp;
	p.n_groups = pbu->n_groups;
	memcpy(p.group, pbu->group, sizeof(p.group));
	if (hnp) {
		p.group[0].n_hnp = 1;
		p.group[0].hnp[0].len = 64;
		p.group[0].hnp[0].prefix = a6(hnp);
	}
	return p;
}

static inline void pba(const struct mh_msg *m, uint64_t now)
{
	struct in6_addr src = tcfg.lmaa;
	mag_acts_reset(ta);
	cr_assert_eq(mag_input_pba(tm, &src, m, now, ta), 0);
}

/* Attach ll on ifindex at t and accept with prefix hnp (NULL: echo). */
static inline void register_mn(int ifindex, const uint8_t ll[6], const char *hnp,
			       uint64_t t)
{
	attach(ifindex, ll, t);
	const struct mh_msg *p = nth_pbu(0);
	cr_assert_not_null(p, "no PBU on attach");
	struct mh_msg r = make_pba(p, PBA_STATUS_ACCEPTED, tcfg.lifetime_s, hnp);
	pba(&r, t + 10000000);
}

#endif
