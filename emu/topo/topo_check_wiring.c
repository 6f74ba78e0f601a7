/*
 * topo_check_wiring.c - rules that span nodes, found missing by trying the
 * emulator as a new user (issue 14): each would give a run whose daemons
 * start but cannot work, or whose results mislead.
 *  - a MAG's lma= names an LMA of the topology (RFC 5213 6.9.1.1: the MAG
 *    sends its PBU to the LMAA of the MN's policy profile);
 *  - that LMA's <mag> list, when it has one, holds the MAG's Proxy-CoA
 *    (else every PBU is refused, status 154 MAG_NOT_AUTHORIZED_FOR_PROXY_REG);
 *  - each MN interface MAC is the ll-id= of some MAG profile (RFC 5213
 *    6.9.1.1: the MAG identifies the MN by its link-layer address);
 *  - two flows active at the same time do not bind the same UDP port at
 *    one node (a sender's source port, a receiver's port): the second one
 *    dies with "Address already in use".
 * Must not: touch the system.
 */
#include "topo_int.h"

#include <arpa/inet.h>
#include <string.h>

static const struct topo_node *lma_at(const struct topology *t, const struct in6_addr *a)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].kind == TOPO_NODE_LMA && t->nodes[i].pmip.present &&
		    !memcmp(&t->nodes[i].pmip.lma_addr, a, sizeof(*a)))
			return &t->nodes[i];
	return NULL;
}

static void check_mag_lma(struct topo_pctx *c, const struct topo_node *mag)
{
	const struct topo_pmip *p = &mag->pmip;
	char a[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	const struct topo_node *lma;

	if (IN6_IS_ADDR_UNSPECIFIED(&p->lma_addr))
		return;                 /* topo_check_mag says so */
	inet_ntop(AF_INET6, &p->lma_addr, a, sizeof(a));
	lma = lma_at(c->t, &p->lma_addr);
	if (!lma) {
		topo_errors_add(c->errs, &p->loc, "mag \"%s\": lma=\"%s\" is no lma node's "
				"<pmip address=>", mag->name, a);
		return;
	}
	if (!lma->pmip.n_mags || IN6_IS_ADDR_UNSPECIFIED(&p->mag_addr))
		return;                 /* no list: the LMA takes any MAG */
	for (size_t i = 0; i < lma->pmip.n_mags; i++)
		if (!memcmp(&lma->pmip.mags[i], &p->mag_addr, sizeof(p->mag_addr)))
			return;
	inet_ntop(AF_INET6, &p->mag_addr, m, sizeof(m));
	topo_errors_add(c->errs, &p->loc, "mag \"%s\": its address %s is not in lma \"%s\"'s "
			"<mag> list (line %d): every PBU would be refused (status 154)",
			mag->name, m, lma->name, lma->pmip.loc.line);
}

static bool mac_has_profile(const struct topology *t, const uint8_t mac[6])
{
	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_pmip *p = &t->nodes[i].pmip;
		if (t->nodes[i].kind != TOPO_NODE_MAG)
			continue;
		for (size_t k = 0; k < p->n_mns; k++)
			if (p->mns[k].has_ll_id && !memcmp(p->mns[k].ll_id, mac, 6))
				return true;
	}
	return false;
}

static bool has_kind(const struct topology *t, enum topo_node_kind k)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].kind == k)
			return true;
	return false;
}

static void check_mn_macs(struct topo_pctx *c, const struct topo_node *mn)
{
	for (size_t i = 0; i < mn->n_ifaces; i++) {
		const struct topo_iface *f = &mn->ifaces[i];
		if (!f->has_mac || mac_has_profile(c->t, f->mac))
			continue;
		/* appendix C: the client Mobile IPv6 interface registers itself */
		if (mn->pmip.present && mn->pmip.mip6.present &&
		    !strcmp(mn->pmip.mip6.iface, f->name))
			continue;
		topo_errors_add(c->errs, &f->loc, "mn \"%s\" iface \"%s\": mac "
				"%02x:%02x:%02x:%02x:%02x:%02x is no mag profile's ll-id=: "
				"no MAG would register it", mn->name, f->name, f->mac[0],
				f->mac[1], f->mac[2], f->mac[3], f->mac[4], f->mac[5]);
	}
}

static bool overlap(const struct topo_flow *a, const struct topo_flow *b)
{
	return a->start_ns < b->stop_ns && b->start_ns < a->stop_ns;
}

static bool same_src(const struct topo_flow *a, const struct topo_flow *b)
{
	return !a->has_src || !b->has_src || !memcmp(&a->src, &b->src, sizeof(a->src));
}

static void check_ports(struct topo_pctx *c)
{
	const struct topology *t = c->t;
	for (size_t i = 0; i < t->n_flows; i++)
		for (size_t j = 0; j < i; j++) {
			const struct topo_flow *a = &t->flows[i], *b = &t->flows[j];
			if (!overlap(a, b))
				continue;
			if (!strcmp(a->from, b->from) && a->sport == b->sport && same_src(a, b))
				topo_errors_add(c->errs, &a->loc, "flow \"%s\": node \"%s\" already "
						"sends flow \"%s\" (line %d) from UDP port %u at "
						"the same time; give another sport=", a->id,
						a->from, b->id, b->loc.line, a->sport);
			else if (!strcmp(a->to, b->to) && a->dport == b->dport)
				topo_errors_add(c->errs, &a->loc, "flow \"%s\": node \"%s\" already "
						"receives flow \"%s\" (line %d) on UDP port %u at "
						"the same time; give another dport=", a->id, a->to,
						b->id, b->loc.line, a->dport);
		}
}

/* A daemon's own configuration (topo_write.c) is a topology of one node:
 * the rules about other nodes hold only where those nodes are present. */
void topo_check_wiring(struct topo_pctx *c)
{
	const struct topology *t = c->t;
	bool mags = has_kind(t, TOPO_NODE_MAG), lmas = has_kind(t, TOPO_NODE_LMA);

	for (size_t i = 0; i < t->n_nodes; i++) {
		const struct topo_node *n = &t->nodes[i];
		if (n->kind == TOPO_NODE_MAG && n->pmip.present && lmas)
			check_mag_lma(c, n);
		else if (n->kind == TOPO_NODE_MN && mags)
			check_mn_macs(c, n);
	}
	check_ports(c);
}
