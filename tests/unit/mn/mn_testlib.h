/*
 * mn_testlib.h - fixtures for the MN engine tests: an MN with interfaces
 * wlan0 (ifindex 11), g3 (12) and, when asked, eth2 (13), each with a
 * router fe80::1 (the same link-local on every MAG, RFC 5213 6.8) and a
 * home network prefix 2001:db8:1::/64, :2::/64, :3::/64; action queries.
 */
#ifndef MN_TESTLIB_H
#define MN_TESTLIB_H

#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mn/mn_int.h"

#define S_NS 1000000000ull
#define IF0 11
#define IF1 12
#define IF2 13

static struct mn_cfg tcfg;
static struct mn *tm;
static struct mn_acts *ta;

static inline struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	cr_assert(inet_pton(AF_INET6, s, &a) == 1, "bad address %s", s);
	return a;
}

static inline void tcfg_default(size_t n_iface, bool fast_handover)
{
	static const char *names[] = { "wlan0", "g3", "eth2" };
	mn_cfg_defaults(&tcfg);
	tcfg.fast_handover = fast_handover;
	tcfg.n_iface = n_iface;
	for (size_t i = 0; i < n_iface; i++)
		strcpy(tcfg.ifname[i], names[i]);
}

static inline void tm_start(void)
{
	const char *why = NULL;
	tm = mn_new(&tcfg, &why);
	cr_assert_not_null(tm, "mn_new: %s", why);
	ta = calloc(1, sizeof(*ta));
	cr_assert_not_null(ta);
	for (size_t i = 0; i < tcfg.n_iface; i++)
		cr_assert_eq(mn_iface_attach(tm, tcfg.ifname[i], IF0 + (int)i, true, true,
					     0, ta), 0);
}

static inline void tm_stop(void)
{
	mn_free(tm);
	free(ta);
	tm = NULL;
	ta = NULL;
}

/* Interface i (0-based) gets its router and the address 2001:db8:(i+1)::10/64. */
static inline void tm_bring_up(size_t i, uint64_t now_ns)
{
	char a[64];
	const char *why = NULL;
	snprintf(a, sizeof(a), "2001:db8:%zu::10", i + 1);
	struct in6_addr ad = a6(a), r = a6("fe80::1");
	cr_assert_eq(mn_addr_add(tm, IF0 + (int)i, &ad, 64, now_ns, ta), 0);
	cr_assert_eq(mn_ra(tm, IF0 + (int)i, &r, 1800, now_ns, ta, &why), 0, "%s", why);
}

static inline size_t n_acts(enum mn_act_type t)
{
	size_t n = 0;
	for (size_t i = 0; i < ta->n; i++)
		n += ta->a[i].type == t;
	return n;
}

/* The k-th action of type t (0-based) or NULL. */
static inline const struct mn_act *find_act(enum mn_act_type t, size_t k)
{
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == t && k-- == 0)
			return &ta->a[i];
	return NULL;
}

/* A source rule action of type t for prefix text with table, or NULL. */
static inline const struct mn_act *find_rule(enum mn_act_type t, const char *prefix,
					      uint32_t table)
{
	struct in6_addr p = a6(prefix);
	for (size_t i = 0; i < ta->n; i++) {
		const struct mn_act *a = &ta->a[i];
		if (a->type == t && !a->fwmark && a->table == table &&
		    !memcmp(&a->prefix, &p, sizeof(p)))
			return a;
	}
	return NULL;
}

static inline const struct mn_act *find_event(enum mn_event ev, size_t k)
{
	for (size_t i = 0; i < ta->n; i++)
		if (ta->a[i].type == MN_ACT_EVENT && ta->a[i].ev == ev && k-- == 0)
			return &ta->a[i];
	return NULL;
}

static inline size_t n_events(enum mn_event ev)
{
	size_t n = 0;
	for (size_t i = 0; i < ta->n; i++)
		n += ta->a[i].type == MN_ACT_EVENT && ta->a[i].ev == ev;
	return n;
}

/* Index of the first action matching p in the list, for ordering checks. */
static inline long act_pos(const struct mn_act *p)
{
	return p ? (long)(p - ta->a) : -1;
}

#endif
