/*
 * mn_engine.c - the MN-side policy engine (pure).
 *
 * Multihoming: every interface i has its own home network prefix(es) (RFC
 * 5213 6.8) and its own MAG, whose uplink rule forwards only packets from
 * the prefixes it registered for that interface (RFC 5213 6.10.5). So a
 * packet must leave by the interface its source prefix belongs to: table
 * T_i = table_base + i holds "default via ROUTER dev i", and a rule "from
 * PREFIX lookup T_i" per prefix of i.
 *
 * Disconnect trigger (draft appendix D, MN side): when i loses its carrier
 * and fast handover is on, the rules of i's prefixes (and i's flow mark)
 * are re-pointed at once to a surviving interface's table; the network
 * side moves the downlink and lets that MAG accept the uplink from i's
 * prefix. When i's carrier returns and an RA shows its MAG is serving it
 * again (RFC 5213 6.7: the MAG advertises only after the PBA), the rules
 * return (uplink_return). With fast handover off nothing moves: the RFC
 * 5213 baseline, where i's prefixes are unreachable until i comes back.
 *
 * Owns: interface, address, router and rule state; the move decisions.
 * Must not: touch the system, read clocks or log (actions only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "mn_int.h"

/* ---- construction ---------------------------------------------------------- */

struct mn *mn_new(const struct mn_cfg *cfg, const char **why)
{
	if (mn_cfg_check(cfg, why) < 0)
		return NULL;
	struct mn *m = calloc(1, sizeof(*m));
	if (!m) {
		*why = "out of memory";
		return NULL;
	}
	m->cfg = *cfg;
	m->n_ifc = cfg->n_iface;
	for (size_t i = 0; i < m->n_ifc; i++) {
		struct mn_iface *f = &m->ifc[i];
		memcpy(f->name, cfg->ifname[i], MN_IFNAME_MAX);
		f->table = cfg->table_base + (uint32_t)i;
		f->target = (int)i;
	}
	return m;
}

void mn_free(struct mn *m)
{
	free(m);
}

const struct mn_cfg *mn_cfg(const struct mn *m) { return &m->cfg; }
struct mn_stats *mn_stats(struct mn *m) { return &m->stats; }
size_t mn_n_ifaces(const struct mn *m) { return m->n_ifc; }

const struct mn_iface *mn_iface_at(const struct mn *m, size_t i)
{
	return i < m->n_ifc ? &m->ifc[i] : NULL;
}

int mn_iface_by_index(const struct mn *m, int ifindex)
{
	for (size_t i = 0; ifindex > 0 && i < m->n_ifc; i++)
		if (m->ifc[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

int mn_iface_by_name(const struct mn *m, const char *name)
{
	for (size_t i = 0; i < m->n_ifc; i++)
		if (!strcmp(m->ifc[i].name, name))
			return (int)i;
	return -1;
}

uint32_t mn_iface_mark(const struct mn *m, size_t i)
{
	return m->cfg.mark_base + 1 + (uint32_t)i;
}

static bool link_ok(const struct mn_iface *f)
{
	return f->ifindex > 0 && f->carrier && f->up;
}

bool mn_iface_usable(const struct mn *m, size_t i)
{
	if (i >= m->n_ifc)
		return false;
	const struct mn_iface *f = &m->ifc[i];
	return link_ok(f) && f->has_router && f->router_confirmed;
}

/* ---- rules ------------------------------------------------------------------ */

void mn_rule_act(struct mn *m, enum mn_act_type t, size_t i,
		 const struct in6_addr *prefix, uint8_t plen, uint32_t fwmark,
		 uint32_t table, struct mn_acts *acts)
{
	struct mn_act *a = mn_act_push(acts, t);
	a->ifindex = m->ifc[i].ifindex;
	memcpy(a->ifname, m->ifc[i].name, MN_IFNAME_MAX);
	if (prefix)
		a->prefix = *prefix;
	a->plen = plen;
	a->fwmark = fwmark;
	a->table = table;
	a->prio = (fwmark ? m->cfg.mark_prio : m->cfg.rule_prio) + (uint32_t)i;
}

/* Make every rule of interface i point at its target's table. The new rule
 * goes in before the old one leaves: with equal priority the old one still
 * matches first meanwhile (and falls through when its route is dead), so no
 * packet meets a moment without a rule. */
void mn_sync_rules(struct mn *m, size_t i, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	uint32_t want = m->ifc[f->target].table;
	for (size_t k = 0; k < MN_ADDR_MAX; k++) {
		struct mn_prefix *p = &f->pfx[k];
		if (!p->used || p->rule_table == want)
			continue;
		mn_rule_act(m, MN_ACT_RULE_ADD, i, &p->prefix, p->plen, 0, want, acts);
		if (p->rule_table)
			mn_rule_act(m, MN_ACT_RULE_DEL, i, &p->prefix, p->plen, 0,
				 p->rule_table, acts);
		p->rule_table = want;
	}
	if (!m->cfg.n_sel || f->ifindex <= 0 || f->mark_table == want)
		return;
	mn_rule_act(m, MN_ACT_RULE_ADD, i, NULL, 0, mn_iface_mark(m, i), want, acts);
	if (f->mark_table)
		mn_rule_act(m, MN_ACT_RULE_DEL, i, NULL, 0, mn_iface_mark(m, i),
			 f->mark_table, acts);
	f->mark_table = want;
}

/* ---- where the uplink of each interface goes ------------------------------- */

static int first_usable_other(const struct mn *m, size_t i)
{
	for (size_t j = 0; j < m->n_ifc; j++)
		if (j != i && mn_iface_usable(m, j))
			return (int)j;
	return -1;
}

/* The target of interface i's rules (appendix D, MN side). */
static int want_target(const struct mn *m, size_t i)
{
	const struct mn_iface *f = &m->ifc[i];
	int cur = f->target;
	if (!m->cfg.fast_handover)
		return (int)i;
	if (mn_iface_usable(m, i)) {
		bool stay = cur != (int)i && !m->cfg.uplink_return &&
			    mn_iface_usable(m, (size_t)cur);
		return stay ? cur : (int)i;
	}
	if (cur != (int)i && mn_iface_usable(m, (size_t)cur))
		return cur;              /* moved, waiting for i's RA */
	if (!link_ok(f) || cur != (int)i) {
		/* the disconnect trigger, or the interface we moved to failed */
		int j = first_usable_other(m, i);
		return j >= 0 ? j : (int)i;
	}
	return (int)i;                   /* link up, router not yet known */
}

static void move_events(struct mn *m, size_t i, int from, int to,
			struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	bool back = to == (int)i;
	for (size_t k = 0; k < MN_ADDR_MAX; k++) {
		char p[INET6_ADDRSTRLEN + 8];
		if (!f->pfx[k].used)
			continue;
		mn_fmt_prefix(p, sizeof(p), &f->pfx[k].prefix, f->pfx[k].plen);
		mn_act_event(acts, back ? MN_EV_UPLINK_RETURNED : MN_EV_UPLINK_MOVED,
			     "\"iface\":\"%s\",\"prefix\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"",
			     f->name, p, m->ifc[from].name, m->ifc[to].name);
		if (back)
			m->stats.returns++;
		else
			m->stats.moves++;
	}
}

static void retarget(struct mn *m, struct mn_acts *acts)
{
	for (size_t i = 0; i < m->n_ifc; i++) {
		struct mn_iface *f = &m->ifc[i];
		int to = want_target(m, i);
		if (to == f->target)
			continue;
		mn_act_log(acts, "%s: uplink %s -> %s", f->name, m->ifc[f->target].name,
			   m->ifc[to].name);
		move_events(m, i, f->target, to, acts);
		f->target = to;
		mn_sync_rules(m, i, acts);
	}
}

/* ---- timers ------------------------------------------------------------------ */

uint64_t mn_next_deadline(const struct mn *m)
{
	uint64_t d = 0;
	for (size_t i = 0; i < m->n_ifc; i++) {
		const struct mn_iface *f = &m->ifc[i];
		if (f->has_router && f->router_expiry_ns &&
		    (!d || f->router_expiry_ns < d))
			d = f->router_expiry_ns;
	}
	return d;
}

static void rearm(struct mn *m, struct mn_acts *acts)
{
	uint64_t d = mn_next_deadline(m);
	if (d == m->deadline_ns)
		return;
	m->deadline_ns = d;
	mn_act_push(acts, MN_ACT_TIMER_SET)->deadline_ns = d;
}

/* Every input ends here: rules follow the new state, the timer the routers. */
int mn_done(struct mn *m, struct mn_acts *acts)
{
	retarget(m, acts);
	rearm(m, acts);
	return 0;
}

/* ---- routers ------------------------------------------------------------------ */

static void route_act(struct mn *m, enum mn_act_type t, size_t i, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	struct mn_act *a = mn_act_push(acts, t);
	a->ifindex = f->ifindex;
	memcpy(a->ifname, f->name, MN_IFNAME_MAX);
	a->via = f->router;
	a->table = f->table;
	f->route_installed = t == MN_ACT_ROUTE_ADD;
}

static void router_forget(struct mn *m, size_t i, const char *why, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	char r[INET6_ADDRSTRLEN];
	if (!f->has_router)
		return;
	if (f->route_installed)
		route_act(m, MN_ACT_ROUTE_DEL, i, acts);
	inet_ntop(AF_INET6, &f->router, r, sizeof(r));
	mn_act_event(acts, MN_EV_ROUTER_LOST, "\"iface\":\"%s\",\"router\":\"%s\",\"why\":\"%s\"",
		     f->name, r, why);
	f->has_router = f->router_confirmed = false;
	f->router_expiry_ns = 0;
}

int mn_ra(struct mn *m, int ifindex, const struct in6_addr *src,
	  uint32_t router_lifetime_s, uint64_t now_ns, struct mn_acts *acts,
	  const char **why)
{
	int i = mn_iface_by_index(m, ifindex);
	if (i < 0 || !IN6_IS_ADDR_LINKLOCAL(src)) {
		m->stats.ra_ignored++;
		*why = i < 0 ? "RA on an interface mnd does not manage"
			     : "RA source is not link-local (RFC 4861 6.1.2)";
		return -1;
	}
	struct mn_iface *f = &m->ifc[i];
	m->stats.ra_accepted++;
	bool same = f->has_router && !memcmp(&f->router, src, sizeof(*src));
	if (router_lifetime_s == 0) {
		/* RFC 4861 6.3.4: lifetime 0 = not a default router (any more) */
		if (same)
			router_forget(m, (size_t)i, "router lifetime 0", acts);
		return mn_done(m, acts);
	}
	if (!same || !f->route_installed) {
		char r[INET6_ADDRSTRLEN];
		f->router = *src;
		f->has_router = true;
		route_act(m, MN_ACT_ROUTE_ADD, (size_t)i, acts);
		inet_ntop(AF_INET6, src, r, sizeof(r));
		mn_act_event(acts, MN_EV_ROUTER_LEARNED,
			     "\"iface\":\"%s\",\"router\":\"%s\",\"table\":%u",
			     f->name, r, f->table);
	}
	f->router_confirmed = link_ok(f);
	f->last_ra_ns = now_ns;
	f->router_expiry_ns = now_ns + (uint64_t)router_lifetime_s * 1000000000ull;
	mn_flow_ra(m, (size_t)i, now_ns, acts);     /* section 3: ask the network */
	return mn_done(m, acts);
}

int mn_timer(struct mn *m, uint64_t now_ns, struct mn_acts *acts)
{
	for (size_t i = 0; i < m->n_ifc; i++) {
		struct mn_iface *f = &m->ifc[i];
		if (f->has_router && f->router_expiry_ns && f->router_expiry_ns <= now_ns)
			router_forget(m, i, "router lifetime expired", acts);
	}
	m->deadline_ns = 0;              /* the timer fired: arm the next anew */
	return mn_done(m, acts);
}

/* ---- links ------------------------------------------------------------------ */

static void link_set(struct mn *m, size_t i, bool carrier, bool up,
		     uint64_t now_ns, struct mn_acts *acts)
{
	struct mn_iface *f = &m->ifc[i];
	bool was = link_ok(f);
	f->carrier = carrier;
	f->up = up;
	if (!up)
		f->route_installed = false;   /* the kernel flushes a down device's routes */
	if (was == link_ok(f))
		return;
	if (!link_ok(f)) {
		/* the router must show itself again (RA) before we trust the link:
		 * after a move the new MAG advertises once it is registered */
		f->router_confirmed = false;
		f->link_lost_ns = now_ns;
		f->flow_rs_ns = 0;                   /* ask again once back */
		m->stats.carrier_down++;
	} else {
		/* linkwatch may report the carrier after the MAG's first RA
		 * came in: an RA since the loss already confirms the router */
		f->router_confirmed = f->has_router && f->last_ra_ns > f->link_lost_ns;
		m->stats.carrier_up++;
	}
	mn_act_event(acts, link_ok(f) ? MN_EV_IFACE_UP : MN_EV_IFACE_DOWN,
		     "\"iface\":\"%s\",\"carrier\":%s,\"up\":%s", f->name,
		     carrier ? "true" : "false", up ? "true" : "false");
}

int mn_iface_attach(struct mn *m, const char *name, int ifindex, bool carrier,
		    bool up, uint64_t now_ns, struct mn_acts *acts)
{
	(void)now_ns;
	int i = mn_iface_by_name(m, name);
	if (i < 0 || ifindex <= 0)
		return -1;
	struct mn_iface *f = &m->ifc[i];
	f->ifindex = ifindex;
	f->carrier = carrier;
	f->up = up;
	mn_sync_rules(m, (size_t)i, acts);  /* the fwmark rule, with selectors */
	return mn_done(m, acts);
}

int mn_link(struct mn *m, int ifindex, bool carrier, bool up, uint64_t now_ns,
	    struct mn_acts *acts)
{
	int i = mn_iface_by_index(m, ifindex);
	if (i < 0)
		return -1;
	link_set(m, (size_t)i, carrier, up, now_ns, acts);
	return mn_done(m, acts);
}

/* ---- shutdown ------------------------------------------------------------------ */

void mn_shutdown(struct mn *m, uint64_t now_ns, struct mn_acts *acts)
{
	(void)now_ns;
	for (size_t i = 0; i < m->n_ifc; i++) {
		struct mn_iface *f = &m->ifc[i];
		for (size_t k = 0; k < MN_ADDR_MAX; k++) {
			struct mn_prefix *p = &f->pfx[k];
			if (p->used && p->rule_table)
				mn_rule_act(m, MN_ACT_RULE_DEL, i, &p->prefix, p->plen, 0,
					 p->rule_table, acts);
			p->rule_table = 0;
		}
		if (f->mark_table)
			mn_rule_act(m, MN_ACT_RULE_DEL, i, NULL, 0, mn_iface_mark(m, i),
				 f->mark_table, acts);
		f->mark_table = 0;
		if (f->route_installed)
			route_act(m, MN_ACT_ROUTE_DEL, i, acts);
	}
	if (m->deadline_ns) {
		m->deadline_ns = 0;
		mn_act_push(acts, MN_ACT_TIMER_SET)->deadline_ns = 0;
	}
}

/* ---- flows ------------------------------------------------------------------ */

uint32_t mn_flow_classify(struct mn *m, const struct flow_key *k, int *sel)
{
	m->stats.flows_classified++;
	*sel = -1;
	for (size_t s = 0; s < m->cfg.n_sel; s++) {
		const struct mn_selector *x = &m->cfg.sel[s];
		if (x->removed || !mn_selector_match(x, k))
			continue;
		*sel = (int)s;
		m->stats.sel_hits[s]++;
		int pref = mn_iface_by_name(m, x->iface);
		int fb = x->fallback[0] ? mn_iface_by_name(m, x->fallback) : -1;
		if (pref >= 0 && mn_iface_usable(m, (size_t)pref)) {
			m->stats.flows_to[pref]++;
			return mn_iface_mark(m, (size_t)pref);
		}
		if (fb >= 0 && mn_iface_usable(m, (size_t)fb)) {
			m->stats.flows_fallback++;
			m->stats.flows_to[fb]++;
			return mn_iface_mark(m, (size_t)fb);
		}
		m->stats.flows_unusable++;
		return m->cfg.mark_base;
	}
	m->stats.flows_unmatched++;
	return m->cfg.mark_base;
}
