/*
 * lma_config.c - the LMA engine's configuration: RFC 5213 defaults and the
 * translation from the topology model (emu/topo/topo.h <pmip>). Pure: no I/O.
 */
#include "lma_int.h"
#include "topo/topo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lma_config_init(struct lma_config *c)
{
	memset(c, 0, sizeof(*c));
	c->min_delay_before_bce_delete_ns = LMA_MIN_DELAY_BEFORE_BCE_DELETE_NS;
	c->max_delay_before_new_bce_assign_ns = LMA_MAX_DELAY_BEFORE_NEW_BCE_ASSIGN_NS;
	c->timestamp_validity_window_ns = LMA_TIMESTAMP_VALIDITY_WINDOW_NS;
	c->max_lifetime_s = LMA_MAX_LIFETIME_S;
	c->pool_plen = 64;
	c->fast_handover_return = true;
}

void lma_config_fini(struct lma_config *c)
{
	free(c->mags);
	free(c->mag_keys);
	free(c->policies);
	free(c->flows);
	c->mags = NULL;
	c->mag_keys = NULL;
	c->policies = NULL;
	c->flows = NULL;
	c->n_mags = c->n_policies = c->n_flows = 0;
}

static void lma_key_from_topo(struct mh_auth_key *k, const struct topo_auth *a)
{
	memset(k, 0, sizeof(*k));
	if (!a->present || a->len == 0 || a->len > MH_AUTH_KEY_MAX)
		return;
	k->present = true;
	k->spi = a->spi;
	k->len = a->len;
	memcpy(k->key, a->key, a->len);
}

static int policy_from_topo(struct lma_policy *p, const struct topo_mn_policy *t,
			    const char **why)
{
	memset(p, 0, sizeof(*p));
	if (strlen(t->mn_id) >= sizeof(p->mn_id) || strlen(t->mn_id) > MH_MN_ID_MAX ||
	    !t->mn_id[0]) {
		*why = "MN identifier empty or too long";
		return -1;
	}
	strcpy(p->mn_id, t->mn_id);
	p->has_ll_id = t->has_ll_id;
	memcpy(p->ll_id, t->ll_id, sizeof(p->ll_id));
	p->att = t->att;
	snprintf(p->iface, sizeof(p->iface), "%s", t->iface);
	p->service_len = (uint8_t)strnlen(t->service, sizeof(p->service));
	if (p->service_len == sizeof(p->service) && t->service[p->service_len]) {
		*why = "service name longer than 64 octets";
		return -1;
	}
	memcpy(p->service, t->service, p->service_len);
	if (t->n_hnps > MH_HNP_MAX) {
		*why = "more static home network prefixes than a PBU can carry";
		return -1;
	}
	for (size_t i = 0; i < t->n_hnps; i++) {
		p->hnp[i].prefix = t->hnps[i].addr;
		p->hnp[i].len = t->hnps[i].len;
		bce_prefix_mask(&p->hnp[i].prefix, p->hnp[i].len);
	}
	p->n_hnp = (uint8_t)t->n_hnps;
	return 0;
}

/* <flow-policy>: the operator's rules (section 3), checked again by
 * lma_new (prefix held, names of that MN's interfaces). */
static int flows_from_topo(struct lma_config *c, const struct topo_pmip *t, const char **why)
{
	if (!t->n_flows)
		return 0;
	c->flows = calloc(t->n_flows, sizeof(*c->flows));
	if (!c->flows) {
		lma_config_fini(c);
		*why = "out of memory";
		return -1;
	}
	for (size_t i = 0; i < t->n_flows; i++)
		if (flow_rule_parse(t->flows[i].text, &c->flows[i], why) < 0) {
			lma_config_fini(c);
			return -1;
		}
	c->n_flows = t->n_flows;
	return 0;
}

int lma_config_from_topo(struct lma_config *c, const struct topo_node *n, const char **why)
{
	const struct topo_pmip *t = &n->pmip;

	lma_config_init(c);
	if (n->kind != TOPO_NODE_LMA || !t->present) {
		*why = "node is not an lma with a <pmip> element";
		return -1;
	}
	c->lmaa = t->lma_addr;
	c->pool.prefix = t->pool.addr;
	c->pool.len = t->pool.len;
	c->pool_plen = t->pool_plen ? t->pool_plen : 64;
	if (c->pool_plen < c->pool.len || c->pool_plen > 128) {
		*why = "pool allocation length shorter than the pool";
		return -1;
	}
	c->use_timestamps = t->use_timestamps;
	c->fast_handover = t->fast_handover;
	c->fast_handover_return = t->fast_handover_return;
	c->revocation = t->revocation;
	c->home_agent = t->home_agent;          /* appendix C */
	c->bids = t->bids;
	c->prefix_update = t->prefix_update;
	c->heartbeat_ns = t->heartbeat_ns;
	c->heartbeat_missed = t->heartbeat_missed ? t->heartbeat_missed : 3;
	c->mags = calloc(t->n_mags ? t->n_mags : 1, sizeof(*c->mags));
	c->mag_keys = calloc(t->n_mags ? t->n_mags : 1, sizeof(*c->mag_keys));
	c->policies = calloc(t->n_mns ? t->n_mns : 1, sizeof(*c->policies));
	if (!c->mags || !c->mag_keys || !c->policies) {
		lma_config_fini(c);
		*why = "out of memory";
		return -1;
	}
	memcpy(c->mags, t->mags, t->n_mags * sizeof(*c->mags));
	c->n_mags = t->n_mags;
	for (size_t i = 0; i < t->n_mags && i < t->n_mag_auths; i++)
		lma_key_from_topo(&c->mag_keys[i], &t->mag_auths[i]);
	for (size_t i = 0; i < t->n_mns; i++) {
		if (policy_from_topo(&c->policies[i], &t->mns[i], why) < 0) {
			lma_config_fini(c);
			return -1;
		}
	}
	c->n_policies = t->n_mns;
	return flows_from_topo(c, t, why);
}
