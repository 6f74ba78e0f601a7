/*
 * lma_engine.c - the LMA's PBU processing (RFC 5213 5.3) and timers.
 *
 * Owns: the PBA (5.3.6: it mirrors the PBU's options), combined PBUs, held
 * PBUs and deadlines; the checks before any change (status codes of 5.3.1,
 * ordering by timestamp or sequence number, 5.5) are lma_check.c's.
 * Must not: do I/O, read clocks or log (see lma.h).
 *
 * Combined PBU (several session groups, each opened by a BID option): each
 * group is processed as its own session, and one PBA answers with one group
 * per PBU group in the same order, each with its BID and BID status (RFC
 * 5648 6.2). The PBA's Status is 0 when every group was accepted, else the
 * status of the first rejected group; accepted groups are in effect either
 * way, and their BID status (0) says so. Failures common to all groups
 * (MN-ID, MAG authorization, policy, timestamp window) reject the whole PBU.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The operator's flow policy (section 3): rules on static HNPs, checked
 * like any other; an event for each is of no use before the run starts. */
static int add_policy_flows(struct lma *l, const struct lma_config *c, const char **why)
{
	struct lma_actions none;

	lma_actions_init(&none);
	for (size_t i = 0; i < c->n_flows; i++) {
		struct flow_rule r = c->flows[i];

		if (lma_flow_add(l, &r, FLOW_ORIGIN_POLICY, why, &none) < 0)
			break;
		lma_actions_clear(&none);
	}
	lma_actions_fini(&none);
	return flow_tab_n_rules(l->flows) == c->n_flows ? 0 : -1;
}

struct lma *lma_new(const struct lma_config *c, const char **why)
{
	struct lma *l = calloc(1, sizeof(*l));

	if (!l) {
		*why = "out of memory";
		return NULL;
	}
	l->cfg = *c;
	l->cfg.mags = calloc(c->n_mags ? c->n_mags : 1, sizeof(*c->mags));
	l->cfg.policies = calloc(c->n_policies ? c->n_policies : 1, sizeof(*c->policies));
	l->bc = bce_new(&c->hash_seed);
	l->peers = calloc(c->n_mags ? c->n_mags : 1, sizeof(*l->peers));
	if (!l->cfg.mags || !l->cfg.policies || !l->bc || !l->peers) {
		lma_free(l);
		*why = "out of memory";
		return NULL;
	}
	/* memcpy from NULL is undefined even for 0 bytes (C11 7.24.1). */
	if (c->n_mags)
		memcpy(l->cfg.mags, c->mags, c->n_mags * sizeof(*c->mags));
	if (c->n_policies)
		memcpy(l->cfg.policies, c->policies, c->n_policies * sizeof(*c->policies));
	l->cfg.mag_keys = NULL;         /* the shell's (lma_auth.c), not the engine's */
	l->cfg.flows = NULL;            /* the flow table owns the rules */
	l->cfg.n_flows = 0;
	l->pidx = lma_policy_index_new(&l->cfg);
	l->flows = flow_tab_new(&c->hash_seed);
	if (!l->pidx || !l->flows) {
		lma_free(l);
		*why = "out of memory";
		return NULL;
	}
	if (add_policy_flows(l, c, why) < 0) {
		lma_free(l);
		return NULL;
	}
	l->announced_ns = BCE_NO_DEADLINE;
	return l;
}

void lma_free(struct lma *l)
{
	if (!l)
		return;
	bce_free(l->bc);
	free(l->peers);
	flow_tab_free(l->flows);
	lma_policy_index_free(l->pidx);
	lma_config_fini(&l->cfg);
	free(l);
}

const struct lma_stats *lma_stats(const struct lma *l) { return &l->st; }
struct bce_cache *lma_bce(const struct lma *l) { return l->bc; }

uint64_t lma_next_deadline(const struct lma *l)
{
	uint64_t d = bce_next_deadline(l->bc);

	for (size_t i = 0; i < LMA_PENDING_MAX; i++)
		if (l->pend[i].used && l->pend[i].deadline_ns < d)
			d = l->pend[i].deadline_ns;
	if (lma_revoke_deadline(l) < d)
		d = lma_revoke_deadline(l);
	if (lma_upn_deadline(l) < d)
		d = lma_upn_deadline(l);
	return d;
}

/* ---- the PBA (5.3.6) ----------------------------------------------------------- */

static void pba_init(struct mh_msg *pba, const struct mh_msg *pbu)
{
	mh_msg_init(pba, MH_TYPE_BA);
	pba->ba_flags = MH_BA_P;                  /* 8.2: proxy registration */
	pba->seq = pbu->seq;
	pba->has_mn_id = pbu->has_mn_id;
	pba->mn_id_subtype = pbu->mn_id_subtype;
	pba->mn_id_len = pbu->mn_id_len;
	memcpy(pba->mn_id, pbu->mn_id, pbu->mn_id_len);
	pba->has_timestamp = pbu->has_timestamp;
	pba->timestamp = pbu->timestamp;
	pba->n_groups = pbu->n_groups ? pbu->n_groups : 1;
	memcpy(pba->group, pbu->group, sizeof(pba->group));
	for (uint8_t i = 0; i < pba->n_groups; i++)
		pba->group[i].bid_h = false;
}

static void pba_group_hnps(struct mh_group *out, const struct bce_session *s)
{
	out->n_hnp = s->n_prefix;
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		out->hnp[i].prefix = s->prefix[i]->prefix;
		out->hnp[i].len = s->prefix[i]->len;
	}
}

static void pba_group(struct mh_group *out, const struct lma_group_ctx *c)
{
	bool accepted = c->plan != LMA_PLAN_REJECT;

	out->bid_status = accepted ? PBA_STATUS_ACCEPTED : c->status;
	if (accepted && c->s && c->plan != LMA_PLAN_DEREG && c->plan != LMA_PLAN_NOOP_DEREG) {
		pba_group_hnps(out, c->s);
		/* 6.8 / 8.7: the link-local address the MAG should use */
		if (out->has_ll_addr && c->s->has_ll_addr)
			out->ll_addr = c->s->ll_addr;
	}
}

/* 5.5: a PBA rejecting a timestamp (156, 157) carries the LMA's current
 * time, so the MAG can resynchronize. */
static void pba_our_time(struct mh_msg *pba, uint64_t realtime_ns)
{
	pba->has_timestamp = true;
	pba->timestamp = mh_timestamp_from_ns(realtime_ns);
}

static uint16_t granted_units(const struct lma *l, const struct mh_msg *pbu)
{
	uint32_t max_u = l->cfg.max_lifetime_s / 4;

	return pbu->lifetime > max_u ? (uint16_t)max_u : pbu->lifetime;
}

static void reject_all(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		       uint8_t status, uint64_t realtime_ns, struct lma_actions *out)
{
	struct mh_msg pba;

	pba_init(&pba, pbu);
	pba.status = status;
	pba.lifetime = 0;
	for (uint8_t i = 0; i < pba.n_groups; i++)
		pba.group[i].bid_status = status;
	if (status == PBA_STATUS_TIMESTAMP_MISMATCH)
		pba_our_time(&pba, realtime_ns);
	lma_flow_pbu(l, pbu, NULL, 0, false, &pba, out);   /* RFC 6089: all refused */
	l->st.groups_rejected += pba.n_groups;
	lma_act_pba(l, out, src, &pba);
}

/* ---- processing ----------------------------------------------------------------- */

static void pbu_event(const struct in6_addr *src, const struct mh_msg *pbu,
		      struct lma_actions *out)
{
	char id[2 * MH_MN_ID_MAX + 8] = "null", peer[INET6_ADDRSTRLEN], hnp[600] = "[";
	char ll[64] = "", svc[2 * MH_SERVICE_MAX + 8] = "null";
	const struct mh_group *g = &pbu->group[0];
	size_t o = 1;

	if (pbu->has_mn_id)
		lma_json_str(id, sizeof(id), pbu->mn_id, pbu->mn_id_len);
	inet_ntop(AF_INET6, src, peer, sizeof(peer));
	for (uint8_t i = 0; pbu->n_groups && i < g->n_hnp && o + 60 < sizeof(hnp); i++) {
		char p[64];

		lma_fmt_prefix(p, sizeof(p), &g->hnp[i].prefix, g->hnp[i].len);
		o += (size_t)snprintf(hnp + o, sizeof(hnp) - o, "%s\"%s\"", i ? "," : "", p);
	}
	snprintf(hnp + o, sizeof(hnp) - o, "]");
	if (pbu->n_groups && g->has_mn_ll_id)
		lma_fmt_ll_id(ll, sizeof(ll), g->mn_ll_id, g->mn_ll_id_len);
	if (pbu->n_groups && g->service_len)
		lma_json_str(svc, sizeof(svc), g->service, g->service_len);
	lma_act_event(out, LMA_EV_PBU_RECEIVED,
		      "\"mn_id\":%s,\"seq\":%u,\"lifetime_s\":%u,\"hi\":%u,\"att\":%u,"
		      "\"ll_id\":\"%s\",\"service\":%s,\"hnp\":%s,\"flags\":\"0x%04x\",\"groups\":%u,"
		      "\"peer\":\"%s\"", id, pbu->seq, pbu->lifetime * 4u, pbu->n_groups ? g->hi : 0,
		      pbu->n_groups ? g->att : 0, ll, svc, hnp, pbu->bu_flags, pbu->n_groups, peer);
}

static void group_ctx(struct lma_group_ctx *c, const struct mh_msg *pbu, uint8_t i)
{
	const struct mh_group *g = &pbu->group[i];

	memset(c, 0, sizeof(*c));
	c->g = g;
	c->key.mn_id = pbu->mn_id;
	c->key.mn_id_len = pbu->mn_id_len;
	c->key.ll_id = g->has_mn_ll_id ? g->mn_ll_id : NULL;
	c->key.ll_id_len = g->has_mn_ll_id ? g->mn_ll_id_len : 0;
	c->key.att = g->att;
	c->key.service = g->service_len ? g->service : NULL;
	c->key.service_len = g->service_len;
	c->key.bid = g->has_bid ? g->bid : BCE_BID_NONE;
	for (uint8_t j = 0; j < g->n_hnp && j < MH_HNP_MAX; j++)
		if (!lma_prefix_is_zero(&g->hnp[j]))
			c->req[c->n_req++] = g->hnp[j];
}

static bool hold(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		 uint64_t now_ns, uint64_t realtime_ns, struct lma_actions *out)
{
	for (size_t i = 0; i < LMA_PENDING_MAX; i++) {
		struct lma_pending *p = &l->pend[i];
		char id[2 * MH_MN_ID_MAX + 8];

		if (p->used)
			continue;
		p->used = true;
		p->src = *src;
		p->pbu = *pbu;
		p->deadline_ns = now_ns + l->cfg.max_delay_before_new_bce_assign_ns;
		p->realtime_ns = realtime_ns;
		l->st.pending_waits++;
		lma_json_str(id, sizeof(id), pbu->mn_id, pbu->mn_id_len);
		lma_act_event(out, LMA_EV_BCE_PENDING, "\"mn_id\":%s,\"seq\":%u,\"wait_ms\":%llu",
			      id, pbu->seq,
			      (unsigned long long)(l->cfg.max_delay_before_new_bce_assign_ns / 1000000));
		return true;
	}
	return false;                   /* full: decide now */
}

static bool is_held(const struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu)
{
	for (size_t i = 0; i < LMA_PENDING_MAX; i++) {
		const struct lma_pending *p = &l->pend[i];

		if (p->used && !memcmp(&p->src, src, sizeof(*src)) &&
		    p->pbu.mn_id_len == pbu->mn_id_len &&
		    !memcmp(p->pbu.mn_id, pbu->mn_id, pbu->mn_id_len))
			return true;
	}
	return false;
}

static void process(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		    uint64_t now_ns, uint64_t realtime_ns, bool force_new,
		    struct bce_session *handoff_from, struct lma_actions *out);

/* A deregistration from one MAG releases a PBU held for the same MN from
 * another: it was a handoff after all (5.4.1, MaxDelayBeforeNewBCEAssign). */
static void release_held(struct lma *l, const struct in6_addr *src, struct bce_session *s,
			 uint64_t now_ns, struct lma_actions *out)
{
	for (size_t i = 0; i < LMA_PENDING_MAX; i++) {
		struct lma_pending *p = &l->pend[i];

		if (!p->used || !memcmp(&p->src, src, sizeof(*src)) ||
		    p->pbu.mn_id_len != s->mn->id_len ||
		    memcmp(p->pbu.mn_id, s->mn->id, s->mn->id_len))
			continue;
		p->used = false;
		process(l, &p->src, &p->pbu, now_ns, p->realtime_ns, true, s, out);
		return;
	}
}

static void process(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		    uint64_t now_ns, uint64_t realtime_ns, bool force_new,
		    struct bce_session *handoff_from, struct lma_actions *out)
{
	struct lma_group_ctx c[MH_GROUP_MAX];
	uint8_t n = pbu->n_groups ? pbu->n_groups : 1, first_bad = 0;
	struct bce_session *dereg[MH_GROUP_MAX], *own[MH_GROUP_MAX];
	uint8_t n_dereg = 0, n_own = 0;
	struct mh_msg pba;

	for (uint8_t i = 0; i < n; i++) {
		group_ctx(&c[i], pbu, i);
		c[i].force_new = force_new || n > 1;   /* only single groups wait */
		c[i].handoff_from = i == 0 ? handoff_from : NULL;
		c[i].status = lma_check_group(c[i].g);
		if (c[i].status != PBA_STATUS_ACCEPTED) {
			c[i].plan = LMA_PLAN_REJECT;
			continue;
		}
		lma_decide(l, src, pbu, &c[i]);
		lma_home_proxy_bid(l, &c[i], out);
		/* a held PBU was ordered when it came (5.5); what was accepted
		 * while it waited (the deregistration releasing it) is newer.
		 * A late deregistration from a Proxy-CoA that no longer holds
		 * the binding is ignored whatever its age (5.3.5): it changes
		 * nothing, so 157 would only make its MAG send it again. */
		if (c[i].plan != LMA_PLAN_REJECT && c[i].plan != LMA_PLAN_NOOP_DEREG &&
		    !force_new) {
			uint8_t st = lma_check_order(l, src, pbu, &c[i]);

			if (st != PBA_STATUS_ACCEPTED) {
				c[i].plan = LMA_PLAN_REJECT;
				c[i].status = st;
			}
		}
	}
	if (n == 1 && c[0].plan == LMA_PLAN_WAIT && hold(l, src, pbu, now_ns, realtime_ns, out))
		return;
	pba_init(&pba, pbu);
	pba.lifetime = granted_units(l, pbu);
	for (uint8_t i = 0; i < n; i++) {
		if (c[i].plan == LMA_PLAN_WAIT)
			c[i].plan = LMA_PLAN_NEW;
		lma_apply(l, src, pbu, &c[i], now_ns, out);
		lma_home_after_proxy(l, &c[i], out);
		pba_group(&pba.group[i], &c[i]);
		if (c[i].plan == LMA_PLAN_REJECT) {
			l->st.groups_rejected++;
			if (!pba.status)
				pba.status = c[i].status, first_bad = i;
		} else {
			l->st.groups_accepted++;
		}
		if (c[i].plan == LMA_PLAN_DEREG)
			dereg[n_dereg++] = c[i].s;
		else if (c[i].plan != LMA_PLAN_REJECT && c[i].plan != LMA_PLAN_NOOP_DEREG && c[i].s)
			own[n_own++] = c[i].s;
	}
	if (pba.status == LMA_STATUS_SEQ_OUT_OF_WINDOW)
		pba.seq = c[first_bad].ref->seq;       /* RFC 6275 9.5.1 */
	if (pba.status == PBA_STATUS_TIMESTAMP_LOWER_THAN_PREV_ACCEPTED)
		pba_our_time(&pba, realtime_ns);
	if (pba.status && l->st.groups_rejected && n == 1)
		pba.lifetime = 0;
	lma_flow_pbu(l, pbu, own, n_own, pba.status == PBA_STATUS_ACCEPTED && pbu->lifetime,
		     &pba, out);
	lma_act_pba(l, out, src, &pba);
	for (uint8_t i = 0; i < n; i++)
		lma_apply_fh(l, &c[i], out);
	for (uint8_t i = 0; i < n_dereg; i++)
		release_held(l, src, dereg[i], now_ns, out);
}

int lma_input_pbu(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		  uint64_t now_ns, uint64_t realtime_ns, struct lma_actions *out)
{
	l->now_ns = now_ns;
	if (pbu->type == MH_TYPE_BR || pbu->type == MH_TYPE_HEARTBEAT) {
		int rc = pbu->type == MH_TYPE_BR ? lma_input_br(l, src, pbu, out) :
			 lma_input_hb(l, src, pbu, now_ns, out);

		lma_act_timer(l, out);
		return rc;
	}
	if (pbu->type == MH_TYPE_UPA)
		return lma_input_upa(l, src, pbu, out);
	if (pbu->type == MH_TYPE_HACK) {
		int rc = lma_input_hack(l, src, pbu, out);

		lma_act_timer(l, out);
		return rc;
	}
	if (pbu->type != MH_TYPE_BU)
		return -1;
	l->st.pbu_received++;
	pbu_event(src, pbu, out);
	uint8_t st = lma_check_common(l, src, pbu, realtime_ns);

	if (st != PBA_STATUS_ACCEPTED)
		reject_all(l, src, pbu, st, realtime_ns, out);
	else if (!is_held(l, src, pbu))   /* a retransmission of a held PBU waits too */
		process(l, src, pbu, now_ns, realtime_ns, false, NULL, out);
	lma_act_timer(l, out);
	return 0;
}

void lma_timer(struct lma *l, uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *s;

	l->now_ns = now_ns;
	lma_revoke_timer(l, now_ns, out);
	lma_upn_timer(l, now_ns, out);
	while ((s = bce_expired(l->bc, now_ns)) != NULL)
		lma_session_delete(l, s, s->state == BCE_STATE_REGISTERED ?
				   "lifetime_expired" : "deregistered", out);
	for (size_t i = 0; i < LMA_PENDING_MAX; i++) {
		struct lma_pending *p = &l->pend[i];

		if (!p->used || p->deadline_ns > now_ns)
			continue;
		/* MaxDelayBeforeNewBCEAssign passed without a deregistration:
		 * a new mobility session after all. */
		p->used = false;
		process(l, &p->src, &p->pbu, now_ns, p->realtime_ns, true, NULL, out);
	}
	lma_act_timer(l, out);
}
