/*
 * lma_apply.c - carrying out what lma_decide() chose for a PBU group (RFC
 * 5213 5.3.2-5.3.5, 5.4.1): a new entry, an update (refresh or handoff),
 * a move of prefixes between an MN's entries (HI 2), a deregistration;
 * appendix D's dormant entries; deleting an entry. Pure (lma.h): every
 * change leaves as actions.
 */
#include "lma_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* ---- applying ------------------------------------------------------------------ */

static uint64_t lifetime_ns(uint32_t s)
{
	return (uint64_t)s * 1000000000ULL;
}

/* Record an accepted registration in s (5.3.2 / 5.3.3). */
static void registered(struct lma *l, struct bce_session *s, const struct in6_addr *src,
		       const struct mh_msg *pbu, const struct lma_group_ctx *c,
		       uint64_t now_ns, struct lma_actions *out, const char *why)
{
	s->proxy_coa = *src;
	s->seq = pbu->seq;
	if (pbu->has_timestamp) {
		s->has_timestamp = true;
		s->timestamp = pbu->timestamp;
	}
	if (c->g->has_ll_addr && !IN6_IS_ADDR_UNSPECIFIED(&c->g->ll_addr)) {
		s->has_ll_addr = true;
		s->ll_addr = c->g->ll_addr;
	}
	s->bid = c->key.bid;
	s->lifetime_s = pbu->lifetime * 4u;
	if (s->lifetime_s > l->cfg.max_lifetime_s)
		s->lifetime_s = l->cfg.max_lifetime_s;
	lma_session_set_state(l, s, BCE_STATE_REGISTERED, now_ns + lifetime_ns(s->lifetime_s),
			      out, why);
	s->registered_ns = now_ns;
}

/* Appendix D: the prefixes of s that went to a backup come back. */
static void restore_dormant(struct lma *l, struct bce_session *s, struct lma_actions *out)
{
	char p[64];

	if (!l->cfg.fast_handover_return)
		return;
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		struct bce_prefix *x = s->prefix[i];

		if (!x->dormant_active)
			continue;
		bce_prefix_restore(x);
		bce_prefix_set_dormant(x, NULL);
		lma_fmt_prefix(p, sizeof(p), &x->prefix, x->len);
		lma_act_event(out, LMA_EV_BCE_DORMANT_RESTORED, "\"session\":%llu,\"hnp\":\"%s\"",
			      (unsigned long long)s->id, p);
	}
}

static void apply_new(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		      struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *s = bce_session_add(l->bc, &c->key);
	char f[1024];
	int rc = 0;

	if (!s) {
		lma_reject(c, PBA_STATUS_UNSPECIFIED);
		return;
	}
	for (uint8_t i = 0; i < c->n_req && rc == 0; i++)
		rc = bce_prefix_bind(l->bc, s, &c->req[i].prefix, c->req[i].len);
	if (rc < 0)
		c->status = PBA_STATUS_UNSPECIFIED;
	else if (c->n_req == 0)
		rc = lma_alloc_prefixes(l, s, lma_policy_find(l, &c->key), &c->status);
	if (rc < 0) {
		bce_session_del(l->bc, s);
		c->plan = LMA_PLAN_REJECT;
		return;
	}
	registered(l, s, src, pbu, c, now_ns, out, "new entry (5.3.2)");
	c->s = s;
	l->st.sessions_created++;
	lma_act_event(out, LMA_EV_BCE_CREATED, "%s", lma_session_fields(s, f, sizeof(f)));
	lma_act_routes(out, s);
}

void lma_apply_update(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
			 struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *s = c->s;
	bool handoff = !IN6_ARE_ADDR_EQUAL(&s->proxy_coa, src);
	bool revived = s->state != BCE_STATE_REGISTERED;
	char from[INET6_ADDRSTRLEN], f[1024];

	inet_ntop(AF_INET6, &s->proxy_coa, from, sizeof(from));
	/* RFC 5846 8.1: the previous MAG learns at once that the MN left */
	if (handoff && !revived && l->cfg.revocation)
		lma_revoke_send(l, s, NULL, 0, MH_BR_TRIGGER_INTER_MAG_SAME_ATT, out);
	registered(l, s, src, pbu, c, now_ns, out,
		   handoff ? "handoff (5.4.1)" : "refresh (5.3.3)");
	restore_dormant(l, s, out);
	lma_session_fields(s, f, sizeof(f));
	if (handoff) {
		l->st.handoffs++;
		lma_act_event(out, LMA_EV_BCE_HANDOFF, "%s,\"from\":\"%s\",\"hi\":%u", f, from,
			      c->g->hi);
	} else {
		l->st.refreshes++;
		lma_act_event(out, LMA_EV_BCE_REFRESHED, "%s,\"revived\":%s", f,
			      revived ? "true" : "false");
	}
	lma_act_routes(out, s);
}

/* The first route of x that is not t (the session x moves away from). */
static struct bce_session *move_source(const struct bce_prefix *x, const struct bce_session *t)
{
	for (uint8_t i = 0; i < x->n_route; i++)
		if (x->route[i] != t)
			return x->route[i];
	return NULL;
}

static void note_from(struct bce_session **from, uint8_t *n_from, struct bce_session *f)
{
	for (uint8_t i = 0; i < *n_from; i++)
		if (from[i] == f)
			return;
	from[(*n_from)++] = f;
}

/* Bring the prefixes into t: all of handoff_from's (a held PBU after a
 * deregistration), or the named ones from whoever routes them. */
static int move_in(struct lma *l, struct lma_group_ctx *c, struct bce_session *t,
		   struct bce_session **from, uint8_t *n_from, struct lma_moved *mv)
{
	struct bce_session *hf = c->handoff_from;

	while (hf && hf != t && hf->n_prefix > 0) {
		lma_note_moved(mv, hf, hf->prefix[0]);
		if (bce_prefix_move(l->bc, hf->prefix[0], hf, t) < 0)
			return -1;
		note_from(from, n_from, hf);
	}
	for (uint8_t i = 0; !hf && i < c->n_req; i++) {
		struct bce_prefix *x = bce_find_prefix(l->bc, &c->req[i].prefix, c->req[i].len);
		struct bce_session *f = x ? move_source(x, t) : NULL;

		if (!x) {
			if (bce_prefix_bind(l->bc, t, &c->req[i].prefix, c->req[i].len) < 0)
				return -1;
			continue;
		}
		if (!f || bce_session_has_prefix(t, x))
			continue;
		lma_note_moved(mv, f, x);
		if (bce_prefix_move(l->bc, x, f, t) < 0)
			return -1;
		note_from(from, n_from, f);
	}
	return 0;
}

static void apply_move(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
		       struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *t = c->s ? c->s : bce_session_add(l->bc, &c->key);
	struct bce_session *from[MH_HNP_MAX];
	struct lma_moved mv = { 0 };
	uint8_t n_from = 0;
	char f[1024];

	if (!t) {
		lma_reject(c, PBA_STATUS_UNSPECIFIED);
		return;
	}
	bool created = !c->s;
	if (move_in(l, c, t, from, &n_from, &mv) < 0 || t->n_prefix == 0) {
		if (created && t->n_prefix == 0)
			bce_session_del(l->bc, t);
		lma_reject(c, PBA_STATUS_UNSPECIFIED);
		return;
	}
	c->s = t;
	if (n_from == 0 && !created) {
		/* HI 2 naming only what t already holds: nothing moved */
		lma_apply_update(l, src, pbu, c, now_ns, out);
		return;
	}
	lma_revoke_moved(l, src, t, &mv, out);
	registered(l, t, src, pbu, c, now_ns, out, "prefixes moved in, HI 2 (5.4.1)");
	if (created)
		l->st.sessions_created++;
	l->st.handoffs++;
	lma_session_fields(t, f, sizeof(f));
	for (uint8_t i = 0; i < n_from; i++) {
		char coa[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &from[i]->proxy_coa, coa, sizeof(coa));
		lma_act_event(out, LMA_EV_BCE_HANDOFF, "%s,\"from\":\"%s\",\"from_session\":%llu,"
			      "\"hi\":%u", f, coa, (unsigned long long)from[i]->id, c->g->hi);
		if (from[i]->n_prefix == 0)
			lma_session_delete(l, from[i], "moved", out);
	}
	lma_act_routes(out, t);
}

static void activate_dormant(struct lma *l, struct bce_session *s, struct lma_actions *out)
{
	/* the dormant route installed beforehand (lma_fh.c), else any other
	 * live session of the MN */
	struct bce_session *b = l->cfg.fast_handover ? lma_fh_backup(s) : NULL;
	char p[64];

	for (uint8_t i = 0; b && i < s->n_prefix; i++) {
		struct bce_prefix *x = s->prefix[i];

		if (bce_prefix_downlink(x))
			continue;           /* another route still carries it */
		bce_prefix_set_dormant(x, b);
		bce_prefix_activate_dormant(x);
		l->st.dormant_activations++;
		lma_fmt_prefix(p, sizeof(p), &x->prefix, x->len);
		lma_act_event(out, LMA_EV_BCE_DORMANT_ACTIVATED,
			      "\"session\":%llu,\"to_session\":%llu,\"hnp\":\"%s\"",
			      (unsigned long long)s->id, (unsigned long long)b->id, p);
		lma_act_route(out, LMA_ACT_ROUTE_ADD, x, &b->proxy_coa);
	}
}

static void apply_dereg(struct lma *l, const struct mh_msg *pbu, struct lma_group_ctx *c,
			uint64_t now_ns, struct lma_actions *out)
{
	struct bce_session *s = c->s;
	char f[1024];

	s->seq = pbu->seq;
	if (pbu->has_timestamp) {
		s->has_timestamp = true;
		s->timestamp = pbu->timestamp;
	}
	/* 5.3.5: keep the entry MinDelayBeforeBCEDelete, in case the MN shows
	 * up at another MAG (handoff) before it goes. */
	lma_session_set_state(l, s, BCE_STATE_DEREGISTERED,
			      now_ns + l->cfg.min_delay_before_bce_delete_ns, out,
			      "lifetime 0 accepted (5.3.5)");
	l->st.deregistrations++;
	lma_act_event(out, LMA_EV_BCE_DEREGISTERED, "%s", lma_session_fields(s, f, sizeof(f)));
	lma_fh_forget(s);
	activate_dormant(l, s, out);
}

void lma_apply(struct lma *l, const struct in6_addr *src, const struct mh_msg *pbu,
	       struct lma_group_ctx *c, uint64_t now_ns, struct lma_actions *out)
{
	switch (c->plan) {
	case LMA_PLAN_NEW: apply_new(l, src, pbu, c, now_ns, out); break;
	case LMA_PLAN_UPDATE: lma_apply_update(l, src, pbu, c, now_ns, out); break;
	case LMA_PLAN_MOVE: apply_move(l, src, pbu, c, now_ns, out); break;
	case LMA_PLAN_DEREG: apply_dereg(l, pbu, c, now_ns, out); break;
	case LMA_PLAN_SET: lma_apply_set_change(l, src, pbu, c, now_ns, out); break;
	case LMA_PLAN_NOOP_DEREG: l->st.stale_deregistrations++; break;
	case LMA_PLAN_REJECT:
	case LMA_PLAN_WAIT: break;
	}
}

/* Appendix D: after the PBA is queued, so that the MAG has installed the
 * session's routes when the HI reaches it (it returns its forwarding to
 * the peer on the HI: sent first, the HI opened a window where a packet
 * that the LMA already sent to this MAG found neither path). */
void lma_apply_fh(struct lma *l, const struct lma_group_ctx *c, struct lma_actions *out)
{
	if ((c->plan == LMA_PLAN_NEW || c->plan == LMA_PLAN_UPDATE ||
	     c->plan == LMA_PLAN_MOVE) && c->s)
		lma_fh_install(l, c->s, out);
}

void lma_session_delete(struct lma *l, struct bce_session *s, const char *reason,
			struct lma_actions *out)
{
	struct mh_prefix gone[MH_HNP_MAX];
	uint8_t n = 0;
	char f[1024];

	/* Appendix D: a prefix whose downlink went to the backup stays there. */
	for (uint8_t i = s->n_prefix; i-- > 0;) {
		struct bce_prefix *x = s->prefix[i];

		if (x->dormant_active && x->dormant && x->dormant != s)
			bce_prefix_move(l->bc, x, s, x->dormant);
	}
	for (uint8_t i = 0; i < s->n_prefix; i++) {
		gone[n].prefix = s->prefix[i]->prefix;
		gone[n++].len = s->prefix[i]->len;
	}
	lma_act_event(out, LMA_EV_BCE_DELETED, "%s,\"reason\":\"%s\"",
		      lma_session_fields(s, f, sizeof(f)), reason);
	lma_flow_mn_forget(l, s, out);      /* RFC 6089: flows go with their binding */
	l->st.sessions_deleted++;
	bce_session_del(l->bc, s);
	for (uint8_t i = 0; i < n; i++) {
		struct bce_prefix *x = bce_find_prefix(l->bc, &gone[i].prefix, gone[i].len);
		const struct bce_session *d = x ? bce_prefix_downlink(x) : NULL;
		struct bce_prefix tmp = { .prefix = gone[i].prefix, .len = gone[i].len };

		if (!x)
			lma_act_route(out, LMA_ACT_ROUTE_DEL, &tmp, NULL);
		else if (d)
			lma_act_route(out, LMA_ACT_ROUTE_ADD, x, &d->proxy_coa);
	}
}
