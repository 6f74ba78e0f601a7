/*
 * mn_addr.c - the MN's addresses as the kernel reports them (SLAAC from
 * each MAG's RA): which home network prefix each interface holds, and the
 * policy rules that send a prefix's packets out by its interface (see
 * mn_engine.c). Pure (mn.h): every change leaves as actions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mn_int.h"

/* ---- addresses ------------------------------------------------------------------ */

/* Scopes a rule is for: not link-local, multicast, loopback or :: */
static bool addr_global(const struct in6_addr *a)
{
	return !IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_MULTICAST(a) &&
	       !IN6_IS_ADDR_LOOPBACK(a) && !IN6_IS_ADDR_UNSPECIFIED(a) &&
	       !IN6_IS_ADDR_V4MAPPED(a);
}

static struct mn_prefix *pfx_find(struct mn_iface *f, const struct in6_addr *p,
				  uint8_t plen, bool create)
{
	struct mn_prefix *free_slot = NULL;
	for (size_t k = 0; k < MN_ADDR_MAX; k++) {
		struct mn_prefix *x = &f->pfx[k];
		if (x->used && x->plen == plen && !memcmp(&x->prefix, p, sizeof(*p)))
			return x;
		if (!x->used && !free_slot)
			free_slot = x;
	}
	if (!create || !free_slot)
		return NULL;
	memset(free_slot, 0, sizeof(*free_slot));
	free_slot->used = true;
	free_slot->prefix = *p;
	free_slot->plen = plen;
	return free_slot;
}

static int addr_find(const struct mn_iface *f, const struct in6_addr *a, uint8_t plen)
{
	for (size_t k = 0; k < f->n_addr; k++)
		if (f->addr[k].plen == plen && !memcmp(&f->addr[k].addr, a, sizeof(*a)))
			return (int)k;
	return -1;
}

static void prefix_event(struct mn_acts *acts, enum mn_event ev,
			 const struct mn_iface *f, const struct mn_prefix *p)
{
	char s[INET6_ADDRSTRLEN + 8];
	mn_fmt_prefix(s, sizeof(s), &p->prefix, p->plen);
	mn_act_event(acts, ev, "\"iface\":\"%s\",\"prefix\":\"%s\"", f->name, s);
}

int mn_addr_add(struct mn *m, int ifindex, const struct in6_addr *addr,
		uint8_t plen, uint64_t now_ns, struct mn_acts *acts)
{
	(void)now_ns;
	int i = mn_iface_by_index(m, ifindex);
	if (i < 0 || !addr_global(addr) || plen > 128) {
		m->stats.addr_ignored++;
		return 0;
	}
	struct mn_iface *f = &m->ifc[i];
	if (addr_find(f, addr, plen) >= 0)
		return 0;                /* a flags or lifetime update */
	struct in6_addr pm;
	mn_prefix_mask(&pm, addr, plen);
	struct mn_prefix *p = pfx_find(f, &pm, plen, true);
	if (f->n_addr >= MN_ADDR_MAX || !p) {
		m->stats.addr_ignored++;
		return -1;
	}
	f->addr[f->n_addr].addr = *addr;
	f->addr[f->n_addr++].plen = plen;
	m->stats.addr_added++;
	if (p->n_addr++ == 0)
		prefix_event(acts, MN_EV_PREFIX_ADDED, f, p);
	mn_sync_rules(m, (size_t)i, acts);
	return mn_done(m, acts);
}

int mn_addr_del(struct mn *m, int ifindex, const struct in6_addr *addr,
		uint8_t plen, uint64_t now_ns, struct mn_acts *acts)
{
	(void)now_ns;
	int i = mn_iface_by_index(m, ifindex);
	struct mn_iface *f = i >= 0 ? &m->ifc[i] : NULL;
	int k = f ? addr_find(f, addr, plen) : -1;
	if (k < 0)
		return 0;
	f->addr[k] = f->addr[--f->n_addr];
	m->stats.addr_removed++;
	struct in6_addr pm;
	mn_prefix_mask(&pm, addr, plen);
	struct mn_prefix *p = pfx_find(f, &pm, plen, false);
	if (!p || --p->n_addr > 0)
		return mn_done(m, acts);
	if (p->rule_table)
		mn_rule_act(m, MN_ACT_RULE_DEL, (size_t)i, &p->prefix, p->plen, 0,
			 p->rule_table, acts);
	prefix_event(acts, MN_EV_PREFIX_REMOVED, f, p);
	memset(p, 0, sizeof(*p));
	return mn_done(m, acts);
}

