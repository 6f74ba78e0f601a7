/*
 * topo_parse_pmip.c - the <pmip> element of lma, mag and mn nodes -> struct
 * topo_pmip: addresses, prefix pool, authorized MAGs, access interfaces,
 * MN policy profiles (RFC 5213 6.2), switches.
 *
 * Which attribute belongs to which kind of node is topo_check.c's rule;
 * this file reads what is written. Must not: touch the system.
 */
#include "topo_int.h"

#include <stdio.h>
#include <string.h>

#define TOPO_LIFETIME_DEFAULT_S 3600u   /* no RFC default; see doc/topology.md */

static void topo_parse_pool(struct topo_pctx *c, struct topo_pmip *p, xmlNode *x)
{
	const char *pfx = topo_p_attr(c, x, "prefix"), *why;
	uint32_t len = 64;

	if (pfx && topo_parse_prefix(pfx, &p->pool, false, &why) < 0)
		topo_p_bad(c, x, "prefix", pfx, why);
	topo_p_u32(c, x, "length", &len);
	if (len > 128) {
		char v[16];
		snprintf(v, sizeof(v), "%u", len);
		topo_p_bad(c, x, "length", v, "above 128");
		len = 64;
	}
	p->pool_plen = (uint8_t)len;
}

/* <mag address= [auth-spi= auth-key=]/>: an authorized MAG (RFC 5213 5.3.1)
 * and, when given, the key of its signalling (RFC 4285). */
static void topo_parse_mag_auth(struct topo_pctx *c, struct topo_pmip *p, xmlNode *x)
{
	struct in6_addr a, *slot;
	struct topo_auth *auth;

	if (topo_p_addr(c, x, "address", &a) != 1)
		return;
	slot = topo_grow_max(c, x, &p->mags, &p->n_mags, sizeof(*slot), TOPO_MAX_MAGS,
			     "<mag> elements in one <pmip>");
	if (!slot)
		return;
	*slot = a;
	auth = topo_grow(&p->mag_auths, &p->n_mag_auths, sizeof(*auth));
	if (!auth) {
		p->n_mags--;            /* the two arrays stay parallel */
		return;
	}
	memset(auth, 0, sizeof(*auth));
	topo_parse_auth(c, x, auth);
}

static void topo_parse_access(struct topo_pctx *c, struct topo_pmip *p, xmlNode *x)
{
	char name[TOPO_NAME_MAX] = "";

	if (topo_p_name(c, x, "iface", name, 15) != 1)
		return;
	if (p->n_access >= sizeof(p->access_iface) / sizeof(p->access_iface[0])) {
		struct topo_loc l = topo_p_loc(c, x);
		topo_errors_add(c->errs, &l, "access iface=\"%s\": more than %zu access interfaces",
				name, sizeof(p->access_iface) / sizeof(p->access_iface[0]));
		return;
	}
	strcpy(p->access_iface[p->n_access++], name);
}

static void topo_parse_hnp(struct topo_pctx *c, struct topo_mn_policy *m, xmlNode *x)
{
	char text[128];
	const char *why;
	struct topo_prefix pfx, *slot;

	if (topo_p_text(c, x, text, sizeof(text)) < 0)
		return;
	if (topo_parse_prefix(text, &pfx, false, &why) < 0) {
		struct topo_loc l = topo_p_loc(c, x);
		topo_errors_add(c->errs, &l, "hnp \"%s\": %s", text, why);
		return;
	}
	slot = topo_grow_max(c, x, &m->hnps, &m->n_hnps, sizeof(*slot), TOPO_MAX_HNPS,
			     "<hnp> elements in one <mn>");
	if (slot)
		*slot = pfx;
}

static void topo_parse_mn(struct topo_pctx *c, struct topo_pmip *p, xmlNode *x)
{
	struct topo_mn_policy *m = topo_grow_max(c, x, &p->mns, &p->n_mns, sizeof(*m),
						 TOPO_MAX_MNS, "<mn> elements in one <pmip>");
	const char *att;

	if (!m)
		return;
	m->loc = topo_p_loc(c, x);
	/* RFC 4283 NAI; the MN-ID option carries at most 255 octets, we keep
	 * 127 (topo.h). */
	topo_p_name(c, x, "id", m->mn_id, sizeof(m->mn_id) - 1);
	m->has_ll_id = topo_p_mac(c, x, "ll-id", m->ll_id) == 1;
	topo_p_name(c, x, "iface", m->iface, 15);
	topo_p_name(c, x, "service", m->service, TOPO_SERVICE_MAX);
	att = topo_p_attr(c, x, "att");
	if (att && topo_att_parse(att, &m->att) < 0)
		topo_p_bad(c, x, "att", att,
			   "unknown access technology type (a name such as wlan, "
			   "ethernet, 3gpp-eutran, or a number 1-255)");
	for (xmlNode *k = x->children; k; k = k->next)
		if (topo_is_elem(k, "hnp"))
			topo_parse_hnp(c, m, k);
}

/* The lma's own address is `address`; a mag's own (Proxy-CoA) is `address`
 * and its LMA's is `lma`. */
static void topo_parse_pmip_attrs(struct topo_pctx *c, struct topo_node *node,
				  xmlNode *x)
{
	struct topo_pmip *p = &node->pmip;
	uint64_t lifetime_ns = 0;
	int rc;

	if (node->kind == TOPO_NODE_LMA)
		topo_p_addr(c, x, "address", &p->lma_addr);
	else
		topo_p_addr(c, x, "address", &p->mag_addr);
	topo_p_addr(c, x, "lma", &p->lma_addr);
	p->lifetime_s = TOPO_LIFETIME_DEFAULT_S;
	rc = topo_p_time(c, x, "lifetime", &lifetime_ns);
	/* RFC 6275 6.1.7: the Lifetime field counts units of 4 seconds in 16
	 * bits, so 262140 s at most and a multiple of 4 s. */
	if (rc == 1 && (lifetime_ns % 4000000000ULL || lifetime_ns > 262140000000000ULL))
		topo_p_bad(c, x, "lifetime", topo_p_attr(c, x, "lifetime"),
			   "must be a multiple of 4s up to 262140s (RFC 6275 6.1.7)");
	else if (rc == 1)
		p->lifetime_s = (uint32_t)(lifetime_ns / 1000000000ULL);
	/* RFC 5213 9.3: TimestampBasedApproachInUse defaults to 1. */
	p->use_timestamps = true;
	topo_p_bool(c, x, "timestamps", &p->use_timestamps);
	topo_p_bool(c, x, "fast-handover", &p->fast_handover);
	p->fast_handover_return = true;
	topo_p_bool(c, x, "fast-handover-return", &p->fast_handover_return);
	topo_p_bool(c, x, "multi-session-pbu", &p->multi_session_pbu);
	topo_p_bool(c, x, "revocation", &p->revocation);
	topo_p_bool(c, x, "prefix-update", &p->prefix_update);
	topo_p_bool(c, x, "home-agent", &p->home_agent);
	p->bids = true;
	topo_p_bool(c, x, "bids", &p->bids);
	if (node->kind == TOPO_NODE_MAG)
		topo_parse_auth(c, x, &p->auth);
	topo_p_time(c, x, "heartbeat", &p->heartbeat_ns);
	p->heartbeat_missed = TOPO_HEARTBEAT_MISSED_DEFAULT;
	if (topo_p_u32(c, x, "heartbeat-missed", &p->heartbeat_missed) == 1 &&
	    (p->heartbeat_missed < 1 || p->heartbeat_missed > 100))
		topo_p_bad(c, x, "heartbeat-missed", topo_p_attr(c, x, "heartbeat-missed"),
			   "must be 1..100");
}

/* Which node kinds each attribute and child element is meant for. */
#define K_LMA (1u << TOPO_NODE_LMA)
#define K_MAG (1u << TOPO_NODE_MAG)
#define K_MN (1u << TOPO_NODE_MN)
static const struct {
	const char *name;
	bool elem;
	unsigned kinds;
} topo_pmip_roles[] = {
	{ "address", false, K_LMA | K_MAG }, { "lma", false, K_MAG },
	{ "lifetime", false, K_MAG }, { "timestamps", false, K_LMA | K_MAG },
	{ "multi-session-pbu", false, K_LMA | K_MAG },
	{ "revocation", false, K_LMA | K_MAG }, { "prefix-update", false, K_LMA },
	{ "home-agent", false, K_LMA }, { "bids", false, K_LMA },
	{ "auth-spi", false, K_MAG }, { "auth-key", false, K_MAG },
	{ "heartbeat", false, K_LMA | K_MAG }, { "heartbeat-missed", false, K_LMA | K_MAG },
	{ "fast-handover", false, K_LMA | K_MAG | K_MN },
	{ "fast-handover-return", false, K_LMA | K_MN },
	{ "pool", true, K_LMA }, { "mag", true, K_LMA }, { "access", true, K_MAG },
	{ "mn", true, K_LMA | K_MAG | K_MN }, { "mip6", true, K_MN },
};

static void topo_pmip_check_roles(struct topo_pctx *c, const struct topo_node *node,
				  xmlNode *x)
{
	unsigned me = 1u << node->kind;
	const char *kind = topo_node_kind_name(node->kind);
	char why[48];

	if (!(me & (K_LMA | K_MAG | K_MN)))
		return;                 /* the whole <pmip> is wrong: topo_check.c */
	snprintf(why, sizeof(why), "not for %s %s node",
		 node->kind == TOPO_NODE_MAG ? "a" : "an", kind);
	for (size_t i = 0; i < sizeof(topo_pmip_roles) / sizeof(*topo_pmip_roles); i++) {
		const char *v;
		if (topo_pmip_roles[i].kinds & me)
			continue;
		if (!topo_pmip_roles[i].elem &&
		    (v = topo_p_attr(c, x, topo_pmip_roles[i].name)))
			topo_p_bad(c, x, topo_pmip_roles[i].name, v, why);
		for (xmlNode *k = x->children; topo_pmip_roles[i].elem && k; k = k->next)
			if (topo_is_elem(k, topo_pmip_roles[i].name)) {
				struct topo_loc l = topo_p_loc(c, k);
				topo_errors_add(c->errs, &l, "<%s> is %s",
						topo_pmip_roles[i].name, why);
			}
	}
}

void topo_parse_pmip(struct topo_pctx *c, struct topo_node *node, xmlNode *x)
{
	struct topo_pmip *p = &node->pmip;

	if (p->present) {
		struct topo_loc l = topo_p_loc(c, x);
		topo_errors_add(c->errs, &l, "node \"%s\": more than one <pmip> (first at line %d)",
				node->name, p->loc.line);
		return;
	}
	p->present = true;
	p->loc = topo_p_loc(c, x);
	topo_pmip_check_roles(c, node, x);
	topo_parse_pmip_attrs(c, node, x);
	for (xmlNode *k = x->children; k; k = k->next) {
		if (topo_is_elem(k, "pool"))
			topo_parse_pool(c, p, k);
		else if (topo_is_elem(k, "mag"))
			topo_parse_mag_auth(c, p, k);
		else if (topo_is_elem(k, "access"))
			topo_parse_access(c, p, k);
		else if (topo_is_elem(k, "mn"))
			topo_parse_mn(c, p, k);
		else if (topo_is_elem(k, "flow-policy"))
			topo_parse_flow_policy(c, node, k);
		else if (topo_is_elem(k, "congestion"))
			topo_parse_congestion(c, node, k);
		else if (topo_is_elem(k, "mip6"))
			topo_parse_mip6(c, &p->mip6, k);
	}
}
