/*
 * lma_flow.c - the LMA's flow routing (problem statement section 3 and
 * appendix B): flow rules on a home network prefix that several sessions
 * of one MN share, each sending the flows it matches to one of those
 * sessions, to a fallback, or to any of them by weight.
 *
 * Owns: what a rule may name (a prefix some MN holds, that MN's interfaces
 * by profile iface name or MN-LL-ID) and the per-packet choice of the
 * session. Must not: keep rules itself (nodes/pmip/flow_tab.c does), do
 * I/O, read clocks.
 */
#include "lma_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct flow_tab *lma_flows(const struct lma *l)
{
	return l->flows;
}

/* The MN-ID of whoever holds p/plen: a binding, else a profile's static
 * HNP. NULL when no MN holds it. */
static const uint8_t *prefix_holder(const struct lma *l, const struct in6_addr *p,
				    uint8_t plen, size_t *len)
{
	const struct bce_prefix *x = bce_find_prefix(l->bc, p, plen);

	if (x && x->n_route) {
		*len = x->route[0]->mn->id_len;
		return x->route[0]->mn->id;
	}
	for (size_t i = 0; i < l->cfg.n_policies; i++) {
		const struct lma_policy *pol = &l->cfg.policies[i];

		for (uint8_t h = 0; h < pol->n_hnp; h++)
			if (pol->hnp[h].len == plen && !memcmp(&pol->hnp[h].prefix, p, 16)) {
				*len = strlen(pol->mn_id);
				return (const uint8_t *)pol->mn_id;
			}
	}
	return NULL;
}

static bool ll_named(const uint8_t *ll, size_t len, const char *name)
{
	char text[3 * MH_LL_ID_MAX + 1];

	lma_fmt_ll_id(text, sizeof(text), ll, len);
	return len && !strcasecmp(text, name);
}

static int set_ref(struct flow_target *t, const uint8_t *ll, size_t len)
{
	if (len == 0 || len > sizeof(t->ref))
		return -1;
	memcpy(t->ref, ll, len);
	t->ref_len = (uint8_t)len;
	return 0;
}

/* A target names one of the MN's interfaces: a profile's iface or MN-LL-ID,
 * or the MN-LL-ID of one of its sessions. */
static int resolve(const struct lma *l, const uint8_t *mn, size_t mn_len, struct flow_target *t)
{
	const void *cur = NULL;
	const struct lma_policy *p;
	const struct bce_mn *m = bce_find_mn(l->bc, mn, mn_len);

	while ((p = lma_policy_next(l, mn, mn_len, &cur)))
		if (p->has_ll_id && (!strcmp(p->iface, t->name) ||
				     ll_named(p->ll_id, sizeof(p->ll_id), t->name)))
			return set_ref(t, p->ll_id, sizeof(p->ll_id));
	for (const struct bce_session *s = m ? m->sessions : NULL; s; s = s->mn_next)
		if (ll_named(s->ll_id, s->ll_id_len, t->name))
			return set_ref(t, s->ll_id, s->ll_id_len);
	return -1;
}

static void act_rule(struct lma_actions *out, enum lma_event ev, const struct flow_rule *r)
{
	char text[FLOW_RULE_TEXT_MAX + 64];

	flow_rule_format(r, text, sizeof(text));
	lma_act_event(out, ev, "\"id\":%u,\"origin\":\"%s\",\"rule\":\"%s\"", r->id,
		      flow_origin_name((enum flow_origin)r->origin), text);
}

struct announce_ctx {
	struct lma_actions *out;
};

static void announce_one(void *arg, const struct flow_rule *r)
{
	struct announce_ctx *c = arg;

	act_rule(c->out, LMA_EV_FLOW_ADDED, r);
}

void lma_flow_announce(const struct lma *l, struct lma_actions *out)
{
	struct announce_ctx c = { out };

	flow_tab_foreach(l->flows, announce_one, &c);
}

int lma_flow_add(struct lma *l, struct flow_rule *r, enum flow_origin origin,
		 const char **why, struct lma_actions *out)
{
	size_t mn_len = 0;
	const uint8_t *mn = prefix_holder(l, &r->prefix, r->plen, &mn_len);

	if (!mn) {
		*why = "no MN holds this prefix (no binding, no profile's static HNP)";
		return -1;
	}
	for (uint8_t i = 0; i < r->n_target; i++)
		if (resolve(l, mn, mn_len, &r->target[i]) < 0) {
			*why = "a target is not an interface of the MN holding the prefix "
			       "(profile iface name or MN-LL-ID)";
			return -1;
		}
	r->origin = (uint8_t)origin;
	if (flow_tab_add(l->flows, r, why) < 0)
		return -1;
	act_rule(out, LMA_EV_FLOW_ADDED, r);
	return 0;
}

int lma_flow_del(struct lma *l, uint32_t id, struct lma_actions *out)
{
	const struct flow_rule *r = flow_tab_find(l->flows, id);

	if (!r)
		return -1;
	act_rule(out, LMA_EV_FLOW_REMOVED, r);
	return flow_tab_del(l->flows, id);
}

/* The registered route of x on the interface t names, or NULL. */
const struct bce_session *lma_flow_route(const struct bce_prefix *x, const struct flow_target *t)
{
	for (uint8_t i = 0; i < x->n_route; i++) {
		const struct bce_session *s = x->route[i];

		if (s->state == BCE_STATE_REGISTERED && s->ll_id_len == t->ref_len &&
		    !memcmp(s->ll_id, t->ref, t->ref_len))
			return s;
	}
	return NULL;
}

static const struct bce_session *pick_any(struct lma *l, const struct flow_rule *r,
					  const struct bce_prefix *x, const struct flow_key *k,
					  uint64_t h)
{
	const struct bce_session *cand[BCE_ROUTE_PICK_MAX];
	bool usable[BCE_ROUTE_PICK_MAX];
	size_t n = r->n_target ? r->n_target : x->n_route;
	int i;

	if (n > BCE_ROUTE_PICK_MAX)
		n = BCE_ROUTE_PICK_MAX;
	for (size_t j = 0; j < n; j++) {
		cand[j] = r->n_target ? lma_flow_route(x, &r->target[j]) : x->route[j];
		usable[j] = cand[j] && cand[j]->state == BCE_STATE_REGISTERED;
	}
	i = flow_tab_pick(l->flows, r, k, h, n, usable);
	return i < 0 ? NULL : cand[i];
}

const struct bce_session *lma_flow_downlink(struct lma *l, const struct bce_prefix *x,
					    const struct flow_key *k)
{
	const struct flow_rule *r;
	const struct bce_session *s = NULL;
	uint64_t h;

	if (flow_tab_n_rules(l->flows) == 0 || x->dormant_active)
		return NULL;    /* appendix D: a dead interface's flows follow the backup */
	r = flow_tab_classify(l->flows, &x->prefix, x->len, k, &h);
	if (!r)
		return NULL;
	if (r->mode == FLOW_MODE_ANY) {
		s = pick_any(l, r, x, k, h);
	} else {
		s = lma_flow_route(x, &r->target[0]);
		if (!s && r->n_target > 1 && (s = lma_flow_route(x, &r->target[1])))
			l->st.flow_fallback++;
	}
	if (s)
		l->st.flow_routed++;
	else
		l->st.flow_unrouted++;
	return s;
}
