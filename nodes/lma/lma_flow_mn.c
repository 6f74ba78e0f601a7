/*
 * lma_flow_mn.c - the MN's own flow preferences, carried by its MAG in a
 * PBU's RFC 6089 Flow Identification options (problem statement section
 * 3, appendix B): Add / Modify install a rule of origin "mn" in the flow
 * table, Delete removes it, Refresh confirms it; the PBA echoes each
 * option with its status (RFC 6089 4.2, statuses from memory:
 * doc/protocol.md "Section 3").
 *
 * Owns: the map (MN-ID, FID) -> rule id, the choice of the rule's prefix
 * and targets from the Binding Reference. Must not: add or remove rules
 * other than through lma_flow_add/del (which check them), do I/O.
 *
 * Binding Reference, our reading: one BID = that session (FLOW_MODE_ONE);
 * several = any of them, shared by the LMA per flow; none = "don't mind":
 * any session of the prefix (FLOW_MODE_ANY over every route), which load
 * sharing and network-initiated moves may place freely: its rule is matched
 * after every rule of the operator (prio LMA_FLOW_DONT_MIND_PRIO +
 * FID-PRI), so a move the operator adds (ctl, timeline) takes its flows.
 * We never n-cast. A rule goes with the last session it can send to
 * (lma_flow_mn_forget, from lma_session_delete).
 */
#include "lma_int.h"
#include "pmip/flow_ts.h"

#include <stdio.h>
#include <string.h>

struct mn_req {
	const struct mh_msg *pbu;
	struct bce_session *const *own;  /* the PBU's accepted sessions */
	size_t n_own;
	const char *why;
};

/* --- the (MN-ID, FID) map -------------------------------------------------- */

static struct lma_mn_fid *fid_find(struct lma *l, const struct mh_msg *pbu, uint16_t fid)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];

		if (e->used && e->fid == fid && e->mn_id_len == pbu->mn_id_len &&
		    !memcmp(e->mn_id, pbu->mn_id, pbu->mn_id_len)) {
			const struct flow_rule *r = flow_tab_find(l->flows, e->rule_id);

			if (r && r->origin == FLOW_ORIGIN_MN)
				return e;
			e->used = false;        /* removed meanwhile (ctl flow del) */
		}
	}
	return NULL;
}

static struct lma_mn_fid *fid_new(struct lma *l, const struct mh_msg *pbu, uint16_t fid)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];

		if (e->used && !flow_tab_find(l->flows, e->rule_id))
			e->used = false;
		if (e->used)
			continue;
		e->used = true;
		e->fid = fid;
		e->mn_id_len = pbu->mn_id_len;
		memcpy(e->mn_id, pbu->mn_id, pbu->mn_id_len);
		return e;
	}
	return NULL;
}

/* --- building the rule ------------------------------------------------------ */

static bool holds(const struct bce_session *s, const struct bce_prefix *x)
{
	for (uint8_t i = 0; i < s->n_prefix; i++)
		if (s->prefix[i] == x)
			return true;
	return false;
}

static bool in_prefix(const struct in6_addr *a, const struct bce_prefix *x)
{
	for (unsigned b = 0; b < x->len; b++) {
		unsigned mask = 0x80u >> (b % 8);

		if ((a->s6_addr[b / 8] ^ x->prefix.s6_addr[b / 8]) & mask)
			return false;
	}
	return true;
}

/* The prefix the rule applies to: the one holding the selector's
 * destination (the MN's address, downlink), else the first prefix every
 * session ss[] holds, one shared by several sessions first. */
static const struct bce_prefix *rule_prefix(struct bce_session *const *ss, size_t n,
					    const struct flow_sel *sel)
{
	const struct bce_prefix *pick = NULL;

	for (uint8_t i = 0; n && i < ss[0]->n_prefix; i++) {
		const struct bce_prefix *x = ss[0]->prefix[i];
		bool all = true;

		for (size_t j = 1; j < n; j++)
			all = all && holds(ss[j], x);
		if (!all)
			continue;
		if (sel->fields & FLOW_F_DST) {
			if (in_prefix(&sel->dst_lo, x) && in_prefix(&sel->dst_hi, x))
				return x;
			continue;
		}
		if (x->n_route > 1)
			return x;
		if (!pick)
			pick = x;
	}
	return pick;
}

/* A BID of the Binding Reference names one of the PBU's own sessions:
 * each MAG numbers its sessions itself (RFC 5648 leaves BIDs to the MN,
 * which in PMIPv6 knows none), so two MAGs may use the same BID for two
 * sessions of one MN, and a MAG can only name its own. */
static struct bce_session *session_by_bid(const struct mn_req *q, uint16_t bid)
{
	for (size_t i = 0; bid != BCE_BID_NONE && i < q->n_own; i++)
		if (q->own[i]->bid == bid && q->own[i]->state == BCE_STATE_REGISTERED)
			return q->own[i];
	return NULL;
}

/* f -> rule r (prefix, prio, selector, targets). A status, 0 on success. */
static uint8_t build_rule(struct mn_req *q, const struct mh_flow *f, struct flow_rule *r)
{
	struct bce_session *ss[MH_FLOW_BREF_MAX];
	const struct bce_prefix *x;
	size_t n = 0;

	memset(r, 0, sizeof(*r));
	if (f->ts_format == 0 || (f->n_bref > FLOW_TARGET_MAX)) {
		q->why = f->ts_format ? "more BIDs than a rule has targets (4)"
				      : "Add/Modify without a Traffic Selector";
		return MH_FLOW_STATUS_OPTION_MALFORMED;
	}
	if (f->ts_format != FLOW_TS_FORMAT_IPV6) {
		q->why = "traffic selector format not IPv6 binary (2)";
		return MH_FLOW_STATUS_TS_FORMAT_NOT_SUPPORTED;
	}
	for (uint8_t i = 0; i < f->n_bref; i++)
		if (!(ss[n++] = session_by_bid(q, f->bref[i]))) {
			q->why = "a BID of the Binding Reference names no session of this PBU";
			return MH_FLOW_STATUS_BID_NOT_FOUND;
		}
	x = n ? rule_prefix(ss, n, &f->ts) : rule_prefix(q->own, q->n_own, &f->ts);
	if (!x) {
		q->why = "no prefix of the referenced sessions fits the selector";
		return MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
	}
	r->prefix = x->prefix;
	r->plen = x->len;
	r->prio = f->fid_pri;
	if (n == 0)                     /* "don't mind": after the operator's */
		r->prio = (uint16_t)(f->fid_pri > UINT16_MAX - LMA_FLOW_DONT_MIND_PRIO
				     ? UINT16_MAX : LMA_FLOW_DONT_MIND_PRIO + f->fid_pri);
	r->sel = f->ts;
	r->mode = n == 1 ? FLOW_MODE_ONE : FLOW_MODE_ANY;
	r->n_target = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		lma_fmt_ll_id(r->target[i].name, sizeof(r->target[i].name), ss[i]->ll_id,
			      ss[i]->ll_id_len);
		r->target[i].weight = 1;
	}
	return MH_FLOW_STATUS_SUCCESS;
}

static bool same_rule(const struct flow_rule *a, const struct flow_rule *b)
{
	if (memcmp(&a->prefix, &b->prefix, 16) || a->plen != b->plen || a->prio != b->prio ||
	    a->mode != b->mode || a->n_target != b->n_target || !flow_sel_equal(&a->sel, &b->sel))
		return false;
	for (uint8_t i = 0; i < a->n_target; i++)
		if (strcmp(a->target[i].name, b->target[i].name))
			return false;
	return true;
}

/* --- the actions ------------------------------------------------------------ */

/* Add, or Modify (e: the FID's entry, NULL for a new FID): the new rule
 * replaces the old one; if it is refused the old one stays. */
static uint8_t install(struct lma *l, struct mn_req *q, const struct mh_flow *f,
		       struct lma_mn_fid *e, struct lma_actions *out)
{
	struct flow_rule r, old;
	uint8_t st = build_rule(q, f, &r);
	const struct flow_rule *cur = e ? flow_tab_find(l->flows, e->rule_id) : NULL;

	if (st)
		return st;
	if (cur && same_rule(cur, &r))
		return MH_FLOW_STATUS_SUCCESS;              /* a repeat: nothing to do */
	if (!e && !(e = fid_new(l, q->pbu, f->fid))) {
		q->why = "too many MN flow bindings at this LMA";
		return MH_FLOW_STATUS_ADMINISTRATIVELY_PROHIBITED;
	}
	if (cur) {
		old = *cur;
		lma_flow_del(l, old.id, out);
	}
	if (lma_flow_add(l, &r, FLOW_ORIGIN_MN, &q->why, out) == 0) {
		e->rule_id = r.id;
		return MH_FLOW_STATUS_SUCCESS;
	}
	if (cur) {                                  /* put the old one back */
		const char *ignored;

		old.id = 0;
		if (lma_flow_add(l, &old, FLOW_ORIGIN_MN, &ignored, out) == 0)
			e->rule_id = old.id;
	} else {
		e->used = false;
	}
	return MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
}

static uint8_t one_flow(struct lma *l, struct mn_req *q, const struct mh_flow *f,
			struct lma_actions *out)
{
	struct lma_mn_fid *e = fid_find(l, q->pbu, f->fid);

	switch (f->action) {
	case MH_FLOW_ACTION_ADD:
		return install(l, q, f, e, out);
	case MH_FLOW_ACTION_MODIFY:
		if (e)
			return install(l, q, f, e, out);
		break;
	case MH_FLOW_ACTION_DELETE:
		if (e) {
			lma_flow_del(l, e->rule_id, out);
			e->used = false;
			return MH_FLOW_STATUS_SUCCESS;
		}
		break;
	case MH_FLOW_ACTION_REFRESH:
		if (e)
			return MH_FLOW_STATUS_SUCCESS;
		break;
	default:
		q->why = "unknown Action";
		return MH_FLOW_STATUS_OPTION_MALFORMED;
	}
	q->why = "no flow binding with this FID";
	return MH_FLOW_STATUS_FID_NOT_FOUND;
}

/* Could r still send a flow somewhere once s is gone? */
static bool rule_outlives(const struct flow_rule *r, const struct bce_session *s)
{
	for (const struct bce_session *o = s->mn->sessions; o; o = o->mn_next) {
		if (o == s)
			continue;
		for (uint8_t i = 0; i < r->n_target; i++)
			if (o->ll_id_len == r->target[i].ref_len &&
			    !memcmp(o->ll_id, r->target[i].ref, o->ll_id_len))
				return true;
		for (uint8_t i = 0; !r->n_target && i < o->n_prefix; i++)
			if (o->prefix[i]->len == r->plen &&
			    !memcmp(&o->prefix[i]->prefix, &r->prefix, 16))
				return true;
	}
	return false;
}

void lma_flow_mn_forget(struct lma *l, const struct bce_session *s, struct lma_actions *out)
{
	for (size_t i = 0; i < LMA_MN_FID_MAX; i++) {
		struct lma_mn_fid *e = &l->mn_fid[i];
		const struct flow_rule *r;

		if (!e->used || e->mn_id_len != s->mn->id_len ||
		    memcmp(e->mn_id, s->mn->id, e->mn_id_len))
			continue;
		r = flow_tab_find(l->flows, e->rule_id);
		if (r && r->origin == FLOW_ORIGIN_MN && rule_outlives(r, s))
			continue;
		if (r && r->origin == FLOW_ORIGIN_MN)
			lma_flow_del(l, e->rule_id, out);
		e->used = false;
	}
}

void lma_flow_pbu(struct lma *l, const struct mh_msg *pbu, struct bce_session *const *own,
		  size_t n_own, bool accepted, struct mh_msg *pba, struct lma_actions *out)
{
	struct mn_req q = { .pbu = pbu, .own = own, .n_own = n_own };
	char id[2 * MH_MN_ID_MAX + 8];

	pba->n_flow = pbu->n_flow;
	for (uint8_t i = 0; i < pbu->n_flow && i < MH_FLOW_MAX; i++) {
		const struct mh_flow *f = &pbu->flow[i];
		struct mh_flow *echo = &pba->flow[i];

		memset(echo, 0, sizeof(*echo));
		echo->fid = f->fid;
		echo->fid_pri = f->fid_pri;
		echo->action = f->action;
		q.why = "the PBU was rejected";
		echo->status = accepted ? one_flow(l, &q, f, out)
					: MH_FLOW_STATUS_REJECTED_UNSPECIFIED;
		if (echo->status == MH_FLOW_STATUS_SUCCESS)
			continue;
		l->st.flow_refused++;
		lma_json_str(id, sizeof(id), pbu->mn_id, pbu->mn_id_len);
		lma_act_event(out, LMA_EV_FLOW_REFUSED,
			      "\"mn_id\":%s,\"fid\":%u,\"action\":\"%s\",\"status\":%u,\"why\":\"%s\"",
			      id, f->fid, mh_flow_action_name(f->action), echo->status, q.why);
	}
}
