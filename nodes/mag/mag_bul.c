/*
 * mag_bul.c - the MAG's Binding Update List (RFC 5213 6.1): entries, the one
 * state transition function, route actions of an entry, and the prefix hash
 * the data plane looks packets up in.
 *
 * Owns: struct mag_bul life cycle and the prefix -> session index. Must not:
 * decide when to send a PBU (mag_engine.c) or touch the system.
 */
#include <stdio.h>
#include <string.h>

#include "mag_int.h"

const char *mag_bul_state_name(enum mag_bul_state s)
{
	switch (s) {
	case MAG_BUL_WAIT_PBA: return "WAIT_PBA";
	case MAG_BUL_ACTIVE: return "ACTIVE";
	case MAG_BUL_REFRESHING: return "REFRESHING";
	case MAG_BUL_DEREGISTERING: return "DEREGISTERING";
	case MAG_BUL_DELETED: return "DELETED";
	}
	return "UNKNOWN";
}

static bool bul_registered(const struct mag_bul *b)
{
	return b->state == MAG_BUL_ACTIVE || b->state == MAG_BUL_REFRESHING;
}

const struct mag_access *mag_access_find(const struct mag *m, int ifindex)
{
	for (size_t i = 0; i < m->cfg.n_access; i++)
		if (m->cfg.access[i].ifindex == ifindex)
			return &m->cfg.access[i];
	return NULL;
}

/* The interface's profile: the one without a service (the RFC 5213
 * session) first, else the first with this MN-LL-ID. */
const struct mag_profile *mag_profile_by_ll(const struct mag *m, const uint8_t ll[6])
{
	const struct mag_profile *any = NULL;

	for (size_t i = 0; i < m->cfg.n_profile; i++) {
		const struct mag_profile *p = &m->cfg.profile[i];

		if (memcmp(p->ll_id, ll, 6))
			continue;
		if (!p->service[0])
			return p;
		if (!any)
			any = p;
	}
	return any;
}

struct mag_bul *mag_bul_new(struct mag *m, const struct mag_profile *p,
			    int ifindex, const uint8_t ll_id[6])
{
	const struct mag_access *acc = mag_access_find(m, ifindex);
	if (!acc)
		return NULL;
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		if (b->state != MAG_BUL_DELETED)
			continue;
		memset(b, 0, sizeof(*b));
		b->state = MAG_BUL_DELETED;
		/* ids double as Binding IDs (RFC 5648 6.2): 16 bits, never 0,
		 * never one a live session holds */
		do
			m->next_id = m->next_id % 65535 + 1;
		while (mag_bul_by_id(m, m->next_id));
		b->id = m->next_id;
		b->prof = p;
		memcpy(b->ll_id, ll_id, 6);
		/* RFC 5213 6.9.1.1: ATT never 0 (Reserved) */
		b->att = p->att ? p->att : acc->att;
		b->ifindex = ifindex;
		memcpy(b->ifname, acc->name, sizeof(b->ifname));
		b->lmaa = m->cfg.lmaa;
		strcpy(b->service, p->service);
		b->n_hnp = p->n_hnp;
		memcpy(b->hnp, p->hnp, sizeof(b->hnp));
		b->txn = -1;
		return b;
	}
	return NULL;
}

/* The interface's session without a service (RFC 5213's), else its first
 * one: what attach, RS and handoff are about. */
struct mag_bul *mag_bul_find(struct mag *m, const char *mn_id, const uint8_t ll_id[6])
{
	struct mag_bul *any = NULL;

	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		if (b->state == MAG_BUL_DELETED || strcmp(b->prof->mn_id, mn_id) ||
		    memcmp(b->ll_id, ll_id, 6))
			continue;
		if (!b->service[0])
			return b;
		if (!any)
			any = b;
	}
	return any;
}

/* The interface's session of this service ("" = none), section 2.1. */
struct mag_bul *mag_bul_find_service(struct mag *m, const uint8_t ll_id[6],
				     const char *service)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		struct mag_bul *b = &m->bul[i];
		if (b->state != MAG_BUL_DELETED && !memcmp(b->ll_id, ll_id, 6) &&
		    !strcmp(b->service, service))
			return b;
	}
	return NULL;
}

struct mag_bul *mag_bul_by_id(struct mag *m, unsigned id)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++)
		if (m->bul[i].state != MAG_BUL_DELETED && m->bul[i].id == id)
			return &m->bul[i];
	return NULL;
}

/* Leave the outstanding transaction, if any. */
void mag_bul_leave_txn(struct mag *m, struct mag_bul *b)
{
	if (b->txn < 0)
		return;
	struct mag_txn *t = &m->txn[b->txn];
	unsigned slot = (unsigned)(b - m->bul);
	for (unsigned i = 0; i < t->n_bul; i++) {
		if (t->bul[i] != slot)
			continue;
		t->bul[i] = t->bul[--t->n_bul];
		break;
	}
	if (t->n_bul == 0)
		t->used = false;
	b->txn = -1;
}

/*
 * The one transition function of a BUL entry: logs old -> new and sets the
 * entry's deadlines (refresh, expiry, unsolicited RA). Retransmission
 * deadlines belong to the transaction (mag_engine.c).
 */
void mag_bul_set_state(struct mag *m, struct mag_bul *b, enum mag_bul_state s,
		       uint64_t now_ns, struct mag_acts *acts, const char *why)
{
	enum mag_bul_state old = b->state;
	bool was_reg = bul_registered(b);
	mag_act_log(acts, "bul %u %s [%s]: %s -> %s (%s)", b->id, b->prof->mn_id,
		    b->ifname, mag_bul_state_name(old), mag_bul_state_name(s), why);
	b->state = s;
	switch (s) {
	case MAG_BUL_ACTIVE: {
		/* RFC 6275 11.7.1: the lifetime runs from when the PBU left. */
		uint64_t life_ns = (uint64_t)b->lifetime_s * 1000000000ull;
		b->expiry_ns = b->reg_sent_ns + life_ns;
		b->refresh_ns = b->reg_sent_ns + life_ns / 100 * m->cfg.refresh_pct;
		if (b->refresh_ns <= now_ns)
			b->refresh_ns = now_ns + 1;
		b->ra_ns = now_ns + m->cfg.ra_interval_ns;
		if (old == MAG_BUL_WAIT_PBA)    /* a new registration */
			b->ra_initial = MAG_INITIAL_RAS;
		break;
	}
	case MAG_BUL_REFRESHING:
		b->refresh_ns = 0;
		break;
	case MAG_BUL_WAIT_PBA:
	case MAG_BUL_DEREGISTERING:
		b->refresh_ns = b->expiry_ns = b->ra_ns = 0;
		break;
	case MAG_BUL_DELETED:
		mag_bul_leave_txn(m, b);
		b->refresh_ns = b->expiry_ns = b->ra_ns = 0;
		break;
	}
	if (was_reg != bul_registered(b))
		mag_phash_rebuild(m);
}

/* ROUTE_ADD / ROUTE_DEL for prefix p of b: the shell installs the uplink
 * rule (from HNP iif ACCESS -> tunnel, RFC 5213 6.10.5) and the downlink
 * route (HNP via the MN's link-local address on ACCESS). ll_id tells the
 * shell which MN the prefix belongs to: the prefix is the MN's (per-MN
 * prefix), not the link's, and after a handoff between two interfaces of
 * the MN (section 4) it is carried by an interface whose address was not
 * formed from it. */
void mag_bul_route(const struct mag_bul *b, const struct mh_prefix *p,
		   enum mag_act_type t, struct mag_acts *acts)
{
	struct mag_act *a = mag_act_push(acts, t);
	if (!a)
		return;
	a->ifindex = b->ifindex;
	memcpy(a->ifname, b->ifname, sizeof(a->ifname));
	memcpy(a->ll_id, b->ll_id, sizeof(a->ll_id));
	a->prefix = *p;
	a->peer = b->lmaa;
}

void mag_bul_routes(struct mag *m, struct mag_bul *b, enum mag_act_type t,
		    struct mag_acts *acts)
{
	(void)m;
	for (unsigned i = 0; i < b->n_hnp; i++)
		mag_bul_route(b, &b->hnp[i], t, acts);
}

/* ---- prefix hash ---------------------------------------------------------- */

static void prefix_mask(struct in6_addr *a, unsigned plen)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		if (bits < 8)
			a->s6_addr[i] &= (uint8_t)(0xff00u >> bits);
	}
}

static unsigned phash_key(const struct in6_addr *p, unsigned plen)
{
	uint32_t h = 2166136261u;          /* FNV-1a */
	for (unsigned i = 0; i < 16; i++)
		h = (h ^ p->s6_addr[i]) * 16777619u;
	h = (h ^ plen) * 16777619u;
	return h % MAG_PHASH_SIZE;
}

static void phash_insert(struct mag *m, const struct mh_prefix *p, unsigned bul)
{
	struct in6_addr k = p->prefix;
	prefix_mask(&k, p->len);
	unsigned h = phash_key(&k, p->len);
	for (unsigned n = 0; n < MAG_PHASH_SIZE; n++, h = (h + 1) % MAG_PHASH_SIZE) {
		struct mag_phash_slot *s = &m->phash[h];
		if (!s->used) {
			*s = (struct mag_phash_slot){ true, p->len, k, bul };
			m->plen_used[p->len] = true;
			return;
		}
	}
}

/* Rebuilt on every change of the registered set: rare, and O(sessions). */
void mag_phash_rebuild(struct mag *m)
{
	memset(m->phash, 0, sizeof(m->phash));
	memset(m->plen_used, 0, sizeof(m->plen_used));
	for (unsigned i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *b = &m->bul[i];
		if (!bul_registered(b))
			continue;
		for (unsigned k = 0; k < b->n_hnp; k++)
			if (b->hnp[k].len <= 128)
				phash_insert(m, &b->hnp[k], i);
	}
}

const struct mag_bul *mag_find_by_addr(const struct mag *m,
				       const struct in6_addr *addr)
{
	for (int plen = 128; plen >= 0; plen--) {
		if (!m->plen_used[plen])
			continue;
		struct in6_addr k = *addr;
		prefix_mask(&k, (unsigned)plen);
		unsigned h = phash_key(&k, (unsigned)plen);
		for (unsigned n = 0; n < MAG_PHASH_SIZE; n++, h = (h + 1) % MAG_PHASH_SIZE) {
			const struct mag_phash_slot *s = &m->phash[h];
			if (!s->used)
				break;
			if (s->plen == plen && !memcmp(&s->prefix, &k, sizeof(k)))
				return &m->bul[s->bul];
		}
	}
	return NULL;
}

const struct mag_bul *mag_bul_at(const struct mag *m, size_t i)
{
	if (i >= MAG_BUL_MAX || m->bul[i].state == MAG_BUL_DELETED)
		return NULL;
	return &m->bul[i];
}

const struct mag_bul *mag_find_session(const struct mag *m, const char *mn_id,
				       const uint8_t ll_id[6])
{
	return mag_bul_find((struct mag *)m, mn_id, ll_id);
}

uint32_t mag_bul_remaining_s(const struct mag_bul *b, uint64_t now_ns)
{
	if (b->expiry_ns <= now_ns)
		return 0;
	return (uint32_t)((b->expiry_ns - now_ns) / 1000000000ull);
}

/* Does the MN's interface keep another registered session on b's link
 * (section 2.1)? Then withdrawing b's prefixes leaves the router in use. */
bool mag_bul_iface_shared(const struct mag *m, const struct mag_bul *b)
{
	for (size_t i = 0; i < MAG_BUL_MAX; i++) {
		const struct mag_bul *o = &m->bul[i];

		if (o != b && mag_bul_registered(o) && o->ifindex == b->ifindex &&
		    !memcmp(o->ll_id, b->ll_id, 6))
			return true;
	}
	return false;
}
