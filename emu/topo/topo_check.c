/*
 * topo_check.c - semantic rules over the parsed model: unique names, links
 * naming existing interfaces, one link per interface, PMIPv6 roles, flows
 * with somewhere to send to, expectations naming what exists.
 *
 * Every broken rule is reported with the line of the element that breaks
 * it; checking goes on. Rules about time (events, duration, moves) are
 * topo_timeline.c's. Must not: touch the system.
 */
#include "topo_int.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TOPO_MTU_MIN 1280u      /* RFC 8200 section 5: IPv6 minimum link MTU */

static void topo_dup(struct topo_pctx *c, const struct topo_loc *loc, const char *what,
		     const char *name, const struct topo_loc *first)
{
	topo_errors_add(c->errs, loc, "duplicate %s \"%s\" (first at line %d)", what,
			name, first->line);
}

/* "Is this name already used earlier in the array", in O(n log n): names
 * sorted with their index, each later use of a name reported in file order
 * against its first use. The old pairwise check took 12.5 s at 40k nodes
 * (issue 10, item 5). */
struct topo_name_ref {
	const char *name;
	size_t i;
};

static int topo_name_ref_cmp(const void *pa, const void *pb)
{
	const struct topo_name_ref *a = pa, *b = pb;
	int d = strcmp(a->name, b->name);
	return d ? d : (a->i > b->i) - (a->i < b->i);
}

static void topo_check_unique(struct topo_pctx *c, const void *arr, size_t n,
			      size_t stride, size_t name_off, size_t loc_off,
			      const char *what)
{
	const char *base = arr;
	struct topo_name_ref *refs = calloc(n ? n : 1, sizeof(*refs));
	size_t *first = calloc(n ? n : 1, sizeof(*first)), m = 0;

	if (!refs || !first) {
		topo_errors_add(c->errs, NULL, "out of memory checking %s names", what);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		first[i] = SIZE_MAX;
		if (base[i * stride + name_off])
			refs[m++] = (struct topo_name_ref){ base + i * stride + name_off, i };
	}
	qsort(refs, m, sizeof(*refs), topo_name_ref_cmp);
	for (size_t k = 1, run = 0; k < m; k++) {
		if (strcmp(refs[k].name, refs[run].name))
			run = k;
		else
			first[refs[k].i] = refs[run].i;
	}
	for (size_t i = 0; i < n; i++)
		if (first[i] != SIZE_MAX)
			topo_dup(c, (const struct topo_loc *)(base + i * stride + loc_off), what,
				 base + i * stride + name_off,
				 (const struct topo_loc *)(base + first[i] * stride + loc_off));
out:
	free(refs);
	free(first);
}

#define TOPO_CHECK_UNIQUE(c, arr, n, field, what)                              \
	topo_check_unique(c, arr, n, sizeof((arr)[0]),                         \
			  offsetof(__typeof__((arr)[0]), field),               \
			  offsetof(__typeof__((arr)[0]), loc), what)

static void topo_check_routes(struct topo_pctx *c, const struct topo_node *n)
{
	for (size_t i = 0; i < n->n_routes; i++) {
		const struct topo_route *r = &n->routes[i];
		if (r->dev[0] && !topo_find_iface(n, r->dev))
			topo_errors_add(c->errs, &r->loc, "route dev=\"%s\": node \"%s\" has no "
					"such interface", r->dev, n->name);
		if (!r->has_via && !r->dev[0])
			topo_errors_add(c->errs, &r->loc, "route: needs via= or dev=");
	}
}

static void topo_check_ifaces(struct topo_pctx *c, const struct topo_node *n)
{
	TOPO_CHECK_UNIQUE(c, n->ifaces, n->n_ifaces, name, "interface");
	TOPO_CHECK_UNIQUE(c, n->procs, n->n_procs, name, "process");
	for (size_t i = 0; i < n->n_ifaces; i++) {
		const struct topo_iface *f = &n->ifaces[i];
		if (f->mtu && (f->mtu < TOPO_MTU_MIN || f->mtu > 65535))
			topo_errors_add(c->errs, &f->loc, "interface \"%s\" mtu=\"%u\": must be "
					"1280-65535 (RFC 8200 5)", f->name, f->mtu);
	}
}

/* One profile per MN interface: an MN-ID may come back with another ll-id
 * (several interfaces of one MN, each its own mobility session: problem
 * statement section 4, RFC 5213 6.2 keys a profile by MN-ID and the MAG tells
 * the interfaces apart by MN-LL-ID), never twice with the same one or twice
 * without one - unless the service differs: several sessions on one
 * interface, told apart by RFC 5149 Service Selection (section 2.1). */
static void topo_check_mn_unique(struct topo_pctx *c, const struct topo_pmip *p)
{
	for (size_t i = 0; i < p->n_mns; i++)
		for (size_t j = 0; j < i; j++) {
			const struct topo_mn_policy *a = &p->mns[i], *b = &p->mns[j];
			if (!a->mn_id[0] || strcmp(a->mn_id, b->mn_id) ||
			    a->has_ll_id != b->has_ll_id || strcmp(a->service, b->service) ||
			    (a->has_ll_id && memcmp(a->ll_id, b->ll_id, 6)))
				continue;
			topo_dup(c, &a->loc, "MN id", a->mn_id, &b->loc);
			break;
		}
}

static void topo_check_mns(struct topo_pctx *c, const struct topo_node *n)
{
	const struct topo_pmip *p = &n->pmip;

	topo_check_mn_unique(c, p);
	for (size_t i = 0; i < p->n_mns; i++) {
		const struct topo_mn_policy *m = &p->mns[i];
		if (!m->mn_id[0])
			topo_errors_add(c->errs, &m->loc, "mn: needs id= (the MN identifier, "
					"RFC 4283 NAI)");
		/* The MAG learns the MN's identity from its link-layer address
		 * on attach (RFC 5213 6.9.1.1). */
		if (n->kind == TOPO_NODE_MAG && !m->has_ll_id)
			topo_errors_add(c->errs, &m->loc, "mn id=\"%s\": a mag's profile needs "
					"ll-id= (the MN's MAC)", m->mn_id);
	}
}

static void topo_check_lma(struct topo_pctx *c, const struct topo_node *n)
{
	const struct topo_pmip *p = &n->pmip;
	bool pool = p->pool.len || !IN6_IS_ADDR_UNSPECIFIED(&p->pool.addr);

	if (IN6_IS_ADDR_UNSPECIFIED(&p->lma_addr))
		topo_errors_add(c->errs, &p->loc, "lma \"%s\": <pmip> needs address= (the LMAA)",
				n->name);
	if (pool && p->pool_plen < p->pool.len)
		topo_errors_add(c->errs, &p->loc, "lma \"%s\": pool length %u is shorter "
				"than the pool prefix /%u", n->name, p->pool_plen, p->pool.len);
	for (size_t i = 0; !pool && i < p->n_mns; i++)
		if (!p->mns[i].n_hnps)
			topo_errors_add(c->errs, &p->mns[i].loc, "mn id=\"%s\": no <hnp> and "
					"the lma has no <pool> to assign one from",
					p->mns[i].mn_id);
}

static void topo_check_mag(struct topo_pctx *c, const struct topo_node *n)
{
	const struct topo_pmip *p = &n->pmip;

	if (IN6_IS_ADDR_UNSPECIFIED(&p->mag_addr))
		topo_errors_add(c->errs, &p->loc, "mag \"%s\": <pmip> needs address= (the "
				"Proxy-CoA)", n->name);
	if (IN6_IS_ADDR_UNSPECIFIED(&p->lma_addr))
		topo_errors_add(c->errs, &p->loc, "mag \"%s\": <pmip> needs lma= (the LMA "
				"address)", n->name);
	if (!p->n_access)
		topo_errors_add(c->errs, &p->loc, "mag \"%s\": <pmip> needs at least one "
				"<access iface=...>", n->name);
	for (size_t i = 0; i < p->n_access; i++)
		if (!topo_find_iface(n, p->access_iface[i]))
			topo_errors_add(c->errs, &p->loc, "mag \"%s\": access iface=\"%s\": no "
					"such interface", n->name, p->access_iface[i]);
}

static void topo_check_pmip(struct topo_pctx *c, const struct topo_node *n)
{
	bool pmip_kind = n->kind == TOPO_NODE_LMA || n->kind == TOPO_NODE_MAG ||
			 n->kind == TOPO_NODE_MN;

	if (n->pmip.present && !pmip_kind) {
		topo_errors_add(c->errs, &n->pmip.loc, "node \"%s\" (%s): <pmip> is only for "
				"lma, mag and mn nodes", n->name, topo_node_kind_name(n->kind));
		return;
	}
	if (!n->pmip.present) {
		if (n->kind == TOPO_NODE_LMA || n->kind == TOPO_NODE_MAG)
			topo_errors_add(c->errs, &n->loc, "node \"%s\" (%s): needs a <pmip> "
					"element", n->name, topo_node_kind_name(n->kind));
		return;
	}
	topo_check_mns(c, n);
	if (n->kind == TOPO_NODE_LMA)
		topo_check_lma(c, n);
	else if (n->kind == TOPO_NODE_MAG)
		topo_check_mag(c, n);
}

/* --- links ---------------------------------------------------------------- */

/* Nodes by name, for links' lookups in O(log n) (topo_find_node walks). */
struct topo_node_index {
	struct topo_name_ref *refs;
	size_t n;
};

static int topo_node_index_build(struct topo_node_index *x, const struct topology *t)
{
	x->n = 0;
	x->refs = calloc(t->n_nodes ? t->n_nodes : 1, sizeof(*x->refs));
	if (!x->refs)
		return -1;
	for (size_t i = 0; i < t->n_nodes; i++)
		x->refs[x->n++] = (struct topo_name_ref){ t->nodes[i].name, i };
	qsort(x->refs, x->n, sizeof(*x->refs), topo_name_ref_cmp);
	return 0;
}

static int topo_name_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct topo_name_ref *)elem)->name);
}

static const struct topo_node *topo_index_find(const struct topo_node_index *x,
					       const struct topology *t, const char *name)
{
	if (!x->refs)
		return topo_find_node(t, name);
	const struct topo_name_ref *r = bsearch(name, x->refs, x->n, sizeof(*r),
						 topo_name_key_cmp);
	/* with duplicate names, the first in the file, as topo_find_node */
	while (r && r > x->refs && !strcmp(r[-1].name, name))
		r--;
	return r ? &t->nodes[r->i] : NULL;
}

static int topo_check_end(struct topo_pctx *c, const struct topo_node_index *x,
			  const struct topo_link *l, int e)
{
	const struct topo_endpoint *ep = &l->end[e];
	const struct topo_node *n;

	if (!ep->attached)
		return -1;
	n = topo_index_find(x, c->t, ep->node);
	if (!n) {
		topo_errors_add(c->errs, &l->loc, "link \"%s\" %s=\"%s:%s\": unknown node \"%s\"",
				l->name, e ? "b" : "a", ep->node, ep->iface, ep->node);
		return -1;
	}
	if (!topo_find_iface(n, ep->iface)) {
		topo_errors_add(c->errs, &l->loc, "link \"%s\" %s=\"%s:%s\": node \"%s\" has no "
				"interface \"%s\"", l->name, e ? "b" : "a", ep->node, ep->iface,
				ep->node, ep->iface);
		return -1;
	}
	return 0;
}

static bool topo_same_end(const struct topo_endpoint *a, const struct topo_endpoint *b)
{
	return a->attached && b->attached && !strcmp(a->node, b->node) &&
	       !strcmp(a->iface, b->iface);
}

/* An interface is plugged into one link at a time: every attached end,
 * sorted by (node, iface, link), and each later use found against the
 * first, in O(n log n). first[2 * link + end] = the earlier link, or
 * SIZE_MAX. A link with both ends on one interface is reported as such and
 * left out. */
struct topo_end_ref {
	const char *node, *iface;
	size_t slot;
};

static int topo_end_ref_cmp(const void *pa, const void *pb)
{
	const struct topo_end_ref *a = pa, *b = pb;
	int d = strcmp(a->node, b->node);
	if (!d)
		d = strcmp(a->iface, b->iface);
	return d ? d : (a->slot > b->slot) - (a->slot < b->slot);
}

static size_t *topo_end_firsts(const struct topology *t)
{
	size_t n = t->n_links * 2, m = 0;
	struct topo_end_ref *refs = calloc(n ? n : 1, sizeof(*refs));
	size_t *first = calloc(n ? n : 1, sizeof(*first));

	if (!refs || !first) {
		free(refs);
		free(first);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct topo_link *l = &t->links[i / 2];
		first[i] = SIZE_MAX;
		if (l->end[i % 2].attached && !topo_same_end(&l->end[0], &l->end[1]))
			refs[m++] = (struct topo_end_ref){ l->end[i % 2].node,
							   l->end[i % 2].iface, i };
	}
	qsort(refs, m, sizeof(*refs), topo_end_ref_cmp);
	for (size_t k = 1, run = 0; k < m; k++) {
		if (strcmp(refs[k].node, refs[run].node) || strcmp(refs[k].iface, refs[run].iface))
			run = k;
		else if (refs[k].slot / 2 != refs[run].slot / 2)
			first[refs[k].slot] = refs[run].slot / 2;
	}
	free(refs);
	return first;
}

static void topo_check_links(struct topo_pctx *c)
{
	const struct topology *t = c->t;
	struct topo_node_index x;
	size_t *first = topo_end_firsts(t);

	if (topo_node_index_build(&x, t) < 0 || !first)
		topo_errors_add(c->errs, NULL, "out of memory checking links");
	TOPO_CHECK_UNIQUE(c, t->links, t->n_links, name, "link");
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];
		if (topo_check_end(c, &x, l, 0) == 0 && topo_same_end(&l->end[0], &l->end[1])) {
			topo_errors_add(c->errs, &l->loc, "link \"%s\": both ends are %s:%s",
					l->name, l->end[0].node, l->end[0].iface);
			continue;
		}
		topo_check_end(c, &x, l, 1);
		for (int e = 0; first && e < 2; e++) {
			size_t j = first[2 * i + e];
			if (j != SIZE_MAX)
				topo_errors_add(c->errs, &l->loc, "interface %s:%s is "
						"already on link \"%s\" (line %d)",
						l->end[e].node, l->end[e].iface,
						t->links[j].name, t->links[j].loc.line);
		}
	}
	free(x.refs);
	free(first);
}

/* --- flows and expectations ----------------------------------------------- */

static void topo_flow_default_dst(struct topo_pctx *c, struct topo_flow *f,
				  const struct topo_node *to)
{
	for (size_t i = 0; i < to->n_ifaces; i++)
		for (size_t a = 0; a < to->ifaces[i].n_addrs; a++) {
			const struct in6_addr *x = &to->ifaces[i].addrs[a].addr;
			if (!IN6_IS_ADDR_LINKLOCAL(x) && !IN6_IS_ADDR_MULTICAST(x)) {
				f->dst = *x;
				f->has_dst = true;
				return;
			}
		}
	topo_errors_add(c->errs, &f->loc, "flow \"%s\": node \"%s\" has no global address "
			"to send to; give dst=", f->id, to->name);
}

static void topo_check_flows(struct topo_pctx *c)
{
	struct topology *t = c->t;

	TOPO_CHECK_UNIQUE(c, t->flows, t->n_flows, id, "flow");
	for (size_t i = 0; i < t->n_flows; i++) {
		struct topo_flow *f = &t->flows[i];
		const struct topo_node *to = topo_find_node(t, f->to);
		if (f->from[0] && !topo_find_node(t, f->from))
			topo_errors_add(c->errs, &f->loc, "flow \"%s\": unknown node from=\"%s\"",
					f->id, f->from);
		if (f->to[0] && !to)
			topo_errors_add(c->errs, &f->loc, "flow \"%s\": unknown node to=\"%s\"",
					f->id, f->to);
		if (f->from[0] && !strcmp(f->from, f->to))
			topo_errors_add(c->errs, &f->loc, "flow \"%s\": from and to are the same "
					"node", f->id);
		if (to && !f->has_dst)
			topo_flow_default_dst(c, f, to);
		if (f->stop_ns <= f->start_ns)
			topo_errors_add(c->errs, &f->loc, "flow \"%s\": stop is not after start",
					f->id);
	}
}

static const char *const topo_counters[] = {
	"in", "delivered", "dup", "drop_loss", "drop_queue", "drop_down", "drop_tx",
	"in_flight", "bytes_in", "bytes_out",
};

static bool topo_exec_id_known(const struct topology *t, const char *id)
{
	for (size_t i = 0; i < t->n_events; i++)
		if (t->events[i].kind == TOPO_EV_EXEC && !strcmp(t->events[i].id, id))
			return true;
	return false;
}

static void topo_check_expect(struct topo_pctx *c, const struct topo_expect *e)
{
	const struct topology *t = c->t;
	const struct topo_flow *f = e->flow[0] ? topo_find_flow(t, e->flow) : NULL;
	bool known = false;

	if (e->flow[0] && !f)
		topo_errors_add(c->errs, &e->loc, "expect: unknown flow \"%s\"", e->flow);
	if (e->link[0] && !topo_find_link(t, e->link))
		topo_errors_add(c->errs, &e->loc, "expect: unknown link \"%s\"", e->link);
	if (e->exec_id[0] && !topo_exec_id_known(t, e->exec_id))
		topo_errors_add(c->errs, &e->loc, "expect: no <exec id=\"%s\"> in the timeline",
				e->exec_id);
	for (size_t i = 0; e->counter[0] && i < sizeof(topo_counters) / sizeof(*topo_counters); i++)
		known |= !strcmp(e->counter, topo_counters[i]);
	if (e->counter[0] && !known)
		topo_errors_add(c->errs, &e->loc, "expect: unknown counter \"%s\" (in, delivered, dup, "
				"drop_loss, drop_queue, drop_down, drop_tx, in_flight, bytes_in, "
				"bytes_out)", e->counter);
	if (e->kind == TOPO_EXP_VIA && f && e->iface[0]) {
		const struct topo_node *to = topo_find_node(t, f->to);
		if (to && !topo_find_iface(to, e->iface))
			topo_errors_add(c->errs, &e->loc, "expect: node \"%s\" (flow \"%s\" "
					"receiver) has no interface \"%s\"", to->name, f->id, e->iface);
	}
	if (e->has_window && e->from_ns > e->to_ns)
		topo_errors_add(c->errs, &e->loc, "expect: window from= is after to=");
}

void topo_check(struct topo_pctx *c)
{
	struct topology *t = c->t;

	TOPO_CHECK_UNIQUE(c, t->nodes, t->n_nodes, name, "node");
	for (size_t i = 0; i < t->n_nodes; i++) {
		topo_check_ifaces(c, &t->nodes[i]);
		topo_check_routes(c, &t->nodes[i]);
		topo_check_pmip(c, &t->nodes[i]);
	}
	topo_check_links(c);
	topo_check_flows(c);
	topo_check_sessions(c);
	topo_check_prefix_events(c);
	topo_check_flow_rule_events(c);
	topo_check_congestion(c);
	topo_check_auth(c);
	topo_check_wiring(c);
	for (size_t i = 0; i < t->n_expects; i++)
		topo_check_expect(c, &t->expects[i]);
}
